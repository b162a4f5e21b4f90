//! Acceptance: every quote listed in `../shared/seeds-expected.json` is found in its seed
//! article, with the expected kind (partial or direct) and the expected speaker — a full
//! name of the right person, or, where the expectation has no name, a description and no
//! name at all.

mod common;

use std::sync::OnceLock;

use storyline_extract::quotes::QuoteFinder;
use storyline_model::{Quote, QuoteKind};

fn finder() -> &'static QuoteFinder {
    static FINDER: OnceLock<QuoteFinder> = OnceLock::new();
    FINDER.get_or_init(|| QuoteFinder::load().expect("load the shipped quote model"))
}

/// Lower case, one kind of quote mark and apostrophe, whitespace collapsed, no edge punctuation.
fn norm(text: &str) -> String {
    let text: String = text
        .chars()
        .map(|c| match c {
            '’' | '‘' => '\'',
            '“' | '”' => '"',
            c => c,
        })
        .collect::<String>()
        .to_lowercase();
    let words: Vec<&str> = text.split_whitespace().collect();
    words
        .join(" ")
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_owned()
}

/// The quote whose text matches the expected start: it contains the expected text, or the
/// expected text contains it and it is most of it.
fn matching<'q>(quotes: &'q [Quote], expected: &str) -> Option<&'q Quote> {
    let want = norm(expected);
    quotes
        .iter()
        .filter(|q| q.kind != QuoteKind::Reported)
        .find(|q| {
            let got = norm(&q.text);
            got.contains(&want) || (want.contains(&got) && got.len() * 2 >= want.len())
        })
}

#[test]
fn every_seed_quote_with_its_speaker() {
    let expected = common::seeds_expected();
    let entities = expected["entities"].as_array().expect("entities");
    let aliases = |name: &str| -> Vec<String> {
        entities
            .iter()
            .find(|e| e["canonical"] == name)
            .and_then(|e| e["aliases"].as_array())
            .map(|a| a.iter().filter_map(|v| v.as_str().map(norm)).collect())
            .unwrap_or_else(|| vec![norm(name)])
    };
    let mut failures = Vec::new();
    let mut checked = 0;
    for item in expected["quotes"].as_array().expect("quotes") {
        let doc = item["doc"].as_str().expect("doc");
        let text = item["text"].as_str().expect("text");
        let article = common::seed_article(doc, None);
        let layers = common::pipeline().annotate(&article.text);
        let quotes = finder().find(&article.text, &layers);
        checked += 1;
        let Some(quote) = matching(&quotes, text) else {
            failures.push(format!("{doc}: not found: {text:?}"));
            continue;
        };
        let partial = item["partial"].as_bool().unwrap_or(false);
        let want_kind = if partial {
            QuoteKind::Partial
        } else {
            QuoteKind::Direct
        };
        if quote.kind != want_kind {
            failures.push(format!(
                "{doc}: {text:?} is {:?}, expected {want_kind:?}",
                quote.kind
            ));
        }
        let speaker = quote.speaker.as_ref();
        let name = speaker.and_then(|s| s.name.as_deref()).map(norm);
        let description = speaker.and_then(|s| s.description.as_deref()).map(norm);
        match item["speaker"].as_str() {
            Some(want) => {
                // A full name of the right person: the canonical name or an alias of two or
                // more words (a bare surname must have been expanded).
                let ok = name.as_ref().is_some_and(|n| {
                    *n == norm(want)
                        || aliases(want)
                            .iter()
                            .any(|a| a == n && a.split_whitespace().count() >= 2)
                });
                if !ok {
                    failures.push(format!(
                        "{doc}: {text:?} speaker {name:?} (description {description:?}), expected {want}"
                    ));
                }
            }
            None => {
                let want = norm(item["speaker_description"].as_str().expect("description"));
                let ok = name.is_none()
                    && description
                        .as_ref()
                        .is_some_and(|d| d.contains(&want) || want.contains(d.as_str()));
                if !ok {
                    failures.push(format!(
                        "{doc}: {text:?} speaker {name:?} / {description:?}, expected description {want:?}"
                    ));
                }
            }
        }
    }
    assert_eq!(checked, 27, "seeds-expected.json lists 27 quotes");
    assert!(
        failures.is_empty(),
        "{} of {checked} seed quotes wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
