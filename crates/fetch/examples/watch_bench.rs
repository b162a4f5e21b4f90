//! Benchmark for `storyline watch` (issue 11 §6): 20 local hosts, each with a news sitemap
//! listing 500 article pages (10,000 in all), minimum per-host delay zero, no annotation.
//! One round (`--once`) fetches, extracts and stores every page; the run reports pages per
//! second and resident memory sampled during the run.
//!
//! ```text
//! cargo run --release -p storyline-fetch --example watch_bench [HOSTS] [PAGES_PER_HOST] [EXTRA_KIB] [CORPUS]
//! ```
//!
//! Generated pages are about 10 KiB; EXTRA_KIB adds that much page furniture (related-story
//! lists) to each, for sites with heavy pages. CORPUS serves real pages instead, in turn: a
//! folder of `.html` / `.html.gz` files, or a folder in the layout of
//! `../shared/data/wcxb_dev` (its `article` pages). Each copy gets its host and page number
//! appended to every paragraph so that it is a new article.

#[path = "../tests/support/mod.rs"]
mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use storyline_fetch::{FetchConfig, WatchConfig, watch};
use storyline_model::Article;
use storyline_store::Store;
use support::{Reply, Server};

// The allocator of the `storyline` binary, so the figures are the command's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut args = std::env::args().skip(1);
    let hosts: usize = args
        .next()
        .map_or(20, |a| a.parse().expect("HOSTS is a number"));
    let per_host: usize = args
        .next()
        .map_or(500, |a| a.parse().expect("PAGES_PER_HOST is a number"));
    let extra_kib: usize = args
        .next()
        .map_or(0, |a| a.parse().expect("EXTRA_KIB is a number"));
    let corpus = Arc::new(args.next().map(|dir| read_corpus(&dir)).unwrap_or_default());
    let servers: Vec<Server> = (0..hosts)
        .map(|h| {
            let corpus = corpus.clone();
            Server::start(move |hit| {
                let base = format!("http://{}", hit.headers["host"]);
                match hit.path.as_str() {
                    "/robots.txt" => Reply::ok("text/plain", "User-agent: *\nDisallow: /admin/\n"),
                    "/sitemap.xml" => {
                        let urls: String = (0..per_host)
                            .map(|n| {
                                format!(
                                    "<url><loc>{base}/news/{n}.html?utm_source=sitemap</loc><news:news>\
                                     <news:publication><news:name>Host {h}</news:name></news:publication>\
                                     <news:publication_date>2025-03-17T10:00:00Z</news:publication_date>\
                                     <news:title>Story {h}-{n}</news:title></news:news></url>"
                                )
                            })
                            .collect();
                        Reply::xml(format!(
                            "<?xml version=\"1.0\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" \
                             xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">{urls}</urlset>"
                        ))
                    }
                    p if p.starts_with("/news/") => {
                        let n: usize = p[6..p.len() - 5].parse().unwrap_or(0);
                        if corpus.is_empty() {
                            Reply::html(page(h, n, extra_kib))
                        } else {
                            Reply::html(corpus_page(&corpus, h, n))
                        }
                    }
                    _ => Reply::not_found(),
                }
            })
            .quiet()
        })
        .collect();

    let dir = tempfile::tempdir().expect("temporary folder");
    let db = dir.path().join("bench.db");
    {
        let mut store = Store::open(&db).expect("store");
        for server in &servers {
            store
                .add_source(&server.url("/sitemap.xml"), None, "2026-01-01T00:00:00Z")
                .expect("add source");
        }
    }
    let config = WatchConfig {
        fetch: FetchConfig {
            min_delay: Duration::ZERO,
            ..FetchConfig::default()
        },
        once: true,
        handle_signals: false,
        concurrency: hosts,
        max_pages_per_poll: per_host,
        ..WatchConfig::default()
    };

    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let done = done.clone();
        std::thread::spawn(move || {
            let mut samples = Vec::new();
            while !done.load(Ordering::Relaxed) {
                samples.push(rss_kib("VmRSS"));
                std::thread::sleep(Duration::from_millis(500));
            }
            samples
        })
    };
    let started = Instant::now();
    let mut hook = |_: &mut Store, _: &[&Article]| Ok(0);
    let summary = watch(&db, config, &mut hook).expect("watch");
    let elapsed = started.elapsed().as_secs_f64();
    done.store(true, Ordering::Relaxed);
    let samples = sampler.join().expect("sampler");

    let stored = Store::open(&db).expect("store").count().expect("count");
    let pages = summary.pages_fetched;
    let pages_served = if corpus.is_empty() {
        format!("page size {} bytes", page(0, 0, extra_kib).len())
    } else {
        let average = corpus.iter().map(Vec::len).sum::<usize>() / corpus.len();
        format!(
            "page size {average} bytes on average ({} real pages in turn)",
            corpus.len()
        )
    };
    println!(
        "hosts {hosts}, pages listed {}, {pages_served}",
        hosts * per_host
    );
    println!(
        "fetched {pages} pages, stored {stored} articles ({} new, {} duplicates, {} not articles, {} failed) in {elapsed:.1}s",
        summary.new_articles, summary.duplicates, summary.not_articles, summary.pages_failed
    );
    println!(
        "{:.0} pages fetched+extracted+stored per second",
        pages as f64 / elapsed
    );
    let quarter = samples.len() / 4;
    let tail = &samples[quarter.min(samples.len().saturating_sub(1))..];
    println!(
        "RSS MiB: peak {:.0}; after the first quarter min {:.0} max {:.0}; samples every 0.5s: {:?}",
        rss_kib("VmHWM") as f64 / 1024.0,
        tail.iter().min().copied().unwrap_or(0) as f64 / 1024.0,
        tail.iter().max().copied().unwrap_or(0) as f64 / 1024.0,
        samples.iter().map(|k| k / 1024).collect::<Vec<_>>()
    );
}

/// A news page of realistic size: navigation, scripts and a sidebar around an article of
/// ten paragraphs whose words depend on the host and page (so every page is a new article).
fn page(host: usize, n: usize, extra_kib: usize) -> String {
    let nav: String = (0..40)
        .map(|i| format!("<li><a href=\"/section/{i}\">Section {i}</a></li>"))
        .collect();
    let paragraphs: String = (0..10)
        .map(|p| {
            format!(
                "<p>Officials from region {host} met delegates of city {n} on Tuesday to discuss item {p} \
                 of the ceasefire framework, which would require both sides to withdraw heavy weapons \
                 from the line of contact within {p} weeks. \"It needs to happen soon,\" one envoy said, \
                 adding that talks in district {n} would resume after the weekend if progress allowed.</p>"
            )
        })
        .collect();
    // About 1 KiB per block.
    let related: String = (0..extra_kib)
        .map(|i| {
            format!(
                "<div class=\"related\"><h3><a href=\"/news/r{i}.html\">Related coverage {i}</a></h3><ul>{}</ul></div>",
                (0..12)
                    .map(|j| format!("<li><a href=\"/tag/{j}\">Topic {j}</a> · 2h</li>"))
                    .collect::<String>()
            )
        })
        .collect();
    let script = "var ads = window.ads || []; ads.push({slot: 'top', size: [728, 90]});".repeat(40);
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Story {host}-{n} | Host {host}</title>\
         <meta property=\"og:title\" content=\"Story {host}-{n}\"><meta property=\"article:published_time\" content=\"2025-03-17T10:00:00Z\">\
         <link rel=\"canonical\" href=\"/news/{n}.html\"><script>{script}</script></head><body>\
         <header><ul class=\"nav\">{nav}</ul></header><main><article><h1>Story {host}-{n}</h1>\
         <p class=\"byline\">By A. Reporter</p>{paragraphs}</article>\
         <aside><h2>Most read</h2><ul>{nav}</ul>{related}</aside></main>\
         <footer><p>Copyright Host {host}. All rights reserved.</p><p>Advertisement</p></footer></body></html>"
    )
}

/// The article pages of a wcxb_dev-style folder, or every `.html` / `.html.gz` page in
/// `dir`, in name order.
fn read_corpus(dir: &str) -> Vec<Vec<u8>> {
    let truth = std::path::Path::new(dir).join("ground_truth.jsonl");
    let mut paths: Vec<std::path::PathBuf> = if truth.exists() {
        std::fs::read_to_string(&truth)
            .expect("ground_truth.jsonl")
            .lines()
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
            .filter(|page| page["page_type"] == "article")
            .filter_map(|page| Some(std::path::Path::new(dir).join(page["html_file"].as_str()?)))
            .collect()
    } else {
        std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("cannot read the corpus folder {dir}: {e}"))
            .map(|entry| entry.expect("corpus folder entry").path())
            .filter(|path| {
                let name = path.to_string_lossy();
                name.ends_with(".html") || name.ends_with(".html.gz")
            })
            .collect()
    };
    paths.sort();
    assert!(!paths.is_empty(), "no .html or .html.gz pages in {dir}");
    paths
        .iter()
        .map(|path| {
            let file = std::fs::File::open(path).expect("corpus page");
            // The readers' own decompression: gzip and zstd are recognised by their bytes.
            let mut reader = storyline_ingest::decode::decompress(file).expect("corpus page");
            storyline_ingest::decode::read_capped(&mut reader).expect("corpus page")
        })
        .collect()
}

/// Corpus page `n` of `host`, its paragraphs marked with both so that its text is new.
fn corpus_page(corpus: &[Vec<u8>], host: usize, n: usize) -> Vec<u8> {
    let html = &corpus[(host * 7919 + n) % corpus.len()];
    let marker = format!(" [{host}-{n}]</p>");
    let mut out = Vec::with_capacity(html.len() + 1024);
    let mut rest = &html[..];
    while let Some(at) = rest
        .windows(4)
        .position(|w| w.eq_ignore_ascii_case(b"</p>"))
    {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(marker.as_bytes());
        rest = &rest[at + 4..];
    }
    out.extend_from_slice(rest);
    out
}

/// A memory figure from /proc/self/status in KiB (0 where unavailable).
fn rss_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with(field))
                .and_then(|line| line.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}
