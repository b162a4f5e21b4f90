//! The sentence splitter: ranges of token indices from [`crate::tokenize::tokenize`]'s tokens.
//!
//! Rules, in order:
//!
//! 1. A line break between two tokens always ends a sentence. Cleaned article text separates
//!    paragraphs with a blank line and has already re-joined lines broken inside a sentence, so
//!    a line break that survives is structure: a paragraph end, or a headline or list line that
//!    has no final punctuation.
//! 2. A sentence ends after a token of final punctuation (". ! ? …", runs such as "?!" and "...",
//!    and the full stops of other scripts), together with any closing quotes and brackets
//!    attached to it. What follows decides:
//!    - after a closing quote (`“It needs to happen soon.” Rubio said`): no break before a
//!      lower-case word, before punctuation, or before a reporting clause (a name and a
//!      reporting verb); a break before anything else;
//!    - otherwise no break before a lower-case word or before punctuation that continues the
//!      sentence ("," ";" ":" ...); a break before anything else. After an ellipsis a break
//!      needs a capital, a quote or a bracket.
//! 3. A word that kept its period (see the tokeniser: "Mr.", "U.S.", "E.", "Jan.") ends a
//!    sentence only when a closing quote follows it (then as in 2), or when the next word is a
//!    common sentence starter ("the U.S. The next day"). Titles and "No." never do.
//!
//! Written here rather than taken from a crate (`sentencex` is good on plain text) because the
//! splitter works over our tokens and their offsets, so sentence and token boundaries can never
//! disagree and nothing is re-tokenised; and because the rules that matter most in news are
//! about quotations and attribution, which general-purpose splitters treat as ordinary text.
//! One pass, constant work per token.

use std::ops::Range;

use crate::Token;
use crate::tokenize::is_title;

/// Splits the tokens of `text` into sentences: ranges of token indices that cover all tokens,
/// in order, without gaps. No tokens, no sentences.
pub fn split_sentences(text: &str, tokens: &[Token]) -> Vec<Range<usize>> {
    let n = tokens.len();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < n {
        let mut j = i + 1;
        let mut brk = false;
        if j < n && line_break_between(text, tokens, i) {
            brk = true;
        } else {
            let word = tokens[i].text(text);
            let terminal = is_terminal(word);
            let abbreviation = !terminal && kept_period(word);
            if terminal || abbreviation {
                // Closing quotes and brackets attached to the final punctuation.
                let mut quoted = false;
                while j < n
                    && is_closer(tokens[j].text(text))
                    && tokens[j - 1].end == tokens[j].start
                {
                    quoted |= is_quote(tokens[j].text(text));
                    j += 1;
                }
                if j < n {
                    brk = line_break_between(text, tokens, j - 1)
                        || if terminal {
                            ends_after_terminal(text, tokens, i, j, quoted)
                        } else {
                            ends_after_abbreviation(text, tokens, i, j, quoted)
                        };
                }
            }
        }
        if brk && j < n {
            out.push(start..j);
            start = j;
        }
        i = j;
    }
    if start < n {
        out.push(start..n);
    }
    out
}

fn line_break_between(text: &str, tokens: &[Token], i: usize) -> bool {
    text[tokens[i].end..tokens[i + 1].start]
        .chars()
        .any(|c| matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}'))
}

/// Final punctuation: ". ! ? …" and their runs, and the full stops of other scripts.
fn is_terminal(word: &str) -> bool {
    !word.is_empty()
        && word.chars().all(|c| {
            matches!(
                c,
                '.' | '!'
                    | '?'
                    | '…'
                    | '‽'
                    | '。'
                    | '！'
                    | '？'
                    | '｡'
                    | '؟'
                    | '۔'
                    | '।'
                    | '॥'
                    | '።'
            )
        })
}

fn is_ellipsis(word: &str) -> bool {
    word == "…" || word == "……" || (word.len() >= 2 && word.bytes().all(|b| b == b'.'))
}

/// A word that kept its period: an abbreviation or an initial.
fn kept_period(word: &str) -> bool {
    word.len() > 1 && word.ends_with('.') && word.chars().any(char::is_alphabetic)
}

fn is_quote(word: &str) -> bool {
    matches!(
        word,
        "”" | "’" | "\"" | "'" | "»" | "›" | "''" | "」" | "』"
    )
}

fn is_closer(word: &str) -> bool {
    is_quote(word) || matches!(word, ")" | "]" | "}" | "）")
}

fn first_char(word: &str) -> char {
    word.chars().next().unwrap_or(' ')
}

/// Punctuation that continues a sentence rather than starting one.
fn continues_sentence(word: &str) -> bool {
    matches!(
        first_char(word),
        ',' | ';' | ':' | ')' | ']' | '}' | '%' | '-' | '–' | '—' | '/' | '&' | '…'
    )
}

fn ends_after_terminal(text: &str, tokens: &[Token], i: usize, j: usize, quoted: bool) -> bool {
    let word = tokens[i].text(text);
    let next = tokens[j].text(text);
    let c = first_char(next);
    if matches!(word, "。" | "！" | "？" | "｡") {
        return true;
    }
    if c.is_lowercase() || continues_sentence(next) || is_terminal(next) {
        return false;
    }
    if quoted {
        return !(c.is_uppercase() && reporting_clause(text, tokens, j));
    }
    if is_ellipsis(word) {
        return c.is_uppercase() || matches!(c, '"' | '“' | '‘' | '(' | '[');
    }
    true
}

fn ends_after_abbreviation(text: &str, tokens: &[Token], i: usize, j: usize, quoted: bool) -> bool {
    let word = tokens[i].text(text);
    let core = &word[..word.len() - 1];
    if is_title(core) {
        return false;
    }
    if quoted {
        return ends_after_terminal(text, tokens, i, j, true);
    }
    is_sentence_starter(tokens[j].text(text))
}

/// Words that commonly begin a sentence and rarely follow an abbreviation inside one.
fn is_sentence_starter(word: &str) -> bool {
    matches!(
        word,
        "The"
            | "A"
            | "An"
            | "It"
            | "Its"
            | "He"
            | "She"
            | "They"
            | "We"
            | "I"
            | "You"
            | "His"
            | "Her"
            | "Their"
            | "Our"
            | "My"
            | "But"
            | "And"
            | "Or"
            | "So"
            | "Yet"
            | "This"
            | "That"
            | "These"
            | "Those"
            | "There"
            | "Then"
            | "In"
            | "On"
            | "At"
            | "As"
            | "If"
            | "When"
            | "While"
            | "After"
            | "Before"
            | "Since"
            | "Although"
            | "Though"
            | "However"
            | "Meanwhile"
            | "Also"
            | "Still"
            | "Now"
            | "Today"
            | "Yesterday"
            | "Earlier"
            | "Later"
            | "What"
            | "Why"
            | "How"
            | "Who"
            | "Where"
            | "Some"
            | "Many"
            | "Most"
            | "Both"
            | "According"
            | "Despite"
            | "During"
    )
}

/// Verbs of saying that follow a quotation's speaker.
fn is_reporting_verb(word: &str) -> bool {
    matches!(
        word,
        "said"
            | "says"
            | "told"
            | "tells"
            | "added"
            | "adds"
            | "asked"
            | "asks"
            | "wrote"
            | "writes"
            | "explained"
            | "noted"
            | "stated"
            | "declared"
            | "insisted"
            | "continued"
            | "replied"
            | "responded"
            | "warned"
            | "argued"
            | "claimed"
            | "admitted"
            | "acknowledged"
            | "recalled"
            | "tweeted"
            | "posted"
            | "announced"
            | "concluded"
            | "stressed"
            | "emphasized"
            | "emphasised"
            | "suggested"
            | "countered"
            | "cautioned"
            | "urged"
    )
}

fn is_pronoun(word: &str) -> bool {
    matches!(word, "He" | "She" | "They" | "We" | "I")
}

/// Whether a reporting clause starts at token `j`: a speaker (capitalised words, initials,
/// "of", "the", ...) of at most six tokens, then a reporting verb, then the end of the clause
/// within a few tokens (`Rubio said.`, `Secretary of State Marco Rubio told reporters on
/// Sunday.`). A long continuation or "that" makes it a new sentence that reports speech
/// (`Rubio said the talks had failed because ...`); after a pronoun the clause must end right
/// after the verb (`He said.`).
fn reporting_clause(text: &str, tokens: &[Token], j: usize) -> bool {
    let first = tokens[j].text(text);
    let end = tokens.len().min(j + 7);
    for k in j..end {
        let word = tokens[k].text(text);
        if is_reporting_verb(word) {
            if k == j {
                return false;
            }
            let window = if is_pronoun(first) { 1 } else { 5 };
            for m in k + 1..=k + window {
                let Some(t) = tokens.get(m) else {
                    return true;
                };
                if line_break_between(text, tokens, m - 1) {
                    return true;
                }
                match t.text(text) {
                    "that" => return false,
                    w if is_terminal(w) || matches!(w, "," | ";" | ":") => return true,
                    _ => {}
                }
            }
            return false;
        }
        let c = first_char(word);
        let speaker_word = c.is_uppercase()
            || matches!(
                word,
                "of" | "the" | "de" | "von" | "van" | "al" | "bin" | "'s" | "’s"
            )
            || word == ",";
        if !speaker_word || (k > j && is_pronoun(word)) {
            return false;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenize::tokenize;

    fn sentences(text: &str) -> Vec<String> {
        let tokens = tokenize(text);
        split_sentences(text, &tokens)
            .into_iter()
            .map(|r| text[tokens[r.start].start..tokens[r.end - 1].end].to_string())
            .collect()
    }

    #[track_caller]
    fn check(text: &str, expected: &[&str]) {
        assert_eq!(sentences(text), expected, "sentences of {text:?}");
    }

    #[test]
    fn empty() {
        assert!(split_sentences("", &[]).is_empty());
        check("   ", &[]);
        check("no final punctuation", &["no final punctuation"]);
    }

    #[test]
    fn final_punctuation() {
        check(
            "Talks resumed. Nobody expected it! Why now? Because.",
            &[
                "Talks resumed.",
                "Nobody expected it!",
                "Why now?",
                "Because.",
            ],
        );
        check(
            "It rose in 2024. 2025 was worse.",
            &["It rose in 2024.", "2025 was worse."],
        );
        check("Really?! Yes.", &["Really?!", "Yes."]);
        check("What? no way", &["What? no way"]);
    }

    #[test]
    fn sentencex_example() {
        check(
            "Mr. Smith went to Washington on Jan. 5. He met Dr. Jones at 3 p.m. It rained. \
             \"Stop,\" he said.",
            &[
                "Mr. Smith went to Washington on Jan. 5.",
                "He met Dr. Jones at 3 p.m.",
                "It rained.",
                "\"Stop,\" he said.",
            ],
        );
    }

    #[test]
    fn abbreviations_and_initials() {
        check(
            "Henry E. Hale spoke. Then he left.",
            &["Henry E. Hale spoke.", "Then he left."],
        );
        check(
            "U.S. officials met U.S. President Trump.",
            &["U.S. officials met U.S. President Trump."],
        );
        check(
            "He lives in the U.S. The next day he left.",
            &["He lives in the U.S.", "The next day he left."],
        );
        check(
            "Gen. Smith and Gov. Abbott met No. 10 staff.",
            &["Gen. Smith and Gov. Abbott met No. 10 staff."],
        );
        check(
            "Acme Inc. said profits rose.",
            &["Acme Inc. said profits rose."],
        );
        check(
            "Acme Inc. It said profits rose.",
            &["Acme Inc.", "It said profits rose."],
        );
        check(
            "The answer was No. The vote failed.",
            &["The answer was No.", "The vote failed."],
        );
    }

    #[test]
    fn quotes_and_attribution() {
        check(
            "“We want a deal,” Trump said.",
            &["“We want a deal,” Trump said."],
        );
        check(
            "…a deal,” Trump said. Then he left.",
            &["…a deal,” Trump said.", "Then he left."],
        );
        check(
            "“It needs to happen soon.” Rubio said",
            &["“It needs to happen soon.” Rubio said"],
        );
        check(
            "“It needs to happen soon.” he said.",
            &["“It needs to happen soon.” he said."],
        );
        check(
            "“It needs to happen soon.” Secretary of State Marco Rubio told reporters.",
            &["“It needs to happen soon.” Secretary of State Marco Rubio told reporters."],
        );
        check(
            "“It needs to happen soon.” The talks resume Monday.",
            &["“It needs to happen soon.”", "The talks resume Monday."],
        );
        check("“Stop!” she said.", &["“Stop!” she said."]);
        check("\"Stop.\" Trump said.", &["\"Stop.\" Trump said."]);
        check("“We will win.” He said.", &["“We will win.” He said."]);
        check(
            "“We will win.” Rubio said on Sunday. Then he left.",
            &["“We will win.” Rubio said on Sunday.", "Then he left."],
        );
        check(
            "“I was afraid.” Chahine said her family spent the night in a shelter.",
            &[
                "“I was afraid.”",
                "Chahine said her family spent the night in a shelter.",
            ],
        );
        check(
            "“I was afraid.” Chahine said that it was over.",
            &["“I was afraid.”", "Chahine said that it was over."],
        );
        check(
            "“We will win.” He said the talks had failed.",
            &["“We will win.”", "He said the talks had failed."],
        );
        check(
            "He said it. “We go now.” Then silence.",
            &["He said it.", "“We go now.”", "Then silence."],
        );
        check(
            "He said it. \"We go now.\" Then silence.",
            &["He said it.", "\"We go now.\"", "Then silence."],
        );
        check(
            "(He denied it.) Then he left.",
            &["(He denied it.)", "Then he left."],
        );
        check(
            "“I live in the U.S.” He smiled.",
            &["“I live in the U.S.”", "He smiled."],
        );
    }

    #[test]
    fn ellipses() {
        check(
            "in the region . . . This operation",
            &["in the region . . .", "This operation"],
        );
        check("He paused… and went on.", &["He paused… and went on."]);
        check(
            "He paused... Then he went on.",
            &["He paused...", "Then he went on."],
        );
        check("It costs… 5 dollars", &["It costs… 5 dollars"]);
    }

    #[test]
    fn lines_and_paragraphs() {
        check(
            "Trump Calls On Putin To Stop\n\nWASHINGTON (Reuters) - The president spoke. He left.",
            &[
                "Trump Calls On Putin To Stop",
                "WASHINGTON (Reuters) - The president spoke.",
                "He left.",
            ],
        );
        check(
            "A headline without a stop\nThe story begins here.",
            &["A headline without a stop", "The story begins here."],
        );
        check(
            "first paragraph, unfinished\n\nsecond one",
            &["first paragraph, unfinished", "second one"],
        );
        check("He met Gen.\n\nSmith", &["He met Gen.", "Smith"]);
    }

    #[test]
    fn other_scripts() {
        check("我们走吧。他说好。", &["我们走吧。", "他说好。"]);
        check("Он пришёл. Она ушла.", &["Он пришёл.", "Она ушла."]);
    }

    #[test]
    fn covers_all_tokens() {
        let text = "“Go.” “No!” (Yes.) ... ? . U.S. The end";
        let tokens = tokenize(text);
        let ranges = split_sentences(text, &tokens);
        assert_eq!(ranges.first().unwrap().start, 0);
        assert_eq!(ranges.last().unwrap().end, tokens.len());
        for w in ranges.windows(2) {
            assert_eq!(w[0].end, w[1].start);
        }
        assert!(ranges.iter().all(|r| r.start < r.end));
    }
}
