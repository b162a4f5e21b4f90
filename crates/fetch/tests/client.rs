//! The polite client against local servers: conditional GET, robots.txt, retries with
//! backoff and Retry-After, redirects, timeouts, the body cap, and per-host turns.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use storyline_fetch::{Conditional, FetchConfig, FetchError, Fetched, Fetcher, urls};
use support::{Body, Reply, Server};

fn config(min_delay_ms: u64) -> FetchConfig {
    FetchConfig {
        user_agent: FetchConfig::user_agent_for(Some("tests@example.invalid")),
        min_delay: Duration::from_millis(min_delay_ms),
        timeout: Duration::from_millis(800),
        connect_timeout: Duration::from_millis(500),
        max_bytes: 1024 * 1024,
        max_redirects: 5,
        max_retries: 2,
        retry_base: Duration::from_millis(50),
        max_retry_wait: Duration::from_secs(3),
        ..FetchConfig::default()
    }
}

fn get(server: &Server, path: &str) -> url::Url {
    urls::parse(&server.url(path)).unwrap()
}

#[tokio::test]
async fn conditional_get_costs_a_304_and_sends_the_user_agent() {
    let server = Server::start(|hit| match hit.path.as_str() {
        "/feed.xml" if hit.headers.get("if-none-match").map(String::as_str) == Some("\"v1\"") => {
            Reply::status(304)
        }
        "/feed.xml" => Reply::xml("<rss/>")
            .header("ETag", "\"v1\"")
            .header("Last-Modified", "Mon, 17 Mar 2025 10:00:00 GMT"),
        _ => Reply::not_found(),
    });
    let fetcher = Fetcher::new(config(0)).unwrap();
    let Fetched::Ok(first) = fetcher
        .get(&get(&server, "/feed.xml"), &Conditional::default())
        .await
        .unwrap()
    else {
        panic!("expected a body")
    };
    assert_eq!(first.body, b"<rss/>");
    assert_eq!(first.etag.as_deref(), Some("\"v1\""));
    let again = Conditional {
        etag: first.etag.clone(),
        last_modified: first.last_modified.clone(),
    };
    let second = fetcher
        .get(&get(&server, "/feed.xml"), &again)
        .await
        .unwrap();
    assert!(matches!(second, Fetched::NotModified));
    let hits = server.hits();
    assert_eq!(server.paths(), ["/robots.txt", "/feed.xml", "/feed.xml"]);
    assert_eq!(
        hits[2].headers.get("if-modified-since").map(String::as_str),
        Some("Mon, 17 Mar 2025 10:00:00 GMT")
    );
    let agent = &hits[1].headers["user-agent"];
    assert!(
        agent.starts_with("storyline/") && agent.contains("tests@example.invalid"),
        "{agent}"
    );
}

#[tokio::test]
async fn robots_txt_is_obeyed_and_fetched_once() {
    let server = Server::start(|hit| match hit.path.as_str() {
        "/robots.txt" => Reply::ok(
            "text/plain",
            "User-agent: *\nDisallow: /private/\n\nUser-agent: otherbot\nDisallow: /\n",
        ),
        _ => Reply::html("<p>hello</p>"),
    });
    let fetcher = Fetcher::new(config(0)).unwrap();
    let err = fetcher
        .get(&get(&server, "/private/a.html"), &Conditional::default())
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::Robots(_)), "{err}");
    assert!(err.to_string().contains("/private/a.html"), "{err}");
    assert!(!err.is_transient());
    fetcher
        .get(&get(&server, "/public.html"), &Conditional::default())
        .await
        .unwrap();
    assert_eq!(server.paths(), ["/robots.txt", "/public.html"]);
}

#[tokio::test]
async fn robots_txt_redirects_are_followed() {
    let server = Server::start(|hit| match hit.path.as_str() {
        "/robots.txt" => Reply::redirect("/real-robots.txt"),
        "/real-robots.txt" => Reply::ok("text/plain", "User-agent: storyline\nDisallow: /no/\n"),
        _ => Reply::html("<p>hello</p>"),
    });
    let fetcher = Fetcher::new(config(0)).unwrap();
    let err = fetcher
        .get(&get(&server, "/no/a.html"), &Conditional::default())
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::Robots(_)), "{err}");
    assert_eq!(server.paths(), ["/robots.txt", "/real-robots.txt"]);
}

#[tokio::test]
async fn robots_txt_failing_with_5xx_closes_the_host() {
    let server = Server::start(|hit| match hit.path.as_str() {
        "/robots.txt" => Reply::status(503),
        _ => Reply::html("<p>hello</p>"),
    });
    let fetcher = Fetcher::new(config(0)).unwrap();
    let err = fetcher
        .get(&get(&server, "/a.html"), &Conditional::default())
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::Robots(_)), "{err}");
    assert_eq!(server.paths(), ["/robots.txt"]);
}

#[tokio::test]
async fn a_500_then_200_is_retried_after_a_backoff() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let server = Server::start(move |hit| match hit.path.as_str() {
        "/flaky" if counter.fetch_add(1, Ordering::SeqCst) == 0 => Reply::status(500),
        "/flaky" => Reply::html("<p>ok now</p>"),
        _ => Reply::not_found(),
    });
    let fetcher = Fetcher::new(config(0)).unwrap();
    let fetched = fetcher
        .get(&get(&server, "/flaky"), &Conditional::default())
        .await
        .unwrap();
    assert!(matches!(fetched, Fetched::Ok(r) if r.body == b"<p>ok now</p>"));
    let hits: Vec<_> = server
        .hits()
        .into_iter()
        .filter(|h| h.path == "/flaky")
        .collect();
    assert_eq!(hits.len(), 2);
    let waited = hits[1].arrived - hits[0].answered;
    assert!(
        waited >= Duration::from_millis(45),
        "retried after {waited:?}"
    );
}

#[tokio::test]
async fn retry_after_is_honoured_and_persistent_failure_gives_up() {
    let server = Server::start(|hit| match hit.path.as_str() {
        "/busy" => Reply::status(429).header("Retry-After", "1"),
        "/down" => Reply::status(503),
        "/away" => Reply::status(503).header("Retry-After", "3600"),
        _ => Reply::not_found(),
    });
    let fetcher = Fetcher::new(config(0)).unwrap();
    let started = Instant::now();
    let err = fetcher
        .get(&get(&server, "/busy"), &Conditional::default())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            FetchError::GaveUp {
                status: 429,
                attempts: 3,
                ..
            }
        ),
        "{err}"
    );
    assert!(err.is_transient());
    let busy: Vec<_> = server
        .hits()
        .into_iter()
        .filter(|h| h.path == "/busy")
        .collect();
    assert_eq!(busy.len(), 3);
    for pair in busy.windows(2) {
        assert!(pair[1].arrived - pair[0].answered >= Duration::from_millis(990));
    }
    assert!(started.elapsed() >= Duration::from_secs(2));

    let err = fetcher
        .get(&get(&server, "/down"), &Conditional::default())
        .await
        .unwrap_err();
    assert!(
        matches!(err, FetchError::GaveUp { status: 503, .. }),
        "{err}"
    );
    let down: Vec<_> = server
        .hits()
        .into_iter()
        .filter(|h| h.path == "/down")
        .collect();
    // Exponential: 50 ms, then 100 ms.
    assert!(down[1].arrived - down[0].answered >= Duration::from_millis(45));
    assert!(down[2].arrived - down[1].answered >= Duration::from_millis(95));

    // A wait longer than max_retry_wait is not sat out: the URL waits for the next poll.
    let err = fetcher
        .get(&get(&server, "/away"), &Conditional::default())
        .await
        .unwrap_err();
    assert!(
        matches!(err, FetchError::RetryLater { seconds: 3600, .. }),
        "{err}"
    );
    assert_eq!(server.count("/away"), 1);
}

#[tokio::test]
async fn redirects_are_followed_loops_and_chains_are_stopped() {
    let server = Server::start(|hit| match hit.path.as_str() {
        "/old?utm_source=x" | "/old" => Reply::redirect("/new?utm_medium=y#frag"),
        "/new" => Reply::html("<p>moved</p>"),
        "/a" => Reply::redirect("/b"),
        "/b" => Reply::redirect("/a"),
        p if p.starts_with("/chain/") => {
            let n: u32 = p[7..].parse().unwrap();
            Reply::redirect(&format!("/chain/{}", n + 1))
        }
        _ => Reply::not_found(),
    });
    let fetcher = Fetcher::new(config(0)).unwrap();
    let Fetched::Ok(page) = fetcher
        .get(&get(&server, "/old"), &Conditional::default())
        .await
        .unwrap()
    else {
        panic!("expected a page")
    };
    assert_eq!(page.url.as_str(), server.url("/new"));
    let err = fetcher
        .get(&get(&server, "/a"), &Conditional::default())
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::RedirectLoop { .. }), "{err}");
    assert_eq!(server.count("/a"), 1);
    assert_eq!(server.count("/b"), 1);
    let err = fetcher
        .get(&get(&server, "/chain/0"), &Conditional::default())
        .await
        .unwrap_err();
    assert!(
        matches!(err, FetchError::TooManyRedirects { max: 5, .. }),
        "{err}"
    );
    assert_eq!(
        server
            .paths()
            .iter()
            .filter(|p| p.starts_with("/chain/"))
            .count(),
        6
    );
}

#[tokio::test]
async fn a_50_mb_response_is_cut_off() {
    let server = Server::start(|hit| match hit.path.as_str() {
        "/huge-declared" => Reply {
            body: Body::Bytes(vec![b'x'; 50 * 1024 * 1024]),
            ..Reply::html("")
        },
        "/huge-streamed" => Reply {
            body: Body::Endless {
                len: 50 * 1024 * 1024,
            },
            ..Reply::html("")
        },
        _ => Reply::not_found(),
    });
    let fetcher = Fetcher::new(config(0)).unwrap();
    for path in ["/huge-declared", "/huge-streamed"] {
        let started = Instant::now();
        let err = fetcher
            .get(&get(&server, path), &Conditional::default())
            .await
            .unwrap_err();
        assert!(
            matches!(err, FetchError::TooLarge { max: 1048576, .. }),
            "{path}: {err}"
        );
        assert!(err.to_string().contains(path));
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{path} took {:?}",
            started.elapsed()
        );
    }
}

#[tokio::test]
async fn a_slow_host_times_out_without_holding_up_others() {
    let slow = Server::start(|hit| match hit.path.as_str() {
        "/robots.txt" => Reply::not_found(),
        _ => Reply::html("<p>late</p>").delayed(Duration::from_secs(5)),
    });
    let fast = Server::start(|_| Reply::html("<p>quick</p>"));
    let fetcher = Arc::new(
        Fetcher::new(FetchConfig {
            timeout: Duration::from_secs(2),
            ..config(0)
        })
        .unwrap(),
    );
    let slow_task = {
        let (fetcher, url) = (fetcher.clone(), get(&slow, "/page"));
        tokio::spawn(async move { fetcher.get(&url, &Conditional::default()).await })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    fetcher
        .get(&get(&fast, "/page"), &Conditional::default())
        .await
        .unwrap();
    // Had it queued behind the slow host, it would have waited for its 2 s timeout.
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "the fast host waited {:?}",
        started.elapsed()
    );
    let err = slow_task.await.unwrap().unwrap_err();
    assert!(matches!(err, FetchError::Timeout { .. }), "{err}");
    assert!(err.is_transient());
}

#[tokio::test]
async fn one_request_at_a_time_per_host_with_the_minimum_delay() {
    let server = Server::start(|hit| match hit.path.as_str() {
        "/robots.txt" => Reply::not_found(),
        _ => Reply::html("<p>x</p>").delayed(Duration::from_millis(30)),
    });
    let fetcher = Arc::new(Fetcher::new(config(150)).unwrap());
    let mut tasks = Vec::new();
    for i in 0..4 {
        let (fetcher, url) = (fetcher.clone(), get(&server, &format!("/p{i}")));
        tasks.push(tokio::spawn(async move {
            fetcher.get(&url, &Conditional::default()).await
        }));
    }
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    assert_eq!(server.hits().len(), 5);
    server.assert_polite(Duration::from_millis(150));
}
