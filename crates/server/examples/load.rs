//! Load test: builds (or reuses) a store of generated articles, serves it in-process and
//! measures latency percentiles with many concurrent keep-alive connections.
//!
//! ```text
//! cargo run --release -p storyline-server --example load -- \
//!     [--articles 100000] [--db /tmp/load.db] [--connections 64] [--seconds 10]
//! ```
//!
//! The generated text draws words from a Zipf-like distribution over a 5,000-word vocabulary
//! (plus a few news words), so common terms match most of the corpus and rare ones a few
//! articles, like real news. Each article has two quotes, two entity mentions, a date and
//! one of 40 outlets.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use storyline_model::{Annotations, Article, Format, Origin, Span};
use storyline_server::{Db, router};
use storyline_store::{Page, SearchFilter, Store};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*: deterministic, so every run builds the same corpus.
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// Roughly Zipf: small indices far more often.
    fn zipf(&mut self, n: usize) -> usize {
        let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        ((n as f64).powf(u) as usize).saturating_sub(1).min(n - 1)
    }
}

const NEWS: &[&str] = &[
    "ceasefire",
    "talks",
    "Kursk",
    "Kyiv",
    "Moscow",
    "troops",
    "sanctions",
    "minister",
    "president",
    "election",
    "parliament",
    "budget",
    "energy",
    "border",
    "summit",
];

/// Vocabulary ranks of the [`NEWS`] words: from "ceasefire", in about 97% of articles, to
/// "summit", in about 1%, so queries meet realistic document frequencies.
const NEWS_RANKS: &[usize] = &[
    10, 25, 50, 100, 200, 400, 700, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 4500,
];

fn word(i: usize) -> String {
    // Pronounceable, distinct pseudo-words.
    const C: &[u8] = b"bcdfghklmnprstvz";
    const V: &[u8] = b"aeiou";
    let mut w = String::new();
    let mut n = i;
    for _ in 0..3 {
        w.push(C[n % C.len()] as char);
        n /= C.len();
        w.push(V[n % V.len()] as char);
        n /= V.len();
    }
    w
}

fn generate(path: &Path, count: usize) -> anyhow::Result<()> {
    let mut vocabulary: Vec<String> = (0..5000).map(word).collect();
    for (news, &rank) in NEWS.iter().zip(NEWS_RANKS) {
        vocabulary[rank] = (*news).to_owned();
    }
    let mut rng = Rng(0x5EED);
    let mut store = Store::open(path)?;
    let started = Instant::now();
    for batch in 0..count.div_ceil(1000) {
        let mut articles = Vec::new();
        let mut layers = Vec::new();
        for i in batch * 1000..((batch + 1) * 1000).min(count) {
            let mut text = String::new();
            for s in 0..12 {
                for w in 0..20 {
                    if w > 0 {
                        text.push(' ');
                    }
                    text.push_str(&vocabulary[rng.zipf(vocabulary.len())]);
                }
                text.push_str(if s % 4 == 3 { ".\n" } else { ". " });
            }
            let quote = format!(
                "\"{} {} {}\"",
                vocabulary[rng.zipf(5000)],
                vocabulary[rng.zipf(5000)],
                vocabulary[rng.zipf(5000)]
            );
            let q_start = text.chars().count() + 1;
            text.push(' ');
            text.push_str(&quote);
            let headline: Vec<&str> = (0..8)
                .map(|_| vocabulary[rng.zipf(5000)].as_str())
                .collect();
            let day = rng.below(730);
            let published = format!(
                "{}-{:02}-{:02}",
                2024 + day / 365,
                1 + (day % 365) / 31 % 12,
                1 + day % 28
            );
            let id = format!(
                "{:016x}",
                (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15)
            );
            articles.push(Article {
                id: id.clone(),
                external_id: None,
                source: format!("Outlet {}", rng.below(40)),
                url: Some(format!("https://news.example/{i}")),
                headline: Some(headline.join(" ")),
                dateline: None,
                byline: None,
                section: None,
                credit: None,
                published: Some(published.clone()),
                language: Some("en".into()),
                paragraphs: vec![Span::new(0, text.chars().count())],
                text,
                removed: vec![],
                format: Format::Text,
                origin: Origin {
                    path: format!("gen/{i}.txt"),
                    record: None,
                },
            });
            let speaker = format!("Speaker {}", rng.zipf(500));
            let a: Annotations = serde_json::from_value(serde_json::json!({
                "sentences": [], "tokens": [], "quantities": [], "events": [],
                "entities": [
                    {"start": 0, "end": 3, "type": "PERSON", "text": speaker, "entity": format!("person-{}", rng.zipf(500))},
                    {"start": 4, "end": 7, "type": "PLACE", "text": "Kursk", "entity": "kursk"}
                ],
                "quotes": [{"start": q_start, "end": q_start + quote.chars().count(), "text": quote.trim_matches('"'),
                            "kind": "direct", "cue": null,
                            "speaker": {"name": speaker, "description": null, "mention": null, "entity": null}}],
                "times": [{"start": 0, "end": 3, "text": "on Sunday", "type": "DATE", "value": published}]
            }))?;
            layers.push((id, a));
        }
        store.insert_batch(&articles, "2025-01-01")?;
        let refs: Vec<(&str, &Annotations)> =
            layers.iter().map(|(id, a)| (id.as_str(), a)).collect();
        store.save_annotations(&refs, "load")?;
        if batch % 10 == 9 {
            eprintln!(
                "  {} articles, {:.0} s",
                (batch + 1) * 1000,
                started.elapsed().as_secs_f64()
            );
        }
    }
    eprintln!(
        "generated {count} articles in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// One keep-alive HTTP/1.1 GET; returns the status code.
async fn fetch(reader: &mut BufReader<TcpStream>, path: &str) -> anyhow::Result<u16> {
    reader
        .get_mut()
        .write_all(format!("GET {path} HTTP/1.1\r\nHost: load\r\n\r\n").as_bytes())
        .await?;
    let mut line = String::new();
    reader.read_line(&mut line).await?;
    let status: u16 = line.split(' ').nth(1).unwrap_or("0").parse()?;
    let mut length = 0usize;
    loop {
        line.clear();
        reader.read_line(&mut line).await?;
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse()?;
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).await?;
    Ok(status)
}

async fn run(
    addr: std::net::SocketAddr,
    paths: Arc<Vec<String>>,
    connections: usize,
    seconds: u64,
) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for c in 0..connections {
        let paths = Arc::clone(&paths);
        tasks.push(tokio::spawn(async move {
            let mut reader = BufReader::new(TcpStream::connect(addr).await?);
            let mut latencies = Vec::new();
            let mut errors = 0usize;
            let mut i = c * 7919;
            while Instant::now() < deadline {
                let t = Instant::now();
                if fetch(&mut reader, &paths[i % paths.len()]).await? != 200 {
                    errors += 1;
                }
                latencies.push(t.elapsed());
                i += 1;
            }
            anyhow::Ok((latencies, errors))
        }));
    }
    let mut all = Vec::new();
    let mut errors = 0;
    for task in tasks {
        let (l, e) = task.await??;
        all.extend(l);
        errors += e;
    }
    all.sort();
    let pct =
        |p: f64| all[((all.len() as f64 * p) as usize).min(all.len() - 1)].as_secs_f64() * 1000.0;
    println!(
        "  {} requests ({} non-200), {:.0} req/s; latency ms p50 {:.1}  p90 {:.1}  p99 {:.1}  max {:.1}",
        all.len(),
        errors,
        all.len() as f64 / seconds as f64,
        pct(0.5),
        pct(0.9),
        pct(0.99),
        pct(1.0)
    );
    Ok(())
}

fn rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut articles = 100_000;
    let mut db = PathBuf::from("/tmp/storyline-load.db");
    let mut connections = 64;
    let mut seconds = 10;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args
            .next()
            .ok_or_else(|| anyhow::anyhow!("{flag} needs a value"))?;
        match flag.as_str() {
            "--articles" => articles = value.parse()?,
            "--db" => db = value.into(),
            "--connections" => connections = value.parse()?,
            "--seconds" => seconds = value.parse()?,
            _ => anyhow::bail!("unknown option {flag}"),
        }
    }
    let existing = if db.exists() {
        Store::open(&db)?.count()? as usize
    } else {
        0
    };
    if existing != articles {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
        }
        let _ = std::fs::remove_dir_all(format!("{}.search", db.display()));
        generate(&db, articles)?;
    }
    let store = Store::open_read_only(&db)?;
    let ids: Vec<String> = store
        .search_articles(
            None,
            &SearchFilter::default(),
            Page {
                limit: 1000,
                offset: 0,
            },
        )?
        .items
        .into_iter()
        .map(|a| a.id)
        .collect();
    drop(store);

    let pool = std::thread::available_parallelism().map_or(4, |n| n.get() * 2);
    let app = router(Db::open(&db, pool)?, Duration::from_secs(10));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, app).await });

    let search_paths = |queries: &[&str]| -> Arc<Vec<String>> {
        Arc::new(
            queries
                .iter()
                .flat_map(|q| {
                    [
                        format!("/api/search?q={q}"),
                        format!("/search?q={q}"),
                        format!("/api/search?q={q}&from=2024-06-01&to=2024-12-31"),
                        format!("/api/search?q={q}&kind=quotes"),
                    ]
                })
                .collect(),
        )
    };
    // Terms in 1-15% of articles, as most searches are.
    let selective = search_paths(&[
        "Moscow",
        "troops+sanctions",
        "%22minister+president%22",
        "election",
        "parliament+budget",
        "energy",
        "border+summit",
        "Kursk+Moscow",
        "sanctions",
        "summit",
    ]);
    // Terms in 60-97% of articles: every match must be ranked.
    let common = search_paths(&["ceasefire", "talks", "ceasefire+talks", "Kursk", "Kyiv"]);
    let stories: Vec<String> = ids.iter().map(|id| format!("/stories/{id}")).collect();
    let listings: Vec<String> = (0..50)
        .map(|p| format!("/api/articles?offset={}", p * 20))
        .collect();

    println!(
        "store {} ({articles} articles), {connections} connections, {seconds} s per run, {pool} db connections",
        db.display()
    );
    println!(
        "search, selective terms (API and page, with and without filters, articles and quotes):"
    );
    run(addr, selective, connections, seconds).await?;
    println!("search, very common terms (same mix):");
    run(addr, common, connections, seconds).await?;
    println!("story page:");
    run(addr, Arc::new(stories), connections, seconds).await?;
    println!("article listing pages (/api/articles):");
    run(addr, Arc::new(listings), connections, seconds).await?;
    if let Some(mb) = rss_mb() {
        println!("peak RSS of this process (server and load generator): {mb:.0} MB");
    }
    Ok(())
}
