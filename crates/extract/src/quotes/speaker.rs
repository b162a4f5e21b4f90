//! Who said it: the noun phrase next to a cue, and what it refers to. Names are expanded to
//! the fullest form the article uses ("Trump" → "Donald Trump"); pronouns go to the speaker
//! of a recent quote or the latest person named outside quotations; definite descriptions
//! ("the president") go to a person only when the article gives that person the same title
//! words, otherwise they stay descriptions ("a Ukrainian official").

use std::ops::Range;

use hashbrown::HashMap;
use storyline_model::{EntityType, Speaker, TextSpan};

use super::view::{Cue, Tok, View};

/// Words that may sit between a subject and its verb ("Trump has also said").
fn is_adverbial(word: &str, pos: &str) -> bool {
    matches!(pos, "ADV" | "AUX")
        || matches!(
            word,
            "also" | "has" | "have" | "had" | "was" | "is" | "would" | "will" | "even" | "later"
        )
}

fn is_np_word(pos: &str) -> bool {
    matches!(pos, "PROPN" | "NOUN" | "ADJ" | "NUM" | "DET")
}

fn is_possessive(word: &str) -> bool {
    matches!(word, "'s" | "’s" | "'" | "’")
}

/// How many sentences back a pronoun looks for the person it stands for.
const PRONOUN_SENTENCES: usize = 3;

const PERSONAL: [&str; 4] = ["he", "she", "him", "her"];
const PLURAL: [&str; 4] = ["they", "it", "we", "them"];

/// A speaker phrase: the core noun phrase (what the speaker is) and the full phrase with
/// its post-modifiers ("a Ukrainian official" / "… familiar with the discussions").
#[derive(Clone, Debug)]
pub struct Phrase {
    pub core: Range<usize>,
    pub full: Range<usize>,
}

/// Resolves speaker phrases in one article.
pub struct Resolver<'v, 'a> {
    view: &'v View<'a>,
    /// Last word of a person's name (lower-cased) → fullest name in the article.
    full_names: HashMap<String, &'a str>,
    /// Person mentions outside quotations: (first token, full name).
    persons: Vec<(usize, String)>,
}

impl<'v, 'a> Resolver<'v, 'a> {
    pub fn new(view: &'v View<'a>) -> Self {
        let mut full_names: HashMap<String, &'a str> = HashMap::new();
        for e in view.entities {
            if e.kind != EntityType::Person {
                continue;
            }
            let Some(last) = e.text.split_whitespace().last() else {
                continue;
            };
            let key = last.to_lowercase();
            let words = e.text.split_whitespace().count();
            let keep = full_names
                .get(&key)
                .is_none_or(|known| known.split_whitespace().count() < words);
            if keep {
                full_names.insert(key, e.text.as_str());
            }
        }
        let mut resolver = Resolver {
            view,
            full_names,
            persons: Vec::new(),
        };
        for (i, t) in view.tokens.iter().enumerate() {
            if t.entity_begin
                && t.quote.is_none()
                && let Some(e) = view.entity(i).filter(|e| e.kind == EntityType::Person)
            {
                let name = resolver.full_name(&e.text);
                resolver.persons.push((i, name));
            }
        }
        resolver
    }

    /// The fullest name the article gives the person called `name`.
    pub fn full_name(&self, name: &str) -> String {
        let Some(last) = name.split_whitespace().last() else {
            return name.to_owned();
        };
        match self.full_names.get(&last.to_lowercase()) {
            Some(full) if full.split_whitespace().count() > name.split_whitespace().count() => {
                (*full).to_owned()
            }
            _ => name.to_owned(),
        }
    }

    /// The speaker phrase ending just before token `cue` (its grammatical subject),
    /// skipping adverbs, auxiliaries and a relative clause between commas.
    pub fn left_of(&self, cue: usize, floor: usize) -> Option<Phrase> {
        let tokens = &self.view.tokens;
        let mut j = cue;
        loop {
            while j > floor
                && is_adverbial(&tokens[j - 1].lower, tokens[j - 1].pos)
                && !self.view.is_person_or_org(j - 1)
            {
                j -= 1;
            }
            if j <= floor || tokens[j - 1].quote.is_some() || tokens[j - 1].mark {
                return None;
            }
            if tokens[j - 1].word != "," {
                break;
            }
            // "X, who …, said" / "X, the envoy, said" / "the chief, Kaja Kallas, said".
            let comma = j - 1;
            let previous = (floor..comma).rev().find(|&k| tokens[k].word == ",")?;
            let inner = previous + 1..comma;
            if self.is_whole_person(inner.clone()) {
                return Some(Phrase {
                    core: inner.clone(),
                    full: inner,
                });
            }
            let first = &tokens[previous + 1];
            if matches!(
                &*first.lower,
                "who" | "which" | "including" | "a" | "an" | "the"
            ) || first.pos == "VERB"
                || first.pos == "ADP"
            {
                j = previous;
                continue;
            }
            return None;
        }
        let head = j - 1;
        if tokens[head].pos == "PRON" {
            return PERSONAL
                .iter()
                .chain(PLURAL.iter())
                .any(|p| *p == tokens[head].lower)
                .then_some(Phrase {
                    core: head..j,
                    full: head..j,
                });
        }
        let mut core = self.np_back(j, floor)?;
        let mut full = core.clone();
        // Post-modifiers: "an official familiar with the talks", "a spokesperson for X".
        loop {
            let mut k = core.start;
            if k > floor && tokens[k - 1].pos == "ADP" && tokens[k - 1].lower != "that" {
                k -= 1;
                if k > floor && tokens[k - 1].pos == "ADJ" {
                    k -= 1;
                }
                match self.np_back(k, floor) {
                    Some(np) => {
                        core = np;
                        full.start = core.start;
                    }
                    None => break,
                }
            } else {
                break;
            }
        }
        Some(Phrase { core, full })
    }

    /// A noun phrase ending at `end` (exclusive), read leftwards; stops after a determiner.
    fn np_back(&self, end: usize, floor: usize) -> Option<Range<usize>> {
        let tokens = &self.view.tokens;
        let mut start = end;
        while start > floor {
            let t = &tokens[start - 1];
            if t.quote.is_some() || t.mark {
                break;
            }
            let in_entity = t.entity.is_some();
            if !(in_entity || is_np_word(t.pos) || is_possessive(t.word)) {
                break;
            }
            start -= 1;
            if t.pos == "DET" && !in_entity {
                break;
            }
        }
        (start < end && is_head(&tokens[end - 1])).then_some(start..end)
    }

    /// The speaker phrase starting at token `from` (after a cue: "said Henry E. Hale of …").
    pub fn right_of(&self, from: usize, ceiling: usize) -> Option<Phrase> {
        let tokens = &self.view.tokens;
        let first = tokens.get(from).filter(|_| from < ceiling)?;
        if first.pos == "PRON" {
            return PERSONAL
                .iter()
                .chain(PLURAL.iter())
                .any(|p| *p == first.lower)
                .then_some(Phrase {
                    core: from..from + 1,
                    full: from..from + 1,
                });
        }
        let mut end = from;
        while end < ceiling {
            let t = &tokens[end];
            if t.quote.is_some() || t.mark {
                break;
            }
            if !(t.entity.is_some() || is_np_word(t.pos) || is_possessive(t.word)) {
                break;
            }
            if t.pos == "DET" && end > from && t.entity.is_none() {
                break;
            }
            end += 1;
        }
        let head = tokens.get(end.checked_sub(1)?)?;
        (end > from && is_head(head)).then_some(Phrase {
            core: from..end,
            full: from..end,
        })
    }

    /// The speaker phrase of a source that follows its cue up to a clause break
    /// ("according to two people familiar with the matter"): the core is the leading noun
    /// phrase ("two people"), the whole range is the mention.
    pub fn phrase_after(&self, range: Range<usize>) -> Phrase {
        let tokens = &self.view.tokens;
        let np_end = range
            .clone()
            .take_while(|&k| {
                let t = &tokens[k];
                t.entity.is_some() || is_np_word(t.pos) || is_possessive(t.word)
            })
            .filter(|&k| is_head(&tokens[k]))
            .last()
            .map_or(range.end, |k| k + 1);
        Phrase {
            core: range.start..np_end,
            full: range,
        }
    }

    /// The speaker phrase of a source span tagged by the model. Its core is the first
    /// comma-separated part that names a person or organisation or is a pronoun ("Steve
    /// Witkoff, who met with Putin, …" is Witkoff; "as leaders pressed for a deal, Putin"
    /// is Putin), else the whole span (a description).
    pub fn source_phrase(&self, range: Range<usize>) -> Phrase {
        let tokens = &self.view.tokens;
        let mut start = range.start;
        for end in range.clone().chain(std::iter::once(range.end)) {
            if end < range.end && tokens[end].word != "," {
                continue;
            }
            let part = start..end;
            let names = part.clone().any(|i| {
                self.view.is_person_or_org(i)
                    || (tokens[i].pos == "PRON" && PERSONAL.contains(&&*tokens[i].lower))
            });
            if names {
                return Phrase {
                    core: part,
                    full: range,
                };
            }
            start = end + 1;
        }
        Phrase {
            core: range.clone(),
            full: range,
        }
    }

    /// The subject of the clause in token `range`: its first person or organisation named
    /// outside quotations, else its first personal pronoun.
    pub fn subject(&self, range: Range<usize>) -> Option<Phrase> {
        let tokens = &self.view.tokens;
        for i in range.clone() {
            let t = &tokens[i];
            if t.quote.is_some() {
                continue;
            }
            if t.entity_begin && self.view.is_person_or_org(i) {
                let mut end = i + 1;
                while end < range.end && tokens[end].entity == t.entity {
                    end += 1;
                }
                return Some(Phrase {
                    core: i..end,
                    full: i..end,
                });
            }
            if t.pos == "PRON" && PERSONAL.contains(&&*t.lower) {
                return Some(Phrase {
                    core: i..i + 1,
                    full: i..i + 1,
                });
            }
        }
        None
    }

    fn is_whole_person(&self, range: Range<usize>) -> bool {
        !range.is_empty()
            && range.clone().all(|i| {
                self.view
                    .entity(i)
                    .is_some_and(|e| e.kind == EntityType::Person)
            })
    }

    fn text_span(&self, range: Range<usize>) -> TextSpan {
        let tokens = &self.view.tokens;
        let (start, end) = (tokens[range.start].start, tokens[range.end - 1].end);
        TextSpan {
            start,
            end,
            text: self.view.span_text(start, end).to_owned(),
        }
    }

    /// What a phrase refers to. `recent` is the latest resolved person speaker, used for
    /// pronouns.
    pub fn resolve(&self, phrase: &Phrase, recent: Option<&str>) -> Speaker {
        let tokens = &self.view.tokens;
        let core = phrase.core.clone();
        let mention = self.text_span(phrase.full.clone());
        let speaker = |name: Option<String>, description: Option<String>| Speaker {
            name,
            description,
            mention: Some(mention.clone()),
            entity: None,
        };
        // A person named in the core phrase: the last one ("spokeswoman Tammy Bruce").
        let mut person = None;
        let mut organisation = None;
        for i in core.clone() {
            if let Some(e) = self.view.entity(i) {
                match e.kind {
                    EntityType::Person => person = Some(e),
                    EntityType::Org if organisation.is_none() => organisation = Some(e),
                    _ => {}
                }
            }
        }
        if let Some(e) = person {
            return speaker(Some(self.full_name(&e.text)), None);
        }
        let head = &tokens[core.end - 1];
        if let Some(e) = organisation.filter(|_| head.entity.is_some()) {
            return speaker(Some(e.text.clone()), None);
        }
        let content: Vec<usize> = core.clone().filter(|&i| tokens[i].pos != "DET").collect();
        // A place standing for its government ("Russia said"): the phrase is only the name.
        if let Some(e) = self.view.entity(head_index(&core))
            && content.iter().all(|&i| tokens[i].entity == head.entity)
        {
            return speaker(Some(e.text.clone()), None);
        }
        if head.pos == "PRON" {
            if PERSONAL.contains(&&*head.lower) {
                let name = self
                    .recent_subject(core.start)
                    .or_else(|| recent.map(str::to_owned));
                if let Some(name) = name {
                    return speaker(Some(name), None);
                }
            }
            return speaker(None, Some(mention.text.clone()));
        }
        let definite = matches!(&*tokens[core.start].lower, "the" | "this");
        if definite && let Some(name) = self.described_person(&content, core.start) {
            return speaker(Some(name), None);
        }
        speaker(None, Some(mention.text.clone()))
    }

    /// What "he" or "she" at `token` refers to: the first person named outside quotations
    /// in the nearest sentence (this one before the pronoun, then earlier ones) that names
    /// one — the subject, not the last name mentioned ("Starmer criticised Putin's approach
    /// … He urged" is Starmer).
    fn recent_subject(&self, token: usize) -> Option<String> {
        let tokens = &self.view.tokens;
        let sentence = tokens[token].sentence;
        let at = self.persons.partition_point(|(i, _)| *i < token);
        let before = &self.persons[..at];
        for s in (sentence.saturating_sub(PRONOUN_SENTENCES)..=sentence).rev() {
            let first = before.partition_point(|(i, _)| tokens[*i].sentence < s);
            if let Some((i, name)) = before.get(first)
                && tokens[*i].sentence == s
            {
                return Some(name.clone());
            }
        }
        None
    }

    /// The person a definite description refers to: every word of it (the title "president",
    /// modifiers such as "Ukrainian") appears just before a mention of that person, and of
    /// such people the one mentioned last before `token`.
    fn described_person(&self, words: &[usize], token: usize) -> Option<String> {
        let tokens = &self.view.tokens;
        if words.is_empty() {
            return None;
        }
        let at = self.persons.partition_point(|(i, _)| *i < token);
        let mut seen: Vec<&str> = Vec::new();
        for (_, name) in self.persons[..at].iter().rev() {
            if seen.contains(&name.as_str()) {
                continue;
            }
            seen.push(name);
            let titled = self
                .persons
                .iter()
                .filter(|(_, n)| n == name)
                .any(|(i, _)| {
                    let window = &tokens[i.saturating_sub(4)..*i];
                    words.iter().all(|&w| {
                        window
                            .iter()
                            .any(|t| t.lower == tokens[w].lower || t.lemma == tokens[w].lemma)
                    })
                });
            if titled {
                return Some(name.clone());
            }
        }
        None
    }
}

/// A phrase must end in a noun or name, not only modifiers; attribution nouns count
/// whatever their tag ("official" is often tagged as an adjective).
fn is_head(token: &Tok) -> bool {
    matches!(token.pos, "NOUN" | "PROPN") || token.entity.is_some() || token.cue == Cue::Noun
}

fn head_index(range: &Range<usize>) -> usize {
    range.end - 1
}
