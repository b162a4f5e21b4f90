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
//!   (`marks` pairs them now; the model was trained before, so the rule stays);
//! - a cue runs up to its content when only a preposition (with at most two words before
//!   it) lies between them ("[accused Holt of] being a Democrat", "[agreed to] a
//!   30-minute interview"): gold cues that end on "of", "to", "as", "about", "for", "on"
//!   or "with" right before their content 1,494 times, against 46 that leave a gap of up to
//!   five words ending on one (97 %; each preposition 95 % or more). Not after "say",
//!   whose cue the annotators end before "of" 36 times and take it in 16 times.

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
    for cue in &mut spans.cues {
        cue_to_content(tokens, cue, &spans.sources, &spans.contents);
    }
}

/// The prepositions after which a cue runs on to its content.
const CUE_PREPOSITIONS: [&str; 7] = ["of", "to", "as", "about", "for", "on", "with"];

/// How many words a cue takes in to reach its content (the last one the preposition).
const MAX_CUE_GAP: usize = 3;

/// "Trump [accused] Holt of [being a Democrat]" becomes "[accused Holt of]": the words
/// between a cue and the content right after it, if they end on a preposition, are few,
/// on the same line and hold no punctuation, quote mark or source.
fn cue_to_content(
    tokens: &[Tok],
    cue: &mut Range<usize>,
    sources: &[Range<usize>],
    contents: &[Range<usize>],
) {
    let Some(content) = contents.iter().find(|c| c.start >= cue.end) else {
        return;
    };
    let gap = cue.end..content.start;
    if gap.is_empty()
        || gap.len() > MAX_CUE_GAP
        || tokens[cue.end - 1].lemma == "say"
        || !CUE_PREPOSITIONS.contains(&&*tokens[gap.end - 1].lower)
        || tokens[gap.clone()]
            .iter()
            .any(|t| t.pos == "PUNCT" || t.mark || t.line_start)
        || tokens[content.start].line_start
        || sources
            .iter()
            .any(|s| s.start < gap.end && gap.start < s.end)
    {
        return;
    }
    cue.end = gap.end;
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
    fn a_cue_runs_up_to_content_after_a_preposition() {
        let words = ["Trump", "accused", "Holt", "of", "being", "a", "Democrat"];
        let run = |tokens: &[Tok], cue: Range<usize>, sources: &[Range<usize>]| {
            let mut spans = RoleSpans {
                sources: sources.to_vec(),
                cues: vec![cue],
                contents: std::iter::once(4..7).collect(),
            };
            apply(tokens, &mut spans);
            spans.cues[0].clone()
        };
        let plain = tokens(&words);
        let holt = std::iter::once(2..3).collect::<Vec<_>>();
        assert_eq!(run(&plain, 1..2, &[]), 1..4);
        // Not across a source, and not after "say".
        assert_eq!(run(&plain, 1..2, &holt), 1..2);
        let mut said = tokens(&words);
        said[1].lemma = "say";
        assert_eq!(run(&said, 1..2, &[]), 1..2);
        // Not when the gap ends on another word, holds punctuation or is too long.
        let words = [
            "Trump", "accused", "Holt", "today", "being", "a", "Democrat",
        ];
        assert_eq!(run(&tokens(&words), 1..2, &[]), 1..2);
        let mut punct = tokens(&["Trump", "accused", "Holt", "+,", "being", "a"]);
        punct[3].pos = "PUNCT";
        punct[3].lower = Cow::Borrowed("of");
        assert_eq!(run(&punct, 1..2, &[]), 1..2);
        let words = ["He", "said", "a", "b", "c", "of", "being", "x"];
        let mut spans = RoleSpans {
            cues: std::iter::once(1..2).collect(),
            contents: std::iter::once(6..8).collect(),
            ..RoleSpans::default()
        };
        apply(&tokens(&words), &mut spans);
        assert_eq!(spans.cues[0], 1..2);
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
