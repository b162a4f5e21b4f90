//! Claims within one article: statements framed as claims ("Moscow's claims of expelling
//! Ukrainian forces", "Russia claimed that …") and the denials that dispute them ("Kyiv
//! denied these assertions", "the ministry denied that …").
//!
//! Denial verbs come from the reporting-verb lexicon's `deny` stance (deny, dispute,
//! refute, reject, dismiss, contradict …), so the list is data, not code.

use std::ops::Range;

use storyline_model::{Claim, Dispute, Participant, Quote, TextSpan};

use crate::quotes::lexicon::{Lexicon as CueLexicon, WordClass};
use crate::quotes::speaker::{Phrase, Resolver};
use crate::quotes::view::View;

/// How many sentences back "these assertions" looks for the claim it means.
const ANAPHORA_SENTENCES: usize = 2;

/// Nouns that frame a statement as a claim.
fn claim_noun(lemma: &str) -> bool {
    matches!(
        lemma,
        "claim" | "assertion" | "allegation" | "accusation" | "contention" | "charge"
    )
}

/// Nouns that a denial's object may use to refer back to a claim ("denied the reports").
fn refers_to_claim(lemma: &str) -> bool {
    claim_noun(lemma) || matches!(lemma, "report" | "suggestion" | "statement" | "account")
}

/// Reporting verbs that assert rather than report neutrally.
fn claim_cue(lemma: &str) -> bool {
    matches!(lemma, "claim" | "allege" | "assert" | "insist" | "maintain")
}

pub(crate) struct ClaimFinder<'v, 'a> {
    pub view: &'v View<'a>,
    pub resolver: &'v Resolver<'v, 'a>,
    pub cues: &'v CueLexicon,
}

impl ClaimFinder<'_, '_> {
    pub fn claims(&self, quotes: &[Quote]) -> Vec<Claim> {
        let tokens = &self.view.tokens;
        let mut claims: Vec<Claim> = Vec::new();
        for (s, range) in self.view.sentences.iter().enumerate() {
            for i in range.clone() {
                let t = &tokens[i];
                if t.quote.is_some() {
                    continue;
                }
                let lemma = t.lemma.to_lowercase();
                if t.pos == "NOUN" && claim_noun(&lemma) {
                    if let Some(claim) = self.framed_claim(s, i, range.clone()) {
                        claims.push(claim);
                    }
                } else if t.pos == "VERB" && self.is_denial(i) {
                    self.dispute(s, i, range.clone(), quotes, &mut claims);
                }
            }
        }
        for (q, quote) in quotes.iter().enumerate() {
            let asserted = quote
                .cue
                .as_ref()
                .is_some_and(|cue| cue_lemma(&cue.text).is_some_and(claim_cue));
            if asserted && !claims.iter().any(|c| c.quote == Some(q)) {
                claims.push(self.quote_claim(q, quote, None));
            }
        }
        claims.sort_by_key(|c| c.content.start);
        claims
    }

    /// A verb of the `deny` stance that disputes a statement: refusing ("refused to
    /// meet") is an act, not a denial.
    fn is_denial(&self, i: usize) -> bool {
        let lemma = self.view.tokens[i].lemma.to_lowercase();
        if matches!(lemma.as_str(), "refuse" | "decline") {
            return false;
        }
        match self.cues.word(&self.view.tokens[i].lower) {
            Some(WordClass::Verb(stance)) => self.cues.stance_name(stance) == Some("deny"),
            _ => false,
        }
    }

    /// "Moscow's claims of expelling …", "the claim that …": the claimant is the possessor.
    fn framed_claim(&self, sentence: usize, i: usize, range: Range<usize>) -> Option<Claim> {
        let tokens = &self.view.tokens;
        let next = tokens.get(i + 1).filter(|_| i + 1 < range.end)?;
        if !matches!(&*next.lower, "of" | "that") {
            return None;
        }
        let content = self.clause(i + 2, range.end)?;
        let asserted_by = (i > range.start
            && matches!(tokens[i - 1].word, "'s" | "’s" | "'" | "’"))
        .then(|| self.resolver.left_of(i - 1, range.start))
        .flatten()
        .map(|p| self.participant(&p));
        Some(Claim {
            content,
            asserted_by,
            sentence,
            quote: None,
            disputed_by: Vec::new(),
        })
    }

    /// The words from `from` to the end of the clause.
    fn clause(&self, from: usize, limit: usize) -> Option<TextSpan> {
        let tokens = &self.view.tokens;
        let end = (from..limit)
            .find(|&k| matches!(tokens[k].word, "," | ";" | ":" | "." | "—") || tokens[k].mark)
            .unwrap_or(limit);
        (end > from).then(|| self.span(tokens[from].start, tokens[end - 1].end))
    }

    /// A denial verb at `i`: attach it to the claim its object refers to.
    fn dispute(
        &self,
        sentence: usize,
        i: usize,
        range: Range<usize>,
        quotes: &[Quote],
        claims: &mut Vec<Claim>,
    ) {
        let tokens = &self.view.tokens;
        let by = self
            .resolver
            .left_of(i, range.start)
            .map(|p| self.participant(&p));
        let dispute = Dispute {
            by,
            cue: self.span(tokens[i].start, tokens[i].end),
            sentence,
        };
        // "denied these assertions": the object refers back to a claim.
        let object = (i + 1..range.end.min(i + 4))
            .find(|&k| matches!(tokens[k].pos, "NOUN" | "PROPN"))
            .filter(|&k| refers_to_claim(&tokens[k].lemma.to_lowercase()));
        if object.is_some() {
            let first_sentence = sentence.saturating_sub(ANAPHORA_SENTENCES);
            let cue_start = tokens[i].start;
            let earlier = claims
                .iter_mut()
                .rev()
                .find(|c| c.sentence >= first_sentence && c.content.start < cue_start);
            if let Some(claim) = earlier {
                claim.disputed_by.push(dispute);
                return;
            }
            let quote =
                quotes.iter().enumerate().rev().find(|(_, q)| {
                    q.end <= cue_start && self.sentence_of(q.start) >= first_sentence
                });
            if let Some((q, quote)) = quote {
                claims.push(self.quote_claim(q, quote, Some(dispute)));
            }
            return;
        }
        // "denied that …": the reported content is the disputed statement.
        let content = quotes.iter().enumerate().find(|(_, q)| {
            q.cue
                .as_ref()
                .is_some_and(|c| c.start <= tokens[i].start && tokens[i].end <= c.end)
        });
        if let Some((q, quote)) = content {
            let mut claim = self.quote_claim(q, quote, Some(dispute));
            // The denier said it; who claimed the opposite is not in this sentence.
            claim.asserted_by = None;
            claims.push(claim);
        }
    }

    fn quote_claim(&self, q: usize, quote: &Quote, dispute: Option<Dispute>) -> Claim {
        Claim {
            // The text the span covers, as every `TextSpan` holds: the quote's own `text`
            // leaves out the marks that reopen it in a following paragraph.
            content: self.span(quote.start, quote.end),
            asserted_by: quote.speaker.as_ref().and_then(speaker_participant),
            sentence: self.sentence_of(quote.start),
            quote: Some(q),
            disputed_by: dispute.into_iter().collect(),
        }
    }

    fn sentence_of(&self, start: usize) -> usize {
        let tokens = &self.view.tokens;
        let at = tokens.partition_point(|t| t.end <= start);
        tokens.get(at).map_or(0, |t| t.sentence)
    }

    fn participant(&self, phrase: &Phrase) -> Participant {
        super::participant(self.view, self.resolver, phrase)
    }

    fn span(&self, start: usize, end: usize) -> TextSpan {
        super::text_span(self.view, start, end)
    }
}

/// The lemma-ish form of a one-word cue ("claimed" → "claim").
fn cue_lemma(cue: &str) -> Option<&'static str> {
    let lower = cue.trim().to_lowercase();
    ["claim", "allege", "assert", "insist", "maintain"]
        .into_iter()
        .find(|lemma| lower.starts_with(&lemma[..lemma.len() - 1]))
}

fn speaker_participant(speaker: &storyline_model::Speaker) -> Option<Participant> {
    Some(Participant {
        mention: speaker.mention.clone()?,
        name: speaker.name.clone(),
        entity: speaker.entity.clone(),
    })
}
