//! End to end in a real browser: `storyline ingest` the five seeds and a hostile article,
//! `storyline serve` the store, and drive headless Chromium through chromedriver (the W3C
//! WebDriver JSON protocol over plain HTTP, no client crate) to open a story, follow a
//! timeline entry to its evidence, search, and save screenshots under `target/e2e/`; then
//! prove that nothing from the hostile article executes or becomes live markup.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`.ci/run` installs them when missing);
//! without them the tests fail with the command that installs them. Every child process is
//! owned by a guard that kills it on every path, and every wait has a deadline.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::{Sandbox, shared_dir};
use serde_json::{Value, json};

/// What the tests rely on in the pages: selectors and paths in one place, to update when
/// the templates change (crates/server/templates).
mod ui {
    /// Story list (`/`): one link per story.
    pub const STORY_LINK: &str = "ol.cards li a.title";
    /// Story page: the event timeline entries under the SVG chart. Each report of an
    /// entry is a link whose text is its evidence sentence, to
    /// `/articles/{id}?hl=START-END#hl` (the sentence's span).
    pub const TIMELINE_ENTRIES: &str = "ol.entries > li ul.reports a.evidence[href*='hl=']";
    /// Story page: the drawn timeline (each point a link).
    pub const TIMELINE_CHART: &str = "figure.timeline svg a circle";
    /// Article page: the evidence span a timeline entry points at.
    pub const EVIDENCE: &str = "mark#hl";
    pub const ARTICLE_TEXT: &str = "article";
    /// Search page.
    pub const SEARCH_PATH: &str = "/search";
    pub const SEARCH_BOX: &str = "form.search input[name=q]";
    pub const SEARCH_BUTTON: &str = "form.search button";
    pub const SEARCH_HIT: &str = "ol.cards li a.title";
    pub const SEARCH_HIT_MARK: &str = "ol.cards li .snippet mark";
}

/// The longest any single step may take (process start, page load, element lookup).
const STEP: Duration = Duration::from_secs(20);
/// The longest `storyline ingest` may take (a debug build on a busy machine: a few seconds).
const INGEST: Duration = Duration::from_secs(300);
const SEARCH_WORD: &str = "ceasefire";
const INSTALL: &str = "install with: apt-get install chromium chromium-driver";

// ----- processes -----

/// A child process killed (with its process group, so a browser started by chromedriver
/// goes too) and reaped when dropped: on success, failure and panic alike.
struct Guard {
    name: &'static str,
    child: Child,
}

impl Guard {
    fn spawn(name: &'static str, command: &mut Command) -> Guard {
        use std::os::unix::process::CommandExt;
        command.process_group(0);
        let child = command
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
        Guard { name, child }
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            // The whole group first (chromedriver's browsers), then the child itself.
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", self.child.id())])
                .stderr(Stdio::null())
                .status();
            let _ = self.child.kill();
        }
        if self.child.wait().is_err() {
            eprintln!("could not reap {}", self.name);
        }
    }
}

/// `name` on `PATH`, if it is there.
fn which(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

fn browser_binaries() -> (PathBuf, PathBuf) {
    let driver = which("chromedriver").unwrap_or_else(|| {
        panic!("chromedriver is not on PATH; {INSTALL}");
    });
    let chromium = ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|n| which(n))
        .unwrap_or_else(|| panic!("chromium is not on PATH; {INSTALL}"));
    (driver, chromium)
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free local port")
        .port()
}

// ----- a minimal HTTP/1.1 client (chromedriver and the server are both local) -----

struct Reply {
    status: u16,
    body: Vec<u8>,
}

fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    body: Option<&Value>,
) -> std::io::Result<Reply> {
    let mut stream = TcpStream::connect_timeout(&addr, STEP)?;
    // Page loads happen inside a WebDriver request: allow for one, plus a margin.
    stream.set_read_timeout(Some(STEP * 2))?;
    stream.set_write_timeout(Some(STEP))?;
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
         Content-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )?;
    // chromedriver keeps the connection open despite `Connection: close`: the body ends
    // by its length (or last chunk), not by the end of the stream.
    let bad = |what: &str| std::io::Error::other(format!("{method} {path}: {what}"));
    let mut raw = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    let mut read_more = |raw: &mut Vec<u8>| -> std::io::Result<bool> {
        let n = stream.read(&mut buf)?;
        raw.extend_from_slice(&buf[..n]);
        Ok(n > 0)
    };
    let split = loop {
        if let Some(at) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        if !read_more(&mut raw)? {
            return Err(bad("no end of headers"));
        }
    };
    let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| bad("no status"))?;
    let header = |name: &str| {
        head.lines()
            .filter_map(|l| l.split_once(':'))
            .find(|(k, _)| k.trim() == name)
            .map(|(_, v)| v.trim().to_owned())
    };
    let start = split + 4;
    if header("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
        loop {
            if let Some(body) = dechunk(&raw[start..]) {
                return Ok(Reply { status, body });
            }
            if !read_more(&mut raw)? {
                return Err(bad("bad chunked body"));
            }
        }
    }
    match header("content-length").and_then(|v| v.parse::<usize>().ok()) {
        Some(length) => {
            while raw.len() < start + length {
                if !read_more(&mut raw)? {
                    return Err(bad("body shorter than its length"));
                }
            }
            raw.truncate(start + length);
        }
        None => while read_more(&mut raw)? {},
    }
    Ok(Reply {
        status,
        body: raw.split_off(start),
    })
}

/// The body of a complete chunked message, or `None` while it is incomplete (or bad).
fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&data[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(data.get(..size)?);
        data = data.get(size + 2..)?;
    }
}

/// Standard base64 (screenshots), without a dependency for it.
fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let sextets: Vec<u8> = text.bytes().filter_map(value).collect();
    let mut out = Vec::with_capacity(sextets.len() * 3 / 4);
    for chunk in sextets.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &s)| n | (u32::from(s) << (18 - 6 * i)));
        out.extend_from_slice(&n.to_be_bytes()[1..chunk.len()]);
    }
    out
}

// ----- storyline serve -----

/// A store with the five seeds (dated, so their quotes and times land on the timeline) and
/// the hostile fixtures, served by `storyline serve` on a free port.
struct Site {
    // Fields drop in order: the server goes before its store's folder.
    _server: Guard,
    sandbox: Sandbox,
    addr: SocketAddr,
}

/// A hostile article as a JSON line: markup in the headline, source, byline, text and URL.
const HOSTILE_JSONL: &str = r#"{"id": "hostile-1", "url": "javascript:window.__xss=1", "source": "Mallory <script>window.__xss=1</script> Times", "title": "Xyzzy ceasefire <script>window.__xss=1</script> talks <img src=x onerror=\"window.__xss=1\">", "author": "<img src=x onerror=\"window.__xss=1\">", "published": "2025-03-10", "text": "Kursk ceasefire xyzzy report. <script>window.__xss=1</script> The envoy said: \"<img src=x onerror=\"window.__xss=1\"> we will talk.\"\n\nRead <a href=\"javascript:window.__xss=1\">the full ceasefire plan</a> and <a href=\"JaVaScRiPt:window.__xss=1\">more</a>. <svg onload=\"window.__xss=1\"></svg> <iframe src=\"javascript:window.__xss=1\"></iframe>"}"#;

/// The same attack as a web page: the extractor keeps text, never markup.
const HOSTILE_HTML: &str = r#"<!doctype html><html><head><title>Plugh ceasefire rumours <script>window.__xss=1</script></title>
<meta property="article:published_time" content="2025-03-09">
<script>window.__xss=1</script></head><body><article><h1>Plugh ceasefire rumours &lt;script&gt;window.__xss=1&lt;/script&gt;</h1>
<p>Plugh: Kursk officials discussed a ceasefire on Sunday, according to several people briefed on the talks. <img src=x onerror="window.__xss=1"></p>
<p>Read <a href="javascript:window.__xss=1">the full ceasefire plan</a> before the talks resume on Monday in the capital city, officials said.</p>
<p>The draft &lt;img src=x onerror="window.__xss=1"&gt; covers prisoners, energy sites and shipping in the Black Sea, according to the document.</p>
<script>window.__xss=1</script></article></body></html>"#;

/// `storyline ingest ARGS` into the sandbox's store, killed if it outlives [`INGEST`].
fn ingest(sandbox: &Sandbox, args: &[&str]) {
    let log = sandbox.path("ingest.log");
    let mut command = sandbox.command(&[&["--quiet", "ingest"], args].concat());
    command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).expect("ingest log"));
    let mut guard = Guard::spawn("storyline ingest", &mut command);
    let deadline = Instant::now() + INGEST;
    let status = loop {
        if let Some(status) = guard.child.try_wait().expect("wait for storyline ingest") {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "storyline ingest {args:?} took over {INGEST:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(
        status.success(),
        "storyline ingest {args:?}: {status}\n{}",
        std::fs::read_to_string(&log).unwrap_or_default()
    );
}

fn start_site() -> Site {
    let sandbox = Sandbox::new();
    let seeds = shared_dir().join("seeds");
    let jsonl = sandbox.write("hostile.jsonl", format!("{HOSTILE_JSONL}\n"));
    let html = sandbox.write("hostile.html", HOSTILE_HTML);
    ingest(
        &sandbox,
        &["--published", "2025-03-17", seeds.to_str().unwrap()],
    );
    ingest(&sandbox, &[jsonl.to_str().unwrap(), html.to_str().unwrap()]);

    let mut command = sandbox.command(&["serve", "--addr", "127.0.0.1:0"]);
    command.stdout(Stdio::piped()).stderr(Stdio::inherit());
    let mut server = Guard::spawn("storyline serve", &mut command);
    let stdout = server.child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    // "storyline: serving DB at http://ADDR/ (API at /api, Ctrl-C to stop)"
    let line = rx
        .recv_timeout(STEP)
        .expect("storyline serve printed no address");
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .and_then(|a| a.to_socket_addrs().ok()?.next())
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    Site {
        _server: server,
        sandbox,
        addr,
    }
}

// ----- WebDriver -----

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// One headless Chromium session through chromedriver. Dropping it ends the session (and
/// the browser), then kills chromedriver.
struct Browser {
    driver: SocketAddr,
    session: String,
    base: String,
    _profile: tempfile::TempDir,
    _chromedriver: Guard,
}

impl Browser {
    /// chromedriver and a browser session on `site`; `binaries` from [`browser_binaries`],
    /// looked up before the store is built so that a missing browser fails at once.
    fn start(site: &Site, (driver_bin, chromium): (PathBuf, PathBuf)) -> Browser {
        let port = free_port();
        let log = site.sandbox.path("chromedriver.log");
        let chromedriver = Guard::spawn(
            "chromedriver",
            Command::new(&driver_bin)
                .arg(format!("--port={port}"))
                .arg(format!("--log-path={}", log.display()))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        );
        let driver = SocketAddr::from(([127, 0, 0, 1], port));
        let deadline = Instant::now() + STEP;
        loop {
            let ready = http(driver, "GET", "/status", None)
                .ok()
                .and_then(|r| serde_json::from_slice::<Value>(&r.body).ok())
                .is_some_and(|v| v["value"]["ready"] == true);
            if ready {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "chromedriver did not become ready on port {port} (log: {})",
                log.display()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        let profile = tempfile::tempdir().expect("profile folder");
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "pageLoadStrategy": "normal",
            "timeouts": {"implicit": 5000, "pageLoad": STEP.as_millis() as u64, "script": 5000},
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                    "--window-size=1200,1000",
                    format!("--user-data-dir={}", profile.path().display()),
                ],
            },
        }}});
        let reply = http(driver, "POST", "/session", Some(&capabilities))
            .unwrap_or_else(|e| panic!("new WebDriver session: {e}"));
        let value: Value = serde_json::from_slice(&reply.body).unwrap_or_default();
        let session = value["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| {
                panic!(
                    "chromedriver could not start {} ({}): {}; {INSTALL}",
                    chromium.display(),
                    reply.status,
                    String::from_utf8_lossy(&reply.body)
                )
            })
            .to_owned();
        Browser {
            driver,
            session,
            base: format!("http://{}", site.addr),
            _profile: profile,
            _chromedriver: chromedriver,
        }
    }

    /// A WebDriver command on this session; its `value`, or a panic with the driver's error.
    fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("/session/{}{path}", self.session);
        let body = body.or_else(|| (method == "POST").then(|| json!({})));
        let reply = http(self.driver, method, &url, body.as_ref())
            .unwrap_or_else(|e| panic!("WebDriver {method} {path}: {e}"));
        let value: Value = serde_json::from_slice(&reply.body).unwrap_or_else(|e| {
            panic!(
                "WebDriver {method} {path}: {e}: {}",
                String::from_utf8_lossy(&reply.body)
            )
        });
        assert_eq!(reply.status, 200, "WebDriver {method} {path}: {value}");
        value["value"].clone()
    }

    fn goto(&self, path: &str) {
        self.cmd(
            "POST",
            "/url",
            Some(json!({"url": format!("{}{path}", self.base)})),
        );
    }

    /// The path and query of the current page.
    fn location(&self) -> String {
        let url = self.cmd("GET", "/url", None);
        url.as_str()
            .unwrap()
            .strip_prefix(&self.base)
            .unwrap_or_else(|| panic!("left the site: {url}"))
            .to_owned()
    }

    /// Elements matching `css` (waiting up to the implicit timeout for the first one).
    fn find_all(&self, css: &str) -> Vec<String> {
        let found = self.cmd(
            "POST",
            "/elements",
            Some(json!({"using": "css selector", "value": css})),
        );
        found
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e[ELEMENT].as_str().unwrap().to_owned())
            .collect()
    }

    fn find(&self, css: &str) -> String {
        let page = self.location();
        self.find_all(css)
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("nothing matches {css:?} on {page}"))
    }

    fn text(&self, element: &str) -> String {
        let text = self.cmd("GET", &format!("/element/{element}/text"), None);
        text.as_str().unwrap_or_default().to_owned()
    }

    fn click(&self, element: &str) {
        self.cmd("POST", &format!("/element/{element}/click"), None);
    }

    /// Clicks a link or submit button and waits until the browser has left the current
    /// page and loaded the next (a click may return before the navigation starts).
    fn follow(&self, element: &str) {
        let before = self.location();
        self.click(element);
        let deadline = Instant::now() + STEP;
        loop {
            let loaded = self.run("return document.readyState") == "complete";
            if loaded && self.location() != before {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "clicking on {before} led nowhere within {STEP:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn type_into(&self, element: &str, text: &str) {
        self.cmd(
            "POST",
            &format!("/element/{element}/value"),
            Some(json!({ "text": text })),
        );
    }

    fn run(&self, script: &str) -> Value {
        self.run_with(script, json!([]))
    }

    fn run_with(&self, script: &str, args: Value) -> Value {
        self.cmd(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": args})),
        )
    }

    /// The path and query a link points at (resolved by the browser).
    fn link_path(&self, element: &str) -> String {
        let path = self.run_with(
            "return arguments[0].pathname + arguments[0].search + arguments[0].hash;",
            json!([{ ELEMENT: element }]),
        );
        path.as_str().unwrap().to_owned()
    }

    /// Turns off the page's Content-Security-Policy for the following loads, so that only
    /// escaping stands between the article text and script execution.
    fn bypass_csp(&self) {
        self.cmd(
            "POST",
            "/goog/cdp/execute",
            Some(json!({"cmd": "Page.setBypassCSP", "params": {"enabled": true}})),
        );
    }

    /// Saves a PNG of the viewport as `target/e2e/{name}.png` and returns its path.
    fn screenshot(&self, name: &str) -> PathBuf {
        let png = base64_decode(self.cmd("GET", "/screenshot", None).as_str().unwrap());
        assert!(
            png.starts_with(b"\x89PNG\r\n\x1a\n"),
            "screenshot is not a PNG"
        );
        let dir = e2e_dir();
        std::fs::create_dir_all(&dir).expect("create target/e2e");
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, &png).expect("write screenshot");
        println!("screenshot: {}", path.display());
        path
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Ends the browser cleanly; the chromedriver guard kills whatever is left.
        let _ = http(
            self.driver,
            "DELETE",
            &format!("/session/{}", self.session),
            None,
        );
    }
}

/// `target/e2e` (beside `target/tmp`, so it follows `CARGO_TARGET_DIR`).
fn e2e_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("target folder")
        .join("e2e")
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

// ----- the tests -----

#[test]
fn a_reader_opens_a_story_follows_its_timeline_to_evidence_and_searches() {
    let binaries = browser_binaries();
    let site = start_site();
    let browser = Browser::start(&site, binaries);

    // The story list: open the first seed story (not one of the hostile fixtures).
    browser.goto("/");
    let stories = browser.find_all(ui::STORY_LINK);
    assert!(!stories.is_empty(), "the story list is empty");
    let story = stories
        .iter()
        .find(|s| {
            let label = browser.text(s).to_lowercase();
            !label.contains("xyzzy") && !label.contains("plugh")
        })
        .expect("a seed story on the story list")
        .clone();
    let label = browser.text(&story);
    browser.follow(&story);
    assert!(
        browser.location().starts_with("/stories/"),
        "clicking {label:?} led to {}",
        browser.location()
    );
    let heading = browser.text(&browser.find("h1"));
    assert_eq!(collapse(&heading), collapse(&label), "story page heading");
    assert!(
        !browser.find_all(ui::TIMELINE_CHART).is_empty(),
        "the story page draws no timeline points"
    );
    let story_png = browser.screenshot("story");

    // An event timeline entry, followed from its evidence sentence to the article.
    let entry = browser
        .find_all(ui::TIMELINE_ENTRIES)
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no timeline entry links to evidence on {label:?}"));
    let entry_label = collapse(&browser.text(&entry));
    assert!(
        entry_label.split_whitespace().count() >= 3,
        "the entry shows no evidence sentence: {entry_label:?}"
    );
    let href = browser.link_path(&entry);
    browser.follow(&entry);
    let at = browser.location();
    assert!(
        at.starts_with("/articles/") && at.contains("hl=") && at.ends_with("#hl"),
        "the entry {entry_label:?} ({href}) led to {at}"
    );
    let evidence = collapse(&browser.text(&browser.find(ui::EVIDENCE)));
    assert!(!evidence.is_empty(), "the evidence span is empty on {at}");
    // The marked span is the sentence the entry showed (all of it, should the sentence run
    // over a paragraph break and be marked in pieces).
    let marked = browser
        .run("return [...document.querySelectorAll('mark#hl')].map(m => m.innerText).join(' ');");
    assert_eq!(
        collapse(marked.as_str().unwrap_or_default()),
        entry_label,
        "the article marks something else than the entry's evidence sentence ({at})"
    );
    let article_text = collapse(&browser.text(&browser.find(ui::ARTICLE_TEXT)));
    assert!(
        article_text.contains(&evidence),
        "the evidence is not part of the article text"
    );
    // The evidence is scrolled into view and visible.
    let rect = browser.run(
        "const r = document.querySelector('mark#hl').getBoundingClientRect(); \
         return {top: r.top, bottom: r.bottom, width: r.width, viewport: window.innerHeight};",
    );
    // Scrolled to: it overlaps the viewport (`#hl` puts its top at about 0).
    let on_screen = rect["width"].as_f64() > Some(0.0)
        && rect["bottom"].as_f64() > Some(0.0)
        && rect["top"].as_f64() < rect["viewport"].as_f64();
    assert!(
        on_screen,
        "the evidence {evidence:?} of {entry_label:?} is not on screen on {at}: {rect}"
    );
    browser.screenshot("evidence");

    // Search through the form.
    browser.goto(ui::SEARCH_PATH);
    let input = browser.find(ui::SEARCH_BOX);
    browser.type_into(&input, SEARCH_WORD);
    browser.follow(&browser.find(ui::SEARCH_BUTTON));
    let at = browser.location();
    assert!(
        at.starts_with("/search?") && at.contains(&format!("q={SEARCH_WORD}")),
        "the search form led to {at}"
    );
    let hits = browser.find_all(ui::SEARCH_HIT);
    assert!(!hits.is_empty(), "no articles found for {SEARCH_WORD:?}");
    let marks: Vec<String> = browser
        .find_all(ui::SEARCH_HIT_MARK)
        .iter()
        .map(|m| browser.text(m).to_lowercase())
        .collect();
    assert!(
        marks.iter().any(|m| m.contains(SEARCH_WORD)),
        "no highlighted {SEARCH_WORD:?} in the snippets: {marks:?}"
    );
    browser.screenshot("search");

    // A search hit opens its article.
    let first = browser.text(&hits[0]);
    browser.follow(&hits[0]);
    assert!(browser.location().starts_with("/articles/"));
    assert_eq!(
        collapse(&browser.text(&browser.find("h1"))),
        collapse(&first)
    );
    assert!(story_png.is_file());
}

/// In the page: no script ran, the page has no scripts, no element has an event-handler
/// attribute, and no link, frame or image points at `javascript:`.
const XSS_PROBE: &str = r#"
const handlers = [...document.querySelectorAll('*')].flatMap(
  e => [...e.attributes].filter(a => a.name.toLowerCase().startsWith('on')).map(a => e.tagName + ' ' + a.name));
const js = [...document.querySelectorAll('[href], [src], [action], [formaction]')].filter(
  e => ['href', 'src', 'action', 'formaction'].some(
    n => (e.getAttribute(n) || '').replace(/[\s\u0000-\u001f]/g, '').toLowerCase().startsWith('javascript:'))
).map(e => e.outerHTML);
return {
  xss: window.__xss === undefined ? null : String(window.__xss),
  scripts: document.querySelectorAll('script').length,
  frames: document.querySelectorAll('iframe, object, embed').length,
  links: [...document.links].map(a => a.href),
  handlers: handlers,
  javascript_urls: js,
  text: document.body.innerText,
};
"#;

#[test]
fn hostile_articles_execute_nothing() {
    let binaries = browser_binaries();
    let site = start_site();
    let browser = Browser::start(&site, binaries);
    // Escaping alone must hold: the server's CSP would block inline scripts anyway.
    browser.bypass_csp();

    // Both hostile fixtures, found by searching as a reader would.
    let mut articles = Vec::new();
    for word in ["xyzzy", "plugh"] {
        browser.goto(&format!("/search?q={word}"));
        let hits = browser.find_all(ui::SEARCH_HIT);
        assert_eq!(hits.len(), 1, "one hostile article found by {word:?}");
        articles.push(browser.link_path(&hits[0]));
    }
    let hostile = articles[0].clone();
    let hostile_id = hostile.trim_start_matches("/articles/");
    let pages = [
        "/search?q=xyzzy".to_owned(),
        "/search?q=plugh".to_owned(),
        hostile.clone(),
        articles[1].clone(),
        format!("{hostile}?hl=0-40#hl"),
        format!("/stories/{hostile_id}"),
        format!("/stories/{hostile_id}/claims"),
        format!("/stories/{hostile_id}/map"),
        "/events".to_owned(),
        "/events?entity=%3Cscript%3Ewindow.__xss%3D1%3C%2Fscript%3E".to_owned(),
        "/".to_owned(),
        "/search?q=ceasefire".to_owned(),
        "/search?q=window&source=Mallory".to_owned(),
        "/quotes".to_owned(),
        "/entities".to_owned(),
        "/sources".to_owned(),
        // Reflected input.
        "/search?q=%3Cscript%3Ewindow.__xss%3D1%3C%2Fscript%3E".to_owned(),
        "/search?source=%22%3E%3Cimg%20src%3Dx%20onerror%3D%22window.__xss%3D1%22%3E".to_owned(),
    ];
    for path in &pages {
        browser.goto(path);
        let probe = browser.run(XSS_PROBE);
        assert_eq!(probe["xss"], Value::Null, "{path}: a script ran");
        assert_eq!(probe["scripts"], 0, "{path}: a <script> element");
        assert_eq!(probe["frames"], 0, "{path}: a frame");
        assert_eq!(probe["handlers"], json!([]), "{path}: event handlers");
        assert_eq!(
            probe["javascript_urls"],
            json!([]),
            "{path}: javascript: URLs"
        );
        let base = format!("http://{}/", site.addr);
        let off_site: Vec<&Value> = probe["links"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|h| !h.as_str().unwrap().starts_with(&base))
            .collect();
        assert!(
            off_site.is_empty(),
            "{path}: links off the site: {off_site:?}"
        );
    }

    // The hostile article shows its markup as text: escaped, neither stripped nor live.
    browser.goto(&hostile);
    let probe = browser.run(XSS_PROBE);
    let text = probe["text"].as_str().unwrap();
    for shown in [
        "<script>window.__xss=1</script>",
        "onerror=",
        "<a href=\"javascript:window.__xss=1\">",
        "javascript:window.__xss=1",
    ] {
        assert!(
            text.contains(shown),
            "{shown:?} is not shown as text: {text}"
        );
    }
    let png = browser.screenshot("hostile");
    assert!(png.is_file());
    assert_eq!(browser.run("return window.__xss === undefined"), true);
}
