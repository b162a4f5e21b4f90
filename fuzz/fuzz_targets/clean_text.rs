//! Any bytes, as lossy UTF-8, through the cleaner with and without header detection and
//! with and without a known headline (the first line). Paragraphs must be non-empty,
//! trimmed, free of blank lines, and every word of the input must be accounted for: kept,
//! in `removed`, or moved to the headline, section, dateline or credit.
//!
//! Set `STORYLINE_FUZZ_SKIP_NFC=1` to skip the NFC check while a known bug is open.

#![no_main]

use std::collections::HashMap;
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use storyline_ingest::clean::{CleanOptions, Cleaned, clean};
use unicode_normalization::UnicodeNormalization;

static CHECK_NFC: LazyLock<bool> =
    LazyLock::new(|| std::env::var_os("STORYLINE_FUZZ_SKIP_NFC").is_none());

fuzz_target!(|data: &[u8]| {
    let raw = String::from_utf8_lossy(data);
    let first_line = raw.lines().next();
    for detect_header in [false, true] {
        for known_headline in [None, first_line] {
            let cleaned = clean(
                &raw,
                CleanOptions {
                    detect_header,
                    known_headline,
                },
            );
            check(&raw, &cleaned);
        }
    }
});

fn check(raw: &str, cleaned: &Cleaned) {
    for paragraph in &cleaned.paragraphs {
        assert!(!paragraph.is_empty(), "empty paragraph");
        assert!(
            !paragraph.contains("\n\n"),
            "paragraph {paragraph:?} holds a blank line"
        );
        assert!(
            !paragraph.starts_with(char::is_whitespace)
                && !paragraph.ends_with(char::is_whitespace),
            "paragraph {paragraph:?} has untrimmed whitespace"
        );
        if *CHECK_NFC {
            assert!(
                unicode_normalization::is_nfc(paragraph),
                "paragraph is not NFC: {paragraph:?}"
            );
        }
    }
    let mut accounted: HashMap<String, usize> = HashMap::new();
    let pieces = cleaned
        .paragraphs
        .iter()
        .chain(cleaned.removed.iter().map(|r| &r.text))
        .chain(&cleaned.headline)
        .chain(&cleaned.section)
        .chain(&cleaned.dateline)
        .chain(&cleaned.credit);
    for piece in pieces {
        for (word, count) in words(piece) {
            *accounted.entry(word).or_insert(0) += count;
        }
    }
    for (word, count) in words(raw) {
        let kept = accounted.get(&word).copied().unwrap_or(0);
        assert!(
            kept >= count,
            "word {word:?} appears {count} times in the input but {kept} times in the output\n\
             input: {raw:?}\noutput: {cleaned:#?}"
        );
    }
}

/// Characters the cleaner drops outright: losing them may join words.
fn dropped(c: char) -> bool {
    (c.is_control() && !c.is_whitespace()) || matches!(c, '\u{200B}' | '\u{FEFF}' | '\u{00AD}')
}

/// Words (runs of alphanumeric chars) with their counts, after dropping what the cleaner
/// drops and normalising to NFC.
fn words(text: &str) -> HashMap<String, usize> {
    let kept: String = text.chars().filter(|&c| !dropped(c)).collect();
    let nfc: String = kept.nfc().collect();
    let mut counts = HashMap::new();
    for word in nfc
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        *counts.entry(word.to_owned()).or_insert(0) += 1;
    }
    counts
}
