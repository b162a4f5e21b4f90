//! `storyline bench`: ingest throughput and memory on a generated corpus.
//!
//! The corpus is synthetic but shaped like news: a headline, a dateline lede, 8 to 14
//! paragraphs of 2 to 4 sentences, quotes, numbers, and the page junk the cleaner removes.
//! Generation is deterministic (fixed seed), so runs compare.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use storyline_ingest::{InputSpec, Options};
use storyline_store::Store;

use crate::{EXIT_OK, GlobalArgs, pipeline};

#[derive(Subcommand)]
pub enum BenchCommand {
    /// Ingest throughput and memory: generate a corpus, ingest it into a fresh store.
    Ingest(IngestBenchArgs),
    /// Language layers: tokens per second through tokenise, split, tag, lemmatise and NER,
    /// on one thread, over cleaned articles (generated, or read from files).
    Nlp(NlpBenchArgs),
}

#[derive(Args)]
pub struct NlpBenchArgs {
    /// Articles to generate when no files are given.
    #[arg(long, default_value_t = 2_000)]
    articles: usize,
    /// Read these files or folders (any input format) instead of generating articles.
    #[arg(long, num_args = 1..)]
    input: Vec<String>,
    /// Repeat the corpus this many times (for small real corpora).
    #[arg(long, default_value_t = 1)]
    repeat: usize,
    /// Also time the fact layers on top (quotes, times, quantities, events with claims),
    /// each on its own.
    #[arg(long)]
    facts: bool,
    /// With --facts, time each fact layer this many times in a row and report the median
    /// round (and the slowest and fastest): on a shared or virtual machine single runs
    /// spread widely.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    rounds: u32,
}

#[derive(Args)]
pub struct IngestBenchArgs {
    /// Articles to generate and ingest.
    #[arg(long, default_value_t = 100_000)]
    articles: usize,
    /// Corpus layout: one JSONL file, or one plain-text file per article.
    #[arg(long, default_value = "jsonl", value_parser = ["jsonl", "text"])]
    corpus: String,
    /// Keep the generated corpus and store in this folder instead of a temporary one.
    #[arg(long)]
    keep: Option<PathBuf>,
}

pub fn run(global: &GlobalArgs, command: BenchCommand) -> Result<u8> {
    match command {
        BenchCommand::Ingest(args) => ingest(global, args),
        BenchCommand::Nlp(args) => nlp(args),
    }
}

fn nlp(args: NlpBenchArgs) -> Result<u8> {
    let language = storyline_nlp::pipeline::Pipeline::load()?;
    let texts: Vec<String> = if args.input.is_empty() {
        let mut rng = Rng(0x5eed);
        (0..args.articles)
            .map(|i| {
                let raw = storyline_ingest::RawRecord {
                    origin: storyline_model::Origin {
                        path: format!("generated-{i}"),
                        record: None,
                    },
                    format: storyline_model::Format::Text,
                    body: storyline_ingest::Body::Text(generate(&mut rng, i).body),
                    meta: storyline_ingest::Meta::default(),
                };
                storyline_ingest::build_article(raw, &Options::default()).map(|a| a.text)
            })
            .collect::<Result<_, _>>()?
    } else {
        let (inputs, errors) = storyline_ingest::expand_inputs(&args.input);
        if let Some(err) = errors.first() {
            anyhow::bail!("{err}");
        }
        let mut texts = Vec::new();
        for input in &inputs {
            for raw in storyline_ingest::read_input(input, &Options::default()) {
                texts.push(storyline_ingest::build_article(raw?, &Options::default())?.text);
            }
        }
        texts
    };
    let articles = texts.len() * args.repeat;
    let started = Instant::now();
    let cpu_started = thread_cpu_seconds();
    let (mut tokens, mut entities) = (0usize, 0usize);
    let mut all_layers = Vec::with_capacity(if args.facts { articles } else { 0 });
    for _ in 0..args.repeat {
        for text in &texts {
            let layers = language.annotate(text);
            tokens += layers.tokens.len();
            entities += layers.entities.len();
            if args.facts {
                all_layers.push(layers);
            }
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    // On a shared machine wall-clock time counts the time other processes held the core;
    // the thread's CPU time is what "tokens per second on one core" means.
    let cpu_seconds = thread_cpu_seconds()
        .zip(cpu_started)
        .map_or(seconds, |(end, start)| end - start);
    println!(
        "articles={articles} tokens={tokens} entities={entities} threads=1 seconds={seconds:.2} tokens_per_s={:.0} articles_per_s={:.0} cpu_seconds={cpu_seconds:.2} tokens_per_cpu_s={:.0}",
        tokens as f64 / seconds,
        articles as f64 / seconds,
        tokens as f64 / cpu_seconds,
    );
    if args.facts {
        fact_layers(&texts, &all_layers, args.rounds as usize)?;
    }
    Ok(EXIT_OK)
}

/// Times each fact layer over language layers computed beforehand (one thread), `rounds`
/// times; relative dates resolve against a fixed publication date.
fn fact_layers(
    texts: &[String],
    all_layers: &[storyline_nlp::pipeline::Layers],
    rounds: usize,
) -> Result<()> {
    use storyline_extract::{quantity::QuantityFinder, quotes::QuoteFinder, time::TimeFinder};
    let quote_finder = QuoteFinder::load()?;
    let time_finder = TimeFinder::new();
    let quantity_finder = QuantityFinder::new();
    let published = chrono::NaiveDate::from_ymd_opt(2025, 3, 17);
    let inputs = || texts.iter().cycle().zip(all_layers);
    // Per layer, wall-clock and CPU time of this thread: on a shared machine the wall clock
    // also counts the time other processes held the core ("per core" is the CPU figure, as
    // for the language layers above).
    // The median round's figures are printed (by CPU time; with an even count, the slower
    // of the middle two), then the spread of every round's articles per CPU second.
    let timed = |layer: &str, run: &mut dyn FnMut() -> usize| {
        let mut found = 0;
        let mut times: Vec<(f64, f64)> = (0..rounds)
            .map(|_| {
                let started = Instant::now();
                let cpu_started = thread_cpu_seconds();
                found = run();
                let seconds = started.elapsed().as_secs_f64();
                let cpu_seconds = thread_cpu_seconds()
                    .zip(cpu_started)
                    .map_or(seconds, |(end, start)| end - start);
                (cpu_seconds, seconds)
            })
            .collect();
        times.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (cpu_seconds, seconds) = times[rounds / 2];
        let articles = all_layers.len() as f64;
        let spread = if rounds > 1 {
            format!(
                " rounds={rounds} slowest_per_cpu_s={:.0} fastest_per_cpu_s={:.0}",
                articles / times[rounds - 1].0,
                articles / times[0].0
            )
        } else {
            String::new()
        };
        println!(
            "layer={layer} articles={} found={found} threads=1 seconds={seconds:.2} articles_per_s={:.0} cpu_seconds={cpu_seconds:.2} articles_per_cpu_s={:.0}{spread}",
            all_layers.len(),
            articles / seconds,
            articles / cpu_seconds,
        );
    };
    let mut quotes = Vec::new();
    timed("quotes", &mut || {
        quotes = inputs()
            .map(|(text, layers)| quote_finder.find(text, layers))
            .collect();
        quotes.iter().map(Vec::len).sum()
    });
    let mut times = Vec::new();
    timed("times", &mut || {
        times = inputs()
            .map(|(text, layers)| time_finder.find(text, layers, published))
            .collect();
        times.iter().map(Vec::len).sum()
    });
    let mut quantities = Vec::new();
    timed("quantities", &mut || {
        quantities = inputs()
            .zip(&quotes)
            .map(|((text, layers), quotes)| quantity_finder.find(text, layers, quotes))
            .collect();
        quantities.iter().map(Vec::len).sum()
    });
    let event_finder = storyline_extract::events::EventFinder::load()?;
    let cues = quote_finder.lexicon();
    timed("events+claims", &mut || {
        inputs()
            .zip(quotes.iter().zip(times.iter().zip(&quantities)))
            .map(|((text, layers), (quotes, (times, quantities)))| {
                let (events, claims) =
                    event_finder.find(text, layers, cues, quotes, times, quantities);
                events.len() + claims.len()
            })
            .sum()
    });
    Ok(())
}

fn ingest(global: &GlobalArgs, args: IngestBenchArgs) -> Result<u8> {
    let temporary;
    let dir = match &args.keep {
        Some(dir) => {
            std::fs::create_dir_all(dir)?;
            dir.clone()
        }
        None => {
            temporary = tempdir()?;
            temporary.clone()
        }
    };
    let generated = Instant::now();
    let (inputs, bytes) = match args.corpus.as_str() {
        "jsonl" => write_jsonl(&dir.join("corpus.jsonl"), args.articles)?,
        _ => write_text_files(&dir.join("corpus"), args.articles)?,
    };
    eprintln!(
        "generated {} articles ({:.1} MB) in {:.1}s",
        args.articles,
        bytes as f64 / 1e6,
        generated.elapsed().as_secs_f64()
    );
    let db = dir.join("bench.db");
    let _ = std::fs::remove_file(&db);
    let mut store = Store::open(&db)?;
    let search_sync =
        storyline_store::BackgroundSync::start(&db, crate::commands::SEARCH_SYNC_INTERVAL)?;
    let seen_at = "bench";
    let started = Instant::now();
    let (mut done, mut next_report) = (0usize, args.articles / 10);
    let baseline_rss = rss_kib("VmRSS");
    let mut failures = 0u64;
    pipeline::run(
        &inputs,
        &Options::default(),
        1000,
        |articles, _| {
            done += articles.len();
            store.insert_batch(&articles, seen_at)?;
            // As `storyline ingest` does: the search index is part of storing.
            search_sync.poke();
            if done >= next_report {
                eprintln!(
                    "  {done:>9} articles  {:>8.0} articles/s  rss {:>7.1} MiB",
                    done as f64 / started.elapsed().as_secs_f64(),
                    rss_kib("VmRSS") as f64 / 1024.0
                );
                next_report += args.articles / 10;
            }
            Ok::<_, storyline_store::StoreError>(())
        },
        |err| {
            failures += 1;
            eprintln!("storyline: error: {err}");
        },
    )?;
    search_sync.finish()?;
    let seconds = started.elapsed().as_secs_f64();
    let stored = store.count()?;
    println!(
        "corpus={} articles={} stored={} failed={} threads={} seconds={:.2} articles_per_s={:.0} mb_per_s={:.1} rss_start_mib={:.1} peak_rss_mib={:.1}",
        args.corpus,
        args.articles,
        stored,
        failures,
        global.threads.unwrap_or_else(rayon::current_num_threads),
        seconds,
        args.articles as f64 / seconds,
        bytes as f64 / 1e6 / seconds,
        baseline_rss as f64 / 1024.0,
        rss_kib("VmHWM") as f64 / 1024.0,
    );
    if args.keep.is_none() {
        std::fs::remove_dir_all(&dir).ok();
    }
    Ok(EXIT_OK)
}

fn tempdir() -> Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("storyline-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir)
}

/// A field of /proc/self/status in KiB (0 where /proc is not available).
fn rss_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

fn write_jsonl(path: &Path, count: usize) -> Result<(Vec<InputSpec>, u64)> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    let mut rng = Rng(0x5eed);
    let mut bytes = 0;
    for i in 0..count {
        let article = generate(&mut rng, i);
        let line = serde_json::json!({
            "id": format!("gen-{i}"),
            "source": article.source,
            "title": article.headline,
            "published": article.published,
            "text": article.body,
        })
        .to_string();
        bytes += line.len() as u64 + 1;
        writeln!(out, "{line}")?;
    }
    out.flush()?;
    Ok((vec![InputSpec::File(path.to_owned())], bytes))
}

fn write_text_files(dir: &Path, count: usize) -> Result<(Vec<InputSpec>, u64)> {
    std::fs::create_dir_all(dir)?;
    let mut rng = Rng(0x5eed);
    let mut bytes = 0;
    for i in 0..count {
        let article = generate(&mut rng, i);
        let text = format!("{}\n\n{}\n", article.headline, article.body);
        bytes += text.len() as u64;
        // Sub-folders of 1,000 keep directories small.
        let sub = dir.join(format!("{:04}", i / 1000));
        if i % 1000 == 0 {
            std::fs::create_dir_all(&sub)?;
        }
        std::fs::write(sub.join(format!("{i:07}.txt")), text)?;
    }
    let (inputs, _) = storyline_ingest::expand_inputs(&[dir.display().to_string()]);
    Ok((inputs, bytes))
}

struct GeneratedArticle {
    source: &'static str,
    headline: String,
    published: String,
    body: String,
}

/// xorshift64*: tiny, deterministic, good enough to vary synthetic text.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const SOURCES: &[&str] = &[
    "Northlight Wire",
    "The Valley Courier",
    "Harbour Post",
    "Meridian News",
];
const PLACES: &[&str] = &[
    "OBERHAVEN",
    "PORT MERREN",
    "CALDERA ALTA",
    "DRAVIK",
    "BRENNA",
    "KESTREL BAY",
];
const PEOPLE: &[&str] = &[
    "Mayor Ilse Brandt",
    "Minister Tomas Varga",
    "union leader Ana Lima",
    "Chief Engineer Rui Costa",
    "council member Jonah Pike",
    "spokeswoman Mira Okafor",
];
const SUBJECTS: &[&str] = &[
    "The council",
    "Dock workers",
    "The ministry",
    "Local traders",
    "The rail operator",
    "Residents",
    "The regional government",
    "Farmers",
    "The port authority",
    "Hospital staff",
];
const VERBS: &[&str] = &[
    "approved",
    "rejected",
    "delayed",
    "announced",
    "questioned",
    "funded",
    "opposed",
    "debated",
    "expanded",
    "reviewed",
];
const OBJECTS: &[&str] = &[
    "a plan to rebuild the harbour wall",
    "new limits on night freight",
    "the budget for flood defences",
    "a proposal for a tram line",
    "the sale of the old glassworks",
    "an inquiry into the water supply",
    "a pay offer worth 4 percent",
    "the closure of two clinics",
    "tighter rules on short lets",
];
const TAILS: &[&str] = &[
    "after weeks of talks",
    "on Tuesday",
    "despite strong objections",
    "in a tight vote",
    "before the summer recess",
    "following a public hearing",
    "amid rising costs",
    "last week",
];
const JUNK: &[&str] = &[
    "Advertisement",
    "Share this article",
    "Read more: Port traffic rises",
    "•",
];

fn generate(rng: &mut Rng, i: usize) -> GeneratedArticle {
    let subject = rng.pick(SUBJECTS);
    let headline = format!(
        "{} {} {} {}",
        subject,
        rng.pick(VERBS),
        rng.pick(OBJECTS),
        i
    );
    let mut body = String::new();
    let paragraphs = 8 + rng.below(7);
    for p in 0..paragraphs {
        if p == 0 {
            body.push_str(&format!("{} (Northlight) - ", rng.pick(PLACES)));
        }
        for s in 0..2 + rng.below(3) {
            if s > 0 {
                body.push(' ');
            }
            if rng.below(5) == 0 {
                body.push_str(&format!(
                    "“We {} {} and we will not wait,” said {}.",
                    rng.pick(VERBS),
                    rng.pick(OBJECTS),
                    rng.pick(PEOPLE)
                ));
            } else {
                body.push_str(&format!(
                    "{} {} {} {}, with {} people affected.",
                    rng.pick(SUBJECTS),
                    rng.pick(VERBS),
                    rng.pick(OBJECTS),
                    rng.pick(TAILS),
                    1 + rng.below(20_000)
                ));
            }
        }
        body.push_str(&format!(" Ref {i}-{p}.\n\n"));
        if rng.below(6) == 0 {
            body.push_str(rng.pick(JUNK));
            body.push_str("\n\n");
        }
    }
    GeneratedArticle {
        source: rng.pick(SOURCES),
        headline,
        published: format!("2025-{:02}-{:02}", 1 + rng.below(12), 1 + rng.below(28)),
        body,
    }
}

/// CPU time of the calling thread so far (Linux; `None` elsewhere).
pub(crate) fn thread_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanoseconds: f64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(nanoseconds / 1e9)
}
