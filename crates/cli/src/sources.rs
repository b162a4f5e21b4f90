//! `storyline sources` (the followed feeds, sitemaps and pages) and `storyline watch` (poll
//! them, fetch new article pages, store them). The work happens in `storyline-fetch`.

use std::path::PathBuf;
use std::time::Duration;

use storyline_corpus::stories::StoryIndex;

use crate::enrich::Enricher;
use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use storyline_fetch::{FetchConfig, WatchConfig, opml, urls};
use storyline_model::Article;
use storyline_store::Store;

use crate::{EXIT_OK, EXIT_PARTIAL, GlobalArgs};

#[derive(Subcommand)]
pub enum SourcesCommand {
    /// Follow a feed (RSS, Atom, JSON Feed), a news sitemap or sitemap index, or a single
    /// article page. Adding a followed URL again renames it (with --name).
    #[command(
        after_help = "EXAMPLES:\n  storyline sources add https://example.org/rss.xml --name \"Example News\"\n  \
                            storyline sources add https://example.org/news-sitemap.xml"
    )]
    Add {
        url: String,
        /// The outlet's name for stored articles (default: the feed's own title, else the
        /// site's host).
        #[arg(long)]
        name: Option<String>,
    },
    /// Follow every feed listed in an OPML file (folders are flattened).
    Import { file: PathBuf },
    /// Print the followed sources as OPML 2.0.
    Export,
    /// Each source: last fetch, status, articles stored, consecutive failures, last error.
    List {
        /// One JSON object per line instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Stop following a source; its articles stay in the store.
    Remove { url: String },
}

#[derive(Args)]
#[command(
    after_help = "EXAMPLES:\n  storyline sources add https://example.org/rss.xml\n  \
                        storyline watch --contact ops@example.org\n  \
                        storyline watch --once --no-annotate   # from cron"
)]
pub struct WatchArgs {
    /// Time between the starts of two rounds of polls (e.g. 90s, 10m, 1h).
    #[arg(long, default_value = "10m", value_parser = parse_duration)]
    interval: Duration,
    /// Poll every source once, store what is new, and exit (for cron and tests).
    #[arg(long)]
    once: bool,
    /// Store the cleaned articles only, without annotation layers; `storyline reannotate`
    /// adds them later.
    #[arg(long)]
    no_annotate: bool,
    /// Minimum pause between two requests to the same host (a robots.txt Crawl-delay, up to
    /// 60s, can make it longer).
    #[arg(long, default_value = "5s", value_parser = parse_duration, env = "STORYLINE_MIN_DELAY")]
    min_delay: Duration,
    /// How site owners can reach you (an email address or URL), sent in the User-Agent:
    /// `storyline/VERSION (news monitor; +CONTACT)`.
    #[arg(long, env = "STORYLINE_CONTACT")]
    contact: Option<String>,
    /// Whole-request time limit.
    #[arg(long, default_value = "30s", value_parser = parse_duration)]
    timeout: Duration,
    /// Largest page or feed accepted, in MiB (after decompression); larger ones are cut off
    /// and recorded as failed.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=1024))]
    max_size_mib: u64,
    /// Retries after a 429 or 5xx answer, with exponential backoff (Retry-After honoured).
    #[arg(long, default_value_t = 3)]
    retries: u32,
    /// Sources polled at the same time (each host still gets one request at a time).
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u64).range(1..=1024))]
    concurrency: u64,
    /// Article pages fetched per source and round; the rest wait for the next round.
    #[arg(long, default_value_t = 500)]
    max_pages: usize,
    /// Feed items with at least this many words are stored from the feed without fetching
    /// their page.
    #[arg(long, default_value_t = 150)]
    feed_full_text_words: usize,
    /// Forget which article URLs were fetched, so they are fetched again.
    #[arg(long)]
    refetch: bool,
}

pub fn sources(global: &GlobalArgs, command: SourcesCommand) -> Result<u8> {
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    match command {
        SourcesCommand::Add { url, name } => {
            let url = urls::parse(&url).map_err(anyhow::Error::msg)?;
            let mut store = Store::open(&global.db)?;
            let (_, new) = store.add_source(url.as_str(), name.as_deref(), &now)?;
            if !global.quiet {
                if new {
                    eprintln!("following {url}");
                } else {
                    eprintln!("already following {url}");
                }
            }
        }
        SourcesCommand::Import { file } => {
            let bytes =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let outlines =
                opml::parse(&bytes).map_err(|err| anyhow::anyhow!("{}: {err}", file.display()))?;
            let mut store = Store::open(&global.db)?;
            let (mut added, mut known, mut bad) = (0, 0, 0);
            for outline in outlines {
                let url = match urls::parse(&outline.url) {
                    Ok(url) => url,
                    Err(err) => {
                        eprintln!("storyline: error: {}: {err}", file.display());
                        bad += 1;
                        continue;
                    }
                };
                // The OPML title names the outlet, unless the source already has a name.
                if store.add_source(url.as_str(), None, &now)?.1 {
                    if let Some(title) = &outline.title {
                        store.add_source(url.as_str(), Some(title), &now)?;
                    }
                    added += 1;
                } else {
                    known += 1;
                }
            }
            if !global.quiet {
                eprintln!(
                    "imported {added} new sources ({known} already followed, {bad} unusable)"
                );
            }
            if bad > 0 {
                return Ok(EXIT_PARTIAL);
            }
        }
        SourcesCommand::Export => {
            let store = crate::commands::open_existing(global)?;
            let outlines: Vec<opml::Outline> = store
                .sources()?
                .into_iter()
                .map(|s| opml::Outline {
                    url: s.url,
                    title: s.name,
                })
                .collect();
            print!("{}", opml::write("storyline sources", &outlines));
        }
        SourcesCommand::List { json } => {
            let store = crate::commands::open_existing(global)?;
            let sources = store.sources()?;
            if json {
                for source in &sources {
                    println!("{}", serde_json::to_string(source)?);
                }
            } else {
                println!(
                    "{:<4} {:<12} {:<20} {:>8} {:>5}  SOURCE",
                    "ID", "STATUS", "LAST FETCH", "ARTICLES", "FAILS"
                );
                for s in &sources {
                    println!(
                        "{:<4} {:<12} {:<20} {:>8} {:>5}  {}{}",
                        s.id,
                        s.status.as_deref().unwrap_or("never polled"),
                        s.last_fetch_at.as_deref().unwrap_or("-"),
                        s.articles,
                        s.failures,
                        s.url,
                        s.name
                            .as_deref()
                            .map(|n| format!(" ({n})"))
                            .unwrap_or_default()
                    );
                    if let Some(error) = &s.error {
                        println!("     error: {error}");
                    }
                }
            }
        }
        SourcesCommand::Remove { url } => {
            let url = urls::parse(&url).map_err(anyhow::Error::msg)?;
            let mut store = crate::commands::open_existing_for_update(global)?;
            if !store.remove_source(url.as_str())? {
                bail!("{url}: not a followed source (see `storyline sources list`)");
            }
        }
    }
    Ok(EXIT_OK)
}

pub fn watch(global: &GlobalArgs, args: WatchArgs) -> Result<u8> {
    let mut store = Store::open(&global.db)?;
    if args.refetch {
        let forgotten = store.forget_urls(None)?;
        if !global.quiet {
            eprintln!("forgot {forgotten} fetched URLs; they will be fetched again");
        }
    }
    if store.sources()?.is_empty() {
        // Said before loading the models, which takes a while.
        bail!("{}", storyline_fetch::WatchError::NoSources);
    }
    let mut enricher = if args.no_annotate {
        None
    } else {
        Some(Enricher::load(Some(&store))?)
    };
    let mut story_index = crate::stories::load_story_index(&store)?;
    drop(store);
    let config = WatchConfig {
        fetch: FetchConfig {
            user_agent: FetchConfig::user_agent_for(args.contact.as_deref()),
            min_delay: args.min_delay,
            timeout: args.timeout,
            max_bytes: args.max_size_mib * 1024 * 1024,
            max_retries: args.retries,
            ..FetchConfig::default()
        },
        interval: args.interval,
        once: args.once,
        concurrency: args.concurrency as usize,
        feed_full_text_words: args.feed_full_text_words,
        max_pages_per_poll: args.max_pages,
        ..WatchConfig::default()
    };
    let mut hook = |store: &mut Store, new: &[&Article]| {
        on_new_articles(store, enricher.as_mut(), &mut story_index, new)
    };
    let summary = storyline_fetch::watch(&global.db, config, &mut hook)
        .with_context(|| format!("watching the sources in {}", global.db.display()))?;
    if !global.quiet {
        eprintln!(
            "{} round{}: {} polls ({} failed, {} not modified), {} pages fetched ({} failed, {} fetched before), \
             {} new articles ({} annotated), {} duplicates, {} not articles{}",
            summary.rounds,
            if summary.rounds == 1 { "" } else { "s" },
            summary.polls,
            summary.polls_failed,
            summary.not_modified,
            summary.pages_fetched,
            summary.pages_failed,
            summary.already_fetched,
            summary.new_articles,
            summary.annotated,
            summary.duplicates,
            summary.not_articles,
            if summary.stopped_by_signal {
                "; stopped by signal"
            } else {
                ""
            }
        );
    }
    let failed = summary.polls_failed > 0 || summary.pages_failed > 0;
    Ok(if args.once && failed {
        EXIT_PARTIAL
    } else {
        EXIT_OK
    })
}

/// The hook point for articles that `watch` stored for the first time: every batch of new
/// articles passes here, inside the store's writer, before their URLs are marked done.
fn on_new_articles(
    store: &mut Store,
    enricher: Option<&mut Enricher>,
    stories: &mut StoryIndex,
    new: &[&Article],
) -> storyline_store::Result<u64> {
    let entities = match enricher {
        Some(enricher) => Some(enricher.annotate_and_store(store, new)?),
        None => None,
    };
    crate::stories::assign_stories(store, stories, new, entities.as_deref())?;
    Ok(entities.map_or(0, |e| e.len() as u64))
}

/// `90s`, `10m`, `1h`, `500ms`, `2d`, or a bare number of seconds.
fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let value: f64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a duration; use e.g. 30s, 10m, 1h"))?;
    let seconds = match unit.trim() {
        "" | "s" | "sec" => value,
        "ms" => value / 1000.0,
        "m" | "min" => value * 60.0,
        "h" => value * 3600.0,
        "d" => value * 86400.0,
        other => {
            return Err(format!(
                "unknown unit {other:?} in {text:?}; use ms, s, m, h or d"
            ));
        }
    };
    Duration::try_from_secs_f64(seconds).map_err(|err| format!("{text:?}: {err}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("10m"), Ok(Duration::from_secs(600)));
        assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("1.5h"), Ok(Duration::from_secs(5400)));
        assert!(parse_duration("10 parsecs").is_err());
        assert!(parse_duration("m").is_err());
    }
}
