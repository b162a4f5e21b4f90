//! Coding events sentence by sentence: find trigger words (CAMEO verbs with their patterns,
//! event nouns), then the actor (the clause's subject, or the possessor of an event noun),
//! the recipient (object or prepositional object), the modality, time, place and counts.
//!
//! Rules over the language layer, not a parser: every step looks at a bounded window of
//! tokens around the trigger, so long sentences cost linear time and nothing is invented
//! from sentences without a trigger word.

use std::ops::Range;

use storyline_model::{
    Event, EventStatus, EventType, Participant, Quantity, TextSpan, TimeExpression, TimexType,
};

use super::lexicon::{Lexicon, Pattern, Slot};
use crate::quotes::lexicon::Lexicon as CueLexicon;
use crate::quotes::speaker::{Phrase, Resolver};
use crate::quotes::view::{Cue, Tok, View};

/// How far after the verb a pattern's first slot may match, and later slots after the
/// previous one (tokens).
const FIRST_SLOT_REACH: usize = 3;
const NEXT_SLOT_REACH: usize = 4;
/// How far back a pattern's slots before the verb may match.
const BEFORE_REACH: usize = 5;
/// How far after a trigger the recipient and the time may be.
const ARGUMENT_REACH: usize = 12;

/// Verbs and adjectives that take the event verb as an infinitive without being events
/// themselves ("plans to speak", "is likely to meet"), with the modality they give it.
fn control_word(lower: &str) -> Option<EventStatus> {
    Some(match lower {
        "plan" | "plans" | "planned" | "planning" | "set" | "scheduled" | "due" | "expected"
        | "intend" | "intends" | "intended" | "prepare" | "prepares" | "preparing" | "prepared"
        | "going" | "poised" | "ready" | "about" | "decided" | "decides" | "agreed" | "agree"
        | "agrees" | "vowed" | "vows" | "promised" | "promises" | "pledged" | "pledges" => {
            EventStatus::Planned
        }
        "likely" | "unlikely" | "may" | "might" | "want" | "wants" | "wanted" | "hope"
        | "hopes" | "hoped" | "seek" | "seeks" | "sought" | "try" | "tries" | "trying" | "aim"
        | "aims" | "able" | "willing" | "attempts" | "would" | "could" | "should" | "possible" => {
            EventStatus::Hypothetical
        }
        "refused" | "refuses" | "declined" | "declines" | "failed" | "fails" => {
            EventStatus::Negated
        }
        // Aspect, not modality: "continued to send", "began shelling", "tried to
        // assassinate" (an attempt is an event in CAMEO).
        "continue" | "continues" | "continued" | "begin" | "begins" | "began" | "start"
        | "starts" | "started" | "resume" | "resumes" | "resumed" | "attempt" | "attempted"
        | "tried" => EventStatus::Asserted,
        _ => return None,
    })
}

/// Words in the verb group that set the modality.
fn modal_word(lower: &str) -> Option<EventStatus> {
    Some(match lower {
        "will" | "'ll" | "shall" => EventStatus::Planned,
        "may" | "might" | "could" | "would" | "should" | "if" | "unless" => {
            EventStatus::Hypothetical
        }
        "not" | "n't" | "never" | "no" => EventStatus::Negated,
        _ => return None,
    })
}

/// Adjectives before an event noun that make it not (yet) a fact.
fn noun_modality(lower: &str) -> Option<EventStatus> {
    Some(match lower {
        "upcoming" | "planned" | "scheduled" | "expected" | "anticipated" | "awaited"
        | "proposed" | "future" | "next" | "forthcoming" => EventStatus::Planned,
        "possible" | "potential" | "hypothetical" | "likely" => EventStatus::Hypothetical,
        "without" => EventStatus::Negated,
        _ => return None,
    })
}

/// Prepositions that introduce the recipient after a trigger.
fn recipient_preposition(lower: &str) -> bool {
    matches!(
        lower,
        "with" | "to" | "on" | "upon" | "against" | "at" | "toward" | "towards" | "into" | "from"
    )
}

/// Verbs that carry an event noun as their object ("held talks", "launched attacks").
fn light_verb(lemma: &str) -> bool {
    matches!(
        lemma,
        "hold"
            | "have"
            | "launch"
            | "carry"
            | "conduct"
            | "stage"
            | "make"
            | "host"
            | "join"
            | "attend"
            | "begin"
            | "start"
            | "resume"
            | "continue"
            | "mount"
            | "unleash"
            | "order"
            | "organize"
            | "organise"
            | "fire"
            | "pay"
            | "impose"
    )
}

/// Types of verbs that act against what they govern ("prevented the demonstration",
/// "banned the rally"): their object is not the event.
fn acts_against(kind: EventType) -> bool {
    matches!(
        kind,
        EventType::Reject
            | EventType::Accuse
            | EventType::Coerce
            | EventType::Sanction
            | EventType::Request
            | EventType::Threaten
    )
}

/// Addressees that make "spoke with …" a statement to the press, not a consultation.
fn press(lower: &str) -> bool {
    matches!(
        lower,
        "reporters" | "journalists" | "media" | "press" | "reporter" | "journalist"
    )
}

fn is_be(lower: &str) -> bool {
    matches!(
        lower,
        "be" | "is" | "are" | "was" | "were" | "been" | "being" | "'s" | "’s" | "am"
    )
}

fn is_clause_end(t: &Tok) -> bool {
    matches!(
        t.word,
        "," | ";" | ":" | "—" | "–" | "(" | ")" | "." | "?" | "!"
    ) || t.mark
}

/// One trigger found in a sentence, before its arguments.
struct Trigger {
    /// Token range of the trigger words.
    tokens: Range<usize>,
    code: String,
    kind: EventType,
    mode: Option<String>,
    /// Token range the trigger's pattern covered (trigger plus matched words), so that an
    /// event noun inside it is not coded twice.
    covered: Range<usize>,
    nominal: bool,
    /// Coded by its dictionary block's default only: a guess that needs a subject naming
    /// an actor, and that yields to an event noun as its object ("organized a strike").
    weak: bool,
}

pub(crate) struct Coder<'l, 'v, 'a> {
    lexicon: &'l Lexicon,
    cues: &'l CueLexicon,
    view: &'v View<'a>,
    resolver: &'v Resolver<'v, 'a>,
    /// Tokens inside a time expression ("met Sunday": Sunday is not who was met).
    in_time: Vec<bool>,
}

impl<'l, 'v, 'a> Coder<'l, 'v, 'a> {
    pub fn new(
        lexicon: &'l Lexicon,
        cues: &'l CueLexicon,
        view: &'v View<'a>,
        resolver: &'v Resolver<'v, 'a>,
        times: &[TimeExpression],
    ) -> Self {
        let in_time = view
            .tokens
            .iter()
            .map(|t| times.iter().any(|x| x.start <= t.start && t.end <= x.end))
            .collect();
        Coder {
            lexicon,
            cues,
            view,
            resolver,
            in_time,
        }
    }
}

impl Coder<'_, '_, '_> {
    /// Every event in the article, in text order.
    pub fn events(&self, times: &[TimeExpression], quantities: &[Quantity]) -> Vec<Event> {
        let mut events = Vec::new();
        for (s, range) in self.view.sentences.iter().enumerate() {
            let start = events.len();
            let triggers = self.triggers(range.clone());
            for trigger in &triggers {
                if let Some(event) =
                    self.event(s, range.clone(), trigger, &triggers, times, quantities)
                {
                    events.push(event);
                }
            }
            merge_repeats(&mut events, start);
        }
        events
    }

    fn triggers(&self, sentence: Range<usize>) -> Vec<Trigger> {
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
            // "according to X" attributes; it is not the verb "accord".
            let according =
                t.lower == "according" && tokens.get(i + 1).is_some_and(|n| n.lower == "to");
            if according || self.modifies_noun(i, sentence.start) || self.controls_infinitive(i) {
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
    fn opposed_trigger(&self, i: usize, sentence: Range<usize>) -> Option<Trigger> {
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
    fn demand_trigger(&self, i: usize, floor: usize) -> Option<Trigger> {
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
    fn reports_speech(&self, i: usize) -> bool {
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
    fn controls_infinitive(&self, i: usize) -> bool {
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
    fn modifies_noun(&self, i: usize, floor: usize) -> bool {
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

    fn lemma(&self, i: usize) -> String {
        let t = &self.view.tokens[i];
        if t.lemma.is_empty() {
            t.lower.to_string()
        } else {
            t.lemma.to_lowercase()
        }
    }

    /// Whether token `i` is `word` (as written or as its lemma).
    fn is_word(&self, i: usize, word: &str) -> bool {
        let t = &self.view.tokens[i];
        *t.lower == *word || t.lemma.eq_ignore_ascii_case(word)
    }

    /// A verb from the dictionary with its code. A reporting verb (`speech`) is an event
    /// only through a pattern matching right after it ("declared a ceasefire").
    fn verb_trigger(&self, i: usize, sentence: Range<usize>, speech: bool) -> Option<Trigger> {
        let particles_follow = |v: &&super::lexicon::Verb| {
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

    fn noun_trigger(&self, i: usize, sentence: Range<usize>) -> Option<Trigger> {
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

    fn clause_end(&self, from: usize, limit: usize) -> usize {
        (from..limit)
            .find(|&k| is_clause_end(&self.view.tokens[k]))
            .unwrap_or(limit)
    }

    fn clause_start(&self, before: usize, floor: usize) -> usize {
        (floor..before)
            .rev()
            .find(|&k| is_clause_end(&self.view.tokens[k]))
            .map_or(floor, |k| k + 1)
    }

    /// The pattern matching the most words around the verb, with the tokens it covered.
    fn best_pattern<'p>(
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
    fn match_after(
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
    fn match_before(&self, slots: &[Slot], range: Range<usize>) -> Option<(usize, usize)> {
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
    fn slot_at(&self, slot: &Slot, k: usize, limit: usize) -> Option<usize> {
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

    fn event(
        &self,
        sentence: usize,
        range: Range<usize>,
        trigger: &Trigger,
        others: &[Trigger],
        times: &[TimeExpression],
        quantities: &[Quantity],
    ) -> Option<Event> {
        let tokens = &self.view.tokens;
        let args = if trigger.nominal {
            self.noun_arguments(trigger, others, range.clone())
        } else {
            self.verb_arguments(trigger, range.clone())?
        };
        let (first, last) = (
            &tokens[trigger.tokens.start],
            &tokens[trigger.tokens.end - 1],
        );
        let (sentence_start, sentence_end) = (tokens[range.start].start, tokens[range.end - 1].end);
        let time_expression = self.nearest_time(times, trigger, range.clone());
        let place = self.place(range.clone(), trigger, args.recipient.as_ref());
        let quantities = quantities
            .iter()
            .enumerate()
            .filter(|(_, q)| sentence_start <= q.start && q.end <= sentence_end)
            .map(|(i, _)| i)
            .collect();
        let mut args = args;
        // "… if it is attacked": a condition, not a report.
        let clause_start = self.clause_start(trigger.tokens.start, range.start);
        let conditional = (clause_start.saturating_sub(1).max(range.start)..trigger.tokens.start)
            .any(|k| matches!(&*tokens[k].lower, "if" | "unless" | "whether"));
        if conditional && args.status == EventStatus::Asserted {
            args.status = EventStatus::Hypothetical;
        }
        let (kind, mode, cameo) = if args.obligation {
            (EventType::Request, None, "100".to_owned())
        } else {
            (trigger.kind, trigger.mode.clone(), trigger.code.clone())
        };
        Some(Event {
            kind,
            mode,
            cameo,
            status: args.status,
            trigger: self.span(first.start, last.end),
            actor: args.actor,
            recipient: args.recipient,
            place,
            time: time_expression.and_then(|i| times[i].value.clone()),
            time_expression,
            sentence,
            quantities,
        })
    }

    fn verb_arguments(&self, trigger: &Trigger, sentence: Range<usize>) -> Option<Arguments> {
        let tokens = &self.view.tokens;
        let i = trigger.tokens.start;
        let (group, status) = self.verb_group(i, sentence.start)?;
        let passive = (group..i).any(|k| is_be(&tokens[k].lower))
            && (tokens[i].lower.ends_with("ed") || tokens[i].lower.ends_with("en"));
        // PETRARCH codes a verb only between actors: a subject that is a thing ("the
        // comments came", "access has improved") makes no event.
        let subject = self
            .subject(group, sentence.start)
            .filter(|(p, _)| !trigger.weak || self.names_actor(p));
        if subject.is_none() && !passive && trigger.weak {
            return None;
        }
        let object_from = self.skip_adverbs(trigger.tokens.end, sentence.end);
        let ceiling = self.clause_end(object_from, sentence.end);
        let (actor, recipient) = if passive {
            let agent = (object_from < ceiling && self.is_word(object_from, "by"))
                .then(|| self.resolver.right_of(object_from + 1, ceiling))
                .flatten();
            (agent, subject.map(|(p, _)| p))
        } else {
            let (actor, partner) = match subject {
                Some((p, partner)) => (Some(p), partner),
                None => (None, None),
            };
            let object = self.object(object_from, ceiling, sentence.end).or(partner);
            (actor, object)
        };
        let obligation = (group..i).any(|k| tokens[k].lower == "must");
        if obligation {
            // "X said Y must do Z", "X issued a reminder that Y must do Z": X demands it
            // of Y.
            let that_clause = (sentence.start..group)
                .rev()
                .find(|&k| tokens[k].lower == "that")
                .and_then(|that| {
                    (sentence.start..that)
                        .rev()
                        .find(|&k| tokens[k].pos == "VERB")
                });
            let speaker = (sentence.start..group)
                .rev()
                .find(|&k| matches!(tokens[k].cue, Cue::Verb(_)))
                .or(that_clause)
                .and_then(|verb| self.resolver.left_of(verb, sentence.start));
            return Some(Arguments {
                actor: speaker.map(|p| self.participant(&p)),
                recipient: actor.map(|p| self.participant(&p)),
                status: EventStatus::Asserted,
                obligation,
            });
        }
        Some(Arguments {
            actor: actor.map(|p| self.participant(&p)),
            recipient: recipient.map(|p| self.participant(&p)),
            status,
            obligation,
        })
    }

    /// The start of the verb group ending at `i` (auxiliaries, adverbs, "plans to") and the
    /// modality it gives; `None` for an infinitive that complements something other than
    /// a control word ("urged Moscow to halt": the halt is what was urged, not an event).
    fn verb_group(&self, i: usize, floor: usize) -> Option<(usize, EventStatus)> {
        let tokens = &self.view.tokens;
        let mut status = EventStatus::Asserted;
        let mut k = i;
        let set = |s: EventStatus, status: &mut EventStatus| {
            // Negation wins over modality, which wins over the default.
            if *status != EventStatus::Negated {
                *status = s;
            }
        };
        while k > floor {
            let t = &tokens[k - 1];
            if let Some(s) = modal_word(&t.lower) {
                set(s, &mut status);
                k -= 1;
            } else if t.lower == "to" {
                let before = k - 1;
                if before > floor {
                    let c = &tokens[before - 1];
                    if let Some(s) = control_word(&c.lower) {
                        set(s, &mut status);
                        k = before - 1;
                        continue;
                    }
                    // Headline style: "Trump to speak with Putin".
                    if matches!(c.pos, "PROPN" | "NOUN")
                        && self
                            .resolver
                            .left_of(before, floor)
                            .is_some_and(|p| p.full.start == floor)
                    {
                        set(EventStatus::Planned, &mut status);
                        k = before;
                        break;
                    }
                }
                return None;
            } else if matches!(t.pos, "AUX" | "ADV" | "PART") || is_be(&t.lower) {
                k -= 1;
            } else {
                break;
            }
        }
        Some((k, status))
    }

    /// The subject before the verb group starting at `group`, and a second subject joined
    /// by "and" ("Trump and Putin will meet"), which becomes the recipient when the verb
    /// has no object.
    fn subject(&self, group: usize, floor: usize) -> Option<(Phrase, Option<Phrase>)> {
        let tokens = &self.view.tokens;
        let phrase = self.resolver.left_of(group, floor)?;
        let start = phrase.full.start;
        if start > floor + 1 && matches!(&*tokens[start - 1].lower, "and" | "&") {
            if let Some(first) = self.resolver.left_of(start - 1, floor) {
                return Some((first, Some(phrase)));
            }
        }
        Some((phrase, None))
    }

    fn skip_adverbs(&self, mut k: usize, limit: usize) -> usize {
        while k < limit && matches!(self.view.tokens[k].pos, "ADV" | "PART") {
            k += 1;
        }
        k
    }

    /// The recipient after the verb: a noun phrase that names someone, read across
    /// prepositions, infinitives and objects that are things ("gave a warm welcome to X",
    /// "agreed to provide aid for X"). Named parties win over agent nouns ("offered its
    /// troops to Lebanon's president"); the verb's clause is searched first, then the
    /// rest of the sentence up to the next reporting verb (", officials said").
    fn object(&self, from: usize, clause_end: usize, sentence_end: usize) -> Option<Phrase> {
        let tokens = &self.view.tokens;
        let limit = sentence_end.min(from + 2 * ARGUMENT_REACH);
        let mut named_in_clause = None;
        let mut agent_in_clause = None;
        let mut named_later = None;
        let mut k = from;
        while k < limit {
            let t = &tokens[k];
            if matches!(t.cue, Cue::Verb(_) | Cue::MultiBegin) || t.word == ";" || t.mark {
                break;
            }
            if matches!(
                t.pos,
                "ADP" | "PART" | "CCONJ" | "VERB" | "AUX" | "ADV" | "PUNCT"
            ) || self.in_time[k]
            {
                k += 1;
                continue;
            }
            let Some(phrase) = self.resolver.right_of(k, limit) else {
                k += 1;
                continue;
            };
            let in_clause = phrase.core.start < clause_end.min(from + ARGUMENT_REACH);
            // The actor's own people are its instruments, not recipients ("offered its
            // troops to X").
            let own = matches!(
                &*tokens[phrase.full.start].lower,
                "its" | "their" | "his" | "her" | "our"
            );
            if own {
                k = phrase.full.end.max(k + 1);
                continue;
            }
            if self.names_party(&phrase) {
                if in_clause {
                    named_in_clause.get_or_insert(phrase.clone());
                } else {
                    named_later.get_or_insert(phrase.clone());
                }
            } else if in_clause && self.names_actor(&phrase) {
                agent_in_clause.get_or_insert(phrase.clone());
            }
            if named_in_clause.is_some() {
                break;
            }
            k = phrase.full.end.max(k + 1);
        }
        named_in_clause.or(agent_in_clause).or(named_later)
    }

    /// Whether a phrase names a party: an entity mention or a proper noun outside time
    /// expressions.
    fn names_party(&self, phrase: &Phrase) -> bool {
        let tokens = &self.view.tokens;
        phrase
            .core
            .clone()
            .any(|i| (tokens[i].entity.is_some() || tokens[i].pos == "PROPN") && !self.in_time[i])
    }

    /// Whether a phrase can be an actor: it holds a name (outside time expressions), a
    /// personal pronoun, or its head is an agent noun.
    fn names_actor(&self, phrase: &Phrase) -> bool {
        let tokens = &self.view.tokens;
        let range = phrase.core.clone();
        if range
            .clone()
            .any(|i| tokens[i].entity.is_some() && !self.in_time[i])
        {
            return true;
        }
        let head = &tokens[range.end - 1];
        if self.in_time[range.end - 1] {
            return false;
        }
        head.pos == "PRON" || self.lexicon.is_agent(&head.lower) || head.pos == "PROPN"
    }

    fn noun_arguments(
        &self,
        trigger: &Trigger,
        others: &[Trigger],
        sentence: Range<usize>,
    ) -> Arguments {
        let tokens = &self.view.tokens;
        let head = trigger.tokens.end - 1;
        // The noun phrase before the trigger: determiner, modifiers, possessor.
        let mut np_start = trigger.tokens.start;
        while np_start > sentence.start {
            let t = &tokens[np_start - 1];
            let possessive = matches!(t.word, "'s" | "’s" | "'" | "’");
            // A capitalised word inside the sentence is a name whatever its tag ("90
            // Shahed drones").
            let name = np_start - 1 > sentence.start && t.word.starts_with(char::is_uppercase);
            if t.quote.is_some()
                || !(possessive
                    || name
                    || t.entity.is_some()
                    || matches!(t.pos, "DET" | "ADJ" | "NOUN" | "PROPN" | "NUM" | "PUNCT")
                        && !is_clause_end(t))
            {
                break;
            }
            np_start -= 1;
        }
        let mut status = EventStatus::Asserted;
        let before = np_start.saturating_sub(1).max(sentence.start);
        for t in &tokens[before..trigger.tokens.start] {
            if let Some(s) = noun_modality(&t.lower) {
                status = s;
            }
        }
        // Names inside the noun phrase: "Russia's attack", "the Trump-Putin call",
        // "a Russian drone strike".
        let mut names: Vec<Range<usize>> = Vec::new();
        let mut k = np_start;
        while k < trigger.tokens.start {
            if tokens[k].entity_begin {
                let mut end = k + 1;
                while end < trigger.tokens.start && tokens[end].entity == tokens[k].entity {
                    end += 1;
                }
                names.push(k..end);
                k = end;
            } else {
                k += 1;
            }
        }
        let as_phrase = |r: Range<usize>| Phrase {
            core: r.clone(),
            full: r,
        };
        let mut actor = names.first().cloned().map(as_phrase);
        let mut recipient = names.get(1).cloned().map(as_phrase);
        // "the Trump-Putin call", "the US-Russia summit": one name, two parties.
        let pair = match names.as_slice() {
            [only] => self.name_pair(only.clone()),
            [] => (np_start..trigger.tokens.start).find_map(|k| self.name_pair(k..k + 1)),
            _ => None,
        };
        // A light verb before the noun ("held talks", "launched attacks") gives the actor
        // and the modality.
        if actor.is_none() {
            // The nearest verb before the noun phrase, when it is a light verb or no
            // event of its own ("renewed negotiations", "speeded up the withdrawal").
            let light = (sentence.start.max(np_start.saturating_sub(4))..np_start)
                .rev()
                .find(|&k| tokens[k].pos == "VERB")
                .filter(|&k| {
                    light_verb(&self.lemma(k))
                        || !others.iter().any(|t| !t.nominal && t.tokens.contains(&k))
                });
            if let Some(verb) = light {
                if let Some((group, s)) = self.verb_group(verb, sentence.start) {
                    if status == EventStatus::Asserted {
                        status = s;
                    }
                    if let Some((phrase, partner)) = self.subject(group, sentence.start) {
                        actor = Some(phrase);
                        recipient = recipient.or(partner);
                    }
                }
            }
        }
        // After the noun: "between Russia and Ukraine", "with Putin", "on Kyiv", "by X".
        let from = head + 1;
        let ceiling = self.clause_end(from, sentence.end);
        if from < ceiling {
            let next = &tokens[from];
            match &*next.lower {
                "between" | "among" => {
                    if let Some(first) = self.resolver.right_of(from + 1, ceiling) {
                        let and = first.full.end;
                        if and < ceiling && self.is_word(and, "and") {
                            recipient = self.resolver.right_of(and + 1, ceiling).or(recipient);
                        }
                        actor = actor.or(Some(first));
                    }
                }
                "by" => actor = self.resolver.right_of(from + 1, ceiling).or(actor),
                word if recipient.is_none()
                    && (recipient_preposition(word)
                        || word == "of" && trigger.kind == EventType::Assault) =>
                {
                    recipient = self.resolver.right_of(from + 1, ceiling);
                }
                _ => {}
            }
        }
        if let (Some((first, second)), None) = (pair, &recipient) {
            return Arguments {
                actor: Some(first),
                recipient: Some(second),
                status,
                obligation: false,
            };
        }
        Arguments {
            actor: actor.map(|p| self.participant(&p)),
            recipient: recipient.map(|p| self.participant(&p)),
            status,
            obligation: false,
        }
    }

    /// Two names joined by a hyphen in one mention ("Trump-Putin"): one participant each,
    /// named as written, for entity resolution to match by alias.
    fn name_pair(&self, range: Range<usize>) -> Option<(Participant, Participant)> {
        let tokens = &self.view.tokens;
        let (start, end) = (tokens[range.start].start, tokens[range.end - 1].end);
        let text = self.view.span_text(start, end);
        let (left, right) = text.split_once(['-', '–'])?;
        let is_name = |w: &str| {
            w.len() > 1
                && w.starts_with(char::is_uppercase)
                && w.chars()
                    .all(|c| c.is_alphabetic() || c == '.' || c == '\'')
        };
        if !is_name(left) || !is_name(right) {
            return None;
        }
        let split = start + left.chars().count();
        let party = |name: &str, from: usize, to: usize| Participant {
            mention: self.span(from, to),
            name: Some(self.resolver.full_name(name)),
            entity: None,
        };
        Some((party(left, start, split), party(right, split + 1, end)))
    }

    fn participant(&self, phrase: &Phrase) -> Participant {
        let tokens = &self.view.tokens;
        // "Iraq said it would allow …": a pronoun in reported speech is the speaker.
        let head = phrase.core.end - 1;
        if phrase.core.len() == 1 && tokens[head].pos == "PRON" {
            let sentence = &self.view.sentences[tokens[head].sentence];
            let speaker = (sentence.start..head)
                .rev()
                .find(|&k| matches!(tokens[k].cue, Cue::Verb(_)))
                .and_then(|cue| self.resolver.left_of(cue, sentence.start))
                .filter(|p| tokens[p.core.end - 1].pos != "PRON");
            if let Some(speaker) = speaker {
                let mut participant = self.participant(&speaker);
                participant.mention = self.span(tokens[head].start, tokens[head].end);
                return participant;
            }
        }
        super::participant(self.view, self.resolver, phrase)
    }

    fn span(&self, start: usize, end: usize) -> TextSpan {
        super::text_span(self.view, start, end)
    }

    /// The calendar time expression nearest the trigger in its clause, or opening the
    /// sentence ("On Sunday, the leaders held …"). A time in another clause belongs to
    /// that clause ("…, which Russia annexed in 2014"), and "since last July" bounds a
    /// period rather than dating the event.
    fn nearest_time(
        &self,
        times: &[TimeExpression],
        trigger: &Trigger,
        sentence: Range<usize>,
    ) -> Option<usize> {
        let tokens = &self.view.tokens;
        let clause = self.clause_start(trigger.tokens.start, sentence.start)
            ..self.clause_end(trigger.tokens.end, sentence.end);
        let (t_start, t_end) = (
            tokens[trigger.tokens.start].start,
            tokens[trigger.tokens.end - 1].end,
        );
        let token_at = |offset: usize| tokens.partition_point(|t| t.end <= offset);
        times
            .iter()
            .enumerate()
            .filter(|(_, t)| is_calendar(t))
            .filter(|(_, t)| {
                let first = token_at(t.start);
                let opening = first >= sentence.start && first < sentence.start + 3;
                (clause.contains(&first) || opening)
                    && !(first > sentence.start
                        && matches!(&*tokens[first - 1].lower, "since" | "until" | "till"))
                    && !matches!(
                        tokens.get(first).map(|t| &*t.lower),
                        Some("since" | "until")
                    )
            })
            .min_by_key(|(_, t)| {
                if t.start >= t_end {
                    t.start - t_end
                } else {
                    2 * t_start.saturating_sub(t.end)
                }
            })
            .map(|(i, _)| i)
    }

    /// Where: a place named after "in", "at" or "near" in the trigger's clause, else a
    /// recipient that is a place ("the attack on Kyiv").
    fn place(
        &self,
        sentence: Range<usize>,
        trigger: &Trigger,
        recipient: Option<&Participant>,
    ) -> Option<Participant> {
        let tokens = &self.view.tokens;
        let from = trigger.tokens.end;
        let limit = sentence.end.min(from + ARGUMENT_REACH);
        for k in from..limit {
            if !matches!(&*tokens[k].lower, "in" | "at" | "near" | "outside") {
                continue;
            }
            let mut j = k + 1;
            while j < limit && matches!(tokens[j].pos, "DET" | "ADJ") && tokens[j].entity.is_none()
            {
                j += 1;
            }
            if let Some(e) = self.view.entity(j.min(limit.saturating_sub(1))) {
                if j < limit && e.kind == storyline_model::EntityType::Place {
                    return Some(Participant {
                        mention: self.span(e.start, e.end),
                        name: Some(e.text.clone()),
                        entity: None,
                    });
                }
            }
        }
        let recipient = recipient?;
        let place = self.view.entities.iter().any(|e| {
            e.kind == storyline_model::EntityType::Place
                && e.start == recipient.mention.start
                && e.end == recipient.mention.end
        });
        place.then(|| recipient.clone())
    }
}

/// A time expression that names a calendar date or period ("on Tuesday", "this week",
/// "February 2022"), not a duration or a vague reference ("PAST_REF").
fn is_calendar(t: &TimeExpression) -> bool {
    matches!(t.kind, TimexType::Date | TimexType::Time)
        && t.value
            .as_deref()
            .is_some_and(|v| v.len() >= 4 && v.bytes().take(4).all(|b| b.is_ascii_digit()))
}

struct Arguments {
    actor: Option<Participant>,
    recipient: Option<Participant>,
    status: EventStatus,
    /// The verb group has "must": reported, it is a demand on the subject.
    obligation: bool,
}

/// Within one sentence, a later event of the same type close to an earlier one, or without
/// an actor of its own, is the same event told again ("the attack on Kyiv, which killed
/// nine"; "launched 90 drones targeting nine regions"): drop it.
fn merge_repeats(events: &mut Vec<Event>, from: usize) {
    const NEAR: usize = 60;
    let mut k = from + 1;
    while k < events.len() {
        let later = &events[k];
        let repeat = events[from..k].iter().any(|e| {
            e.kind == later.kind
                && (later.actor.is_none()
                    || later.trigger.start.saturating_sub(e.trigger.end) < NEAR)
        });
        if repeat {
            events.remove(k);
        } else {
            k += 1;
        }
    }
}
