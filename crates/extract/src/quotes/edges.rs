//! Span-edge conventions of PolNeAR's annotators, applied to the model's spans after
//! decoding. Each rule is one the training split's gold spans follow almost without
//! exception and the model sometimes breaks; each costs O(1) per span (a parenthesis count
//! is O(span length)).
//!
//! Counted on the 840 training articles (first annotator's file of each):
//! - a source holding a comma (an appositive: "X, a historian who …,") takes the comma that
//!   closes it 864 times and leaves it 100 times (90 %); one without ends before a comma 749
//!   times and on it 3 times;
//! - a cue right before a colon ("added:") holds the colon 222 times and stops before it 18
//!   times (92 %);
//! - no content span ends on a ")" that closes nothing inside it, and none stops right
//!   before the ")" of a "(" it holds (0 of 23,292; 34 end on a ")" they opened);
//! - a content span that opens with a quote mark runs to the closing mark when that is in
//!   the same paragraph: ''…'' 1,165 times, stopping short 30 times (97 %); “…” 2,302 / 100;
//!   "…" 1,966 / 59. The model stopped short mostly in ''…'' quotations (236 times on the
//!   training articles), which the quotation finder did not pair until this rule was added
//!   (`marks` pairs them now; the model was trained before, so the rule stays).

use std::ops::Range;

use super::tagger::RoleSpans;
use super::view::Tok;

/// Moves the edges of `spans` to the annotators' conventions (see the module comment).
pub fn apply(tokens: &[Tok], spans: &mut RoleSpans) {
    for cue in &mut spans.cues {
        cue_colon(tokens, cue);
    }
    for source in &mut spans.sources {
        source_comma(tokens, source);
    }
    for content in &mut spans.contents {
        balance_parentheses(tokens, content);
        to_closing_mark(tokens, content);
    }
}

/// How far a closing mark is looked for: a quotation longer than this is left as it is.
const MAX_QUOTE_TOKENS: usize = 400;

#[derive(Clone, Copy, PartialEq)]
enum Mark {
    Curly,
    Straight,
    /// Two apostrophes (or a "''" token), the New York Times' quote mark.
    Doubled,
}

/// The opening mark at `i` and how many tokens it takes.
fn opening(tokens: &[Tok], i: usize) -> Option<(Mark, usize)> {
    match tokens.get(i)?.word {
        "“" => Some((Mark::Curly, 1)),
        "\"" => Some((Mark::Straight, 1)),
        "''" => Some((Mark::Doubled, 1)),
        "'" if glued_apostrophe(tokens, i + 1) => Some((Mark::Doubled, 2)),
        _ => None,
    }
}

/// The closing `mark` at `i`, and how many tokens it takes.
fn closing(tokens: &[Tok], i: usize, mark: Mark) -> Option<usize> {
    match (tokens.get(i)?.word, mark) {
        ("”", Mark::Curly) | ("\"", Mark::Straight) | ("''", Mark::Doubled) => Some(1),
        ("'", Mark::Doubled) if glued_apostrophe(tokens, i + 1) => Some(2),
        _ => None,
    }
}

/// An apostrophe at `i` written right after the token before it.
fn glued_apostrophe(tokens: &[Tok], i: usize) -> bool {
    tokens
        .get(i)
        .is_some_and(|t| t.word == "'" && tokens[i - 1].end == t.start)
}

/// A content span that opens with a quote mark and stops inside the quotation runs on to
/// the closing mark, if that is in the same paragraph.
pub(super) fn to_closing_mark(tokens: &[Tok], content: &mut Range<usize>) {
    let Some((mark, len)) = opening(tokens, content.start) else {
        return;
    };
    let from = content.start + len;
    let to = tokens.len().min(from + MAX_QUOTE_TOKENS);
    for j in from..to {
        if tokens[j].line_start {
            return;
        }
        if let Some(close) = closing(tokens, j, mark) {
            content.end = content.end.max(j + close);
            return;
        }
    }
}

/// "Limbaugh [added]:" becomes "[added:]": a colon written right after the cue (no space, on
/// the same line) belongs to it.
fn cue_colon(tokens: &[Tok], cue: &mut Range<usize>) {
    if let (Some(last), Some(next)) = (tokens.get(cue.end.wrapping_sub(1)), tokens.get(cue.end))
        && next.word == ":"
        && next.start == last.end
        && !next.line_start
    {
        cue.end += 1;
    }
}

/// A source holding an appositive takes the comma that closes it ("[Douglas Brinkley, a
/// historian who attended,] recalled"); a source without one ends before a comma.
fn source_comma(tokens: &[Tok], source: &mut Range<usize>) {
    let Some(span) = tokens.get(source.clone()) else {
        return;
    };
    let inner = span.len() > 1 && span[..span.len() - 1].iter().any(|t| t.word == ",");
    let ends_on_comma = span.last().is_some_and(|t| t.word == ",");
    if inner
        && !ends_on_comma
        && tokens
            .get(source.end)
            .is_some_and(|t| t.word == "," && !t.line_start)
    {
        source.end += 1;
    } else if !inner && ends_on_comma && span.len() > 1 {
        source.end -= 1;
    }
}

/// A content span ends on a ")" only if it holds the "(" (drop a stray one), and does not
/// stop right before the ")" of a "(" it holds (take it in).
fn balance_parentheses(tokens: &[Tok], content: &mut Range<usize>) {
    let Some(span) = tokens.get(content.clone()) else {
        return;
    };
    let (mut open, mut close) = (0usize, 0usize);
    for t in span {
        match t.word {
            "(" => open += 1,
            ")" => close += 1,
            _ => {}
        }
    }
    if close > open && content.len() > 1 && span.last().is_some_and(|t| t.word == ")") {
        content.end -= 1;
    } else if open > close && tokens.get(content.end).is_some_and(|t| t.word == ")") {
        content.end += 1;
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;
    use crate::quotes::view::Cue;

    /// Tokens of `words`, each followed by a space unless the next is glued to it (`+`
    /// before a word: written right after the previous one).
    fn tokens(words: &[&'static str]) -> Vec<Tok<'static>> {
        let mut at = 0;
        words
            .iter()
            .map(|w| {
                let (glued, word) = match w.strip_prefix('+') {
                    Some(rest) => (true, rest),
                    None => (false, *w),
                };
                if !glued && at > 0 {
                    at += 1;
                }
                let start = at;
                at += word.chars().count();
                Tok {
                    start,
                    end: at,
                    word,
                    lower: Cow::Borrowed(word),
                    pos: "X",
                    lemma: word,
                    sentence: 0,
                    entity: None,
                    entity_begin: false,
                    quote: None,
                    cue: Cue::None,
                    mark: false,
                    line_start: false,
                }
            })
            .collect()
    }

    fn cue_after(words: &[&'static str], cue: Range<usize>) -> Range<usize> {
        let mut spans = RoleSpans {
            cues: vec![cue],
            ..RoleSpans::default()
        };
        apply(&tokens(words), &mut spans);
        spans.cues[0].clone()
    }

    fn content_after(words: &[&'static str], content: Range<usize>) -> Range<usize> {
        let mut spans = RoleSpans {
            contents: vec![content],
            ..RoleSpans::default()
        };
        apply(&tokens(words), &mut spans);
        spans.contents[0].clone()
    }

    #[test]
    fn a_source_with_an_appositive_takes_its_closing_comma() {
        let words = ["Brinkley", "+,", "a", "historian", "+,", "recalled"];
        let run = |source: Range<usize>| {
            let mut spans = RoleSpans {
                sources: vec![source],
                ..RoleSpans::default()
            };
            apply(&tokens(&words), &mut spans);
            spans.sources[0].clone()
        };
        assert_eq!(run(0..4), 0..5);
        assert_eq!(run(0..5), 0..5);
        // Without an appositive the comma is not the source's.
        assert_eq!(run(2..5), 2..4);
        assert_eq!(run(2..4), 2..4);
    }

    #[test]
    fn a_glued_colon_joins_the_cue() {
        assert_eq!(cue_after(&["Smith", "added", "+:", "We"], 1..2), 1..3);
        // Spaced off, it is a separator of its own; a cue already holding it is left alone.
        assert_eq!(cue_after(&["Smith", "added", ":", "We"], 1..2), 1..2);
        assert_eq!(cue_after(&["Smith", "added", "+:", "We"], 1..3), 1..3);
        // At the end of the text nothing follows.
        assert_eq!(cue_after(&["Smith", "added"], 1..2), 1..2);
    }

    #[test]
    fn content_keeps_its_parentheses_balanced() {
        // "they want [lower taxes)]." → the stray ")" goes.
        let words = ["(", "+they", "want", "lower", "taxes", "+)", "+."];
        assert_eq!(content_after(&words, 3..6), 3..5);
        // "[lower taxes (now)]" holds its own pair: unchanged.
        let words = ["lower", "taxes", "(", "+now", "+)"];
        assert_eq!(content_after(&words, 0..5), 0..5);
        // "[lower taxes (now]) ." → the closing ")" is taken in.
        assert_eq!(content_after(&words, 0..4), 0..5);
        // A span that is only ")" is not emptied.
        assert_eq!(content_after(&[")"], 0..1), 0..1);
    }

    #[test]
    fn content_opening_a_quotation_runs_to_its_closing_mark() {
        // ''It's anti-reform. She's layering it on,'' a critic said.
        let words = [
            "'",
            "+'",
            "+It's",
            "anti-reform",
            "+.",
            "She's",
            "layering",
            "it",
            "on",
            "+,",
            "+'",
            "+'",
            "a",
            "critic",
            "said",
        ];
        assert_eq!(content_after(&words, 0..4), 0..12);
        // The same with a single "''" token and with curly marks.
        let words = [
            "''", "+Cut", "taxes", "+.", "Now", "+.", "+''", "he", "said",
        ];
        assert_eq!(content_after(&words, 0..3), 0..7);
        let words = ["“", "+Cut", "taxes", "+.", "Now", "+.", "+”", "he", "said"];
        assert_eq!(content_after(&words, 0..3), 0..7);
        // A span already holding the closing mark, or not opening with a mark, is unchanged.
        assert_eq!(content_after(&words, 0..8), 0..8);
        assert_eq!(content_after(&words, 1..3), 1..3);
        // A mark of another kind does not close it; nor does one in the next paragraph.
        let words = ["“", "+Cut", "taxes", "+.", "\"", "he", "said"];
        assert_eq!(content_after(&words, 0..3), 0..3);
        let mut tokens = tokens(&["“", "+Cut", "taxes", "+.", "Now", "+”"]);
        tokens[4].line_start = true;
        let mut spans = RoleSpans {
            contents: std::iter::once(0..3).collect(),
            ..RoleSpans::default()
        };
        apply(&tokens, &mut spans);
        assert_eq!(spans.contents[0], 0..3);
    }
}
