//! `storyline train events` (the event lexicon) and `storyline eval events` (PLOVER gold
//! records and the PETRARCH2 unit tests).

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Args;
use rayon::prelude::*;
use storyline_extract::Annotator;
use storyline_extract::events::{LEXICON_FILE, Lexicon, petrarch, plover};
use storyline_model::{Annotations, Article};

use crate::EXIT_OK;

#[derive(Args)]
pub struct TrainEventsArgs {
    /// The shared data folder (holding petrarch2_dictionaries/ and plover/).
    #[arg(long)]
    pub data: PathBuf,
    /// The folder of storyline's own event words (event_nouns.tsv, event_verbs.tsv).
    #[arg(long, default_value = "crates/extract/data")]
    pub words: PathBuf,
    /// Where to write the lexicon.
    #[arg(long, default_value = "models")]
    pub out: PathBuf,
}

#[derive(Args)]
pub struct EvalEventsArgs {
    /// PLOVER gold-standard records (JSON array), e.g.
    /// ../shared/data/plover/PLOVER_GSR_dev.json.
    #[arg(long)]
    pub plover: Option<PathBuf>,
    /// PETRARCH2 unit-test records (XML), e.g.
    /// ../shared/data/petrarch2_unittests/PETR.UnitTest.records.xml.
    #[arg(long)]
    pub petrarch: Option<PathBuf>,
    /// Print every PLOVER record with what was coded, marking wrong type (T), actor (A) or
    /// recipient (R).
    #[arg(long)]
    pub errors: bool,
}

pub fn train(args: TrainEventsArgs) -> Result<u8> {
    let cameo = args.data.join("petrarch2_dictionaries/CAMEO.2.0.txt");
    let table = args.data.join("plover/CAMEO2PLOVER-2021.txt");
    let agents = args.data.join("petrarch2_dictionaries/Phoenix.agents.txt");
    let lexicon = Lexicon::build(&cameo, &table, &agents, &args.words)
        .context("building the event lexicon")?;
    let data = lexicon.data();
    let patterns: usize = data.blocks.iter().map(Vec::len).sum();
    std::fs::create_dir_all(&args.out).with_context(|| args.out.display().to_string())?;
    let path = args.out.join(LEXICON_FILE);
    let bytes = lexicon.to_bytes()?;
    std::fs::write(&path, &bytes).with_context(|| path.display().to_string())?;
    println!(
        "wrote {} ({} bytes): {} verbs, {} patterns, {} event nouns, {} agent nouns, {} CAMEO-to-PLOVER codes",
        path.display(),
        bytes.len(),
        data.verbs.len(),
        patterns,
        data.nouns.len(),
        data.agents.len(),
        data.plover.len()
    );
    Ok(EXIT_OK)
}

fn annotate_texts(annotator: &Annotator, texts: &[&str]) -> Vec<Annotations> {
    texts
        .par_iter()
        .map(|text| {
            let article = Article::from_text("eval", text);
            annotator.annotate(&article)
        })
        .collect()
}

pub fn eval(args: EvalEventsArgs) -> Result<u8> {
    if args.plover.is_none() && args.petrarch.is_none() {
        anyhow::bail!("name the data to score: --plover FILE and/or --petrarch FILE");
    }
    let annotator = Annotator::load()?;
    if let Some(path) = &args.plover {
        let records = plover::read_gsr(path)?;
        let texts: Vec<&str> = records.iter().map(|r| r.text.as_str()).collect();
        let started = Instant::now();
        let layers = annotate_texts(&annotator, &texts);
        let seconds = started.elapsed().as_secs_f64();
        let mut scores = plover::Scores::default();
        for (record, layer) in records.iter().zip(&layers) {
            scores.add(record, &layer.events);
            if args.errors {
                print_record(record, &layer.events);
            }
        }
        println!("PLOVER records: {} ({})", scores.records, path.display());
        println!(
            "event type accuracy: {:.1}% ({} of {}; {} records coded)",
            scores.type_accuracy() * 100.0,
            scores.type_correct,
            scores.records,
            scores.coded
        );
        println!(
            "actor accuracy:      {:.1}% ({} of {} records with a gold actor)",
            scores.actor_accuracy() * 100.0,
            scores.actor_correct,
            scores.actor_total
        );
        println!(
            "recipient accuracy:  {:.1}% ({} of {} records with a gold recipient)",
            scores.recipient_accuracy() * 100.0,
            scores.recipient_correct,
            scores.recipient_total
        );
        println!("confusion (gold → predicted, count):");
        for ((gold, predicted), n) in &scores.confusion {
            if gold != predicted {
                println!("  {gold:<10} → {predicted:<10} {n}");
            }
        }
        println!(
            "speed: {:.0} sentences/s (all layers, {} threads)",
            records.len() as f64 / seconds,
            rayon::current_num_threads()
        );
    }
    if let Some(path) = &args.petrarch {
        let tests = petrarch::read_unit_tests(path)?;
        let texts: Vec<&str> = tests.iter().map(|t| t.text.as_str()).collect();
        let layers = annotate_texts(&annotator, &texts);
        let lexicon = storyline_extract::events::EventFinder::load()?;
        let (mut agree, mut expected_total, mut expected_found) = (0, 0, 0);
        for (test, layer) in tests.iter().zip(&layers) {
            let expected: BTreeSet<String> = test
                .expected
                .iter()
                .filter_map(|code| lexicon.lexicon().plover(code))
                .map(|(kind, _)| kind.to_string())
                .collect();
            let found: BTreeSet<String> = layer.events.iter().map(|e| e.kind.to_string()).collect();
            agree += usize::from(expected == found);
            expected_total += expected.len();
            expected_found += expected.intersection(&found).count();
        }
        println!(
            "PETRARCH2 unit tests: {} sentences ({})",
            tests.len(),
            path.display()
        );
        println!(
            "same set of PLOVER types: {:.1}% ({agree} of {})",
            agree as f64 * 100.0 / tests.len().max(1) as f64,
            tests.len()
        );
        println!(
            "expected types found:     {:.1}% ({expected_found} of {expected_total})",
            expected_found as f64 * 100.0 / expected_total.max(1) as f64
        );
    }
    Ok(EXIT_OK)
}

fn print_record(record: &plover::GsrRecord, events: &[storyline_model::Event]) {
    let event = plover::primary(events);
    let kind = event.map(plover::plover_type);
    let wrong_type = kind != Some(record.event);
    let actor = event.and_then(|e| e.actor.as_ref());
    let recipient = event.and_then(|e| e.recipient.as_ref());
    let wrong_actor = !record.sources.is_empty()
        && !actor.is_some_and(|a| plover::matches_actor(a, &record.sources));
    let wrong_recipient = !record.targets.is_empty()
        && !recipient.is_some_and(|r| plover::matches_actor(r, &record.targets));
    let marks: String = [
        (wrong_type, 'T'),
        (wrong_actor, 'A'),
        (wrong_recipient, 'R'),
    ]
    .iter()
    .map(|&(wrong, c)| if wrong { c } else { '.' })
    .collect();
    println!(
        "{marks}\t{}\t{}/{}\t{}\tactor={:?} (gold {:?})\trecipient={:?} (gold {:?})\t{}",
        record.id,
        record.event,
        kind.map_or("-".to_owned(), |k| k.to_string()),
        event.map_or(String::new(), |e| format!(
            "[{}] {:?} {:?}",
            e.cameo, e.trigger.text, e.status
        )),
        actor.map(|a| a.mention.text.as_str()),
        record.sources,
        recipient.map(|a| a.mention.text.as_str()),
        record.targets,
        record.text
    );
}

#[derive(Args)]
pub struct EventsArgs {
    /// Only events of this story (an id or unique id prefix, as `storyline stories` lists).
    #[arg(long)]
    pub story: Option<String>,
    /// Only events of this PLOVER type (CONSULT, ASSAULT, …).
    #[arg(long = "type", value_name = "TYPE", value_parser = parse_event_type)]
    pub kind: Option<String>,
    /// One JSON object per line instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct StoryFactsArgs {
    /// The story: an id or unique id prefix, as `storyline stories` lists them.
    pub story: String,
    /// One JSON object per line instead of text.
    #[arg(long)]
    pub json: bool,
}

fn parse_event_type(name: &str) -> Result<String, String> {
    storyline_model::EventType::parse(name)
        .map(|t| t.to_string())
        .ok_or_else(|| {
            let names: Vec<&str> = storyline_model::EventType::ALL
                .iter()
                .map(|t| t.as_str())
                .collect();
            format!("not a PLOVER event type; one of {}", names.join(", "))
        })
}

/// The article ids of the story `prefix` names, or an error saying how to find one.
fn story_articles(store: &storyline_store::Store, prefix: &str) -> Result<(String, Vec<String>)> {
    let ids = store.resolve_story(prefix)?;
    let id = match ids.as_slice() {
        [one] => one.clone(),
        [] => anyhow::bail!("no story starts with {prefix:?}; `storyline stories` lists them"),
        _ => anyhow::bail!(
            "{prefix:?} matches {} stories; give more of the id",
            ids.len()
        ),
    };
    let members = store
        .story_members(&id)?
        .into_iter()
        .map(|m| m.article_id)
        .collect();
    Ok((id, members))
}

fn short(id: &str) -> &str {
    &id[..id.len().min(12)]
}

pub fn events(global: &crate::GlobalArgs, args: EventsArgs) -> Result<u8> {
    use std::io::Write;
    let store = crate::commands::open_existing(global)?;
    let members = match &args.story {
        Some(prefix) => Some(story_articles(&store, prefix)?.1),
        None => None,
    };
    let rows = storyline_server::facts::events(&store, members.as_deref(), args.kind.as_deref())?;
    let mut out = std::io::stdout().lock();
    for e in &rows {
        if args.json {
            writeln!(out, "{}", serde_json::to_string(e)?)?;
            continue;
        }
        let who = |name: &Option<String>| name.clone().unwrap_or_else(|| "-".to_owned());
        writeln!(
            out,
            "{}  {:10}  {:9} {:12}  {} → {}  [{}]{}{}\n    {}",
            short(&e.article_id),
            e.published
                .as_deref()
                .and_then(|p| p.get(..10))
                .unwrap_or("?"),
            e.kind,
            e.status,
            who(&e.actor),
            who(&e.recipient),
            e.trigger,
            e.time.as_ref().map_or(String::new(), |t| format!("  {t}")),
            e.place
                .as_ref()
                .map_or(String::new(), |p| format!("  in {p}")),
            e.evidence
        )?;
    }
    if !args.json {
        eprintln!("{} events", rows.len());
    }
    Ok(EXIT_OK)
}

pub fn timeline(global: &crate::GlobalArgs, args: StoryFactsArgs) -> Result<u8> {
    use std::io::Write;
    let store = crate::commands::open_existing(global)?;
    let (id, members) = story_articles(&store, &args.story)?;
    let entries = storyline_server::facts::story_timeline(&store, &members)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        for entry in &entries {
            writeln!(out, "{}", serde_json::to_string(entry)?)?;
        }
        return Ok(EXIT_OK);
    }
    writeln!(out, "story {id}: {} timeline entries", entries.len())?;
    for entry in &entries {
        let date = entry.date.as_ref().map_or("?", |d| d.value.as_str());
        let label = |p: &Option<storyline_corpus::timeline::Party>| {
            p.as_ref().map_or("-".to_owned(), |p| p.label.clone())
        };
        writeln!(
            out,
            "\n{date}{}  {} {}  {} → {}{}  ({} articles)",
            if entry.undated { " (article date)" } else { "" },
            entry.kind,
            entry.status,
            label(&entry.actor),
            label(&entry.recipient),
            entry
                .place
                .as_ref()
                .map_or(String::new(), |p| format!("  in {}", p.label)),
            entry.articles.len()
        )?;
        for r in &entry.reports {
            writeln!(
                out,
                "  {} {}: {}",
                short(&r.article_id),
                r.source,
                r.evidence
            )?;
        }
        for q in &entry.quotes {
            writeln!(
                out,
                "  “{}” — {}",
                q.text,
                q.speaker.as_deref().unwrap_or("unattributed")
            )?;
        }
    }
    Ok(EXIT_OK)
}

pub fn claims(global: &crate::GlobalArgs, args: StoryFactsArgs) -> Result<u8> {
    use std::io::Write;
    let store = crate::commands::open_existing(global)?;
    let (id, members) = story_articles(&store, &args.story)?;
    let claims = storyline_server::facts::story_claims(&store, &members)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        for claim in &claims {
            writeln!(out, "{}", serde_json::to_string(claim)?)?;
        }
        return Ok(EXIT_OK);
    }
    let disputed = claims.iter().filter(|c| c.is_disputed()).count();
    writeln!(
        out,
        "story {id}: {} claims, {disputed} disputed",
        claims.len()
    )?;
    for (i, c) in claims.iter().enumerate() {
        let who = c.asserted.who.as_deref().unwrap_or("unattributed");
        writeln!(
            out,
            "\n[{i}] {who} ({} {}): {}",
            short(&c.asserted.article_id),
            c.asserted.source,
            c.text
        )?;
        for d in &c.disputed_by {
            writeln!(
                out,
                "    disputed by {} ({} {}): “{}”",
                d.who.as_deref().unwrap_or("unattributed"),
                short(&d.article_id),
                d.source,
                d.text
            )?;
        }
        for &other in &c.conflicts_with {
            let o = &claims[other];
            writeln!(
                out,
                "    conflicts with [{other}] {} ({}): {}",
                o.asserted.who.as_deref().unwrap_or("unattributed"),
                o.asserted.source,
                o.text
            )?;
        }
    }
    Ok(EXIT_OK)
}
