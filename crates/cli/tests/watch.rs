//! `storyline sources` and `storyline watch` end to end, against local servers only.

mod common;
#[path = "../../fetch/tests/support/mod.rs"]
mod support;

use std::process::Stdio;
use std::time::{Duration, Instant};

use common::Sandbox;
use support::{Reply, Server, article_page, rss};

fn news_server() -> Server {
    Server::start(|hit| {
        let base = format!("http://{}", hit.headers["host"]);
        match hit.path.as_str() {
            "/robots.txt" => Reply::not_found(),
            "/feed.xml" => Reply::xml(rss(
                "Local News",
                &[format!("{base}/story/1"), format!("{base}/story/2")],
            )),
            "/broken.xml" => Reply::xml("<rss><channel><item><title>cut"),
            p if p.starts_with("/story/") => {
                Reply::html(article_page("A story", p[7..].parse().unwrap()))
            }
            _ => Reply::not_found(),
        }
    })
}

#[test]
fn sources_add_import_list_export_remove() {
    let sandbox = Sandbox::new();
    let nothing = sandbox.run(&["watch", "--once"]);
    nothing.assert_code(2);
    assert!(
        nothing
            .stderr()
            .contains("no sources to watch; add one with `storyline sources add URL`"),
        "{}",
        nothing.stderr()
    );
    sandbox
        .run(&[
            "sources",
            "add",
            "https://a.example/rss.xml?utm_source=x",
            "--name",
            "A News",
        ])
        .assert_code(0);
    let bad = sandbox.run(&["sources", "add", "not a url"]);
    bad.assert_code(2);
    assert!(bad.stderr().contains("not a URL"), "{}", bad.stderr());
    let opml = sandbox.write(
        "feeds.opml",
        r#"<opml version="2.0"><body><outline text="Folder">
             <outline text="B News" xmlUrl="https://b.example/feed"/>
             <outline text="again" xmlUrl="https://a.example/rss.xml"/>
           </outline></body></opml>"#,
    );
    let run = sandbox.run(&["sources", "import", opml.to_str().unwrap()]);
    run.assert_code(0);
    assert!(
        run.stderr()
            .contains("imported 1 new sources (1 already followed"),
        "{}",
        run.stderr()
    );

    let sources = sandbox
        .run(&["sources", "list", "--json"])
        .assert_code(0)
        .json_lines();
    assert_eq!(sources.len(), 2);
    assert_eq!(sources[0]["url"], "https://a.example/rss.xml");
    assert_eq!(sources[0]["name"], "A News", "import does not rename");
    assert_eq!(sources[1]["name"], "B News");
    assert_eq!(sources[1]["status"], serde_json::Value::Null);

    let exported = sandbox.run(&["sources", "export"]);
    exported.assert_code(0);
    let text = exported.stdout();
    assert!(
        text.contains(r#"xmlUrl="https://b.example/feed""#),
        "{text}"
    );
    assert!(text.contains(r#"title="A News""#), "{text}");
    // Export then import into a fresh store gives the same list.
    let other = Sandbox::new();
    let file = other.write("out.opml", &text);
    other
        .run(&["sources", "import", file.to_str().unwrap()])
        .assert_code(0);
    let again = other.run(&["sources", "list", "--json"]).json_lines();
    let urls = |list: &[serde_json::Value]| -> Vec<String> {
        list.iter()
            .map(|s| s["url"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(urls(&again), urls(&sources));

    sandbox
        .run(&["sources", "remove", "https://b.example/feed"])
        .assert_code(0);
    let missing = sandbox.run(&["sources", "remove", "https://b.example/feed"]);
    missing.assert_code(2);
    assert!(missing.stderr().contains("not a followed source"));
    assert_eq!(
        sandbox
            .run(&["sources", "list", "--json"])
            .json_lines()
            .len(),
        1
    );
}

#[test]
fn watch_once_stores_new_pages_and_records_failures() {
    let server = news_server();
    let sandbox = Sandbox::new();
    sandbox
        .run(&["sources", "add", &server.url("/feed.xml")])
        .assert_code(0);
    sandbox
        .run(&["sources", "add", &server.url("/broken.xml")])
        .assert_code(0);
    let watch = [
        "watch",
        "--once",
        "--no-annotate",
        "--min-delay",
        "0",
        "--timeout",
        "5s",
    ];
    let run = sandbox.run(&watch);
    run.assert_code(1);
    assert!(run.stderr().contains("2 new articles"), "{}", run.stderr());
    let articles = sandbox
        .run(&["articles", "--json"])
        .assert_code(0)
        .json_lines();
    assert_eq!(articles.len(), 2);
    assert!(articles.iter().all(|a| a["source"] == "Local News"));

    let list = sandbox.run(&["sources", "list"]).assert_code(0).stdout();
    assert!(list.contains("malformed feed"), "{list}");
    assert!(list.contains(&server.url("/broken.xml")), "{list}");
    let json = sandbox.run(&["sources", "list", "--json"]).json_lines();
    assert_eq!(json[0]["articles"], 2);
    assert_eq!(json[0]["status"], "ok");
    assert_eq!(json[1]["failures"], 1);

    // A second run fetches no page again.
    server.clear();
    sandbox.run(&watch).assert_code(1);
    assert!(
        !server.paths().iter().any(|p| p.starts_with("/story/")),
        "{:?}",
        server.paths()
    );
    // Unless asked.
    server.clear();
    sandbox
        .run(&[&watch[..], &["--refetch"]].concat())
        .assert_code(1);
    assert_eq!(server.count("/story/1"), 1);
}

#[test]
fn watch_annotates_new_articles_by_default() {
    let server = news_server();
    let sandbox = Sandbox::new();
    sandbox
        .run(&["sources", "add", &server.url("/feed.xml")])
        .assert_code(0);
    let run = sandbox.run(&["watch", "--once", "--min-delay", "0"]);
    run.assert_code(0);
    assert!(
        run.stderr().contains("2 new articles (2 annotated)"),
        "{}",
        run.stderr()
    );
    let articles = sandbox.run(&["articles", "--json"]).json_lines();
    let id = articles[0]["id"].as_str().unwrap();
    let show = sandbox.run(&["show", id, "--json"]);
    show.assert_code(0);
    let doc: serde_json::Value = serde_json::from_str(&show.stdout()).unwrap();
    assert!(!doc["sentences"].as_array().unwrap().is_empty(), "{doc}");
}

#[test]
fn sigterm_finishes_the_current_write_and_exits_cleanly() {
    let server = news_server();
    let sandbox = Sandbox::new();
    sandbox
        .run(&["sources", "add", &server.url("/feed.xml")])
        .assert_code(0);
    let mut child = sandbox
        .command(&[
            "watch",
            "--interval",
            "1h",
            "--min-delay",
            "0",
            "--no-annotate",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while server.count("/story/2") == 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    // Let the writer commit, then stop the process while it waits for the next round.
    std::thread::sleep(Duration::from_millis(500));
    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    while child.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "watch did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("stopped by signal"), "{stderr}");
    assert!(stderr.contains("2 new articles"), "{stderr}");
    let articles = sandbox.run(&["articles", "--json"]).json_lines();
    assert_eq!(articles.len(), 2);
}
