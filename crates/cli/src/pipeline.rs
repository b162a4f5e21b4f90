//! The ingest pipeline shared by `ingest`, `annotate` and `bench`: read records sequentially,
//! build articles in parallel one batch at a time, hand each batch on in input order.
//!
//! Batching keeps memory flat (at most one batch of raw records and articles is alive) and
//! makes the store's transactions line up with batches.

use rayon::prelude::*;
use storyline_ingest::{InputSpec, Options, RawRecord, RecordError, build_article, read_input};
use storyline_model::Article;

/// Runs every input through reading and cleaning. `on_batch` receives each batch of built
/// articles (in input order); `on_error` every failed input or record, as it happens.
/// Stops early if `on_batch` fails.
pub fn run<E>(
    inputs: &[InputSpec],
    options: &Options,
    batch_size: usize,
    mut on_batch: impl FnMut(Vec<Article>, usize) -> Result<(), E>,
    mut on_error: impl FnMut(&RecordError),
) -> Result<(), E> {
    let mut pending: Vec<RawRecord> = Vec::with_capacity(batch_size);
    let mut flush =
        |pending: &mut Vec<RawRecord>, on_error: &mut dyn FnMut(&RecordError)| -> Result<(), E> {
            if pending.is_empty() {
                return Ok(());
            }
            let records = pending.len();
            let built: Vec<Result<Article, RecordError>> = pending
                .par_drain(..)
                .map(|raw| build_article(raw, options))
                .collect();
            let mut articles = Vec::with_capacity(built.len());
            for result in built {
                match result {
                    Ok(article) => articles.push(article),
                    Err(err) => on_error(&err),
                }
            }
            on_batch(articles, records)
        };
    for input in inputs {
        for record in read_input(input, options) {
            match record {
                Ok(raw) => {
                    pending.push(raw);
                    if pending.len() >= batch_size {
                        flush(&mut pending, &mut on_error)?;
                    }
                }
                Err(err) => on_error(&err),
            }
        }
    }
    flush(&mut pending, &mut on_error)
}
