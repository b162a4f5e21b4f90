//! `storyline`: the command-line front end. Thin by design: it parses arguments, wires the
//! library crates together and prints; the work happens in `storyline-ingest` and
//! `storyline-store`.

mod bench;
mod commands;
mod enrich;
mod entities;
mod events;
mod extraction;
mod facts;
mod nlp;
mod pipeline;
mod quotes;
mod serve;
mod sources;
mod stories;
mod time;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

// Parsing pages and tagging text allocate many small, short-lived objects (DOM nodes,
// tokens, feature strings); mimalloc serves them faster than glibc's allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Exit status when every input went in (duplicates are not failures).
const EXIT_OK: u8 = 0;
/// Exit status when some inputs or records failed; the rest were processed.
const EXIT_PARTIAL: u8 = 1;
/// Exit status for usage errors and failures that stop the whole command.
const EXIT_FATAL: u8 = 2;

#[derive(Parser)]
#[command(
    name = "storyline",
    version,
    about = "Turn piles of news articles into sourced, deduplicated stories.",
    after_help = "EXIT STATUS:\n  0  everything went in (duplicates are not failures)\n  \
                  1  some inputs or records failed; each was reported on stderr and the rest went on\n  \
                  2  the command could not run (bad arguments, unusable database)\n\n\
                  EXAMPLES:\n  storyline ingest articles/                 ingest a folder, recursively\n  \
                  storyline articles                         list what is stored\n  \
                  storyline show 3fa2                        one article by id prefix (or file name prefix)\n  \
                  storyline annotate story.txt --published 2025-03-17   Document JSON on stdout"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    #[command(flatten)]
    global: GlobalArgs,
}

#[derive(Args, Clone)]
struct GlobalArgs {
    /// The store: a SQLite file, created when missing.
    #[arg(
        long,
        global = true,
        env = "STORYLINE_DB",
        default_value = "storyline.db"
    )]
    db: PathBuf,
    /// Print only errors: no progress bar, no summary.
    #[arg(long, short, global = true)]
    quiet: bool,
    /// Worker threads for per-article work (default: all cores).
    #[arg(long, global = true)]
    threads: Option<usize>,
}

#[derive(Subcommand)]
enum Command {
    /// Read articles into the store: files, folders (recursive), globs, or - for stdin.
    ///
    /// Formats are recognised by content (and extension): plain text, HTML pages, RSS/Atom/
    /// JSON Feed, JSONL (one article per line: id, url, source, title, text, html, published,
    /// language), WARC; any of them gzip- or zstd-compressed. Each article is cleaned and stored
    /// once under an id derived from its text; re-ingesting reports duplicates instead of
    /// storing them again. Failing files or records are reported with their path and record
    /// number, and the rest of the batch goes on.
    #[command(after_help = "EXAMPLES:\n  storyline ingest ../shared/seeds/\n  \
                            storyline ingest 'exports/**/*.jsonl.gz'\n  \
                            curl -s https://example.org/feed.xml | storyline ingest -\n  \
                            storyline ingest --published 2025-03-17 story.txt")]
    Ingest(IngestArgs),
    /// List stored articles: id, date, source, headline, words.
    Articles(ListArgs),
    /// Show one article: metadata, cleaned text and what cleaning removed; with `--json`,
    /// its Document JSON with the stored annotation layers.
    ///
    /// KEY is an id prefix, or the start of the input file's name (`show 001`).
    Show {
        key: String,
        #[arg(long)]
        json: bool,
    },
    /// Print Document JSON (one object per article and line) without touching the store:
    /// metadata, cleaned text, sentences, tokens (UPOS, lemma) and entity mentions.
    Annotate(AnnotateArgs),
    /// Print the main text of web pages (paragraphs separated by a blank line), or with
    /// `--json` the text and metadata, without touching the store.
    Extract(extraction::ExtractArgs),
    /// Quotes in the store: who said what, where and when.
    Quotes(facts::QuotesArgs),
    /// Numbers in the store with what they count and who claims them.
    Numbers(facts::NumbersArgs),
    /// Compute the annotation layers of stored articles that lack current ones (after
    /// `ingest --no-annotate`, or a model upgrade).
    Reannotate(facts::ReannotateArgs),
    /// Stories in the store: id, label, articles, date range, top entities.
    Stories(stories::StoriesArgs),
    /// One story: its articles (duplicates folded), entities and key quotes.
    Story(stories::StoryArgs),
    /// Exact, near-duplicate and syndicated groups in the store, with their similarity.
    Duplicates(stories::DuplicatesArgs),
    /// Cluster a JSONL stream of articles into stories without a store: writes id<TAB>story.
    Cluster(stories::ClusterArgs),
    /// PLOVER events in the store: type, actor → recipient, time, place, evidence sentence.
    Events(events::EventsArgs),
    /// A story's timeline: events merged across articles, dated, with their evidence.
    Timeline(events::StoryFactsArgs),
    /// A story's claims: who asserts what, who disputes it, and numbers that conflict.
    Claims(events::StoryFactsArgs),
    /// Entities in the store: id, name, type, aliases, roles, mentions, articles.
    Entities(entities::EntitiesArgs),
    /// One entity: aliases, roles over time, quotes, co-mentioned entities.
    Entity(entities::EntityArgs),
    /// Train a language model from the shared data (see models/README.md).
    #[command(subcommand)]
    Train(nlp::TrainCommand),
    /// Score the built-in (or $STORYLINE_MODELS) models on development data.
    #[command(subcommand)]
    Eval(nlp::EvalCommand),
    /// Measure throughput and memory on generated corpora.
    #[command(subcommand)]
    Bench(bench::BenchCommand),
    /// Followed feeds, news sitemaps and article pages: add, import, export, list, remove.
    #[command(subcommand)]
    Sources(sources::SourcesCommand),
    /// Poll every followed source, fetch new article pages politely, and store them; every
    /// interval until Ctrl-C or SIGTERM, or once with --once.
    Watch(sources::WatchArgs),
    /// Full-text search over articles (or quotes) with BM25 ranking, filters and snippets.
    Search(serve::SearchArgs),
    /// Serve the web UI and the JSON API (/api, OpenAPI at /api/openapi.json), read-only.
    Serve(serve::ServeArgs),
}

#[derive(Args)]
struct IngestArgs {
    /// Files, folders, glob patterns, or - for stdin.
    #[arg(required = true)]
    inputs: Vec<String>,
    #[command(flatten)]
    read: ReadArgs,
    /// Articles per transaction.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..))]
    batch_size: u64,
    /// Store the cleaned articles only, without annotation layers (sentences, entities,
    /// quotes, times, quantities); `storyline reannotate` adds them later.
    #[arg(long)]
    no_annotate: bool,
    /// Print the summary (and failures) as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct ReadArgs {
    /// Publication date (e.g. 2025-03-17) for inputs that carry none; dates found in the
    /// input's metadata win.
    #[arg(long, value_name = "DATE")]
    published: Option<String>,
    /// Read every input as this format instead of recognising it.
    #[arg(long, value_name = "FORMAT", value_parser = ["text", "html", "jsonl", "feed", "warc"])]
    input_format: Option<String>,
}

#[derive(Args)]
struct ListArgs {
    /// One JSON object per line instead of a table.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct AnnotateArgs {
    /// Files, folders, glob patterns, or - for stdin.
    #[arg(required = true)]
    inputs: Vec<String>,
    #[command(flatten)]
    read: ReadArgs,
    /// Indent the JSON.
    #[arg(long)]
    pretty: bool,
    /// Output: Document JSON, or `token<TAB>tag` lines (one blank line between sentences).
    #[arg(long, default_value = "json", value_parser = ["json", "conll"])]
    format: String,
    /// The input is one sentence per line with tokens separated by spaces (evaluation
    /// data); each file is one document.
    #[arg(long)]
    pretokenized: bool,
    /// With `--format conll`: the tag to print, entity (BIO, CoNLL type names) or UPOS.
    #[arg(long, default_value = "ner", value_parser = ["ner", "pos"])]
    tag: String,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("STORYLINE_LOG")
                // html5ever warns about every malformed page it repairs ("foster parenting
                // not implemented"); pages are hostile input, so that is noise, not news.
                .unwrap_or_else(|_| "warn,html5ever=error".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    if let Some(threads) = cli.global.threads
        && let Err(err) = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build_global()
    {
        eprintln!("storyline: error: cannot set up {threads} threads: {err}");
        return ExitCode::from(EXIT_FATAL);
    }
    let result = match cli.command {
        Command::Ingest(args) => commands::ingest(&cli.global, args),
        Command::Articles(args) => commands::articles(&cli.global, args),
        Command::Show { key, json } => commands::show(&cli.global, &key, json),
        Command::Annotate(args) => commands::annotate(args),
        Command::Extract(args) => extraction::extract(args),
        Command::Quotes(args) => facts::quotes(&cli.global, args),
        Command::Numbers(args) => facts::numbers(&cli.global, args),
        Command::Reannotate(args) => facts::reannotate(&cli.global, args),
        Command::Stories(args) => stories::stories(&cli.global, args),
        Command::Story(args) => stories::story(&cli.global, args),
        Command::Duplicates(args) => stories::duplicates(&cli.global, args),
        Command::Cluster(args) => stories::cluster(args),
        Command::Events(args) => events::events(&cli.global, args),
        Command::Timeline(args) => events::timeline(&cli.global, args),
        Command::Claims(args) => events::claims(&cli.global, args),
        Command::Entities(args) => entities::entities(&cli.global, args),
        Command::Entity(args) => entities::entity(&cli.global, args),
        Command::Train(command) => nlp::train(command),
        Command::Eval(command) => nlp::eval(command),
        Command::Bench(args) => bench::run(&cli.global, args),
        Command::Sources(command) => sources::sources(&cli.global, command),
        Command::Watch(args) => sources::watch(&cli.global, args),
        Command::Search(args) => serve::search(&cli.global, args),
        Command::Serve(args) => serve::serve(&cli.global, args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        // A closed pipe (`storyline articles | head`) is the reader's choice, not an error.
        Err(err) if is_broken_pipe(&err) => ExitCode::from(EXIT_OK),
        Err(err) => {
            eprintln!("storyline: error: {err:#}");
            ExitCode::from(EXIT_FATAL)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || cause
                .downcast_ref::<serde_json::Error>()
                .and_then(|json| json.io_error_kind())
                == Some(std::io::ErrorKind::BrokenPipe)
    })
}
