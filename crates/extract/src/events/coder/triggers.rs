//! Finding triggers: verbs from the CAMEO dictionary with their patterns, event nouns,
//! and the few constructions the dictionary cannot see ("is opposed to", "X said Y must").

use std::ops::Range;

use storyline_model::{EventStatus, EventType};

use super::{
    BEFORE_REACH, Coder, FIRST_SLOT_REACH, NEXT_SLOT_REACH, Trigger, acts_against, control_word,
    is_be, is_preposition_like, light_verb, press,
};
use crate::events::lexicon::{Pattern, Slot, Verb};
use crate::quotes::view::Cue;

impl Coder<'_, '_, '_> {
    pub(super) fn triggers(&self, sentence: Range<usize>) -> Vec<Trigger> {
        let tokens = &self.view.tokens;
        let mut found: Vec<Trigger> = Vec::new();
        for i in sentence.clone() {
            let t = &tokens[i];
            if t.quote.is_some() || t.mark {
                continue;
            }
            if let Some(trigger) = self.opposed_trigger(i, sentence.clone()) {
                found.push(trigger);
                continue;
            }
            if t.pos != "VERB" {
                continue;
            }
            if is_preposition_like(&t.lower)
                || self.modifies_noun(i, sentence.start)
                || self.controls_infinitive(i)
            {
                continue;
            }
            let trigger = self
                .verb_trigger(i, sentence.clone(), self.reports_speech(i))
                .or_else(|| self.demand_trigger(i, sentence.start));
            found.extend(trigger);
        }
        for i in sentence.clone() {
            let t = &tokens[i];
            if t.quote.is_some() || t.pos != "NOUN" {
                continue;
            }
            if found.iter().any(|f| f.covered.contains(&i)) {
                continue;
            }
            if let Some(trigger) = self.noun_trigger(i, sentence.clone()) {
                // A weak verb whose object is this event noun gives way to it
                // ("organized a general strike", "speeded up the withdrawal"); a verb
                // acting against the event does not ("prevented the demonstration").
                found.retain(|f| {
                    !(f.weak
                        && !acts_against(f.kind)
                        && f.tokens.end <= trigger.tokens.start
                        && trigger.tokens.start <= f.tokens.end + 4
                        && self.clause_end(f.tokens.end, sentence.end) > trigger.tokens.start)
                });
                found.push(trigger);
            }
        }
        found.sort_by_key(|f| f.tokens.start);
        found
    }

    /// "Israel is opposed to French mediation": being opposed to something rejects it
    /// (an adjective, so the verb dictionary does not see it).
    pub(super) fn opposed_trigger(&self, i: usize, sentence: Range<usize>) -> Option<Trigger> {
        let tokens = &self.view.tokens;
        let opposed = tokens[i].lower == "opposed"
            && i > sentence.start
            && is_be(&tokens[i - 1].lower)
            && tokens
                .get(i + 1)
                .is_some_and(|n| n.lower == "to" && i + 1 < sentence.end);
        opposed.then(|| Trigger {
            tokens: i..i + 1,
            code: "120".to_owned(),
            kind: EventType::Reject,
            mode: None,
            covered: i..(i + 6).min(sentence.end),
            nominal: false,
            weak: false,
        })
    }

    /// "X said Y must do Z": whatever Z is, reported with "must" it is a demand.
    pub(super) fn demand_trigger(&self, i: usize, floor: usize) -> Option<Trigger> {
        let tokens = &self.view.tokens;
        let must = (floor.max(i.saturating_sub(3))..i).any(|k| tokens[k].lower == "must");
        let reported = (floor..i).any(|k| matches!(tokens[k].cue, Cue::Verb(_)));
        if !(must && reported) {
            return None;
        }
        Some(Trigger {
            tokens: i..i + 1,
            code: "100".to_owned(),
            kind: EventType::Request,
            mode: None,
            covered: i..i + 1,
            nominal: false,
            weak: false,
        })
    }

    /// A reporting verb that only reports ("said", "stressed", "argued"): the event, if
    /// any, is in what was said. Verbs that act in speaking (accuse, warn, urge, praise,
    /// deny, promise) stay triggers. Stances come from the reporting-verb lexicon.
    pub(super) fn reports_speech(&self, i: usize) -> bool {
        match self.view.tokens[i].cue {
            Cue::Verb(stance) => !matches!(
                self.cues.stance_name(stance),
                Some("deny" | "directive" | "warn" | "accuse" | "praise" | "commit" | "concede")
            ),
            _ => false,
        }
    }

    /// "plans to speak", "wants to meet", "began shelling": the event is the infinitive
    /// or gerund. Control verbs that
    /// are acts themselves ("agreed to", "refused to", "threatened to") stay triggers.
    pub(super) fn controls_infinitive(&self, i: usize) -> bool {
        let tokens = &self.view.tokens;
        let lower = &*tokens[i].lower;
        let acts = [
            "agree", "refus", "declin", "promis", "vow", "pledg", "threat", "fail",
        ]
        .iter()
        .any(|stem| lower.starts_with(stem));
        let infinitive = tokens.get(i + 1).is_some_and(|t| t.lower == "to")
            && tokens.get(i + 2).is_some_and(|t| t.pos == "VERB");
        // "began collecting", "continued shelling": aspect verbs take gerunds too.
        let gerund = control_word(lower) == Some(EventStatus::Asserted)
            && tokens
                .get(i + 1)
                .is_some_and(|t| t.pos == "VERB" && t.lower.ends_with("ing"));
        control_word(lower).is_some() && !acts && (infinitive || gerund)
    }

    /// A participle used as an adjective: "Ousted President X", "the defeated party",
    /// "Algeria's leading activist".
    pub(super) fn modifies_noun(&self, i: usize, floor: usize) -> bool {
        let tokens = &self.view.tokens;
        let before_noun = tokens
            .get(i + 1)
            .is_some_and(|n| matches!(n.pos, "NOUN" | "PROPN" | "ADJ"));
        let opens_phrase = i == floor || {
            let p = &tokens[i - 1];
            matches!(p.pos, "DET" | "ADJ" | "ADP")
                || matches!(p.word, "'s" | "’s")
                || (p.pos == "ADV" && i - 1 == floor)
        };
        // ", a body linked to the OAU,": a participle after an appositive's noun.
        let appositive = i >= floor + 3
            && tokens[i].lower.ends_with("ed")
            && tokens[i - 1].pos == "NOUN"
            && tokens[i - 2].pos == "DET"
            && tokens[i - 3].word == ","
            && tokens.get(i + 1).is_some_and(|n| n.pos == "ADP");
        // "the agreement signed in March": a participle after its noun, once the
        // sentence has had its main verb.
        let reduced_relative = i > floor
            && tokens[i].lower.ends_with("ed")
            && tokens[i - 1].pos == "NOUN"
            && tokens.get(i + 1).is_some_and(|n| n.pos == "ADP")
            && (floor..i - 1).any(|k| matches!(tokens[k].pos, "VERB" | "AUX"));
        before_noun && opens_phrase || appositive || reduced_relative
    }

    /// A verb from the dictionary with its code. A reporting verb (`speech`) is an event
    /// only through a pattern matching right after it ("declared a ceasefire").
    pub(super) fn verb_trigger(
        &self,
        i: usize,
        sentence: Range<usize>,
        speech: bool,
    ) -> Option<Trigger> {
        let particles_follow = |v: &&Verb| {
            v.words[1..]
                .iter()
                .enumerate()
                .all(|(k, w)| i + 1 + k < sentence.end && self.is_word(i + 1 + k, w))
        };
        // The written form first (the dictionary lists inflections), then the lemma.
        let lower = &self.view.tokens[i].lower;
        let verb = match self.lexicon.verbs(lower).find(particles_follow) {
            Some(verb) => verb,
            None => self.lexicon.verbs(&self.lemma(i)).find(particles_follow)?,
        };
        let end = i + verb.words.len();
        let clause_end = self.clause_end(end, sentence.end);
        let clause_start = self.clause_start(i, sentence.start);
        let mut code = verb.code.clone();
        let mut weak = !verb.own_code;
        let mut covered = i..end;
        let reach = if speech { 2 } else { NEXT_SLOT_REACH };
        match self.best_pattern(
            self.lexicon.patterns(verb),
            clause_start..i,
            end..clause_end,
            reach,
        ) {
            Some((pattern, matched)) => {
                code = pattern.code.clone();
                weak = false;
                covered = covered.start.min(matched.start)..covered.end.max(matched.end);
            }
            None if speech => return None,
            None => {}
        }
        let mut code = code?;
        // CAMEO codes "speak", "talk" as statements (010); with someone, they consult.
        if code.starts_with("01") {
            let with = (end..clause_end.min(end + 2)).find(|&k| self.is_word(k, "with"))?;
            if (with + 1..clause_end.min(with + 4)).any(|k| press(&self.view.tokens[k].lower)) {
                return None;
            }
            code = "040".to_owned();
        }
        let (kind, mode) = self.lexicon.plover(&code)?;
        Some(Trigger {
            tokens: i..end,
            mode: mode.map(str::to_owned),
            code,
            kind,
            covered,
            nominal: false,
            weak,
        })
    }

    pub(super) fn noun_trigger(&self, i: usize, sentence: Range<usize>) -> Option<Trigger> {
        let tokens = &self.view.tokens;
        // Only the head of a noun phrase names the event: "ceasefire proposal" is a
        // proposal; but "mediation mission" and "peace talks process" are the event.
        if tokens.get(i + 1).is_some_and(|n| {
            i + 1 < sentence.end
                && matches!(n.pos, "NOUN" | "PROPN")
                && !self.in_time[i + 1]
                && !matches!(
                    &*n.lemma.to_lowercase(),
                    "mission" | "effort" | "process" | "bid" | "campaign" | "attempt" | "round"
                )
        }) {
            return None;
        }
        let lemma = self.lemma(i);
        let noun = self.lexicon.nouns(&lemma).find(|n| {
            let modifiers = n.words.len() - 1;
            i >= sentence.start + modifiers
                && n.words[..modifiers]
                    .iter()
                    .enumerate()
                    .all(|(k, w)| self.is_word(i - modifiers + k, w))
        })?;
        // "calls for a ceasefire" is an appeal, coded by the verb dictionary's patterns.
        if tokens
            .get(i + 1)
            .is_some_and(|n| n.lower == "for" && lemma == "call")
        {
            return None;
        }
        let start = i + 1 - noun.words.len();
        if noun.object_only {
            let floor = self
                .clause_start(start, sentence.start)
                .max(start.saturating_sub(5));
            let governed =
                (floor..start).any(|k| tokens[k].pos == "VERB" && light_verb(&self.lemma(k)));
            if !governed {
                return None;
            }
        }
        let (kind, mode) = self.lexicon.plover(&noun.code)?;
        Some(Trigger {
            tokens: start..i + 1,
            mode: mode.map(str::to_owned),
            code: noun.code.clone(),
            kind,
            covered: start..i + 1,
            nominal: true,
            weak: false,
        })
    }

    /// The pattern matching the most words around the verb, with the tokens it covered.
    pub(super) fn best_pattern<'p>(
        &self,
        patterns: impl Iterator<Item = &'p Pattern>,
        before: Range<usize>,
        after: Range<usize>,
        reach: usize,
    ) -> Option<(&'p Pattern, Range<usize>)> {
        let mut best: Option<(&Pattern, Range<usize>, usize)> = None;
        for pattern in patterns {
            let Some((after_words, after_end)) =
                self.match_after(&pattern.after, after.clone(), reach)
            else {
                continue;
            };
            let Some((before_words, before_start)) =
                self.match_before(&pattern.before, before.clone())
            else {
                continue;
            };
            let words = after_words + before_words;
            if words > best.as_ref().map_or(0, |b| b.2) {
                best = Some((pattern, before_start..after_end, words));
            }
        }
        best.map(|(p, range, _)| (p, range))
    }

    /// Slots matched in order after the verb: (words matched, end of the last match).
    pub(super) fn match_after(
        &self,
        slots: &[Slot],
        range: Range<usize>,
        next_reach: usize,
    ) -> Option<(usize, usize)> {
        let mut at = range.start;
        let mut reach = FIRST_SLOT_REACH;
        let mut words = 0;
        for slot in slots {
            let limit = range.end.min(at + reach);
            let (k, len) =
                (at..limit).find_map(|k| self.slot_at(slot, k, range.end).map(|len| (k, len)))?;
            at = k + len;
            words += len;
            reach = next_reach;
        }
        Some((words, at))
    }

    /// Slots matched in order before the verb, nearest last: (words, start of the first).
    pub(super) fn match_before(
        &self,
        slots: &[Slot],
        range: Range<usize>,
    ) -> Option<(usize, usize)> {
        let mut at = range.end;
        let mut words = 0;
        for slot in slots.iter().rev() {
            let floor = range.start.max(at.saturating_sub(BEFORE_REACH));
            let (k, len) = (floor..at)
                .rev()
                .find_map(|k| self.slot_at(slot, k, at).map(|len| (k, len)))?;
            at = k;
            words += len;
        }
        Some((words, at))
    }

    /// Whether one of the slot's phrases starts at token `k` (ending by `limit`): its length.
    pub(super) fn slot_at(&self, slot: &Slot, k: usize, limit: usize) -> Option<usize> {
        slot.iter()
            .filter(|phrase| k + phrase.len() <= limit)
            .find(|phrase| {
                phrase
                    .iter()
                    .enumerate()
                    .all(|(n, w)| self.is_word(k + n, w))
            })
            .map(Vec::len)
    }
}
