//! Property tests for the tokeniser and the sentence splitter.
//!
//! For any text (arbitrary Unicode, control characters, news-like punctuation, long runs
//! without a space): tokens are non-empty, in order, non-overlapping, on character boundaries,
//! contain no whitespace and together cover every non-whitespace character; sentences are
//! non-empty ranges that cover all tokens in order without gaps; both are deterministic.
//!
//! Case counts are modest so the file runs in seconds in a debug build.

use std::ops::Range;

use proptest::prelude::*;
use storyline_nlp::Token;
use storyline_nlp::sentences::split_sentences;
use storyline_nlp::tokenize::tokenize;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        // Failures are reported with their input; no regression files next to the sources.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Checks every invariant of `tokenize` and `split_sentences` on `text`.
fn check(text: &str) -> Result<(), TestCaseError> {
    let tokens = tokenize(text);
    check_tokens(text, &tokens)?;
    prop_assert_eq!(&tokenize(text), &tokens, "tokenize is deterministic");
    let sentences = split_sentences(text, &tokens);
    check_sentences(&tokens, &sentences)?;
    prop_assert_eq!(
        &split_sentences(text, &tokens),
        &sentences,
        "split_sentences is deterministic"
    );
    Ok(())
}

fn check_tokens(text: &str, tokens: &[Token]) -> Result<(), TestCaseError> {
    let mut previous_end = 0;
    for t in tokens {
        prop_assert!(t.start < t.end, "empty token {t:?}");
        prop_assert!(
            t.start >= previous_end,
            "token {t:?} overlaps or is out of order"
        );
        prop_assert!(t.end <= text.len(), "token {t:?} past the end");
        prop_assert!(
            text.is_char_boundary(t.start) && text.is_char_boundary(t.end),
            "token {t:?} not on character boundaries"
        );
        prop_assert!(
            !t.text(text).chars().any(char::is_whitespace),
            "token {:?} contains whitespace",
            t.text(text)
        );
        // Everything between two tokens is whitespace.
        prop_assert!(
            text[previous_end..t.start].chars().all(char::is_whitespace),
            "non-whitespace {:?} outside every token",
            &text[previous_end..t.start]
        );
        previous_end = t.end;
    }
    prop_assert!(
        text[previous_end..].chars().all(char::is_whitespace),
        "non-whitespace {:?} after the last token",
        &text[previous_end..]
    );
    Ok(())
}

fn check_sentences(tokens: &[Token], sentences: &[Range<usize>]) -> Result<(), TestCaseError> {
    if tokens.is_empty() {
        prop_assert!(sentences.is_empty(), "sentences without tokens");
        return Ok(());
    }
    let mut next = 0;
    for s in sentences {
        prop_assert_eq!(s.start, next, "sentences leave a gap or overlap");
        prop_assert!(s.start < s.end, "empty sentence {:?}", s);
        next = s.end;
    }
    prop_assert_eq!(next, tokens.len(), "sentences do not reach the last token");
    Ok(())
}

/// Pieces that exercise the tokeniser's rules, glued together with or without spaces.
fn news_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("U.S.".to_string()),
        Just("Mr.".to_string()),
        Just("E.".to_string()),
        Just("No.".to_string()),
        Just("don't".to_string()),
        Just("can’t".to_string()),
        Just("Trump's".to_string()),
        Just("officials'".to_string()),
        Just("O'Brien".to_string()),
        Just("'90s".to_string()),
        Just("14,000".to_string()),
        Just("3.5".to_string()),
        Just("2025-03-17".to_string()),
        Just("10:42".to_string()),
        Just("$1.2".to_string()),
        Just("€40,000".to_string()),
        Just("50%".to_string()),
        Just("21st".to_string()),
        Just("5pm".to_string()),
        Just("+1".to_string()),
        Just("face-to-face".to_string()),
        Just("https://example.com/a_(b)".to_string()),
        Just("www.reuters.com".to_string()),
        Just("jane.doe@example.co.uk".to_string()),
        Just("#Ukraine".to_string()),
        Just("@user".to_string()),
        Just(":-)".to_string()),
        Just("中文".to_string()),
        Just("ภาษาไทย".to_string()),
        Just("Москва".to_string()),
        Just("नमस्ते".to_string()),
        Just("👩\u{200D}💻🏽".to_string()),
        Just("🇺🇸".to_string()),
        Just("e\u{301}".to_string()),
        "[.,;:!?'’\"“”‘…—–\\-()\\[\\]{}@#&/$%+<>`*=_~]{1,3}",
        "[a-zA-Z]{1,8}",
        "[0-9]{1,5}",
        "[ \n\t\u{a0}\u{2029}]{1,3}",
        "[\u{0}-\u{1f}\u{7f}\u{ad}\u{200b}-\u{200d}\u{feff}\u{300}-\u{36f}]{1,2}",
    ]
}

fn news_text() -> impl Strategy<Value = String> {
    prop::collection::vec(news_piece(), 0..40).prop_map(|pieces| pieces.concat())
}

/// A long run of characters from a small mixed pool, without any whitespace.
fn long_run() -> impl Strategy<Value = String> {
    let pool = prop::sample::select(vec![
        'a', 'Z', '7', '.', ',', '\'', '’', '-', '@', '#', ':', '/', '&', '_', '中', 'ภ', 'ж',
        '\u{301}', '\u{200d}', '\u{0}', '\u{1f}', '“', '”', '…', '$', '%', '!', '?', ')', '(',
    ]);
    prop::collection::vec(pool, 0..3000).prop_map(|chars| chars.into_iter().collect())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_unicode(text in any::<String>()) {
        check(&text)?;
    }

    #[test]
    fn arbitrary_chars_from_every_plane(
        chars in prop::collection::vec(any::<char>(), 0..300)
    ) {
        let text: String = chars.into_iter().collect();
        check(&text)?;
    }

    #[test]
    fn news_like_text(text in news_text()) {
        check(&text)?;
    }

    #[test]
    fn long_runs_without_spaces(text in long_run()) {
        check(&text)?;
    }

    #[test]
    fn sentences_of_any_token_list_over_any_text(text in news_text(), cut in 0usize..40) {
        // The splitter also holds its invariants on a prefix of the tokens.
        let tokens = tokenize(&text);
        let prefix = &tokens[..cut.min(tokens.len())];
        check_sentences(prefix, &split_sentences(&text, prefix))?;
    }
}

/// A 5 MB paragraph without a space, mixing scripts, punctuation and control characters:
/// no panic, every invariant holds, and time stays linear (a generous bound for debug builds).
#[test]
fn five_megabytes_without_spaces() {
    let unit = "Trump-Putin’s\u{0}U.S.14,000…“中华人民”ภาษาไทยМосква@x.y#tag'n't\u{1}é\u{301}\
                https://a.b/c)](—–--...!?$€%";
    let mut text = String::with_capacity(5 << 20);
    while text.len() < 5 << 20 {
        text.push_str(unit);
    }
    let started = std::time::Instant::now();
    let tokens = tokenize(&text);
    let sentences = split_sentences(&text, &tokens);
    let elapsed = started.elapsed();
    check_tokens(&text, &tokens).unwrap();
    check_sentences(&tokens, &sentences).unwrap();
    assert!(elapsed.as_secs() < 30, "5 MB took {elapsed:?}");

    // One letter repeated, and one long run of word connectors: still linear.
    for unit in [
        "a", "a.", "1,", "a'", "1'", "a’b", "a-", "a@", "a+a@b", "中", "n't", "U.S", "a.b.",
    ] {
        let text = unit.repeat((2 << 20) / unit.len());
        let started = std::time::Instant::now();
        let tokens = tokenize(&text);
        check_tokens(&text, &tokens).unwrap();
        assert!(
            started.elapsed().as_secs() < 30,
            "{unit:?} run took {:?}",
            started.elapsed()
        );
    }
}
