//! Quotes with their speakers: direct quotes, partial quotes and reported speech.
//!
//! Two parts work together over the language layers of one article:
//!
//! - rules where they are exact: quote marks are paired in one linear pass (`marks`), and
//!   each quotation gets a kind, cue and speaker from the words around it (`direct`,
//!   `speaker`);
//! - a trained sequence model (`tagger`, an averaged perceptron trained on PolNeAR) for
//!   reported speech without marks: it tags source, cue and content spans.
//!
//! The cue lexicon (reporting verbs, multi-word cues, attribution nouns) travels inside the
//! model file, so nothing reads `../shared` at run time.

pub mod clusters;
mod direct;
pub mod lexicon;
pub mod marks;
pub mod polnear;
mod speaker;
pub mod tagger;
mod view;

use storyline_model::{Quote, QuoteKind};
use storyline_nlp::models::model_bytes;
use storyline_nlp::pipeline::Layers;

use lexicon::Lexicon;
use tagger::{Attribution, Tagger};
use view::View;

/// The model file, in `models/` or `$STORYLINE_MODELS`.
pub const MODEL_FILE: &str = "quotes-polnear.model";

#[derive(Debug, thiserror::Error)]
#[error("cannot load the quote model {MODEL_FILE}: {0}")]
pub struct LoadError(String);

/// Finds quotes and their speakers. Load once, share between threads.
pub struct QuoteFinder {
    tagger: Tagger,
}

impl QuoteFinder {
    /// Loads the shipped model (or the one in `$STORYLINE_MODELS`).
    pub fn load() -> Result<QuoteFinder, LoadError> {
        let bytes = model_bytes(MODEL_FILE).map_err(|e| LoadError(e.to_string()))?;
        let tagger = Tagger::from_bytes(&bytes).map_err(|e| LoadError(e.to_string()))?;
        Ok(QuoteFinder { tagger })
    }

    pub fn from_tagger(tagger: Tagger) -> QuoteFinder {
        QuoteFinder { tagger }
    }

    pub fn lexicon(&self) -> &Lexicon {
        self.tagger.lexicon()
    }

    /// Every quote in `text`: quotations with their marks (direct or partial), then
    /// reported speech from the model where it does not overlap a quotation, in text order.
    pub fn find(&self, text: &str, layers: &Layers) -> Vec<Quote> {
        let quotations = marks::find_quotations(text);
        let view = View::new(text, layers, self.tagger.lexicon(), quotations);
        let resolver = speaker::Resolver::new(&view);
        let mut quotes = direct::attribute(&view, &resolver);
        let direct_count = quotes.len();
        for attribution in self.tagger.tag(&view) {
            let overlaps = quotes[..direct_count]
                .iter()
                .any(|q| q.start < attribution.content.1 && attribution.content.0 < q.end);
            if overlaps {
                continue;
            }
            quotes.push(reported(&view, &resolver, &attribution));
        }
        quotes.sort_by_key(|q| (q.start, q.end));
        quotes
    }

    /// The model's source, cue and content spans in code points (what `storyline eval
    /// quotes` scores).
    pub fn role_spans(&self, text: &str, layers: &Layers) -> polnear::Roles {
        let quotations = marks::find_quotations(text);
        let view = View::new(text, layers, self.tagger.lexicon(), quotations);
        let spans = self.tagger.role_spans(&view);
        let chars = |ranges: Vec<std::ops::Range<usize>>| -> Vec<(usize, usize)> {
            ranges
                .into_iter()
                .map(|r| (view.tokens[r.start].start, view.tokens[r.end - 1].end))
                .collect()
        };
        polnear::Roles {
            sources: chars(spans.sources),
            cues: chars(spans.cues),
            contents: chars(spans.contents),
        }
    }
}

fn reported(view: &View, resolver: &speaker::Resolver, a: &Attribution) -> Quote {
    let (start, end) = a.content;
    let cue = a.cue.map(|(s, e)| storyline_model::TextSpan {
        start: s,
        end: e,
        text: view.span_text(s, e).to_owned(),
    });
    let speaker = a
        .source_tokens
        .clone()
        .map(|range| resolver.resolve(&resolver.source_phrase(range), None));
    Quote {
        start,
        end,
        text: view.span_text(start, end).to_owned(),
        kind: QuoteKind::Reported,
        cue,
        speaker,
    }
}
