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

use super::lexicon::Lexicon;
use crate::quotes::lexicon::Lexicon as CueLexicon;
use crate::quotes::speaker::{Phrase, Resolver};
use crate::quotes::view::{Cue, Tok, View};

mod arguments;
mod triggers;

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

/// Participles used as prepositions ("according to X", "following talks", "regarding
/// Ukraine"): neither events nor light verbs.
fn is_preposition_like(lower: &str) -> bool {
    matches!(
        lower,
        "according"
            | "following"
            | "including"
            | "regarding"
            | "concerning"
            | "pending"
            | "excluding"
            | "considering"
            | "given"
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
