//! Entity resolution throughput on one core: 1,000,000 mentions in generated articles with
//! realistic name variants (nicknames, romanisation variants, diacritics, middle initials,
//! surname-only repeats, titles, demonyms, old and new place names).
//!
//! `cargo test --release -p storyline-corpus --test entities_bench -- --ignored --nocapture`

use std::time::Instant;

use storyline_corpus::entities::{EntityIndex, Resolver};
use storyline_model::{EntityMention, EntityType, TokenAnnotation};

/// A small deterministic generator (xorshift), so runs are comparable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

const GIVEN: &[(&str, &str)] = &[
    ("Michael", "Mike"),
    ("William", "Bill"),
    ("Robert", "Bob"),
    ("Stephen", "Steve"),
    ("Peter", "Pete"),
    ("Volodymyr", "Vladimir"),
    ("Oleksandr", "Alexander"),
    ("Serhiy", "Sergei"),
    ("Katherine", "Kate"),
    ("Elizabeth", "Liz"),
    ("Jonas", "Jonas"),
    ("Dmytro", "Dmitry"),
];
const SYLLABLES: &[&str] = &[
    "ka", "ro", "mi", "len", "sto", "van", "der", "ber", "ko", "tal", "ha", "lo", "wit", "ru",
    "gar", "el", "son", "man", "ova", "ev", "ne", "pe",
];
const SLAVIC_ENDINGS: &[&[&str]] = &[&["skyy", "skiy", "sky"], &["enko"], &["ov", "ov"], &["ić"]];
const TITLES: &[&str] = &[
    "President",
    "Foreign Minister",
    "Defense Secretary",
    "spokeswoman",
    "envoy",
];
const PLACES: &[&str] = &[
    "Kyiv", "Kiev", "Kharkiv", "Kharkov", "Moscow", "Paris", "Istanbul", "Odesa", "Odessa",
];
const COUNTRIES: &[&str] = &[
    "Russia",
    "Russian",
    "Ukraine",
    "Ukrainian",
    "U.S.",
    "France",
];
const FILLER: &[&str] = &[
    "said",
    "on",
    "Tuesday",
    "that",
    "the",
    "talks",
    "would",
    "continue",
    "after",
    "a",
    "meeting",
    "in",
    "which",
    "officials",
    "discussed",
    "ceasefire",
    "terms",
    "and",
];

struct Person {
    given: usize,
    stem: String,
    endings: &'static [&'static str],
    initial: Option<char>,
}

impl Person {
    fn surname(&self, rng: &mut Rng) -> String {
        let mut s = format!("{}{}", self.stem, rng.pick(self.endings));
        // Diacritics dropped by some outlets.
        if rng.next().is_multiple_of(5) {
            s = s.replace('o', "ø");
        }
        s
    }
}

struct Builder {
    text: String,
    chars: usize,
    tokens: Vec<TokenAnnotation>,
    mentions: Vec<EntityMention>,
}

impl Builder {
    fn word(&mut self, w: &str) {
        if !self.text.is_empty() {
            self.text.push(' ');
            self.chars += 1;
        }
        let n = w.chars().count();
        self.tokens.push(TokenAnnotation {
            start: self.chars,
            end: self.chars + n,
            pos: "X".into(),
            lemma: String::new(),
        });
        self.text.push_str(w);
        self.chars += n;
    }

    fn mention(&mut self, words: &[&str], kind: EntityType) {
        let start = self.chars + usize::from(!self.text.is_empty());
        for w in words {
            self.word(w);
        }
        self.mentions.push(EntityMention {
            start,
            end: self.chars,
            kind,
            text: words.join(" "),
            entity: None,
        });
    }
}

#[test]
#[ignore = "benchmark: run in release"]
fn one_million_mentions() {
    let resolver = Resolver::load().expect("lexicon");
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let people: Vec<Person> = (0..50_000)
        .map(|_| {
            let syllables = 2 + (rng.next() % 2) as usize;
            let mut stem: String = (0..syllables).map(|_| rng.pick(SYLLABLES)).collect();
            stem[..1].make_ascii_uppercase();
            Person {
                given: (rng.next() % GIVEN.len() as u64) as usize,
                stem,
                endings: SLAVIC_ENDINGS[(rng.next() % SLAVIC_ENDINGS.len() as u64) as usize],
                initial: rng
                    .next()
                    .is_multiple_of(4)
                    .then(|| (b'A' + (rng.next() % 26) as u8) as char),
            }
        })
        .collect();
    // Generate articles first, so the timing is resolution only.
    let mut articles = Vec::new();
    let mut total = 0usize;
    while total < 1_000_000 {
        let mut b = Builder {
            text: String::new(),
            chars: 0,
            tokens: Vec::new(),
            mentions: Vec::new(),
        };
        // News follows a few people: a Zipf-like pick over the population.
        let cast: Vec<usize> = (0..5)
            .map(|_| {
                let r = (rng.next() % 1_000_000) as f64 / 1_000_000.0;
                ((people.len() as f64 * r * r) as usize).min(people.len() - 1)
            })
            .collect();
        for sentence in 0..12 {
            let p = &people[cast[sentence % cast.len()]];
            let (formal, short) = GIVEN[p.given];
            let surname = p.surname(&mut rng);
            let given = if rng.next().is_multiple_of(3) {
                short
            } else {
                formal
            };
            match (sentence < cast.len(), rng.next() % 3) {
                (true, 0) => {
                    b.word(rng.pick(TITLES));
                    let initial = p.initial.map(|c| format!("{c}."));
                    let mut words = vec![given];
                    words.extend(initial.as_deref());
                    words.push(&surname);
                    b.mention(&words, EntityType::Person);
                }
                (true, _) => b.mention(&[given, &surname], EntityType::Person),
                _ => b.mention(&[&surname], EntityType::Person),
            }
            for _ in 0..6 {
                b.word(rng.pick(FILLER));
            }
            b.mention(&[rng.pick(COUNTRIES)], EntityType::Place);
            b.word(rng.pick(FILLER));
            b.mention(&[rng.pick(PLACES)], EntityType::Place);
            b.word(".");
        }
        total += b.mentions.len();
        articles.push(b);
    }
    let started = Instant::now();
    let mut index = EntityIndex::new();
    let mut resolved = 0usize;
    let mut within = 0.0;
    for (i, a) in articles.iter().enumerate() {
        let t = Instant::now();
        let found = resolver.resolve_article(&a.text, &a.tokens, &a.mentions, Some("2025-03-17"));
        within += t.elapsed().as_secs_f64();
        resolved += found.mention_cluster.iter().flatten().count();
        index.attach(&resolver, &format!("a{i}"), &found);
    }
    println!("within-article {within:.1} s");
    let seconds = started.elapsed().as_secs_f64();
    let peak = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM")).map(|l| {
                l.split_whitespace()
                    .nth(1)
                    .unwrap_or("0")
                    .parse::<u64>()
                    .unwrap_or(0)
            })
        })
        .unwrap_or(0);
    println!(
        "{total} mentions in {} articles: {resolved} resolved into {} entities in {seconds:.1} s \
         ({:.0} mentions/s, one thread); peak RSS {} MB",
        articles.len(),
        index.entities().len(),
        total as f64 / seconds,
        peak / 1024
    );
    assert!(resolved as f64 > 0.99 * total as f64);
    assert!(seconds < 60.0, "{seconds:.1} s");
    assert!(peak < 2 * 1024 * 1024, "{} MB", peak / 1024);
}
