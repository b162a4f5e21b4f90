//! Events (who did what to whom, coded with PLOVER types) and claims (attributed statements
//! and who disputes them), read sentence by sentence from the language, quote, time and
//! quantity layers of one article.
//!
//! - `lexicon`: the CAMEO verb dictionary, event nouns and the CAMEO-to-PLOVER table,
//!   compiled into `models/events-cameo.lex.zst` by `storyline train events`;
//! - `coder`: triggers, arguments, modality, time, place and counts;
//! - `claims`: claims framed as such and the denials that dispute them;
//! - `plover` and `petrarch`: the evaluation data readers and scores.

mod claims;
mod coder;
pub mod lexicon;
pub mod petrarch;
pub mod plover;

use storyline_model::{Claim, Event, Participant, Quantity, Quote, TextSpan, TimeExpression};
use storyline_nlp::models::model_bytes;
use storyline_nlp::pipeline::Layers;

use crate::quotes::lexicon::Lexicon as CueLexicon;
use crate::quotes::marks::find_quotations;
use crate::quotes::speaker::{self, Resolver};
use crate::quotes::view::View;
pub use lexicon::{LEXICON_FILE, Lexicon};

#[derive(Debug, thiserror::Error)]
#[error("cannot load the event lexicon {LEXICON_FILE}: {0}")]
pub struct LoadError(String);

/// Codes events and finds claims. Load once, share between threads.
pub struct EventFinder {
    lexicon: Lexicon,
    fingerprint: u64,
}

impl EventFinder {
    /// Loads the shipped lexicon (or the one in `$STORYLINE_MODELS`).
    pub fn load() -> Result<EventFinder, LoadError> {
        let bytes = model_bytes(LEXICON_FILE).map_err(|e| LoadError(e.to_string()))?;
        let lexicon = Lexicon::from_bytes(&bytes).map_err(|e| LoadError(e.to_string()))?;
        Ok(EventFinder {
            lexicon,
            fingerprint: xxhash_rust::xxh3::xxh3_64(&bytes),
        })
    }

    /// A hash of the lexicon file it was loaded from: part of the annotator's version.
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// The events and claims of one article, given its other layers. `cues` is the quote
    /// finder's reporting-verb lexicon (denials are its `deny` stance).
    pub fn find(
        &self,
        text: &str,
        layers: &Layers,
        cues: &CueLexicon,
        quotes: &[Quote],
        times: &[TimeExpression],
        quantities: &[Quantity],
    ) -> (Vec<Event>, Vec<Claim>) {
        let view = View::new(text, layers, cues, find_quotations(text));
        let resolver = Resolver::new(&view);
        self.find_in(&view, &resolver, cues, quotes, times, quantities)
    }

    /// [`EventFinder::find`] over the view the quote finder already built.
    pub(crate) fn find_in(
        &self,
        view: &View,
        resolver: &Resolver,
        cues: &CueLexicon,
        quotes: &[Quote],
        times: &[TimeExpression],
        quantities: &[Quantity],
    ) -> (Vec<Event>, Vec<Claim>) {
        let coder = coder::Coder::new(&self.lexicon, cues, view, resolver, times);
        let events = coder.events(times, quantities);
        let finder = claims::ClaimFinder {
            view,
            resolver,
            cues,
        };
        (events, finder.claims(quotes))
    }
}

/// The text between two code points as a span.
fn text_span(view: &View, start: usize, end: usize) -> TextSpan {
    TextSpan {
        start,
        end,
        text: view.span_text(start, end).to_owned(),
    }
}

/// A phrase as a participant: its mention, and the name the quote finder's resolver gives
/// it (full names for short ones, the person a description or pronoun refers to).
fn participant(view: &View, resolver: &Resolver, phrase: &speaker::Phrase) -> Participant {
    let speaker = resolver.resolve(phrase, None);
    let tokens = &view.tokens;
    Participant {
        mention: speaker.mention.unwrap_or_else(|| {
            text_span(
                view,
                tokens[phrase.full.start].start,
                tokens[phrase.full.end - 1].end,
            )
        }),
        name: speaker.name,
        entity: None,
    }
}
