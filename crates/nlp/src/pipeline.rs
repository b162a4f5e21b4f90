//! The annotation pipeline over a cleaned article: tokens, sentences, UPOS and lemmas per
//! token, entity mentions per document. Loaded once, shared by every thread.

use std::borrow::Cow;
use std::ops::Range;

use storyline_model::{CharIndex, EntityMention, Span, TokenAnnotation};

use crate::lemma::Lemmatizer;
use crate::models::model_bytes;
use crate::ner::{self, Recognizer};
use crate::perceptron::Model;
use crate::pos::{self, Tagger};
use crate::sentences::split_sentences;
use crate::tokenize::tokenize;
use crate::{Token, gazetteer};

/// Model file names, in `models/` and `$STORYLINE_MODELS`.
pub const POS_MODEL: &str = pos::MODEL_FILE;
pub const LEMMA_TABLE: &str = pos::LEMMA_FILE;
pub const NER_MODEL: &str = ner::MODEL_FILE;
pub const GAZETTEER: &str = ner::GAZETTEER_FILE;

#[derive(Debug, thiserror::Error)]
#[error("cannot load the {what}: {message}")]
pub struct LoadError {
    what: &'static str,
    message: String,
}

/// The layers the pipeline adds to an article, with code-point offsets into its text.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Layers {
    pub sentences: Vec<Span>,
    pub tokens: Vec<TokenAnnotation>,
    pub entities: Vec<EntityMention>,
}

pub struct Pipeline {
    tagger: Tagger,
    lemmatizer: Lemmatizer,
    recognizer: Recognizer,
    fingerprint: u64,
}

impl Pipeline {
    /// Loads the shipped models (or those in `$STORYLINE_MODELS`).
    pub fn load() -> Result<Pipeline, LoadError> {
        let load = |what: &'static str, name: &str| {
            model_bytes(name).map_err(|e| LoadError {
                what,
                message: e.to_string(),
            })
        };
        let pos = load("part-of-speech model", POS_MODEL)?;
        let tagger = Model::from_bytes(&pos)
            .map(Tagger::from_model)
            .map_err(|e| LoadError {
                what: "part-of-speech model",
                message: e.to_string(),
            })?;
        let lemmas = load("lemma table", LEMMA_TABLE)?;
        let lemmatizer = Lemmatizer::from_bytes(&lemmas).map_err(|e| LoadError {
            what: "lemma table",
            message: e.to_string(),
        })?;
        let gazetteer_bytes = load("gazetteer", GAZETTEER)?;
        let gazetteer =
            gazetteer::Gazetteer::from_bytes(&gazetteer_bytes).map_err(|e| LoadError {
                what: "gazetteer",
                message: e.to_string(),
            })?;
        let ner_bytes = load("entity model", NER_MODEL)?;
        let recognizer =
            Recognizer::from_parts(&ner_bytes, Some(gazetteer)).map_err(|message| LoadError {
                what: "entity model",
                message,
            })?;
        // The tagger reads the recogniser's word clusters rather than shipping a copy.
        let tagger = if tagger.needs_clusters() {
            let clusters = recognizer.clusters().cloned().ok_or_else(|| LoadError {
                what: "part-of-speech model",
                message: "it needs word clusters and the entity model carries none".into(),
            })?;
            tagger.with_clusters(Some(std::sync::Arc::new(clusters)))
        } else {
            tagger
        };
        let mut fingerprint = xxhash_rust::xxh3::Xxh3::new();
        for bytes in [&pos, &lemmas, &gazetteer_bytes, &ner_bytes] {
            fingerprint.update(bytes);
        }
        Ok(Pipeline {
            tagger,
            lemmatizer,
            recognizer,
            fingerprint: fingerprint.digest(),
        })
    }

    /// A hash of the loaded model files: layers made with another fingerprint are stale.
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    pub fn tagger(&self) -> &Tagger {
        &self.tagger
    }

    pub fn recognizer(&self) -> &Recognizer {
        &self.recognizer
    }

    /// Annotates a text (an article body, paragraphs separated by blank lines).
    pub fn annotate(&self, text: &str) -> Layers {
        let tokens = tokenize(text);
        let sentences = split_sentences(text, &tokens);
        let words_of = |range: &Range<usize>| -> Vec<&str> {
            tokens[range.clone()].iter().map(|t| t.text(text)).collect()
        };
        let sentence_words: Vec<Vec<&str>> = sentences.iter().map(words_of).collect();
        // Each word's clusters, looked up once for the tagger and the recogniser: the tagger
        // holds the recogniser's clusters (see `load`).
        let clusters = self.recognizer.clusters();
        let found: Option<Vec<Vec<Option<&[u16]>>>> = clusters.map(|c| {
            sentence_words
                .iter()
                .map(|words| words.iter().map(|w| c.get(w)).collect())
                .collect()
        });
        let mut tags: Vec<Vec<&'static str>> = Vec::with_capacity(sentences.len());
        for (s, words) in sentence_words.iter().enumerate() {
            let mut sentence_tags = Vec::with_capacity(words.len());
            let found = found.as_ref().map(|f| f[s].as_slice());
            self.tagger
                .tag_into_with_clusters(words, found, &mut sentence_tags);
            tags.push(sentence_tags);
        }
        let tag_refs: Vec<Vec<&str>> = tags
            .iter()
            .map(|t| t.iter().map(|s| &**s).collect())
            .collect();
        // The recogniser learned from CoNLL-2003, which has only straight quotes.
        let straight: Vec<Vec<Cow<str>>> = sentence_words
            .iter()
            .map(|words| words.iter().map(|w| straight_quotes(w)).collect())
            .collect();
        let ner_words: Vec<Vec<&str>> = straight
            .iter()
            .map(|words| words.iter().map(|w| &**w).collect())
            .collect();
        // Words whose quotes were straightened are looked up again in their new form.
        let ner_found: Option<Vec<Vec<Option<&[u16]>>>> =
            found.as_ref().zip(clusters).map(|(found, c)| {
                found
                    .iter()
                    .zip(&straight)
                    .map(|(ids, words)| {
                        ids.iter()
                            .zip(words)
                            .map(|(&ids, word)| match word {
                                Cow::Borrowed(_) => ids,
                                Cow::Owned(word) => c.get(word),
                            })
                            .collect()
                    })
                    .collect()
            });
        let spans = self.recognizer.recognize_document_with_clusters(
            &ner_words,
            Some(&tag_refs),
            ner_found.as_deref(),
        );

        let index = CharIndex::new(text);
        let char_span = |token_range: Range<usize>| -> Span {
            let first: &Token = &tokens[token_range.start];
            let last: &Token = &tokens[token_range.end - 1];
            index
                .span(first.start..last.end)
                .expect("tokens lie on char boundaries")
        };
        let mut layers = Layers {
            sentences: sentences.iter().cloned().map(char_span).collect(),
            tokens: Vec::with_capacity(tokens.len()),
            entities: Vec::new(),
        };
        for (sentence, (words, sentence_tags)) in
            sentences.iter().zip(sentence_words.iter().zip(&tags))
        {
            for (offset, (word, tag)) in words.iter().zip(sentence_tags).enumerate() {
                let span = char_span(sentence.start + offset..sentence.start + offset + 1);
                layers.tokens.push(TokenAnnotation {
                    start: span.start,
                    end: span.end,
                    pos: (*tag).to_owned(),
                    lemma: self.lemmatizer.lemma(word, tag).into_owned(),
                });
            }
        }
        for (sentence, mentions) in sentences.iter().zip(spans) {
            for mention in mentions {
                // A name never starts or ends with a quote mark or other punctuation; the model
                // sometimes pulls an adjacent closing quote in.
                let words = &tokens[sentence.start + mention.start..sentence.start + mention.end];
                let is_word = |t: &&Token| t.text(text).chars().any(char::is_alphanumeric);
                let Some(lead) = words.iter().position(|t| is_word(&t)) else {
                    continue;
                };
                let trail = words
                    .iter()
                    .rposition(|t| is_word(&t))
                    .expect("a word exists");
                let (start, end) = (mention.start + lead, mention.start + trail + 1);
                let span = char_span(sentence.start + start..sentence.start + end);
                let first = tokens[sentence.start + start].start;
                let last = tokens[sentence.start + end - 1].end;
                layers.entities.push(EntityMention {
                    start: span.start,
                    end: span.end,
                    kind: mention.kind,
                    text: text[first..last].to_owned(),
                    entity: None,
                });
            }
        }
        layers
    }
}

/// Curly quotes and apostrophes as straight ones (“ ” → ", ‘ ’ → ').
fn straight_quotes(word: &str) -> Cow<'_, str> {
    if word.contains(['“', '”', '‘', '’']) {
        Cow::Owned(word.replace(['“', '”'], "\"").replace(['‘', '’'], "'"))
    } else {
        Cow::Borrowed(word)
    }
}
