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
mod edges;
pub mod lexicon;
pub mod marks;
pub mod polnear;
pub(crate) mod speaker;
pub mod tagger;
pub(crate) mod view;
pub(crate) mod weights;

use storyline_model::{Quote, QuoteKind};
use storyline_nlp::models::model_bytes;
use storyline_nlp::pipeline::Layers;

use lexicon::Lexicon;
use tagger::{Attribution, Tagger};
use view::{Cue, View};

/// The model file, in `models/` or `$STORYLINE_MODELS`.
pub const MODEL_FILE: &str = "quotes-polnear.model";

#[derive(Debug, thiserror::Error)]
#[error("cannot load the quote model {MODEL_FILE}: {0}")]
pub struct LoadError(String);

/// Finds quotes and their speakers. Load once, share between threads.
pub struct QuoteFinder {
    tagger: Tagger,
    fingerprint: u64,
}

impl QuoteFinder {
    /// Loads the shipped model (or the one in `$STORYLINE_MODELS`).
    pub fn load() -> Result<QuoteFinder, LoadError> {
        let bytes = model_bytes(MODEL_FILE).map_err(|e| LoadError(e.to_string()))?;
        let tagger = Tagger::from_bytes(&bytes).map_err(|e| LoadError(e.to_string()))?;
        Ok(QuoteFinder {
            tagger,
            fingerprint: xxhash_rust::xxh3::xxh3_64(&bytes),
        })
    }

    /// A finder over a tagger trained in this process (fingerprint 0).
    pub fn from_tagger(tagger: Tagger) -> QuoteFinder {
        QuoteFinder {
            tagger,
            fingerprint: 0,
        }
    }

    /// A hash of the model file it was loaded from: part of the annotator's version.
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    pub fn lexicon(&self) -> &Lexicon {
        self.tagger.lexicon()
    }

    /// Every quote in `text`: quotations with their marks (direct or partial), then
    /// reported speech with a source after a prepositional cue ("…, according to X"), then
    /// the model's reported speech, each kept only where it does not overlap an earlier
    /// one, in text order.
    pub fn find(&self, text: &str, layers: &Layers) -> Vec<Quote> {
        let view = self.view(text, layers);
        let resolver = speaker::Resolver::new(&view);
        self.find_in(&view, &resolver)
    }

    /// The token view of an article the quote finder (and the event coder) read.
    pub(crate) fn view<'a>(&self, text: &'a str, layers: &'a Layers) -> View<'a> {
        View::new(
            text,
            layers,
            self.tagger.lexicon(),
            marks::find_quotations(text),
        )
    }

    /// [`QuoteFinder::find`] over a view built by [`QuoteFinder::view`].
    pub(crate) fn find_in(&self, view: &View, resolver: &speaker::Resolver) -> Vec<Quote> {
        let lexicon = self.tagger.lexicon();
        let mut quotes = direct::attribute(view, resolver);
        let overlaps = |quotes: &[Quote], start: usize, end: usize| {
            quotes.iter().any(|q| q.start < end && start < q.end)
        };
        for quote in sourced_after_cue(view, resolver, lexicon) {
            if !overlaps(&quotes, quote.start, quote.end) {
                quotes.push(quote);
            }
        }
        let ruled = quotes.len();
        for attribution in self.tagger.tag(view) {
            let (start, end) = attribution.content;
            if !overlaps(&quotes[..ruled], start, end) {
                quotes.push(reported(view, resolver, &attribution));
            }
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
    // The model's source in the cue's sentence, else the subject of the cue's own clause
    // ("X, which …, said") or the name right after it ("said X").
    let phrase = a
        .source_tokens
        .clone()
        .map(|range| resolver.source_phrase(range))
        .or_else(|| {
            let cue = a.cue_tokens.clone()?;
            let sentence = view.sentences.get(view.tokens[cue.start].sentence)?;
            resolver
                .left_of(cue.start, sentence.start)
                .or_else(|| resolver.right_of(cue.end, sentence.end))
        });
    Quote {
        start,
        end,
        text: view.span_text(start, end).to_owned(),
        kind: QuoteKind::Reported,
        cue,
        speaker: phrase.map(|p| resolver.resolve(&p, None)),
    }
}

/// Words that end the source phrase after "according to".
fn is_clause_break(word: &str) -> bool {
    matches!(
        word,
        "," | ";" | ":" | "." | "?" | "!" | "(" | ")" | "—" | "–" | "-"
    )
}

/// Reported speech whose source follows its cue: "Y, according to X", "According to X, Y".
/// The cue and source are fixed words here, and the model often takes a verb inside Y
/// ("is expected") as the cue and a name from another sentence as the source. One per
/// sentence, outside quotations; the content is the rest of the sentence.
fn sourced_after_cue(view: &View, resolver: &speaker::Resolver, lexicon: &Lexicon) -> Vec<Quote> {
    let tokens = &view.tokens;
    let mut quotes = Vec::new();
    let mut window: Vec<&str> = Vec::with_capacity(4);
    for sentence in &view.sentences {
        let found = sentence.clone().find_map(|i| {
            let t = &tokens[i];
            if t.quote.is_some() || !matches!(t.cue, Cue::MultiBegin | Cue::Verb(_)) {
                return None;
            }
            window.clear();
            window.extend(tokens[i..sentence.end].iter().take(4).map(|t| &*t.lower));
            lexicon.source_prep_at(&window).map(|len| i..i + len)
        });
        let Some(cue) = found else {
            continue;
        };
        let source_end = (cue.end..sentence.end)
            .find(|&k| is_clause_break(tokens[k].word) || tokens[k].mark)
            .unwrap_or(sentence.end);
        let is_edge = |k: usize| tokens[k].pos == "PUNCT" || tokens[k].lower == "that";
        let trim = |mut r: std::ops::Range<usize>| {
            while r.start < r.end && is_edge(r.start) {
                r.start += 1;
            }
            while r.start < r.end && tokens[r.end - 1].pos == "PUNCT" {
                r.end -= 1;
            }
            r
        };
        let before = trim(sentence.start..cue.start);
        let after = trim(source_end..sentence.end);
        let content = match (before.is_empty(), after.is_empty()) {
            _ if source_end == cue.end => continue,
            (false, false) => before.start..after.end,
            (false, true) => before,
            (true, false) => after,
            (true, true) => continue,
        };
        let span = |r: &std::ops::Range<usize>| (tokens[r.start].start, tokens[r.end - 1].end);
        let (start, end) = span(&content);
        let (cue_start, cue_end) = span(&cue);
        let phrase = resolver.phrase_after(cue.end..source_end);
        quotes.push(Quote {
            start,
            end,
            text: view.span_text(start, end).to_owned(),
            kind: QuoteKind::Reported,
            cue: Some(storyline_model::TextSpan {
                start: cue_start,
                end: cue_end,
                text: view.span_text(cue_start, cue_end).to_owned(),
            }),
            speaker: Some(resolver.resolve(&phrase, None)),
        });
    }
    quotes
}
