//! Following live sources politely: feeds (RSS, Atom, JSON Feed), news sitemaps and sitemap
//! indexes, and single article pages, polled continuously by `storyline watch`.
//!
//! - [`urls`]: normalisation (tracking parameters, fragments, canonical links) so each
//!   article is fetched once;
//! - [`client`]: the polite HTTP client (robots.txt, one request at a time per host with a
//!   minimum delay from [`polite`], conditional GET, redirects, retries with backoff, a
//!   body cap);
//! - [`sitemap`] and [`opml`]: the two XML formats the ingest readers do not cover;
//! - [`watch`]: the loop that polls sources, fetches new pages and hands them to the store
//!   through the same readers and cleaning as `storyline ingest`.
//!
//! Nothing here downloads anything but the user's sources and their robots.txt files.

pub mod client;
pub mod opml;
pub mod polite;
pub mod sitemap;
pub mod urls;
pub mod watch;

pub use client::{Conditional, FetchConfig, FetchError, Fetched, Fetcher, Response};
pub use watch::{NewArticlesHook, WatchConfig, WatchError, WatchSummary, watch};
