//! The user-facing commands: argument checks, progress and output formatting.

use std::io::{IsTerminal, Read, Write};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;
use storyline_ingest::{InputSpec, Options, dates, expand_inputs};
use storyline_model::{Article, Document};
use storyline_nlp::conll;
use storyline_nlp::pipeline::Pipeline;
use storyline_store::{BackgroundSync, Outcome, Store};

use crate::enrich::Enricher;
use crate::{
    AnnotateArgs, EXIT_OK, EXIT_PARTIAL, GlobalArgs, IngestArgs, ListArgs, ReadArgs, pipeline,
};

/// Counts reported at the end of an ingest.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Summary {
    pub ingested: u64,
    /// New articles whose annotation layers were computed and stored.
    pub annotated: u64,
    pub duplicates: u64,
    pub already_stored: u64,
    pub failed: u64,
    pub seconds: f64,
}

impl Summary {
    fn line(&self) -> String {
        format!(
            "ingested {} new article{}, {} annotated, {} duplicate{}, {} already stored, {} failed in {:.2}s",
            self.ingested,
            plural(self.ingested),
            self.annotated,
            self.duplicates,
            plural(self.duplicates),
            self.already_stored,
            self.failed,
            self.seconds
        )
    }
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn read_options(args: &ReadArgs) -> Result<Options> {
    let published = match &args.published {
        Some(raw) => Some(dates::normalise(raw).with_context(|| {
            format!("--published {raw:?} is not a date; use ISO 8601, e.g. 2025-03-17")
        })?),
        None => None,
    };
    Ok(Options {
        published,
        format: args
            .input_format
            .as_deref()
            .map(|f| f.parse().expect("clap restricts the values")),
    })
}

/// Expands inputs; arguments that match nothing come back as failure messages. Fails when
/// nothing is left to read.
fn inputs(arguments: &[String]) -> Result<(Vec<InputSpec>, Vec<String>)> {
    let (inputs, errors) = expand_inputs(arguments);
    let errors: Vec<String> = errors.iter().map(ToString::to_string).collect();
    if inputs.is_empty() {
        bail!("no input to read: {}", errors.join("; "));
    }
    Ok((inputs, errors))
}

fn progress(global: &GlobalArgs) -> ProgressBar {
    if global.quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{spinner} {human_pos} records  {per_sec}  {elapsed}  {msg}")
            .expect("valid template"),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// How often a long ingest brings the search index up to date (from a thread of its own),
/// so searches running meanwhile find recent articles without waiting long.
pub(crate) const SEARCH_SYNC_INTERVAL: Duration = Duration::from_secs(2);

pub fn ingest(global: &GlobalArgs, args: IngestArgs) -> Result<u8> {
    let options = read_options(&args.read)?;
    let (inputs, bad_arguments) = inputs(&args.inputs)?;
    let mut store = Store::open(&global.db)?;
    let mut enricher = if args.no_annotate {
        None
    } else {
        Some(Enricher::load(Some(&store))?)
    };
    let mut story_index = crate::stories::load_story_index(&store)?;
    let search_sync = BackgroundSync::start(&global.db, SEARCH_SYNC_INTERVAL)?;
    let started = Instant::now();
    let bar = progress(global);
    let seen_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let mut summary = Summary::default();
    // With --json, failures go into the report (so they are kept); otherwise they are printed
    // as they happen and only counted.
    let mut failures: Vec<String> = Vec::new();
    let mut fail = |message: String| {
        summary.failed += 1;
        if args.json {
            failures.push(message);
        } else {
            bar.suspend(|| eprintln!("storyline: error: {message}"));
        }
    };
    bad_arguments.into_iter().for_each(&mut fail);
    let (mut ingested, mut duplicates, mut already_stored, mut annotated) = (0, 0, 0, 0);
    let result = pipeline::run(
        &inputs,
        &options,
        args.batch_size as usize,
        |articles, records| {
            let outcomes = store.insert_batch(&articles, &seen_at)?;
            for outcome in &outcomes {
                match outcome {
                    Outcome::New => ingested += 1,
                    Outcome::Duplicate => duplicates += 1,
                    Outcome::AlreadyStored => already_stored += 1,
                }
            }
            let new: Vec<&Article> = articles
                .iter()
                .zip(&outcomes)
                .filter(|(_, outcome)| **outcome == Outcome::New)
                .map(|(article, _)| article)
                .collect();
            let entities = match &mut enricher {
                Some(enricher) => Some(enricher.annotate_and_store(&mut store, &new)?),
                None => None,
            };
            annotated += entities.as_ref().map_or(0, |e| e.len() as u64);
            crate::stories::assign_stories(
                &mut store,
                &mut story_index,
                &new,
                entities.as_deref(),
            )?;
            search_sync.poke();
            bar.inc(records as u64);
            Ok::<_, anyhow::Error>(())
        },
        |err| fail(err.to_string()),
    );
    bar.finish_and_clear();
    result.with_context(|| format!("storing into {}", global.db.display()))?;
    search_sync
        .finish()
        .with_context(|| format!("indexing {} for search", global.db.display()))?;
    summary.ingested = ingested;
    summary.annotated = annotated;
    summary.duplicates = duplicates;
    summary.already_stored = already_stored;
    summary.seconds = started.elapsed().as_secs_f64();
    if args.json {
        #[derive(Serialize)]
        struct Report<'a> {
            #[serde(flatten)]
            summary: &'a Summary,
            failures: &'a [String],
        }
        println!(
            "{}",
            serde_json::to_string(&Report {
                summary: &summary,
                failures: &failures
            })?
        );
    } else if !global.quiet {
        eprintln!("{}", summary.line());
    }
    Ok(if summary.failed == 0 {
        EXIT_OK
    } else {
        EXIT_PARTIAL
    })
}

pub fn open_existing(global: &GlobalArgs) -> Result<Store> {
    require_store(global)?;
    Ok(Store::open_read_only(&global.db)?)
}

/// Like [`open_existing`], for commands that write into an existing store.
pub fn open_existing_for_update(global: &GlobalArgs) -> Result<Store> {
    require_store(global)?;
    Ok(Store::open(&global.db)?)
}

fn require_store(global: &GlobalArgs) -> Result<()> {
    if !global.db.exists() {
        bail!(
            "{}: no store here yet; run `storyline ingest PATH` first, or pass --db",
            global.db.display()
        );
    }
    Ok(())
}

pub fn articles(global: &GlobalArgs, args: ListArgs) -> Result<u8> {
    let store = open_existing(global)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for summary in store.summaries()? {
        if args.json {
            serde_json::to_writer(&mut out, &summary)?;
            writeln!(out)?;
        } else {
            writeln!(
                out,
                "{}  {:<10}  {:<24}  {:<70}  {:>6}",
                summary.id,
                summary
                    .published
                    .as_deref()
                    .map_or("-", |d| &d[..d.len().min(10)]),
                truncate(&summary.source, 24),
                truncate(summary.headline.as_deref().unwrap_or("-"), 70),
                summary.words
            )?;
        }
    }
    out.flush()?;
    Ok(EXIT_OK)
}

fn truncate(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        return s.to_owned();
    }
    let mut cut: String = s.chars().take(width - 1).collect();
    cut.push('…');
    cut
}

pub fn show(global: &GlobalArgs, key: &str, json: bool) -> Result<u8> {
    let store = open_existing(global)?;
    let ids = store.resolve(key)?;
    let id = match ids.as_slice() {
        [] => bail!(
            "no article id or input file name starts with {key:?}; `storyline articles` lists them"
        ),
        [id] => id,
        many => {
            let listed: Vec<&str> = many.iter().take(10).map(String::as_str).collect();
            bail!(
                "{key:?} matches {} articles ({}{}); give more of the id",
                many.len(),
                listed.join(", "),
                if many.len() > 10 { ", …" } else { "" }
            )
        }
    };
    let article = store
        .article(id)?
        .with_context(|| format!("article {id} vanished while reading"))?;
    let sightings = store.sightings(id)?;
    let mut out = std::io::stdout().lock();
    if json {
        #[derive(Serialize)]
        struct Shown<'a> {
            #[serde(flatten)]
            document: Document,
            sightings: &'a [storyline_store::Sighting],
        }
        serde_json::to_writer_pretty(
            &mut out,
            &Shown {
                document: Document {
                    annotations: store.annotations(id)?.unwrap_or_default(),
                    article,
                },
                sightings: &sightings,
            },
        )?;
        writeln!(out)?;
        return Ok(EXIT_OK);
    }
    print_article(&mut out, &article, &sightings)?;
    Ok(EXIT_OK)
}

fn print_article(
    out: &mut impl Write,
    article: &Article,
    sightings: &[storyline_store::Sighting],
) -> std::io::Result<()> {
    let fields = [
        ("id", Some(article.id.as_str())),
        ("headline", article.headline.as_deref()),
        ("source", Some(article.source.as_str())),
        ("published", article.published.as_deref()),
        ("section", article.section.as_deref()),
        ("dateline", article.dateline.as_deref()),
        ("byline", article.byline.as_deref()),
        ("credit", article.credit.as_deref()),
        ("language", article.language.as_deref()),
        ("url", article.url.as_deref()),
        ("input id", article.external_id.as_deref()),
        ("format", Some(article.format.as_str())),
    ];
    for (name, value) in fields {
        if let Some(value) = value {
            writeln!(out, "{:<10} {value}", format!("{name}:"))?;
        }
    }
    writeln!(out, "{:<10} {}", "words:", article.word_count())?;
    for sighting in sightings {
        writeln!(
            out,
            "{:<10} {} ({})",
            "seen in:", sighting.origin, sighting.seen_at
        )?;
    }
    writeln!(out)?;
    writeln!(out, "{}", article.text)?;
    if !article.removed.is_empty() {
        writeln!(out)?;
        writeln!(out, "removed by cleaning ({}):", article.removed.len())?;
        for removed in &article.removed {
            let reason = serde_json::to_value(removed.reason)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            match &removed.rule {
                Some(rule) => writeln!(out, "  [{reason}: {rule}] {}", removed.text)?,
                None => writeln!(out, "  [{reason}] {}", removed.text)?,
            }
        }
    }
    Ok(())
}

pub fn annotate(args: AnnotateArgs) -> Result<u8> {
    let options = read_options(&args.read)?;
    let (inputs, bad_arguments) = inputs(&args.inputs)?;
    for message in &bad_arguments {
        eprintln!("storyline: error: {message}");
    }
    if args.pretokenized {
        let language = Pipeline::load()?;
        return annotate_pretokenized(&language, &inputs, &args, bad_arguments.len());
    }
    if args.format != "json" {
        bail!("--format {} needs --pretokenized input", args.format);
    }
    let mut enricher = Enricher::load(None)?;
    let mut failed = bad_arguments.len();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    pipeline::run(
        &inputs,
        &options,
        256,
        |articles, _| -> Result<()> {
            let refs: Vec<&Article> = articles.iter().collect();
            let layers = enricher.annotate(&refs);
            let documents = articles
                .into_iter()
                .zip(layers)
                .map(|(article, annotations)| Document {
                    article,
                    annotations,
                });
            for document in documents {
                if args.pretty {
                    serde_json::to_writer_pretty(&mut out, &document)?;
                } else {
                    serde_json::to_writer(&mut out, &document)?;
                }
                writeln!(out)?;
            }
            Ok(())
        },
        |err| {
            failed += 1;
            eprintln!("storyline: error: {err}");
        },
    )?;
    out.flush()?;
    Ok(if failed == 0 { EXIT_OK } else { EXIT_PARTIAL })
}

/// One sentence per line, tokens separated by spaces: prints `token<TAB>tag` lines.
fn annotate_pretokenized(
    language: &Pipeline,
    inputs: &[InputSpec],
    args: &AnnotateArgs,
    mut failed: usize,
) -> Result<u8> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for input in inputs {
        let mut text = String::new();
        if let Err(err) = input.open().and_then(|mut r| r.read_to_string(&mut text)) {
            failed += 1;
            eprintln!("storyline: error: {}: {err}", input.display_name());
            continue;
        }
        let sentences: Vec<Vec<&str>> = text
            .lines()
            .map(|line| line.split_whitespace().collect::<Vec<_>>())
            .filter(|words| !words.is_empty())
            .collect();
        let upos: Vec<Vec<&str>> = sentences
            .iter()
            .map(|words| language.tagger().tag(words))
            .collect();
        let tags: Vec<Vec<String>> = if args.tag == "pos" {
            upos.iter()
                .map(|s| s.iter().map(|t| t.to_string()).collect())
                .collect()
        } else {
            let spans = language
                .recognizer()
                .recognize_document(&sentences, Some(&upos));
            sentences
                .iter()
                .zip(spans)
                .map(|(words, spans)| {
                    let chunks: Vec<conll::Chunk> = spans
                        .iter()
                        .map(|span| conll::Chunk {
                            start: span.start,
                            end: span.end,
                            kind: span.kind.conll_name().to_owned(),
                        })
                        .collect();
                    conll::tags_from_spans(words.len(), &chunks, conll::Scheme::Bio)
                })
                .collect()
        };
        for (words, tags) in sentences.iter().zip(&tags) {
            for (word, tag) in words.iter().zip(tags) {
                writeln!(out, "{word}\t{tag}")?;
            }
            writeln!(out)?;
        }
    }
    out.flush()?;
    Ok(if failed == 0 { EXIT_OK } else { EXIT_PARTIAL })
}
