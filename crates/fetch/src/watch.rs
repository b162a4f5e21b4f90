//! The watch loop: poll every source, fetch the article pages it lists that were never
//! fetched, build and store them, again every interval, until stopped.
//!
//! Shape of a run:
//! - fetch tasks (tokio, one per source, a bounded number at once) talk to the network
//!   through one [`Fetcher`], which keeps every host polite whatever task asks;
//! - one writer thread owns the store connection: it builds articles from fetched bytes
//!   (rayon, in batches), stores them, calls the caller's hook for the new ones, and records
//!   per-URL and per-source state, one batch per transaction;
//! - a second, read-only use connection answers "was this URL fetched before?".
//!
//! A source's cache validators (ETag, Last-Modified) are saved only after every page it
//! listed was handled, so a crash or a transient failure means the source is read in full
//! next time rather than answered with a 304 while pages are missing.

use std::collections::HashSet;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rayon::prelude::*;
use storyline_ingest::{Body, InputSpec, Options, RawRecord, build_article, read_input};
use storyline_model::{Article, Format};
use storyline_store::{
    BackgroundSync, FetchedUrl, Outcome, Source, SourcePoll, Store, StoreError, Validators,
};
use tokio::sync::{Semaphore, mpsc, watch};
use tokio::task::JoinSet;
use url::Url;

use crate::client::{Conditional, FetchConfig, FetchError, Fetched, Fetcher, Response};
use crate::{sitemap, urls};

/// Settings of a watch run.
#[derive(Debug, Clone)]
pub struct WatchConfig {
    pub fetch: FetchConfig,
    /// Pause between the start of one round of polls and the next.
    pub interval: Duration,
    /// Poll every source once, store what they give, and return.
    pub once: bool,
    /// Sources polled at the same time (hosts stay polite whatever the number).
    pub concurrency: usize,
    /// A feed item with at least this many words is taken from the feed; shorter items
    /// (teasers) have their page fetched.
    pub feed_full_text_words: usize,
    /// Article pages fetched per source and poll; the rest wait for the next poll.
    pub max_pages_per_poll: usize,
    /// Child sitemaps read per sitemap index and poll, most recently modified first.
    pub max_child_sitemaps: usize,
    /// Fetched documents built and stored per transaction.
    pub batch_size: usize,
    /// Stop on Ctrl-C or SIGTERM (after the current write).
    pub handle_signals: bool,
}

impl Default for WatchConfig {
    fn default() -> Self {
        WatchConfig {
            fetch: FetchConfig::default(),
            interval: Duration::from_secs(600),
            once: false,
            concurrency: 16,
            feed_full_text_words: 150,
            max_pages_per_poll: 500,
            max_child_sitemaps: 20,
            batch_size: 32,
            handle_signals: true,
        }
    }
}

/// Called by the writer with each batch's newly stored articles, inside the writer thread
/// and before the batch's URLs are recorded as done. Returns how many it annotated.
pub type NewArticlesHook<'a> =
    dyn FnMut(&mut Store, &[&Article]) -> Result<u64, StoreError> + Send + 'a;

/// What a watch run did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WatchSummary {
    pub rounds: u64,
    pub polls: u64,
    pub polls_failed: u64,
    pub not_modified: u64,
    pub pages_fetched: u64,
    pub pages_failed: u64,
    /// Listed URLs skipped because they were fetched before.
    pub already_fetched: u64,
    pub new_articles: u64,
    pub annotated: u64,
    pub duplicates: u64,
    pub already_stored: u64,
    /// Fetched documents that gave no article (no text, not an article page).
    pub not_articles: u64,
    pub stopped_by_signal: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("no sources to watch; add one with `storyline sources add URL`")]
    NoSources,
    #[error("{0}")]
    Setup(String),
}

/// Runs the watch loop on `db` until stopped (or one round with `once`).
pub fn watch(
    db: &Path,
    config: WatchConfig,
    hook: &mut NewArticlesHook<'_>,
) -> Result<WatchSummary, WatchError> {
    let writer_store = Store::open(db)?;
    let reader_store = Store::open(db)?;
    // Keeps the search index caught up beside the writer, as `storyline ingest` does.
    let search_sync = BackgroundSync::start(db, Duration::from_secs(10))?;
    if reader_store.sources()?.is_empty() {
        return Err(WatchError::NoSources);
    }
    let fetcher = Fetcher::new(config.fetch.clone()).map_err(WatchError::Setup)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|err| WatchError::Setup(format!("cannot start the async runtime: {err}")))?;
    let ctx = Arc::new(Ctx {
        fetcher,
        config,
        memory: Mutex::new(Memory {
            store: reader_store,
            claimed: HashSet::new(),
        }),
        counts: Counts::default(),
    });
    let (tx, rx) = mpsc::channel::<Message>(ctx.config.batch_size.max(1));
    std::thread::scope(|scope| {
        let writer_ctx = ctx.clone();
        let writer =
            scope.spawn(move || write_loop(writer_store, rx, &writer_ctx, hook, search_sync));
        let stopped = runtime.block_on(poll_loop(ctx.clone(), tx));
        // The writer finishes what was fetched even when polling failed.
        let written = writer
            .join()
            .unwrap_or_else(|_| Err(WatchError::Setup("the writer thread panicked".to_owned())))?;
        let stopped = stopped?;
        let c = &ctx.counts;
        Ok(WatchSummary {
            rounds: c.rounds.load(Ordering::Relaxed),
            polls: c.polls.load(Ordering::Relaxed),
            polls_failed: c.polls_failed.load(Ordering::Relaxed),
            not_modified: c.not_modified.load(Ordering::Relaxed),
            pages_fetched: c.pages_fetched.load(Ordering::Relaxed),
            pages_failed: c.pages_failed.load(Ordering::Relaxed),
            already_fetched: c.already_fetched.load(Ordering::Relaxed),
            stopped_by_signal: stopped,
            ..written
        })
    })
}

struct Ctx {
    fetcher: Fetcher,
    config: WatchConfig,
    memory: Mutex<Memory>,
    counts: Counts,
}

/// Which URLs are done (the store) or being fetched right now (claimed), checked and
/// claimed under one lock so two sources listing one URL fetch it once.
struct Memory {
    store: Store,
    claimed: HashSet<String>,
}

#[derive(Default)]
struct Counts {
    rounds: AtomicU64,
    polls: AtomicU64,
    polls_failed: AtomicU64,
    not_modified: AtomicU64,
    pages_fetched: AtomicU64,
    pages_failed: AtomicU64,
    already_fetched: AtomicU64,
}

impl Counts {
    fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }
}

impl Ctx {
    /// Claims the URLs nobody fetched before and nobody is fetching; returns whether each
    /// was claimed.
    fn claim(&self, urls: &[&str]) -> Result<Vec<bool>, StoreError> {
        let mut memory = self.memory.lock().unwrap_or_else(|e| e.into_inner());
        let known = memory.store.known_urls(urls)?;
        Ok(urls
            .iter()
            .map(|url| !known.contains(*url) && memory.claimed.insert((*url).to_owned()))
            .collect())
    }

    fn release(&self, urls: impl IntoIterator<Item = String>) {
        let mut memory = self.memory.lock().unwrap_or_else(|e| e.into_inner());
        for url in urls {
            memory.claimed.remove(&url);
        }
    }
}

/// Suggestions for an article page from whatever listed it (feed item, news sitemap).
#[derive(Debug, Clone, Default)]
struct Hints {
    headline: Option<String>,
    published: Option<String>,
    source: Option<String>,
}

#[derive(Debug)]
enum Message {
    Page {
        source_id: i64,
        /// The URL as listed (normalised): the one claimed.
        url: Url,
        response: Response,
        hints: Hints,
    },
    FeedItem {
        source_id: i64,
        url: Option<Url>,
        record: Box<RawRecord>,
    },
    Failed {
        source_id: i64,
        url: Url,
        error: FetchError,
    },
    Poll(SourcePoll),
}

/// Rounds of polls until `once` is done or a signal arrives. Returns whether a signal
/// stopped it; fails when the sources cannot be read.
async fn poll_loop(ctx: Arc<Ctx>, tx: mpsc::Sender<Message>) -> Result<bool, StoreError> {
    // The sender lives as long as this loop, so waiting on the receiver never ends early.
    let (stop_tx, stop_rx) = watch::channel(false);
    let stop_tx = Arc::new(stop_tx);
    if ctx.config.handle_signals {
        let stop_tx = stop_tx.clone();
        tokio::spawn(async move {
            wait_for_signal().await;
            tracing::warn!("stopping: finishing the current write");
            let _ = stop_tx.send(true);
        });
    }
    let stopped = |rx: &watch::Receiver<bool>| *rx.borrow();
    loop {
        let round_started = tokio::time::Instant::now();
        let sources = {
            let memory = ctx.memory.lock().unwrap_or_else(|e| e.into_inner());
            memory.store.sources()
        };
        let sources = sources?;
        Counts::add(&ctx.counts.rounds, 1);
        tracing::info!(sources = sources.len(), "polling");
        let permits = Arc::new(Semaphore::new(ctx.config.concurrency.max(1)));
        let mut tasks = JoinSet::new();
        for source in sources {
            let (ctx, tx, permits) = (ctx.clone(), tx.clone(), permits.clone());
            tasks.spawn(async move {
                let Ok(_permit) = permits.acquire_owned().await else {
                    return;
                };
                poll_source(&ctx, &tx, source).await;
            });
        }
        let mut stop_rx = stop_rx.clone();
        tokio::select! {
            _ = async { while tasks.join_next().await.is_some() {} } => {}
            _ = stop_rx.wait_for(|s| *s) => {
                // Fetch tasks write nothing themselves: dropping them loses no data. The
                // writer still stores everything already fetched.
                tasks.abort_all();
                while tasks.join_next().await.is_some() {}
                return Ok(true);
            }
        }
        let c = &ctx.counts;
        tracing::info!(
            polls = c.polls.load(Ordering::Relaxed),
            failed = c.polls_failed.load(Ordering::Relaxed),
            not_modified = c.not_modified.load(Ordering::Relaxed),
            pages = c.pages_fetched.load(Ordering::Relaxed),
            pages_failed = c.pages_failed.load(Ordering::Relaxed),
            "round done (totals since start)"
        );
        if tx.is_closed() {
            // The writer stopped on a store error; it reports it.
            return Ok(false);
        }
        if ctx.config.once || stopped(&stop_rx) {
            return Ok(stopped(&stop_rx));
        }
        let mut stop_rx = stop_rx.clone();
        tokio::select! {
            _ = tokio::time::sleep_until(round_started + ctx.config.interval) => {}
            _ = stop_rx.wait_for(|s| *s) => return Ok(true),
        }
    }
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// What a source document listed.
#[derive(Default)]
struct Listing {
    pages: Vec<(Url, Hints)>,
    items: Vec<(Option<Url>, RawRecord)>,
    /// Problems that did not stop the poll (a child sitemap failing).
    errors: Vec<String>,
    /// Something was not read completely: keep the old validators.
    incomplete: bool,
}

/// Polls one source and hands everything it yields to the writer; the poll's outcome goes
/// last, after its pages.
async fn poll_source(ctx: &Ctx, tx: &mpsc::Sender<Message>, source: Source) {
    Counts::add(&ctx.counts.polls, 1);
    let finish = |status: &str, error: Option<String>, validators: Option<Validators>| {
        if error.is_some() {
            Counts::add(&ctx.counts.polls_failed, 1);
        }
        Message::Poll(SourcePoll {
            source_id: source.id,
            at: now(),
            status: status.to_owned(),
            error,
            validators,
        })
    };
    let url = match urls::parse(&source.url) {
        Ok(url) => url,
        Err(err) => {
            let _ = tx.send(finish("error", Some(err), None)).await;
            return;
        }
    };
    let conditional = Conditional {
        etag: source.etag.clone(),
        last_modified: source.last_modified.clone(),
    };
    let response = match ctx.fetcher.get(&url, &conditional).await {
        Ok(Fetched::Ok(response)) => response,
        Ok(Fetched::NotModified) => {
            Counts::add(&ctx.counts.not_modified, 1);
            tracing::debug!(source = %url, "not modified");
            let _ = tx.send(finish("not modified", None, None)).await;
            return;
        }
        Err(err) => {
            tracing::warn!(error = %err, "source failed");
            let _ = tx.send(finish("error", Some(err.to_string()), None)).await;
            return;
        }
    };
    let validators = Validators {
        etag: response.etag.clone(),
        last_modified: response.last_modified.clone(),
    };
    let body = match ungzip(&response.body) {
        Ok(body) => body,
        Err(err) => {
            let message = format!("{}: {err}", response.url);
            let _ = tx.send(finish("error", Some(message), None)).await;
            return;
        }
    };

    let listing = if sitemap::looks_like_sitemap(&body) {
        match sitemap::parse(&body) {
            Ok(sitemap) => read_sitemap(ctx, &response.url, sitemap).await,
            Err(err) => Err(format!("{}: {err}", response.url)),
        }
    } else {
        match storyline_ingest::sniff::sniff(&body, None) {
            Some(Format::Feed) => read_feed(ctx, &response.url, body),
            Some(Format::Html) => {
                // The source is an article page itself, fetched already.
                let claimed = match ctx.claim(&[url.as_str()]) {
                    Ok(claimed) => claimed,
                    Err(err) => {
                        let _ = tx.send(finish("error", Some(err.to_string()), None)).await;
                        return;
                    }
                };
                if claimed.first() == Some(&true) {
                    Counts::add(&ctx.counts.pages_fetched, 1);
                    let page = Message::Page {
                        source_id: source.id,
                        url: url.clone(),
                        response: Response { body, ..response },
                        hints: Hints {
                            source: source.name.clone(),
                            ..Hints::default()
                        },
                    };
                    if tx.send(page).await.is_err() {
                        return;
                    }
                } else {
                    Counts::add(&ctx.counts.already_fetched, 1);
                }
                let _ = tx.send(finish("ok", None, Some(validators))).await;
                return;
            }
            _ => Err(format!(
                "{}: not a feed, sitemap or web page{}",
                response.url,
                response
                    .content_type
                    .as_deref()
                    .map(|t| format!(" (Content-Type {t})"))
                    .unwrap_or_default()
            )),
        }
    };
    let mut listing = match listing {
        Ok(listing) => listing,
        Err(err) => {
            tracing::warn!(error = %err, "source unreadable");
            let _ = tx.send(finish("error", Some(err), None)).await;
            return;
        }
    };

    // Full-text feed items need no page: store them straight away.
    let item_urls: Vec<String> = listing
        .items
        .iter()
        .filter_map(|(u, _)| u.as_ref().map(|u| u.to_string()))
        .collect();
    let item_refs: Vec<&str> = item_urls.iter().map(String::as_str).collect();
    let mut claimed = match ctx.claim(&item_refs) {
        Ok(claimed) => claimed.into_iter(),
        Err(err) => {
            let _ = tx.send(finish("error", Some(err.to_string()), None)).await;
            return;
        }
    };
    for (item_url, mut record) in std::mem::take(&mut listing.items) {
        if item_url.is_some() && claimed.next() != Some(true) {
            Counts::add(&ctx.counts.already_fetched, 1);
            continue;
        }
        if source.name.is_some() {
            record.meta.source = source.name.clone();
        }
        let message = Message::FeedItem {
            source_id: source.id,
            url: item_url,
            record: Box::new(record),
        };
        if tx.send(message).await.is_err() {
            return;
        }
    }

    // Pages, once each.
    let page_urls: Vec<String> = listing.pages.iter().map(|(u, _)| u.to_string()).collect();
    let page_refs: Vec<&str> = page_urls.iter().map(String::as_str).collect();
    let claimed = match ctx.claim(&page_refs) {
        Ok(claimed) => claimed,
        Err(err) => {
            let _ = tx.send(finish("error", Some(err.to_string()), None)).await;
            return;
        }
    };
    let mut todo = Vec::new();
    for ((page_url, mut hints), claimed) in listing.pages.into_iter().zip(claimed) {
        if source.name.is_some() {
            hints.source = source.name.clone();
        }
        if claimed {
            todo.push((page_url, hints));
        } else {
            Counts::add(&ctx.counts.already_fetched, 1);
        }
    }
    if todo.len() > ctx.config.max_pages_per_poll {
        let rest = todo.split_off(ctx.config.max_pages_per_poll);
        tracing::info!(source = %url, left = rest.len(), "more pages than --max-pages; the rest next poll");
        ctx.release(rest.into_iter().map(|(u, _)| u.to_string()));
        listing.incomplete = true;
    }
    let mut page_errors = 0usize;
    let mut last_error = None;
    for (page_url, hints) in todo {
        let message = match ctx.fetcher.get(&page_url, &Conditional::default()).await {
            Ok(Fetched::Ok(response)) => {
                Counts::add(&ctx.counts.pages_fetched, 1);
                Message::Page {
                    source_id: source.id,
                    url: page_url,
                    response,
                    hints,
                }
            }
            Ok(Fetched::NotModified) => Message::Failed {
                source_id: source.id,
                url: page_url.clone(),
                error: FetchError::Status {
                    url: page_url,
                    status: 304,
                },
            },
            Err(error) => {
                Counts::add(&ctx.counts.pages_failed, 1);
                tracing::warn!(%error, "page failed");
                page_errors += 1;
                listing.incomplete |= error.is_transient();
                last_error = Some(error.to_string());
                Message::Failed {
                    source_id: source.id,
                    url: page_url,
                    error,
                }
            }
        };
        if tx.send(message).await.is_err() {
            return;
        }
    }

    listing.errors.extend(last_error.map(|last| {
        if page_errors == 1 {
            last
        } else {
            format!("{page_errors} pages failed; last: {last}")
        }
    }));
    let error = (!listing.errors.is_empty()).then(|| listing.errors.join("; "));
    let status = if error.is_some() { "partial" } else { "ok" };
    let validators = (!listing.incomplete).then_some(validators);
    let _ = tx.send(finish(status, error, validators)).await;
}

/// The pages a sitemap lists; an index has its children read too (most recent first).
async fn read_sitemap(ctx: &Ctx, base: &Url, sitemap: sitemap::Sitemap) -> Result<Listing, String> {
    let mut listing = Listing::default();
    let entries = match sitemap {
        sitemap::Sitemap::Urls(entries) => entries,
        sitemap::Sitemap::Index(mut children) => {
            // ISO 8601 dates sort as text; undated children go last.
            children.sort_by(|a, b| b.lastmod.cmp(&a.lastmod));
            if children.len() > ctx.config.max_child_sitemaps {
                children.truncate(ctx.config.max_child_sitemaps);
            }
            let mut entries = Vec::new();
            for child in children {
                let child_url = match urls::resolve(base, &child.loc) {
                    Ok(url) => url,
                    Err(err) => {
                        listing.errors.push(err);
                        continue;
                    }
                };
                let result = match ctx.fetcher.get(&child_url, &Conditional::default()).await {
                    Ok(Fetched::Ok(response)) => ungzip(&response.body)
                        .map_err(|err| err.to_string())
                        .and_then(|body| sitemap::parse(&body)),
                    Ok(Fetched::NotModified) => Err("HTTP 304 without validators".to_owned()),
                    Err(err) => {
                        listing.incomplete |= err.is_transient();
                        Err(err.to_string())
                    }
                };
                match result {
                    Ok(sitemap::Sitemap::Urls(child_entries)) => entries.extend(child_entries),
                    // Indexes may not nest (sitemaps.org); ignoring deeper levels also keeps
                    // a hostile index from sending us round in circles.
                    Ok(sitemap::Sitemap::Index(_)) => listing
                        .errors
                        .push(format!("{child_url}: nested sitemap index ignored")),
                    Err(err) if err.starts_with(child_url.as_str()) => listing.errors.push(err),
                    Err(err) => listing.errors.push(format!("{child_url}: {err}")),
                }
            }
            entries
        }
    };
    for entry in entries {
        let Ok(url) = urls::resolve(base, &entry.loc) else {
            continue;
        };
        let news = entry.news.unwrap_or_default();
        listing.pages.push((
            url,
            Hints {
                headline: news.title,
                published: news.publication_date,
                source: news.publication_name,
            },
        ));
    }
    Ok(listing)
}

/// Feed items: full text ones as records, teasers as pages to fetch.
fn read_feed(ctx: &Ctx, base: &Url, body: Vec<u8>) -> Result<Listing, String> {
    let spec = InputSpec::Bytes {
        name: base.to_string(),
        bytes: body.into(),
    };
    let mut listing = Listing::default();
    for record in read_input(&spec, &Options::default()) {
        let mut record = match record {
            Ok(record) => record,
            // A feed that cannot be read at all is the source's error; a bad item is not.
            Err(err) if err.origin.record.is_none() => return Err(err.to_string()),
            Err(err) => {
                listing.errors.push(err.to_string());
                continue;
            }
        };
        let link = record
            .meta
            .url
            .as_deref()
            .and_then(|link| urls::resolve(base, link).ok());
        let full_text = rough_words(&record.body) >= ctx.config.feed_full_text_words;
        match link {
            Some(link) if !full_text => {
                let hints = Hints {
                    headline: record.meta.headline.take(),
                    published: record.meta.published.take(),
                    source: record.meta.source.take(),
                };
                listing.pages.push((link, hints));
            }
            link => {
                record.meta.url = link.as_ref().map(Url::to_string);
                listing.items.push((link, record));
            }
        }
    }
    Ok(listing)
}

/// Words in a feed item's body, markup skipped: enough to tell a full text from a teaser.
fn rough_words(body: &Body) -> usize {
    let text = match body {
        Body::Text(text) | Body::HtmlPage(text) | Body::HtmlFragment(text) => text,
    };
    let mut words = 0;
    let mut in_tag = false;
    let mut in_word = false;
    for c in text.chars() {
        match c {
            '<' => {
                in_tag = true;
                in_word = false;
            }
            '>' => in_tag = false,
            _ if in_tag => {}
            c if c.is_whitespace() => in_word = false,
            _ => {
                if !in_word {
                    words += 1;
                }
                in_word = true;
            }
        }
    }
    words
}

/// Undoes gzip applied to the file itself (`sitemap.xml.gz`), as opposed to the transfer
/// encoding the HTTP client already removed.
fn ungzip(body: &[u8]) -> Result<Vec<u8>, String> {
    if !body.starts_with(&[0x1f, 0x8b]) {
        return Ok(body.to_vec());
    }
    let mut reader = storyline_ingest::decode::decompress(body)
        .map_err(|err| format!("cannot decompress: {err}"))?;
    storyline_ingest::decode::read_capped(&mut reader)
        .map_err(|err| format!("cannot decompress: {err}"))
}

/// Builds, stores and records everything the fetch tasks send, one batch per transaction.
fn write_loop(
    mut store: Store,
    mut rx: mpsc::Receiver<Message>,
    ctx: &Ctx,
    hook: &mut NewArticlesHook<'_>,
    search: BackgroundSync,
) -> Result<WatchSummary, WatchError> {
    let mut summary = WatchSummary::default();
    let mut batch = Vec::with_capacity(ctx.config.batch_size);
    while let Some(first) = rx.blocking_recv() {
        batch.push(first);
        while batch.len() < ctx.config.batch_size {
            match rx.try_recv() {
                Ok(message) => batch.push(message),
                Err(_) => break,
            }
        }
        let claimed = write_batch(&mut store, std::mem::take(&mut batch), hook, &mut summary);
        search.poke();
        // Released only after the batch is recorded, so a URL is always either claimed or
        // known to the store while its source is being read.
        match claimed {
            Ok(urls) => ctx.release(urls),
            Err(err) => {
                tracing::error!(error = %err, "cannot store; stopping");
                return Err(err.into());
            }
        }
    }
    search.finish()?;
    Ok(summary)
}

/// A document the batch builds into an article, and the URLs that led to it.
struct Job {
    source_id: i64,
    /// The claimed URL (if any), then other addresses of the same page.
    urls: Vec<String>,
    record: Result<RawRecord, String>,
}

/// Stores one batch; returns the claimed URLs it settled.
fn write_batch(
    store: &mut Store,
    batch: Vec<Message>,
    hook: &mut NewArticlesHook<'_>,
    summary: &mut WatchSummary,
) -> Result<Vec<String>, StoreError> {
    let at = now();
    let mut jobs = Vec::new();
    let mut remembered = Vec::new();
    let mut polls = Vec::new();
    let mut settled = Vec::new();
    for message in batch {
        match message {
            Message::Page {
                source_id,
                url,
                response,
                hints,
            } => jobs.push(page_job(source_id, url, response, hints)),
            Message::FeedItem {
                source_id,
                url,
                record,
            } => jobs.push(Job {
                source_id,
                urls: url.iter().map(Url::to_string).collect(),
                record: Ok(*record),
            }),
            Message::Failed {
                source_id,
                url,
                error,
            } => {
                settled.push(url.to_string());
                // Transient failures are forgotten, so the next poll tries again.
                if !error.is_transient() {
                    remembered.push(FetchedUrl {
                        url: url.to_string(),
                        source_id: Some(source_id),
                        article_id: None,
                        status: error.to_string(),
                        fetched_at: at.clone(),
                    });
                }
            }
            Message::Poll(poll) => polls.push(poll),
        }
    }
    let options = Options::default();
    let built: Vec<Result<Article, String>> = jobs
        .par_iter_mut()
        .map(|job| {
            let record = std::mem::replace(&mut job.record, Err(String::new()))?;
            build_article(record, &options).map_err(|err| err.to_string())
        })
        .collect();
    let mut articles = Vec::new();
    let mut article_jobs = Vec::new();
    for (job, result) in jobs.iter().zip(built) {
        settled.extend(job.urls.first().cloned());
        match result {
            Ok(article) => {
                articles.push(article);
                article_jobs.push(job);
            }
            Err(err) => {
                summary.not_articles += 1;
                tracing::warn!(error = %err, "no article");
                remembered.extend(job.urls.iter().map(|url| FetchedUrl {
                    url: url.clone(),
                    source_id: Some(job.source_id),
                    article_id: None,
                    status: err.clone(),
                    fetched_at: at.clone(),
                }));
            }
        }
    }
    let outcomes = store.insert_batch(&articles, &at)?;
    let mut new_per_source: Vec<(i64, u64)> = Vec::new();
    let mut new = Vec::new();
    for ((article, job), outcome) in articles.iter().zip(&article_jobs).zip(&outcomes) {
        let status = match outcome {
            Outcome::New => {
                summary.new_articles += 1;
                new.push(article);
                match new_per_source
                    .iter_mut()
                    .find(|(id, _)| *id == job.source_id)
                {
                    Some((_, n)) => *n += 1,
                    None => new_per_source.push((job.source_id, 1)),
                }
                "new"
            }
            Outcome::Duplicate => {
                summary.duplicates += 1;
                "duplicate"
            }
            Outcome::AlreadyStored => {
                summary.already_stored += 1;
                "already stored"
            }
        };
        remembered.extend(job.urls.iter().map(|url| FetchedUrl {
            url: url.clone(),
            source_id: Some(job.source_id),
            article_id: Some(article.id.clone()),
            status: status.to_owned(),
            fetched_at: at.clone(),
        }));
    }
    if !new.is_empty() {
        summary.annotated += on_new_articles(store, hook, &new)?;
    }
    store.record_fetches(&remembered, &new_per_source, &polls)?;
    Ok(settled)
}

/// The one place where newly stored articles are handed on (annotation, stories, entities
/// are the caller's hook).
fn on_new_articles(
    store: &mut Store,
    hook: &mut NewArticlesHook<'_>,
    new: &[&Article],
) -> Result<u64, StoreError> {
    tracing::info!(articles = new.len(), "stored new articles");
    hook(store, new)
}

/// Turns a fetched page into a record: decoded by the ingest readers, named by its
/// canonical URL when it gives one, with what the listing said about it.
fn page_job(source_id: i64, url: Url, response: Response, hints: Hints) -> Job {
    let mut urls = vec![url.to_string()];
    if response.url != url {
        urls.push(response.url.to_string());
    }
    let body = with_header_charset(response.body, response.content_type.as_deref());
    let spec = InputSpec::Bytes {
        name: response.url.to_string(),
        bytes: body.into(),
    };
    let record = read_input(&spec, &Options::default())
        .next()
        .unwrap_or_else(|| {
            Err(storyline_ingest::RecordError::new(
                storyline_model::Origin {
                    path: response.url.to_string(),
                    record: None,
                },
                "empty response",
            ))
        })
        .map_err(|err| err.to_string())
        .map(|mut record| {
            let canonical = match &record.body {
                Body::HtmlPage(page) => urls::canonical_link(page)
                    .and_then(|link| urls::resolve(&response.url, &link).ok()),
                _ => None,
            };
            let address = canonical.unwrap_or_else(|| response.url.clone());
            if !urls.contains(&address.to_string()) {
                urls.push(address.to_string());
            }
            let host = address.host_str().map(str::to_owned);
            record.meta.url = Some(address.to_string());
            record.meta.headline = record.meta.headline.take().or(hints.headline);
            record.meta.published = record.meta.published.take().or(hints.published);
            record.meta.source = record.meta.source.take().or(hints.source).or(host);
            record
        });
    Job {
        source_id,
        urls,
        record,
    }
}

/// Applies a charset named in the HTTP Content-Type header, which HTML ranks above any
/// `<meta charset>` in the page: the readers then see UTF-8, which they take before looking
/// at declarations in the markup.
fn with_header_charset(body: Vec<u8>, content_type: Option<&str>) -> Vec<u8> {
    let label = content_type.and_then(|value| {
        value.split(';').skip(1).find_map(|param| {
            let (name, value) = param.split_once('=')?;
            name.trim()
                .eq_ignore_ascii_case("charset")
                .then(|| value.trim().trim_matches(['"', '\'']))
        })
    });
    let Some(label) = label else {
        return body;
    };
    if std::str::from_utf8(&body).is_ok() {
        return body;
    }
    let decoded = storyline_ingest::decode::decode(&body, Some(label));
    if decoded.guessed {
        // An unknown label: leave the page to the readers' own detection.
        return body;
    }
    decoded.text.into_owned().into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn teasers_and_full_texts_are_told_apart_by_words() {
        assert_eq!(
            rough_words(&Body::HtmlFragment(
                "<p>One <b>two</b></p>\n<p>three</p>".into()
            )),
            3
        );
        assert_eq!(rough_words(&Body::Text("a b  c\nd".into())), 4);
        assert_eq!(
            rough_words(&Body::HtmlFragment("<img src='x y z'>".into())),
            0
        );
    }

    #[test]
    fn the_header_charset_wins_over_the_page() {
        let (koi8, _, _) = encoding_rs::KOI8_R.encode("<meta charset=windows-1252><p>Москва</p>");
        let utf8 = with_header_charset(koi8.to_vec(), Some("text/html; Charset=\"KOI8-R\""));
        assert_eq!(
            String::from_utf8(utf8).unwrap(),
            "<meta charset=windows-1252><p>Москва</p>"
        );
        let untouched = with_header_charset(koi8.to_vec(), Some("text/html"));
        assert_eq!(untouched, koi8.to_vec());
        let unknown = with_header_charset(koi8.to_vec(), Some("text/html; charset=x-nonsense"));
        assert_eq!(unknown, koi8.to_vec());
    }
}
