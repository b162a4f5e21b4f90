//! Speed of quote extraction on top of the language layers, one thread.
//!
//! ```text
//! cargo run --release -p storyline-extract --example quotes_bench -- ../shared/data/polnear/dev/text
//! ```
//!
//! Annotates every `.txt` file in the folder with the language pipeline first (not timed),
//! then times `QuoteFinder::find` over all of them for several rounds.

use std::path::PathBuf;
use std::time::Instant;

use storyline_extract::quotes::QuoteFinder;
use storyline_nlp::pipeline::Pipeline;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("../shared/data/polnear/dev/text"));
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    let texts: Vec<String> = paths
        .iter()
        .map(std::fs::read_to_string)
        .collect::<Result<_, _>>()?;
    let pipeline = Pipeline::load()?;
    let finder = QuoteFinder::load()?;
    let layers: Vec<_> = texts.iter().map(|t| pipeline.annotate(t)).collect();
    let tokens: usize = layers.iter().map(|l| l.tokens.len()).sum();
    let rounds = 5;
    let cpu_started = thread_cpu_seconds();
    let started = Instant::now();
    let mut quotes = 0;
    for _ in 0..rounds {
        for (text, layers) in texts.iter().zip(&layers) {
            quotes += finder.find(text, layers).len();
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    let cpu = thread_cpu_seconds()
        .zip(cpu_started)
        .map(|(end, start)| end - start);
    let articles = texts.len() * rounds;
    println!(
        "{} articles ({} tokens each on average), {rounds} rounds, one thread: \
         {:.0} articles/s, {:.0} tokens/s, {:.0} quotes/s (wall clock)",
        texts.len(),
        tokens / texts.len().max(1),
        articles as f64 / seconds,
        (tokens * rounds) as f64 / seconds,
        quotes as f64 / seconds
    );
    // On a shared machine the wall clock counts other processes' time too; the thread's
    // own CPU time is what one core would take.
    if let Some(cpu) = cpu {
        println!(
            "CPU time {cpu:.2} s: {:.0} articles per CPU-second",
            articles as f64 / cpu
        );
    }
    Ok(())
}

/// This thread's CPU time in seconds (Linux `/proc/thread-self/schedstat`), if available.
fn thread_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos: f64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(nanos / 1e9)
}
