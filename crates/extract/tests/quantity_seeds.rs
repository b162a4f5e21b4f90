//! Acceptance: the twelve quantities `seeds-expected.json` lists, each with its value,
//! qualifier, unit and counted thing.
//!
//! The expected counted thing is a reader's description ("soldiers dying a week"); ours
//! must be the same text or a phrase of it that holds its first noun ("soldiers"), which
//! is what a search for the counted thing would use.

mod common;

use storyline_extract::quantity::QuantityFinder;
use storyline_model::Quantity;

fn counts_match(ours: Option<&str>, expected: &str) -> bool {
    let Some(ours) = ours else {
        return false;
    };
    let ours = ours.to_lowercase();
    let expected = expected.to_lowercase();
    ours == expected || {
        let head = expected.split_whitespace().next().unwrap_or("");
        expected.contains(&ours) && ours.split_whitespace().any(|w| w == head)
    }
}

fn matches(q: &Quantity, item: &serde_json::Value) -> bool {
    let value = item["value"].as_f64().expect("value");
    q.value == value
        && q.qualifier.as_deref() == item["qualifier"].as_str()
        && item["unit"]
            .as_str()
            .is_none_or(|u| q.unit.as_deref() == Some(u))
        && counts_match(
            q.counts.as_deref(),
            item["counts"].as_str().expect("counts"),
        )
}

#[test]
fn seed_quantities_have_value_qualifier_and_counted_thing() {
    let expected = common::seeds_expected();
    let items = expected["quantities"].as_array().expect("quantities");
    let finder = QuantityFinder::new();
    let mut failures = Vec::new();
    for item in items {
        let doc = item["doc"].as_str().expect("doc");
        let article = common::seed_article(doc, None);
        let layers = common::pipeline().annotate(&article.text);
        let found = finder.find(&article.text, &layers, &[]);
        if !found.iter().any(|q| matches(q, item)) {
            let value = item["value"].as_f64().expect("value");
            let near: Vec<String> = found
                .iter()
                .filter(|q| q.value == value)
                .map(|q| format!("{q:?}"))
                .collect();
            failures.push(format!("{doc}: {item} not found; same value: {near:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} wrong:\n{}",
        failures.len(),
        items.len(),
        failures.join("\n")
    );
}

#[test]
fn according_to_sources_claim_the_numbers_of_their_sentence() {
    let article = common::seed_article("000", None);
    let layers = common::pipeline().annotate(&article.text);
    let found = QuantityFinder::new().find(&article.text, &layers, &[]);
    let troops = found
        .iter()
        .find(|q| q.value == 14000.0)
        .expect("14,000 troops");
    assert_eq!(troops.claimed_by.as_deref(), Some("Ukrainian officials"));
    // A number in a sentence without attribution has no claimant.
    let attacks = found.iter().find(|q| q.value == 70.0).expect("70 attacks");
    assert_eq!(attacks.claimed_by, None);
}

/// Claimants from the real quote finder: every seed quantity that lists a source gets it
/// (matched on the source's last name, since speakers may be named in full or not).
#[test]
fn seed_quantities_are_claimed_by_the_listed_sources() {
    let quote_finder = match storyline_extract::quotes::QuoteFinder::load() {
        Ok(f) => f,
        Err(e) => panic!("the quote model must load for this test: {e}"),
    };
    let expected = common::seeds_expected();
    let items = expected["quantities"].as_array().expect("quantities");
    let finder = QuantityFinder::new();
    let mut failures = Vec::new();
    let mut checked = 0;
    for item in items {
        let Some(source) = item["source"].as_str() else {
            continue;
        };
        checked += 1;
        let doc = item["doc"].as_str().expect("doc");
        let article = common::seed_article(doc, None);
        let layers = common::pipeline().annotate(&article.text);
        let quotes = quote_finder.find(&article.text, &layers);
        let found = finder.find(&article.text, &layers, &quotes);
        let last_name = source.split_whitespace().last().unwrap_or(source);
        let ok = found.iter().any(|q| {
            matches(q, item)
                && q.claimed_by
                    .as_deref()
                    .is_some_and(|c| c.contains(last_name) || c == source)
        });
        if !ok {
            let value = item["value"].as_f64().expect("value");
            let claimed: Vec<_> = found
                .iter()
                .filter(|q| q.value == value)
                .map(|q| q.claimed_by.clone())
                .collect();
            failures.push(format!(
                "{doc}: {value} should be claimed by {source}, got {claimed:?}"
            ));
        }
    }
    assert!(checked > 0);
    assert!(
        failures.is_empty(),
        "{} of {checked} wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
