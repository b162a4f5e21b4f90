//! Direct and partial quotes: each quotation found by its marks gets a kind, a cue and a
//! speaker from the words around it.
//!
//! Where the speaker is looked for, in order: a cue right after the closing mark ("…,” Trump
//! said / “…,” said Henry E. Hale); the nearest speech cue before the opening mark in the
//! same sentence ("Starmer criticised Putin's approach, stating, “…”" — a participle after a
//! comma takes the sentence's subject); the subject of the sentence for a partial quote
//! without a cue; the previous attribution for a paragraph that is only a quotation.

use std::ops::Range;

use storyline_model::{Quote, QuoteKind, Speaker, TextSpan};

use super::speaker::{Phrase, Resolver};
use super::view::{Cue, View};

/// How far after a closing mark a cue may sit ("…,” the Ukrainian foreign minister said).
const AFTER_WINDOW: usize = 10;
/// How many sentences back a previous speaker carries over to a quote-only paragraph.
const CARRY_SENTENCES: usize = 3;

struct Found {
    cue: Option<Range<usize>>,
    phrase: Option<Phrase>,
}

/// Attributes every quotation in the view.
pub fn attribute(view: &View, resolver: &Resolver) -> Vec<Quote> {
    let tokens = &view.tokens;
    let mut quotes = Vec::with_capacity(view.quotes.len());
    // (sentence, speaker) of the latest attribution to a named speaker.
    let mut last: Option<(usize, Speaker)> = None;
    let mut token = 0usize;
    for (qi, q) in view.quotes.iter().enumerate() {
        // Tokens of the quotation: the opening mark token and the first after the content.
        while token < tokens.len() && tokens[token].end <= q.open {
            token += 1;
        }
        let open_tok = token;
        let mut close_tok = open_tok;
        while close_tok < tokens.len() && tokens[close_tok].start < q.end {
            close_tok += 1;
        }
        // Skip the closing mark itself (and a comma before it that the tokeniser split).
        let mut after = close_tok;
        while after < tokens.len() && (tokens[after].mark || tokens[after].word == ",") {
            after += 1;
        }
        if open_tok >= tokens.len() {
            break;
        }
        let sentence = tokens[open_tok].sentence;
        let kind = kind_of(view, open_tok);
        let recent = last
            .as_ref()
            .filter(|(s, _)| sentence.saturating_sub(*s) <= CARRY_SENTENCES)
            .and_then(|(_, sp)| sp.name.as_deref());
        let found = cue_after(view, resolver, after, qi)
            .or_else(|| cue_before(view, resolver, open_tok))
            .or_else(|| {
                (kind == QuoteKind::Partial)
                    .then(|| {
                        let range = view.sentences[sentence].clone();
                        resolver.subject(range).map(|phrase| Found {
                            cue: None,
                            phrase: Some(phrase),
                        })
                    })
                    .flatten()
            });
        let (cue, speaker) = match found {
            Some(found) => (
                found.cue.map(|c| span(view, c)),
                found.phrase.map(|p| resolver.resolve(&p, recent)),
            ),
            None => {
                // A paragraph that is only a quotation continues the previous speaker.
                let carried = last
                    .as_ref()
                    .filter(|(s, _)| sentence.saturating_sub(*s) <= CARRY_SENTENCES)
                    .filter(|_| tokens[open_tok].line_start)
                    .map(|(_, sp)| Speaker {
                        mention: None,
                        ..sp.clone()
                    });
                (None, carried)
            }
        };
        if let Some(sp) = &speaker
            && sp.name.is_some()
        {
            let end_sentence = tokens[close_tok.saturating_sub(1).max(open_tok)].sentence;
            last = Some((end_sentence, sp.clone()));
        }
        quotes.push(Quote {
            start: q.start,
            end: q.end,
            text: quote_text(view, q),
            kind,
            cue,
            speaker,
        });
    }
    quotes
}

fn quote_text(view: &View, q: &super::marks::Quoted) -> String {
    let mut text = String::new();
    let mut from = q.start;
    for &c in &q.continuations {
        text.push_str(view.span_text(from, c));
        from = c + 1;
    }
    text.push_str(view.span_text(from, q.end));
    text
}

fn span(view: &View, range: Range<usize>) -> TextSpan {
    let (start, end) = (
        view.tokens[range.start].start,
        view.tokens[range.end - 1].end,
    );
    TextSpan {
        start,
        end,
        text: view.span_text(start, end).to_owned(),
    }
}

/// Direct when the quotation stands as a clause of its own: it opens a line or sentence, or
/// follows a comma or colon ("saying, “…”"); partial when it is words inside the writer's
/// sentence (appeared “calmer”).
fn kind_of(view: &View, open_tok: usize) -> QuoteKind {
    let tokens = &view.tokens;
    let t = &tokens[open_tok];
    let sentence_start = view.sentences[t.sentence].start;
    let before = open_tok.checked_sub(1).map(|i| &tokens[i]);
    let standalone = t.line_start
        || open_tok <= sentence_start
        || before.is_some_and(|b| matches!(b.word, "," | ":" | "—" | "–" | "-"));
    if standalone {
        QuoteKind::Direct
    } else {
        QuoteKind::Partial
    }
}

fn cue_len(view: &View, i: usize) -> usize {
    let mut end = i + 1;
    while end < view.tokens.len() && view.tokens[end].cue == Cue::MultiInside {
        end += 1;
    }
    end - i
}

/// "…,” Trump said" or "…,” said Henry E. Hale".
fn cue_after(view: &View, resolver: &Resolver, after: usize, quote: usize) -> Option<Found> {
    let tokens = &view.tokens;
    let limit = (after + AFTER_WINDOW).min(tokens.len());
    // The cue must be in the sentence the quotation closes (“…enough.” He urged … is a
    // new sentence) and not in the next paragraph.
    let sentence = tokens[after.saturating_sub(1)].sentence;
    for i in after..limit {
        let t = &tokens[i];
        if t.mark || t.quote.is_some_and(|q| q != quote) || t.line_start || t.sentence != sentence {
            return None;
        }
        if view.is_speech_cue(i) {
            let cue = i..i + cue_len(view, i);
            if i == after {
                let phrase = resolver.right_of(cue.end, limit.max(cue.end + 12).min(tokens.len()));
                return phrase.map(|p| Found {
                    cue: Some(cue),
                    phrase: Some(p),
                });
            }
            let phrase = resolver.left_of(i, after)?;
            return Some(Found {
                cue: Some(cue),
                phrase: Some(phrase),
            });
        }
        if matches!(t.word, "." | "!" | "?" | ";") {
            return None;
        }
    }
    None
}

/// The nearest speech cue before the opening mark, in its sentence.
fn cue_before(view: &View, resolver: &Resolver, open_tok: usize) -> Option<Found> {
    let tokens = &view.tokens;
    let sentence = view.sentences[tokens[open_tok].sentence].clone();
    let floor = sentence.start;
    for i in (floor..open_tok).rev() {
        let t = &tokens[i];
        if t.quote.is_some() || t.mark || !view.is_speech_cue(i) {
            continue;
        }
        let cue = i..i + cue_len(view, i);
        let next = tokens.get(cue.end).map(|n| &*n.lower);
        let previous = i.checked_sub(1).map(|p| &*tokens[p].lower);
        // "to discuss", "spoke with": not the verb that reports this quotation.
        if previous == Some("to") || matches!(next, Some("with" | "to")) && t.lower != "told" {
            continue;
        }
        if t.lower == "according" {
            let phrase = resolver.right_of(cue.end, open_tok)?;
            return Some(Found {
                cue: Some(cue),
                phrase: Some(phrase),
            });
        }
        // "…, saying, “…”": the participle's subject is the sentence's.
        let participle = t.lower.ends_with("ing") && previous == Some(",");
        let phrase = if participle {
            resolver.subject(floor..i)
        } else {
            resolver
                .left_of(i, floor)
                .or_else(|| resolver.right_of(cue.end, open_tok))
        };
        return Some(Found {
            cue: Some(cue),
            phrase,
        });
    }
    None
}
