//! `storyline search` and `storyline serve`: the store's full-text index from the command
//! line, and the web UI with its JSON API (crates/server).

use std::io::Write;
use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{Result, bail};
use clap::Args;
use storyline_store::{Page, SearchFilter, Segment, Store, fts_query};

use crate::{EXIT_OK, GlobalArgs};

#[derive(Args)]
#[command(after_help = "EXAMPLES:\n  storyline search ceasefire Kursk\n  \
                        storyline search '\"peace talks\"' --from 2025-03-01 --source reuters\n  \
                        storyline search soon --quotes --speaker Rubio --json")]
pub struct SearchArgs {
    /// Words (all must match), "quoted phrases", prefix*, OR between terms.
    #[arg(required = true)]
    pub query: Vec<String>,
    /// Search quotes instead of articles.
    #[arg(long)]
    pub quotes: bool,
    /// Published on or after this date (YYYY-MM-DD).
    #[arg(long, value_parser = date)]
    pub from: Option<String>,
    /// Published on or before this date (YYYY-MM-DD, inclusive).
    #[arg(long, value_parser = date)]
    pub to: Option<String>,
    /// Outlet name (case-insensitive).
    #[arg(long)]
    pub source: Option<String>,
    /// Entity id or mention text, e.g. Zelensky.
    #[arg(long)]
    pub entity: Option<String>,
    /// Only this story's articles.
    #[arg(long)]
    pub story: Option<String>,
    /// Language code, e.g. en.
    #[arg(long)]
    pub language: Option<String>,
    /// With --quotes: speaker name or description contains this.
    #[arg(long)]
    pub speaker: Option<String>,
    /// How many results.
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    /// One JSON object per line (with snippet segments) instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
#[command(
    after_help = "EXAMPLES:\n  storyline serve                      http://127.0.0.1:8080/\n  \
                        storyline --db news.db serve --addr 127.0.0.1:9000"
)]
pub struct ServeArgs {
    /// Address to listen on. The default accepts local connections only; the server is
    /// read-only, but think twice before exposing a store to a network.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Read-only database connections (queries running at once).
    #[arg(long)]
    pub connections: Option<usize>,
    /// Longest a request may take, in seconds, before it is answered with 503.
    #[arg(long, default_value_t = 10)]
    pub timeout: u64,
}

/// A `--from`/`--to` value: a calendar date, as the search index compares days.
fn date(value: &str) -> std::result::Result<String, String> {
    chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .map(|_| value.to_owned())
        .map_err(|_| format!("{value:?} is not a date; write YYYY-MM-DD, e.g. 2025-03-01"))
}

/// A snippet for a terminal: hits in «guillemets».
fn plain(snippet: &[Segment]) -> String {
    snippet
        .iter()
        .map(|s| {
            let text = s.text.replace(['\n', '\t'], " ");
            if s.hit { format!("«{text}»") } else { text }
        })
        .collect()
}

pub fn search(global: &GlobalArgs, args: SearchArgs) -> Result<u8> {
    let words = args.query.join(" ");
    let Some(query) = fts_query(&words) else {
        bail!("nothing to search for in {words:?}: give at least one word");
    };
    // Opening read-write brings an older store's schema (and search index) up to date.
    let store = Store::open(&global.db)?;
    let story_ids = match &args.story {
        Some(id) => match storyline_server::story_articles(&store, id)
            .map_err(|e| anyhow::anyhow!(e.message))?
        {
            Some(ids) => Some(ids),
            None => bail!("no story {id} in {}", global.db.display()),
        },
        None => None,
    };
    let filter = SearchFilter {
        from: args.from.as_deref(),
        to: args.to.as_deref(),
        source: args.source.as_deref(),
        entity: args.entity.as_deref(),
        language: args.language.as_deref(),
        speaker: args.speaker.as_deref(),
        articles: story_ids.as_deref(),
    };
    let page = Page {
        limit: args.limit.max(1),
        offset: 0,
    };
    let mut out = std::io::stdout().lock();
    if args.quotes {
        let hits = store.search_quotes(Some(&query), &filter, page)?;
        for hit in &hits.items {
            if args.json {
                writeln!(out, "{}", serde_json::to_string(hit)?)?;
            } else {
                let q = &hit.quote;
                let who = q
                    .speaker
                    .as_deref()
                    .or(q.speaker_description.as_deref())
                    .unwrap_or("-");
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}\t{}",
                    &q.article_id[..q.article_id.len().min(12)],
                    q.published.as_deref().unwrap_or("-"),
                    q.source,
                    who,
                    plain(&hit.snippet)
                )?;
            }
        }
    } else {
        let hits = store.search_articles(Some(&query), &filter, page)?;
        for a in &hits.items {
            if args.json {
                writeln!(out, "{}", serde_json::to_string(a)?)?;
            } else {
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}\t{}",
                    &a.id[..a.id.len().min(12)],
                    a.published.as_deref().unwrap_or("-"),
                    a.source,
                    a.headline.as_deref().unwrap_or("-"),
                    plain(&a.snippet)
                )?;
            }
        }
    }
    Ok(EXIT_OK)
}

pub fn serve(global: &GlobalArgs, args: ServeArgs) -> Result<u8> {
    if !global.db.exists() {
        bail!(
            "{}: no such store; create one with `storyline --db {0} ingest FOLDER`",
            global.db.display()
        );
    }
    let mut config = storyline_server::Config::new(global.db.clone());
    config.addr = args.addr;
    config.timeout = Duration::from_secs(args.timeout.max(1));
    if let Some(n) = args.connections {
        config.connections = n;
    }
    let db = global.db.display().to_string();
    let quiet = global.quiet;
    storyline_server::run(config, move |addr| {
        if !quiet {
            println!("storyline: serving {db} at http://{addr}/ (API at /api, Ctrl-C to stop)");
        }
    })?;
    Ok(EXIT_OK)
}
