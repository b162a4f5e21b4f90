//! Error analysis for ECB+ entity coreference (not a check: run by hand with
//! `cargo test --release -p storyline-corpus --test entities_ecbplus_errors -- --ignored --nocapture`).
//! Prints the scores with the documents grouped by our event clustering, by the gold
//! sub-topics and by topic, then the gold clusters our system splits and the system
//! clusters that mix gold clusters, with their mention texts.

mod common;

use std::collections::BTreeMap;

use storyline_corpus::entities::score::score;
use storyline_corpus::entities::{Resolver, ecbplus};

#[test]
#[ignore]
fn ecbplus_errors() {
    let resolver = Resolver::load().expect("lexicon");
    let topics: Vec<u32> = (1..=35).collect();
    let docs = ecbplus::load(&common::shared_dir().join("data/ecbplus"), &topics).expect("loads");
    let lemma = ecbplus::noun_lemma();
    let key = ecbplus::gold(&docs);
    let show = |name: &str, response: &[Vec<u32>]| {
        let s = score(&key, response);
        println!(
            "{name:<28} clusters {:>5}  MUC {:.2} B3 R {:.2} P {:.2} F {:.2} CEAFe R {:.2} P {:.2} F {:.2} CoNLL {:.2}",
            response.len(),
            s.muc.f1 * 100.0,
            s.b3.recall * 100.0,
            s.b3.precision * 100.0,
            s.b3.f1 * 100.0,
            s.ceaf_e.recall * 100.0,
            s.ceaf_e.precision * 100.0,
            s.ceaf_e.f1 * 100.0,
            s.conll * 100.0
        );
    };
    println!("gold clusters {}", key.len());
    show("baseline", &ecbplus::baseline(&docs, &lemma));
    let threshold = std::env::var("THRESHOLD")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(ecbplus::EVENT_THRESHOLD);
    let groups = ecbplus::event_groups(&docs, threshold);
    let system = ecbplus::system_in_groups(&docs, &resolver, &lemma, &groups);
    show("system", &system);
    let sub: Vec<usize> = docs
        .iter()
        .map(|d| d.topic as usize * 2 + usize::from(d.name.contains("ecbplus")))
        .collect();
    show(
        "system, gold sub-topics",
        &ecbplus::system_in_groups(&docs, &resolver, &lemma, &sub),
    );
    let by_topic: Vec<usize> = docs.iter().map(|d| d.topic as usize).collect();
    show(
        "system, one group per topic",
        &ecbplus::system_in_groups(&docs, &resolver, &lemma, &by_topic),
    );
    let singles = |c: &[Vec<u32>]| c.iter().filter(|c| c.len() == 1).count();
    println!(
        "singletons: gold {} system {}",
        singles(&key),
        singles(&system)
    );
    // Group purity against sub-topics.
    let mut pure = 0;
    let mut mixed = 0;
    let mut members: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, g) in groups.iter().enumerate() {
        members.entry(*g).or_default().push(i);
    }
    for docs_of in members.values() {
        let subs: std::collections::BTreeSet<usize> = docs_of.iter().map(|&i| sub[i]).collect();
        if subs.len() == 1 {
            pure += 1;
        } else {
            mixed += 1;
        }
    }
    println!(
        "event groups: {} ({pure} pure, {mixed} mixed)",
        members.len()
    );

    // Within-document view: per mention type, mentions with a gold partner in their
    // document that the system puts with none of them, and mentions the system puts with a
    // mention of another gold cluster of the same document.
    {
        let mut sys_of: BTreeMap<u32, usize> = BTreeMap::new();
        for (i, c) in system.iter().enumerate() {
            for &m in c {
                sys_of.insert(m, i);
            }
        }
        let mut stats: BTreeMap<&str, (usize, usize, usize, usize)> = BTreeMap::new();
        let mut examples: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for d in &docs {
            for m in &d.mentions {
                let h = ecbplus::head(d, m);
                let w = d.tokens[h].to_lowercase();
                let kind = if m.tokens.len() == 1
                    && matches!(
                        w.as_str(),
                        "he" | "him"
                            | "his"
                            | "himself"
                            | "she"
                            | "her"
                            | "hers"
                            | "herself"
                            | "they"
                            | "them"
                            | "their"
                            | "it"
                            | "its"
                            | "who"
                            | "which"
                            | "that"
                            | "there"
                            | "here"
                            | "where"
                            | "i"
                            | "me"
                            | "my"
                            | "we"
                            | "us"
                            | "our"
                            | "you"
                            | "your"
                            | "whom"
                            | "whose"
                            | "themselves"
                            | "itself"
                    ) {
                    "pronoun"
                } else if d.tokens[h].chars().next().is_some_and(|c| c.is_uppercase()) {
                    "name"
                } else {
                    "nominal"
                };
                let kind = if m.kind.starts_with("LOC") {
                    match kind {
                        "pronoun" => "loc-pronoun",
                        "name" => "loc-name",
                        _ => "loc-nominal",
                    }
                } else {
                    kind
                };
                let partners: Vec<&ecbplus::Mention> = d
                    .mentions
                    .iter()
                    .filter(|o| o.id != m.id && o.gold == m.gold)
                    .collect();
                let e = stats.entry(kind).or_default();
                e.0 += 1;
                if !partners.is_empty() {
                    e.1 += 1;
                    if !partners.iter().any(|o| sys_of[&o.id] == sys_of[&m.id]) {
                        e.2 += 1;
                        let ex = examples.entry(kind).or_default();
                        if ex.len() < 25 {
                            ex.push(format!(
                                "{}:{} ~ {}",
                                d.name,
                                d.tokens[m.tokens.clone()].join(" "),
                                partners
                                    .iter()
                                    .map(|o| d.tokens[o.tokens.clone()].join(" "))
                                    .collect::<Vec<_>>()
                                    .join(" / ")
                            ));
                        }
                    }
                }
                if d.mentions
                    .iter()
                    .any(|o| o.id != m.id && o.gold != m.gold && sys_of[&o.id] == sys_of[&m.id])
                {
                    e.3 += 1;
                }
            }
        }
        for (k, (all, with, missed, wrong)) in &stats {
            println!(
                "{k:<12} mentions {all:>5} with partner {with:>5} missed {missed:>5} wrongly joined {wrong:>5}"
            );
        }
        if std::env::var("WITHIN").is_ok() {
            for (k, ex) in &examples {
                println!("-- missed {k}");
                for e in ex {
                    println!("   {e}");
                }
            }
        }
    }

    // Texts of mentions.
    let mut text: BTreeMap<u32, String> = BTreeMap::new();
    let mut gold_of: BTreeMap<u32, String> = BTreeMap::new();
    for d in &docs {
        for m in &d.mentions {
            let t = d.tokens[m.tokens.clone()].join(" ");
            text.insert(
                m.id,
                format!(
                    "{}:{}[{}]",
                    d.name.trim_end_matches(".xml"),
                    t,
                    &m.kind[..5.min(m.kind.len())]
                ),
            );
            gold_of.insert(m.id, m.gold.clone());
        }
    }
    let mut sys_of: BTreeMap<u32, usize> = BTreeMap::new();
    for (i, c) in system.iter().enumerate() {
        for &m in c {
            sys_of.insert(m, i);
        }
    }
    let limit: usize = std::env::var("ERRORS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(40);
    println!("\n== gold clusters split by the system (largest loss first)");
    let mut split: Vec<(usize, &Vec<u32>)> = key
        .iter()
        .map(|c| {
            let mut parts: BTreeMap<usize, usize> = BTreeMap::new();
            for m in c {
                *parts.entry(sys_of[m]).or_default() += 1;
            }
            let biggest = parts.values().max().copied().unwrap_or(0);
            (c.len() - biggest, c)
        })
        .filter(|(loss, _)| *loss > 0)
        .collect();
    split.sort_by_key(|s| std::cmp::Reverse(s.0));
    for (loss, c) in split.iter().take(limit) {
        println!("-- gold {} size {} missing {loss}", gold_of[&c[0]], c.len());
        let mut parts: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
        for m in c.iter() {
            parts.entry(sys_of[m]).or_default().push(&text[m]);
        }
        let mut parts: Vec<Vec<&str>> = parts.into_values().collect();
        parts.sort_by_key(|p| std::cmp::Reverse(p.len()));
        for p in parts {
            let shown: Vec<&str> = p.iter().take(12).copied().collect();
            println!("   [{}] {}", p.len(), shown.join(" | "));
        }
    }
    println!("\n== system clusters mixing gold clusters");
    let mut mixed: Vec<(usize, &Vec<u32>)> = system
        .iter()
        .map(|c| {
            let mut parts: BTreeMap<&str, usize> = BTreeMap::new();
            for m in c {
                *parts.entry(&gold_of[m]).or_default() += 1;
            }
            let biggest = parts.values().max().copied().unwrap_or(0);
            (c.len() - biggest, c)
        })
        .filter(|(loss, _)| *loss > 0)
        .collect();
    mixed.sort_by_key(|m| std::cmp::Reverse(m.0));
    for (loss, c) in mixed.iter().take(limit) {
        println!("-- system size {} foreign {loss}", c.len());
        let mut parts: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for m in c.iter() {
            parts.entry(&gold_of[m]).or_default().push(&text[m]);
        }
        let mut parts: Vec<Vec<&str>> = parts.into_values().collect();
        parts.sort_by_key(|p| std::cmp::Reverse(p.len()));
        for p in parts {
            let shown: Vec<&str> = p.iter().take(10).copied().collect();
            println!("   [{}] {}", p.len(), shown.join(" | "));
        }
    }
}

/// Prints documents (`DOCS=1_17ecbplus,1_4ecbplus`) with their mentions bracketed and
/// numbered by gold cluster.
#[test]
#[ignore]
fn ecbplus_show() {
    let wanted: Vec<String> = std::env::var("DOCS")
        .unwrap_or_default()
        .split(',')
        .map(|s| format!("{s}.xml"))
        .collect();
    let topics: Vec<u32> = (1..=35).collect();
    let docs = ecbplus::load(&common::shared_dir().join("data/ecbplus"), &topics).expect("loads");
    for d in docs.iter().filter(|d| wanted.contains(&d.name)) {
        println!("== {}", d.name);
        let mut golds: Vec<&str> = Vec::new();
        let mut out = String::new();
        let mut sentence = u32::MAX;
        for (t, tok) in d.tokens.iter().enumerate() {
            if d.sentence[t] != sentence {
                sentence = d.sentence[t];
                out.push_str(&format!("\n[{sentence}] "));
            }
            for m in d.mentions.iter().filter(|m| m.tokens.start == t) {
                let g = golds.iter().position(|g| *g == m.gold).unwrap_or_else(|| {
                    golds.push(&m.gold);
                    golds.len() - 1
                });
                out.push_str(&format!("[{g}:"));
            }
            out.push_str(tok.trim());
            for m in d.mentions.iter().filter(|m| m.tokens.end == t + 1) {
                out.push_str(&format!("]{}", &m.kind[..7.min(m.kind.len())]));
            }
            out.push(' ');
        }
        println!("{out}");
    }
}
