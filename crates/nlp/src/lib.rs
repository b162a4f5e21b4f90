//! storyline's language layer: tokens, sentences, parts of speech, lemmas and named entities,
//! from models trained by commands in this repository (`storyline train pos|ner`).
//!
//! - [`tokenize`]: news-aware tokeniser with byte offsets.
//! - [`sentences`]: sentence splitter over tokens.
//! - [`perceptron`]: the averaged perceptron shared by the tagger and the recogniser.
//! - [`conllu`], [`pos`], [`lemma`]: UD English-EWT reading, UPOS tagging, lemmas.
//! - [`conll`], [`gazetteer`], [`ner`]: CoNLL-2003 reading and scoring, name lists, NER.

pub mod conll;
pub mod conllu;
pub mod gazetteer;
pub mod lemma;
pub mod models;
pub mod ner;
pub mod perceptron;
pub mod pipeline;
pub mod pos;
pub mod sentences;
pub mod tokenize;

/// A token: a half-open byte range into the text it was cut from. Conversion to the
/// code-point offsets of Document JSON happens once, at the output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Token {
    pub start: usize,
    pub end: usize,
}

impl Token {
    pub fn text<'t>(&self, text: &'t str) -> &'t str {
        &text[self.start..self.end]
    }
}
