//! A read-only view of one article for the quote finder: tokens with their words,
//! lower-cased forms, sentence numbers, entity and quote membership, and lexicon classes.
//! Built once per article in linear time; every other step works on token indices.

use std::borrow::Cow;

use storyline_model::{CharIndex, EntityMention, EntityType};
use storyline_nlp::pipeline::Layers;

use super::lexicon::{Lexicon, WordClass};
use super::marks::Quoted;

/// What the lexicon says about a token in context.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cue {
    None,
    /// A reporting verb (stance index).
    Verb(u8),
    /// First word of a multi-word cue that introduces speech ("according", "told reporters").
    MultiBegin,
    /// A later word of a multi-word cue.
    MultiInside,
    /// A multi-word consultation cue ("spoke with"): not a speech cue.
    Consult,
    /// An attribution noun ("spokeswoman").
    Noun,
}

pub struct Tok<'a> {
    /// Code-point offsets.
    pub start: usize,
    pub end: usize,
    pub word: &'a str,
    pub lower: Cow<'a, str>,
    pub pos: &'a str,
    pub lemma: &'a str,
    pub sentence: usize,
    /// Index into `View::entities` of the mention covering this token.
    pub entity: Option<usize>,
    /// Whether the entity starts at this token.
    pub entity_begin: bool,
    /// Index into `View::quotes` of the quotation whose content holds this token.
    pub quote: Option<usize>,
    pub cue: Cue,
    /// The token is a quote mark.
    pub mark: bool,
    /// A line break lies between the previous token and this one.
    pub line_start: bool,
}

pub struct View<'a> {
    pub text: &'a str,
    index: CharIndex,
    pub tokens: Vec<Tok<'a>>,
    pub entities: &'a [EntityMention],
    pub quotes: Vec<Quoted>,
    /// Token range of each sentence.
    pub sentences: Vec<std::ops::Range<usize>>,
}

pub fn is_quote_mark(word: &str) -> bool {
    matches!(
        word,
        "\"" | "“" | "”" | "„" | "«" | "»" | "‘" | "’" | "'" | "``" | "''"
    )
}

impl<'a> View<'a> {
    pub fn new(text: &'a str, layers: &'a Layers, lexicon: &Lexicon, quotes: Vec<Quoted>) -> Self {
        let index = CharIndex::new(text);
        let slice = |start: usize, end: usize| -> &'a str {
            match (index.byte(start), index.byte(end)) {
                (Some(a), Some(b)) if a <= b => text.get(a..b).unwrap_or(""),
                _ => "",
            }
        };
        let mut tokens = Vec::with_capacity(layers.tokens.len());
        let mut sentence = 0usize;
        let mut sentences = Vec::with_capacity(layers.sentences.len());
        let mut sentence_begin = 0usize;
        let mut entity = 0usize;
        let mut quote = 0usize;
        let mut previous_end = 0usize;
        for (i, t) in layers.tokens.iter().enumerate() {
            while sentence + 1 < layers.sentences.len() && t.start >= layers.sentences[sentence].end
            {
                sentences.push(sentence_begin..i);
                sentence_begin = i;
                sentence += 1;
            }
            while entity < layers.entities.len() && layers.entities[entity].end <= t.start {
                entity += 1;
            }
            let in_entity = layers
                .entities
                .get(entity)
                .filter(|e| e.start <= t.start && t.end <= e.end);
            while quote < quotes.len() && quotes[quote].end <= t.start {
                quote += 1;
            }
            let in_quote = quotes
                .get(quote)
                .is_some_and(|q| q.start <= t.start && t.end <= q.end);
            let word = slice(t.start, t.end);
            let lower = if word.chars().any(char::is_uppercase) {
                Cow::Owned(word.to_lowercase())
            } else {
                Cow::Borrowed(word)
            };
            let gap = slice(previous_end, t.start);
            previous_end = t.end;
            tokens.push(Tok {
                start: t.start,
                end: t.end,
                word,
                lower,
                pos: t.pos.as_str(),
                lemma: t.lemma.as_str(),
                sentence,
                entity: in_entity.map(|_| entity),
                entity_begin: in_entity.is_some_and(|e| e.start == t.start),
                quote: in_quote.then_some(quote),
                cue: Cue::None,
                mark: is_quote_mark(word),
                line_start: i == 0 || gap.contains('\n'),
            });
        }
        sentences.push(sentence_begin..tokens.len());
        let mut view = View {
            text,
            index,
            tokens,
            entities: &layers.entities,
            quotes,
            sentences,
        };
        view.mark_cues(lexicon);
        view
    }

    fn mark_cues(&mut self, lexicon: &Lexicon) {
        let n = self.tokens.len();
        let mut cues = vec![Cue::None; n];
        let mut window: Vec<&str> = Vec::with_capacity(6);
        let mut i = 0;
        while i < n {
            // One lookup per token: its class, the multi-word cues it starts, its particle.
            let entry = lexicon.entry(&self.tokens[i].lower);
            if let Some(entry) = entry.filter(|e| e.starts_multiword()) {
                window.clear();
                window.extend(self.tokens[i..].iter().take(6).map(|t| &*t.lower));
                if let Some((len, speech)) = lexicon.multiword_from(entry, &window)
                    && len > 1
                {
                    for (k, cue) in cues[i..i + len].iter_mut().enumerate() {
                        *cue = match (speech, k) {
                            (false, _) => Cue::Consult,
                            (true, 0) => Cue::MultiBegin,
                            (true, _) => Cue::MultiInside,
                        };
                    }
                    i += len;
                    continue;
                }
            }
            let next = self.tokens.get(i + 1).map_or("", |t| &*t.lower);
            let token = &self.tokens[i];
            // A capital mid-sentence makes a name, not a verb ("Secretary of State").
            let capital_inside = token.word.starts_with(char::is_uppercase)
                && !token.line_start
                && i > 0
                && self.tokens[i - 1].sentence == token.sentence
                && !self.tokens[i - 1].mark;
            let verb_like = matches!(token.pos, "VERB" | "AUX") || token.lower == "says";
            cues[i] = match entry.and_then(|e| e.class) {
                // "says" is often tagged as a noun in headlines; other nouns ("report",
                // "claims") are not cues.
                Some(WordClass::Verb(stance)) if verb_like && !capital_inside => Cue::Verb(stance),
                Some(WordClass::Noun) => Cue::Noun,
                _ if entry.is_some_and(|e| e.phrasal_with(next)) => Cue::Verb(0),
                _ => Cue::None,
            };
            i += 1;
        }
        for (token, cue) in self.tokens.iter_mut().zip(cues) {
            token.cue = cue;
        }
    }

    pub fn entity(&self, token: usize) -> Option<&'a EntityMention> {
        self.tokens[token].entity.map(|e| &self.entities[e])
    }

    /// Whether token `i` is a speech cue (a reporting verb, or the start of a multi-word
    /// cue that introduces speech).
    pub fn is_speech_cue(&self, i: usize) -> bool {
        matches!(self.tokens[i].cue, Cue::Verb(_) | Cue::MultiBegin)
    }

    /// The text between code points `start` and `end`.
    pub fn span_text(&self, start: usize, end: usize) -> &'a str {
        match (self.index.byte(start), self.index.byte(end)) {
            (Some(a), Some(b)) if a <= b => self.text.get(a..b).unwrap_or(""),
            _ => "",
        }
    }

    pub fn is_person_or_org(&self, token: usize) -> bool {
        self.entity(token)
            .is_some_and(|e| matches!(e.kind, EntityType::Person | EntityType::Org))
    }
}
