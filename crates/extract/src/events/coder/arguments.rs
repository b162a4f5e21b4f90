//! The arguments of a trigger: actor, recipient, modality, time and place.

use std::ops::Range;

use storyline_model::{EventStatus, EventType, Participant, TimeExpression};

use super::{
    ARGUMENT_REACH, Arguments, Coder, Trigger, control_word, is_be, is_calendar, is_clause_end,
    is_preposition_like, light_verb, modal_word, noun_modality, recipient_preposition,
};
use crate::quotes::speaker::Phrase;
use crate::quotes::view::Cue;

impl Coder<'_, '_, '_> {
    pub(super) fn verb_arguments(
        &self,
        trigger: &Trigger,
        sentence: Range<usize>,
    ) -> Option<Arguments> {
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
    pub(super) fn verb_group(&self, i: usize, floor: usize) -> Option<(usize, EventStatus)> {
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
    pub(super) fn subject(&self, group: usize, floor: usize) -> Option<(Phrase, Option<Phrase>)> {
        let tokens = &self.view.tokens;
        let phrase = self.resolver.left_of(group, floor)?;
        let start = phrase.full.start;
        if start > floor + 1
            && matches!(&*tokens[start - 1].lower, "and" | "&")
            && let Some(first) = self.resolver.left_of(start - 1, floor)
        {
            return Some((first, Some(phrase)));
        }
        Some((phrase, None))
    }

    pub(super) fn skip_adverbs(&self, mut k: usize, limit: usize) -> usize {
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
    pub(super) fn object(
        &self,
        from: usize,
        clause_end: usize,
        sentence_end: usize,
    ) -> Option<Phrase> {
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
    pub(super) fn names_party(&self, phrase: &Phrase) -> bool {
        let tokens = &self.view.tokens;
        phrase
            .core
            .clone()
            .any(|i| (tokens[i].entity.is_some() || tokens[i].pos == "PROPN") && !self.in_time[i])
    }

    /// Whether a phrase can be an actor: it holds a name (outside time expressions), a
    /// personal pronoun, or its head is an agent noun.
    pub(super) fn names_actor(&self, phrase: &Phrase) -> bool {
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

    pub(super) fn noun_arguments(
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
                .filter(|&k| !is_preposition_like(&tokens[k].lower))
                .filter(|&k| {
                    light_verb(&self.lemma(k))
                        || !others.iter().any(|t| !t.nominal && t.tokens.contains(&k))
                });
            if let Some(verb) = light
                && let Some((group, s)) = self.verb_group(verb, sentence.start)
            {
                if status == EventStatus::Asserted {
                    status = s;
                }
                if let Some((phrase, partner)) = self.subject(group, sentence.start) {
                    actor = Some(phrase);
                    recipient = recipient.or(partner);
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
    pub(super) fn name_pair(&self, range: Range<usize>) -> Option<(Participant, Participant)> {
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

    /// The calendar time expression nearest the trigger in its clause, or opening the
    /// sentence ("On Sunday, the leaders held …"). A time in another clause belongs to
    /// that clause ("…, which Russia annexed in 2014"), and "since last July" bounds a
    /// period rather than dating the event.
    pub(super) fn nearest_time(
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
    pub(super) fn place(
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
            if let Some(e) = self.view.entity(j.min(limit.saturating_sub(1)))
                && j < limit
                && e.kind == storyline_model::EntityType::Place
            {
                return Some(Participant {
                    mention: self.span(e.start, e.end),
                    name: Some(e.text.clone()),
                    entity: None,
                });
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
