//! Bad input for the quote finder: random text dense in quote marks of every style, and
//! hand-made worst cases (unbalanced marks, an article that is one quotation, thousands of
//! marks in a row). The finder must not panic, must keep every span inside the text, and
//! must stay linear.

mod common;

use std::sync::OnceLock;

use proptest::prelude::*;
use storyline_extract::quotes::QuoteFinder;
use storyline_extract::quotes::marks::{MAX_QUOTE_CHARS, find_quotations};
use storyline_model::Quote;

fn finder() -> &'static QuoteFinder {
    static FINDER: OnceLock<QuoteFinder> = OnceLock::new();
    FINDER.get_or_init(|| QuoteFinder::load().expect("load the shipped quote model"))
}

fn find(text: &str) -> Vec<Quote> {
    let layers = common::pipeline().annotate(text);
    finder().find(text, &layers)
}

fn slice(chars: &[char], start: usize, end: usize) -> String {
    chars[start..end].iter().collect()
}

/// Every span lies inside the text, in order, and says what the text says there.
fn check(text: &str, quotes: &[Quote]) {
    let chars: Vec<char> = text.chars().collect();
    for q in quotes {
        assert!(q.start <= q.end && q.end <= chars.len(), "{q:?}");
        if let Some(cue) = &q.cue {
            assert!(cue.start < cue.end && cue.end <= chars.len(), "{cue:?}");
            assert_eq!(cue.text, slice(&chars, cue.start, cue.end));
        }
        if let Some(mention) = q.speaker.as_ref().and_then(|s| s.mention.as_ref()) {
            assert!(mention.start < mention.end && mention.end <= chars.len());
            assert_eq!(mention.text, slice(&chars, mention.start, mention.end));
        }
    }
}

fn noisy_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("\"".to_owned()),
        Just("“".to_owned()),
        Just("”".to_owned()),
        Just("‘".to_owned()),
        Just("’".to_owned()),
        Just("'".to_owned()),
        Just("«".to_owned()),
        Just("»".to_owned()),
        Just("„".to_owned()),
        Just("\n".to_owned()),
        Just("\n\n".to_owned()),
        Just(", ".to_owned()),
        Just(". ".to_owned()),
        Just(" said ".to_owned()),
        Just(" according to ".to_owned()),
        Just(" he ".to_owned()),
        Just(" Maria Lopez ".to_owned()),
        Just(" the minister ".to_owned()),
        "[a-zA-Z ]{1,12}",
    ];
    proptest::collection::vec(piece, 0..80).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn random_marks_never_break_the_finder(text in noisy_text()) {
        let quotes = find(&text);
        check(&text, &quotes);
    }

    #[test]
    fn quotations_are_ordered_and_bounded(text in noisy_text()) {
        let found = find_quotations(&text);
        let chars = text.chars().count();
        let mut previous_end = 0;
        for q in &found {
            prop_assert!(q.open < q.start && q.start < q.end && q.end <= chars);
            prop_assert!(q.open >= previous_end);
            prop_assert!(q.end - q.start <= MAX_QUOTE_CHARS + 2);
            previous_end = q.end;
        }
    }
}

#[test]
fn an_article_in_quotes_is_capped() {
    let paragraph = "“The committee met on Tuesday and agreed on a budget for next year.";
    let text = vec![paragraph; 50].join("\n") + "”";
    let quotes = find(&text);
    check(&text, &quotes);
    // Continued paragraphs form one long quotation; it is capped, never the whole input.
    assert!(!quotes.is_empty());
    assert!(
        quotes
            .iter()
            .all(|q| q.end - q.start <= MAX_QUOTE_CHARS + 2)
    );
}

#[test]
fn unbalanced_marks_and_headline_quotes() {
    let text = "Minister says “no deal” on trade\n\
                “We will not sign this, the minister said on Monday.\n\
                The talks ended early. ” Stray marks ” ” here, and \"one more.\n\
                Officials said the agreement was “dead”.";
    let quotes = find(text);
    check(text, &quotes);
    let texts: Vec<&str> = quotes.iter().map(|q| q.text.as_str()).collect();
    assert!(texts.contains(&"no deal"), "{texts:?}");
    assert!(texts.contains(&"dead"), "{texts:?}");
}

#[test]
fn thousands_of_marks_in_a_row() {
    for mark in ["\"", "“", "”", "'", "«"] {
        let text = format!(
            "He said {} yes {} and left.",
            mark.repeat(5000),
            mark.repeat(3000)
        );
        let quotes = find(&text);
        check(&text, &quotes);
        assert!(quotes.len() <= 2, "{mark}: {} quotes", quotes.len());
    }
}
