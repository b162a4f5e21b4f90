//! The watch loop end to end against local servers: what was fetched, in which order and
//! spacing, and what was stored, across restarts.

mod support;

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use storyline_fetch::{FetchConfig, WatchConfig, WatchSummary, watch};
use storyline_model::Article;
use storyline_store::Store;
use support::{Body, Reply, Server, article_page, rss};

fn config(min_delay_ms: u64) -> WatchConfig {
    WatchConfig {
        fetch: FetchConfig {
            min_delay: Duration::from_millis(min_delay_ms),
            timeout: Duration::from_millis(800),
            connect_timeout: Duration::from_millis(500),
            max_bytes: 1024 * 1024,
            retry_base: Duration::from_millis(50),
            max_retries: 2,
            max_retry_wait: Duration::from_secs(2),
            ..FetchConfig::default()
        },
        once: true,
        handle_signals: false,
        ..WatchConfig::default()
    }
}

/// One `watch --once`; returns the summary and the headlines the hook was given.
fn run_once(db: &Path, config: WatchConfig) -> (WatchSummary, Vec<String>) {
    let mut seen = Vec::new();
    let mut hook = |_: &mut Store, new: &[&Article]| {
        seen.extend(new.iter().map(|a| a.headline.clone().unwrap_or_default()));
        Ok(new.len() as u64)
    };
    let summary = watch(db, config, &mut hook).unwrap();
    (summary, seen)
}

fn add(db: &Path, url: &str, name: Option<&str>) {
    Store::open(db)
        .unwrap()
        .add_source(url, name, "2026-01-01T00:00:00Z")
        .unwrap();
}

#[test]
fn new_items_once_each_then_a_304() {
    let links: Arc<Mutex<Vec<String>>> = Arc::new(Mutex::new(Vec::new()));
    let feed_links = links.clone();
    let server = Server::start(move |hit| {
        let links = feed_links.lock().unwrap().clone();
        let etag = format!("\"v{}\"", links.len());
        match hit.path.as_str() {
            "/robots.txt" => Reply::not_found(),
            "/feed.xml" if hit.headers.get("if-none-match") == Some(&etag) => Reply::status(304),
            "/feed.xml" => Reply::xml(rss("Test Feed", &links)).header("ETag", &etag),
            p if p.starts_with("/story/") => {
                Reply::html(article_page("Page title", p[7..].parse().unwrap()))
            }
            _ => Reply::not_found(),
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    add(&db, &server.url("/feed.xml"), None);
    *links.lock().unwrap() = vec![
        server.url("/story/0"),
        server.url("/story/1?utm_source=rss&utm_medium=feed#comments"),
    ];

    let (summary, seen) = run_once(&db, config(100));
    assert_eq!(
        server.paths(),
        ["/robots.txt", "/feed.xml", "/story/0", "/story/1"]
    );
    server.assert_polite(Duration::from_millis(100));
    assert_eq!(summary.new_articles, 2, "{summary:?}");
    assert_eq!(summary.pages_fetched, 2);
    assert_eq!(seen, ["Story 0", "Story 1"], "feed titles name the pages");
    let store = Store::open(&db).unwrap();
    let stored = store.summaries().unwrap();
    assert_eq!(stored.len(), 2);
    assert!(stored.iter().all(|a| a.source == "Test Feed"), "{stored:?}");
    let remembered = store.fetched_url(&server.url("/story/1")).unwrap().unwrap();
    assert_eq!(remembered.status, "new");
    let source = &store.sources().unwrap()[0];
    assert_eq!(source.articles, 2);
    assert_eq!(source.etag.as_deref(), Some("\"v2\""));
    assert_eq!(source.status.as_deref(), Some("ok"));
    assert_eq!(source.error, None);
    drop(store);

    // A restart with one new item: only that page is fetched.
    server.clear();
    links.lock().unwrap().push(server.url("/story/2"));
    let (summary, seen) = run_once(&db, config(100));
    assert_eq!(server.paths(), ["/robots.txt", "/feed.xml", "/story/2"]);
    assert_eq!(summary.new_articles, 1);
    assert_eq!(summary.already_fetched, 2);
    assert_eq!(seen, ["Story 2"]);
    assert_eq!(
        server.hits()[1]
            .headers
            .get("if-none-match")
            .map(String::as_str),
        Some("\"v2\"")
    );

    // Nothing new: the feed costs a 304 and nothing else is fetched.
    server.clear();
    let (summary, _) = run_once(&db, config(100));
    assert_eq!(server.paths(), ["/robots.txt", "/feed.xml"]);
    assert_eq!(summary.not_modified, 1);
    assert_eq!(summary.new_articles, 0);
    let store = Store::open(&db).unwrap();
    assert_eq!(store.count().unwrap(), 3);
    assert_eq!(
        store.sources().unwrap()[0].status.as_deref(),
        Some("not modified")
    );
}

#[test]
fn misbehaving_hosts_are_recorded_and_the_rest_goes_on() {
    let flaky_calls = Arc::new(Mutex::new(0));
    let calls = flaky_calls.clone();
    let good = Server::start(move |hit| {
        let base = format!("http://{}", hit.headers["host"]);
        match hit.path.as_str() {
            "/robots.txt" => Reply::ok("text/plain", "User-agent: *\nDisallow: /private/\n"),
            "/feed.xml" => {
                let links: Vec<String> = [
                    "/legacy",
                    "/header-charset",
                    "/flaky",
                    "/loop-a",
                    "/private/secret",
                    "/huge",
                    "/gone",
                    "/ok",
                ]
                .iter()
                .map(|p| format!("{base}{p}"))
                .collect();
                Reply::xml(rss("Good", &links))
            }
            "/legacy" => {
                let page = article_page("Café", 7)
                    .replace(
                        "<meta charset=\"utf-8\">",
                        "<meta charset=\"windows-1252\">",
                    )
                    .replace("Officials in", "Café officials in");
                let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&page);
                Reply::ok("text/html", bytes.into_owned())
            }
            "/header-charset" => {
                // The header names the encoding; the page claims another (HTML: header wins).
                let page = article_page("Header", 10)
                    .replace(
                        "<meta charset=\"utf-8\">",
                        "<meta charset=\"windows-1252\">",
                    )
                    .replace("Officials in", "Москва: officials in");
                let (bytes, _, _) = encoding_rs::KOI8_R.encode(&page);
                Reply::ok("text/html; charset=koi8-r", bytes.into_owned())
            }
            "/flaky" => {
                let mut n = calls.lock().unwrap();
                *n += 1;
                if *n == 1 {
                    Reply::status(500)
                } else {
                    Reply::html(article_page("Flaky", 8))
                }
            }
            "/loop-a" => Reply::redirect("/loop-b"),
            "/loop-b" => Reply::redirect("/loop-a"),
            "/huge" => Reply {
                body: Body::Endless {
                    len: 50 * 1024 * 1024,
                },
                ..Reply::html("")
            },
            "/ok" => Reply::html(article_page("Fine", 9)),
            _ => Reply::not_found(),
        }
    });
    let malformed = Server::start(|hit| match hit.path.as_str() {
        "/feed.xml" => Reply::xml("<rss><channel><title>Broken</title><item><title>x</ti"),
        _ => Reply::not_found(),
    });
    let slow = Server::start(|hit| match hit.path.as_str() {
        "/feed.xml" => Reply::xml("<rss/>").delayed(Duration::from_secs(3)),
        _ => Reply::not_found(),
    });
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    add(&db, &malformed.url("/feed.xml"), None);
    add(&db, &slow.url("/feed.xml"), Some("Slow"));
    add(&db, &good.url("/feed.xml"), Some("Good News"));

    let (summary, _) = run_once(&db, config(20));
    assert_eq!(summary.polls, 3);
    assert_eq!(
        good.paths(),
        [
            "/robots.txt",
            "/feed.xml",
            "/legacy",
            "/header-charset",
            "/flaky",
            "/flaky",
            "/loop-a",
            "/loop-b",
            "/huge",
            "/gone",
            "/ok"
        ],
        "robots.txt keeps /private/ unfetched; the 500 is retried once"
    );
    good.assert_polite(Duration::from_millis(20));
    assert_eq!(summary.new_articles, 4, "{summary:?}");

    let store = Store::open(&db).unwrap();
    let sources = store.sources().unwrap();
    let by_name = |name: &str| {
        sources
            .iter()
            .find(|s| s.name.as_deref() == Some(name))
            .unwrap()
    };
    let broken = sources.iter().find(|s| s.name.is_none()).unwrap();
    let error = broken.error.as_deref().unwrap();
    assert!(
        error.contains("malformed feed") && error.contains(&malformed.url("/feed.xml")),
        "{error}"
    );
    assert_eq!(broken.failures, 1);
    let error = by_name("Slow").error.as_deref().unwrap();
    assert!(
        error.contains("timed out") && error.contains(&slow.url("/feed.xml")),
        "{error}"
    );
    let good_source = by_name("Good News");
    assert_eq!(good_source.articles, 4);
    assert_eq!(good_source.status.as_deref(), Some("partial"));
    let error = good_source.error.as_deref().unwrap();
    assert!(error.starts_with("4 pages failed"), "{error}");

    let legacy = store.resolve("").unwrap();
    let texts: Vec<Article> = legacy
        .iter()
        .map(|id| store.article(id).unwrap().unwrap())
        .collect();
    let cafe = texts
        .iter()
        .find(|a| a.text.contains("Café officials"))
        .expect("decoded windows-1252");
    assert_eq!(cafe.source, "Good News");
    assert_eq!(cafe.url.as_deref(), Some(good.url("/legacy").as_str()));
    assert!(
        texts.iter().any(|a| a.text.contains("Москва: officials")),
        "KOI8-R by header"
    );
    let status = |path: &str| {
        store
            .fetched_url(&good.url(path))
            .unwrap()
            .map(|f| f.status)
    };
    assert!(status("/loop-a").unwrap().contains("redirect loop"));
    assert!(
        status("/huge")
            .unwrap()
            .contains("larger than 1048576 bytes")
    );
    assert!(status("/private/secret").unwrap().contains("robots.txt"));
    assert!(status("/gone").unwrap().contains("HTTP 404"));
    assert_eq!(status("/flaky").as_deref(), Some("new"));
    drop(store);

    // Nothing listed is fetched again, failures included.
    good.clear();
    run_once(&db, config(20));
    assert_eq!(good.paths(), ["/robots.txt", "/feed.xml"]);
}

#[test]
fn sitemaps_full_text_items_single_pages_and_canonical_links() {
    let server = Server::start(|hit| {
        let base = format!("http://{}", hit.headers["host"]);
        match hit.path.as_str() {
            "/robots.txt" => Reply::not_found(),
            "/sitemap_index.xml" => Reply::xml(format!(
                "<sitemapindex><sitemap><loc>{base}/old.xml.gz</loc><lastmod>2024-01-01</lastmod></sitemap>\
                 <sitemap><loc>{base}/news.xml</loc><lastmod>2025-03-17</lastmod></sitemap></sitemapindex>"
            )),
            "/news.xml" => Reply::xml(format!(
                "<urlset xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">\
                 <url><loc>{base}/a?utm_campaign=x</loc><news:news><news:publication><news:name>Sitemap Times</news:name></news:publication>\
                 <news:publication_date>2025-03-17T10:00:00Z</news:publication_date><news:title>News title A</news:title></news:news></url>\
                 <url><loc>{base}/b</loc></url></urlset>"
            )),
            "/old.xml.gz" => {
                // A gzipped file, not a gzip transfer encoding: the watcher unpacks it.
                use std::io::Write;
                let mut gz =
                    flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
                gz.write_all(format!("<urlset><url><loc>{base}/c</loc></url></urlset>").as_bytes())
                    .unwrap();
                Reply::ok("application/gzip", gz.finish().unwrap())
            }
            "/a" => Reply::html(article_page("A", 1)),
            "/b" => Reply::html(article_page("B", 2).replace(
                "<title>",
                &format!(
                    "<link rel=\"canonical\" href=\"{base}/b-canonical?utm_source=x\"><title>"
                ),
            )),
            "/c" => Reply::html(article_page("C", 3)),
            "/full.xml" => {
                let words = "Ministers met again on Wednesday to discuss the ceasefire proposal. "
                    .repeat(25);
                Reply::xml(format!(
                    "<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><channel><title>Full</title>\
                     <item><title>Full item</title><link>{base}/full-item</link><description>Teaser.</description>\
                     <content:encoded><![CDATA[<p>{words}</p>]]></content:encoded></item></channel></rss>"
                ))
            }
            "/single.html" => Reply::html(article_page("Single", 4)),
            "/canonical-feed.xml" => Reply::xml(rss("Canon", &[format!("{base}/b-canonical")])),
            _ => Reply::not_found(),
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    add(&db, &server.url("/sitemap_index.xml"), None);
    add(&db, &server.url("/full.xml"), None);
    add(&db, &server.url("/single.html"), Some("Single Source"));
    let mut config = config(0);
    config.concurrency = 1;
    let (summary, _) = run_once(&db, config.clone());
    // The sitemap source's requests come in this order; the other two sources may be polled
    // before or after its last page (one request at a time per host, not one source at a time).
    let paths = server.paths();
    let sitemap_order: Vec<&str> = paths
        .iter()
        .map(String::as_str)
        .filter(|p| !matches!(*p, "/full.xml" | "/single.html"))
        .collect();
    assert_eq!(
        sitemap_order,
        [
            "/robots.txt",
            "/sitemap_index.xml",
            "/news.xml",
            "/old.xml.gz",
            "/a",
            "/b",
            "/c"
        ],
        "newest child sitemap first; gzipped sitemaps are read"
    );
    let mut others: Vec<&str> = paths
        .iter()
        .map(String::as_str)
        .filter(|p| matches!(*p, "/full.xml" | "/single.html"))
        .collect();
    others.sort_unstable();
    assert_eq!(
        others,
        ["/full.xml", "/single.html"],
        "each fetched once; the full-text item's page is not fetched: {paths:?}"
    );
    assert!(!paths.iter().any(|p| p == "/full-item"), "{paths:?}");
    assert_eq!(summary.new_articles, 5, "{summary:?}");
    let store = Store::open(&db).unwrap();
    let articles: Vec<Article> = store
        .resolve("")
        .unwrap()
        .iter()
        .map(|id| store.article(id).unwrap().unwrap())
        .collect();
    let by_url = |path: &str| {
        articles
            .iter()
            .find(|a| a.url.as_deref() == Some(server.url(path).as_str()))
            .unwrap_or_else(|| panic!("no article for {path}"))
    };
    let a = by_url("/a");
    assert_eq!(a.headline.as_deref(), Some("News title A"));
    assert_eq!(a.source, "Sitemap Times");
    assert!(a.published.as_deref().unwrap().starts_with("2025-03-17"));
    assert!(by_url("/b-canonical").text.contains("district 2"));
    assert_eq!(by_url("/full-item").headline.as_deref(), Some("Full item"));
    assert_eq!(by_url("/single.html").source, "Single Source");
    assert_eq!(
        store
            .fetched_url(&server.url("/full-item"))
            .unwrap()
            .unwrap()
            .status,
        "new"
    );
    drop(store);

    // Another source listing the canonical address finds it already fetched.
    add(&db, &server.url("/canonical-feed.xml"), None);
    server.clear();
    run_once(&db, config);
    assert!(
        !server.paths().contains(&"/b-canonical".to_owned()),
        "{:?}",
        server.paths()
    );
    assert_eq!(server.count("/canonical-feed.xml"), 1);
}
