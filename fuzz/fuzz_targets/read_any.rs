//! Any bytes, read as an input of any kind: every record read, every article built, and
//! every article and error checked against the invariants storyline relies on.
//!
//! The first byte picks the input's name (and so the extension hint); the rest is the input.
//! Set `STORYLINE_FUZZ_SKIP_NFC=1` to skip the NFC check (to hunt other bugs past an NFC one).

#![no_main]

use std::sync::{Arc, LazyLock};

use libfuzzer_sys::fuzz_target;
use storyline_ingest::{InputSpec, Options, RecordError, article_id, build_article, read_input};
use storyline_model::Article;

const NAMES: [&str; 6] = ["a.txt", "a.html", "a.jsonl", "a.rss", "a.warc", "a.gz"];

/// More records than a fuzz input can hold: a stream this long does not end.
const MAX_ITEMS: usize = 100_000;

static CHECK_NFC: LazyLock<bool> =
    LazyLock::new(|| std::env::var_os("STORYLINE_FUZZ_SKIP_NFC").is_none());

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let name = NAMES[usize::from(selector) % NAMES.len()];
    let spec = InputSpec::Bytes {
        name: name.to_owned(),
        bytes: Arc::from(bytes),
    };
    let options = Options::default();
    for (count, record) in read_input(&spec, &options).enumerate() {
        assert!(
            count < MAX_ITEMS,
            "the record stream does not end: {record:?}"
        );
        match record.and_then(|raw| build_article(raw, &options)) {
            Ok(article) => check_article(&article, name),
            Err(error) => check_error(&error, name),
        }
    }
});

fn check_error(error: &RecordError, name: &str) {
    assert!(
        !error.message.trim().is_empty(),
        "empty error message: {error:?}"
    );
    assert_eq!(error.origin.path, name, "error origin names another input");
}

fn check_article(article: &Article, name: &str) {
    let text = &article.text;
    assert!(!text.is_empty(), "empty article text: {article:?}");
    if *CHECK_NFC {
        assert!(
            unicode_normalization::is_nfc(text),
            "article text is not NFC: {text:?}"
        );
    }

    // Paragraph spans: in order, non-overlapping, inside the text, each exactly one
    // "\n\n"-separated piece, none empty or starting/ending with whitespace.
    let pieces: Vec<&str> = text.split("\n\n").collect();
    assert_eq!(
        article.paragraphs.len(),
        pieces.len(),
        "paragraph spans {:?} do not match the pieces of {text:?}",
        article.paragraphs
    );
    let chars = text.chars().count();
    let mut previous_end = 0;
    for (span, piece) in article.paragraphs.iter().zip(&pieces) {
        assert!(
            span.start <= span.end && span.end <= chars,
            "span {span:?} outside text of {chars} chars"
        );
        assert!(
            span.start >= previous_end,
            "span {span:?} overlaps or precedes the one ending at {previous_end}"
        );
        previous_end = span.end;
        assert_eq!(span.slice(text), Some(*piece), "span {span:?} in {text:?}");
        assert!(!piece.is_empty(), "empty paragraph in {text:?}");
        assert!(
            !piece.starts_with(char::is_whitespace) && !piece.ends_with(char::is_whitespace),
            "paragraph {piece:?} has untrimmed whitespace"
        );
    }

    assert_eq!(article.id.len(), 16, "id {:?} is not 16 chars", article.id);
    assert!(
        article
            .id
            .chars()
            .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)),
        "id {:?} is not lowercase hex",
        article.id
    );
    assert_eq!(article.id, article_id(text), "id is not article_id(text)");
    assert_eq!(
        article.origin.path, name,
        "article origin names another input"
    );
}
