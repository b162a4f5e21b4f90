//! A tiny HTTP/1.1 server for tests: one thread per connection, `Connection: close`, every
//! request logged with the time it arrived and the time its answer was written, so tests can
//! check what was fetched, in which order, and how far apart. Never touches the internet.
//!
//! Shared with the CLI's tests through `#[path]`.

#![allow(dead_code)] // each test binary uses a different subset

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Hit {
    pub path: String,
    pub headers: HashMap<String, String>,
    pub arrived: Instant,
    pub answered: Instant,
    /// Whether the whole answer was written (false when the client hung up, as on a cut
    /// body: then `answered` is when the server noticed, later than the client left).
    pub complete: bool,
}

/// What to answer.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Body,
    /// Wait this long before answering.
    pub delay: Duration,
}

#[derive(Debug, Clone)]
pub enum Body {
    Bytes(Vec<u8>),
    /// `len` bytes of filler, written in chunks, without Content-Length (ends at close).
    Endless {
        len: u64,
    },
}

impl Reply {
    pub fn ok(content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status: 200,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: Body::Bytes(body.into()),
            delay: Duration::ZERO,
        }
    }
    pub fn html(body: impl Into<Vec<u8>>) -> Reply {
        Reply::ok("text/html; charset=utf-8", body)
    }
    pub fn xml(body: impl Into<Vec<u8>>) -> Reply {
        Reply::ok("application/xml", body)
    }
    pub fn status(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Body::Bytes(Vec::new()),
            delay: Duration::ZERO,
        }
    }
    pub fn not_found() -> Reply {
        Reply::status(404)
    }
    pub fn redirect(location: &str) -> Reply {
        Reply::status(302).header("Location", location)
    }
    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }
    pub fn delayed(mut self, delay: Duration) -> Reply {
        self.delay = delay;
        self
    }
}

type Handler = dyn Fn(&Hit) -> Reply + Send + Sync;

/// Requests as they arrive; `None` until the answer is written.
type Log = Arc<Mutex<Vec<(Hit, Option<(Instant, bool)>)>>>;

pub struct Server {
    pub addr: SocketAddr,
    log: Log,
    stop: Arc<AtomicBool>,
    /// Keep no log (benchmarks: a growing log would hide whether the client's memory is flat).
    quiet: Arc<AtomicBool>,
}

impl Server {
    /// Starts a server answering with `handler`; it stops when dropped.
    pub fn start(handler: impl Fn(&Hit) -> Reply + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a local port");
        let addr = listener.local_addr().unwrap();
        listener.set_nonblocking(true).unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let quiet = Arc::new(AtomicBool::new(false));
        let handler: Arc<Handler> = Arc::new(handler);
        {
            let (log, stop, quiet) = (log.clone(), stop.clone(), quiet.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    match listener.accept() {
                        Ok((stream, _)) => {
                            let (log, handler) = (log.clone(), handler.clone());
                            let log = (!quiet.load(Ordering::Relaxed)).then_some(log);
                            std::thread::spawn(move || serve(stream, &*handler, log.as_ref()));
                        }
                        Err(_) => std::thread::sleep(Duration::from_millis(2)),
                    }
                }
            });
        }
        Server {
            addr,
            log,
            stop,
            quiet,
        }
    }

    /// Stops logging requests.
    pub fn quiet(self) -> Server {
        self.quiet.store(true, Ordering::Relaxed);
        self
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Every request so far, in order of arrival, once each has been answered (a client
    /// can read an answer before the server thread has noted it).
    pub fn hits(&self) -> Vec<Hit> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let log = self.log.lock().unwrap().clone();
            if log.iter().all(|(_, answered)| answered.is_some()) || Instant::now() > deadline {
                let mut hits: Vec<Hit> = log
                    .into_iter()
                    .map(|(hit, answered)| {
                        let (answered, complete) = answered.unwrap_or((hit.arrived, false));
                        Hit {
                            answered,
                            complete,
                            ..hit
                        }
                    })
                    .collect();
                hits.sort_by_key(|h| h.arrived);
                return hits;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    pub fn paths(&self) -> Vec<String> {
        self.hits().into_iter().map(|h| h.path).collect()
    }

    pub fn count(&self, path: &str) -> usize {
        self.hits().iter().filter(|h| h.path == path).count()
    }

    pub fn clear(&self) {
        self.log.lock().unwrap().clear();
    }

    /// Asserts requests never overlapped and each started at least `gap` after the previous
    /// one was answered (or, for an answer the client cut off, after it started).
    pub fn assert_polite(&self, gap: Duration) {
        let hits = self.hits();
        for pair in hits.windows(2) {
            if !pair[0].complete {
                assert!(
                    pair[1].arrived >= pair[0].arrived + gap,
                    "{} came too soon",
                    pair[1].path
                );
                continue;
            }
            assert!(
                pair[1].arrived >= pair[0].answered,
                "{} arrived while {} was being answered",
                pair[1].path,
                pair[0].path
            );
            let waited = pair[1].arrived - pair[0].answered;
            assert!(
                waited + Duration::from_millis(5) >= gap,
                "{} came {waited:?} after {} (minimum {gap:?})",
                pair[1].path,
                pair[0].path
            );
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn serve(stream: TcpStream, handler: &Handler, log: Option<&Log>) {
    let _ = stream.set_nonblocking(false);
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(s) => s,
        Err(_) => return,
    });
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let arrived = Instant::now();
    let path = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .to_owned();
    let mut headers = HashMap::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            break;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_owned());
        }
    }
    let hit = Hit {
        path,
        headers,
        arrived,
        answered: arrived,
        complete: false,
    };
    let index = log.map(|log| {
        let mut log = log.lock().unwrap();
        log.push((hit.clone(), None));
        log.len() - 1
    });
    let reply = handler(&hit);
    std::thread::sleep(reply.delay);
    let mut stream = stream;
    let mut head = format!("HTTP/1.1 {} X\r\nConnection: close\r\n", reply.status);
    for (name, value) in &reply.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    let written = match &reply.body {
        Body::Bytes(bytes) => {
            head.push_str(&format!("Content-Length: {}\r\n\r\n", bytes.len()));
            stream
                .write_all(head.as_bytes())
                .and_then(|_| stream.write_all(bytes))
        }
        Body::Endless { len } => {
            head.push_str("\r\n");
            let chunk = vec![b'x'; 64 * 1024];
            let mut result = stream.write_all(head.as_bytes());
            let mut sent = 0u64;
            while result.is_ok() && sent < *len {
                result = stream.write_all(&chunk);
                sent += chunk.len() as u64;
            }
            result
        }
    };
    let complete = written.and_then(|_| stream.flush()).is_ok();
    if let (Some(log), Some(index)) = (log, index) {
        log.lock().unwrap()[index].1 = Some((Instant::now(), complete));
    }
    let _ = stream.shutdown(std::net::Shutdown::Both);
}

/// An article page with enough distinct text to be extracted; `n` makes it unique.
pub fn article_page(title: &str, n: usize) -> String {
    let paragraphs: String = (0..5)
        .map(|p| {
            format!(
                "<p>Officials in district {n} said on Tuesday that the council had approved plan {p} \
                 for the harbour of town {n}, after a long debate about costs, schedules and the \
                 views of residents who had opposed paragraph {p} of the proposal for months.</p>"
            )
        })
        .collect();
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{title}</title></head>\
         <body><nav><a href=\"/\">Home</a></nav><article><h1>{title}</h1>{paragraphs}</article>\
         <footer>Copyright</footer></body></html>"
    )
}

/// An RSS feed whose items link to `links` (teasers: a one-line description each).
pub fn rss(title: &str, links: &[String]) -> String {
    let items: String = links
        .iter()
        .enumerate()
        .map(|(i, link)| {
            let link = link.replace('&', "&amp;");
            format!(
                "<item><title>Story {i}</title><link>{link}</link><guid>{link}</guid>\
                 <pubDate>Mon, 17 Mar 2025 10:0{i}:00 GMT</pubDate>\
                 <description>A short teaser for story {i}.</description></item>"
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{title}</title>\
         <link>http://example.invalid/</link><description>d</description>{items}</channel></rss>"
    )
}
