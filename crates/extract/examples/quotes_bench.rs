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
    let started = Instant::now();
    let mut quotes = 0;
    for _ in 0..rounds {
        for (text, layers) in texts.iter().zip(&layers) {
            quotes += finder.find(text, layers).len();
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    let articles = texts.len() * rounds;
    println!(
        "{} articles ({} tokens each on average), {rounds} rounds: {:.0} articles/s, \
         {:.0} tokens/s, {:.0} quotes/s, one thread",
        texts.len(),
        tokens / texts.len().max(1),
        articles as f64 / seconds,
        (tokens * rounds) as f64 / seconds,
        quotes as f64 / seconds
    );
    Ok(())
}
