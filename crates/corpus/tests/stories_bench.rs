//! Throughput and memory of the story index over a generated stream (ignored: run with
//! `cargo test --release -p storyline-corpus --test stories_bench -- --ignored --nocapture`;
//! STORYLINE_BENCH_ARTICLES sets the stream length, default 1,000,000).

use std::time::Instant;

use storyline_corpus::stories::{ArticleFeatures, Config, StoryIndex};

/// A deterministic generator: stories of 1 to 60 articles over a rolling calendar (2,000
/// articles a day), each article mixing its story's words and names with general words.
fn article(i: u64) -> (String, String, String) {
    let mix = |x: u64| x.wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(29) ^ x;
    let story = i / 20 + mix(i) % 7;
    let day = i / 2_000;
    let date = format!(
        "{:04}-{:02}-{:02}",
        2000 + day / 336,
        1 + (day / 28) % 12,
        1 + day % 28
    );
    let mut text = String::with_capacity(800);
    for w in 0..80u64 {
        let token = if w % 3 == 0 {
            format!("topic{}x{} ", story, mix(story + w) % 12)
        } else {
            format!("word{} ", mix(i * 131 + w) % 20_000)
        };
        text.push_str(&token);
        if w % 15 == 14 {
            text.push_str(&format!(
                ". Name{} Person{} said. ",
                story % 5_000,
                mix(story) % 900
            ));
        }
    }
    let headline = format!("Headline topic{story}x1 word{}", mix(i) % 20_000);
    (text, headline, date)
}

#[test]
#[ignore]
fn bench_stories() {
    let n: u64 = std::env::var("STORYLINE_BENCH_ARTICLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let config = Config {
        gap_days: 3,
        ..Config::default()
    };
    let mut index = StoryIndex::new(config);
    let start = Instant::now();
    let mut max_open = 0;
    let mut new_stories = 0u64;
    for i in 0..n {
        let (text, headline, date) = article(i);
        let f = ArticleFeatures::from_parts(
            &format!("a{i}"),
            Some(&headline),
            &text,
            Some(&date),
            None,
        );
        let a = index.add(&f);
        new_stories += u64::from(a.new_story);
        max_open = max_open.max(index.open_stories());
        if i % 200_000 == 199_999 {
            eprintln!(
                "{} articles, {:.0}/s, {} open, peak RSS {} kB",
                i + 1,
                (i + 1) as f64 / start.elapsed().as_secs_f64(),
                index.open_stories(),
                peak_rss_kb()
            );
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "stories bench: {n} articles in {secs:.1}s = {:.0} articles/s (features + clustering, one core); \
         {new_stories} stories founded, at most {max_open} open; peak RSS {} kB",
        n as f64 / secs,
        peak_rss_kb()
    );
}

fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}
