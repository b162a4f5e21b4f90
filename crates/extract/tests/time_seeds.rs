//! Acceptance: every time expression `seeds-expected.json` lists, with its value, when the
//! seeds are read with the listed publication dates.
//!
//! The expected texts include their preposition ("on Sunday", "over the weekend"); our
//! extents follow TimeML and leave the preposition out, so an expression matches when its
//! text lies inside an occurrence of the expected text and its value is the expected one.

mod common;

use chrono::NaiveDate;
use storyline_extract::time::TimeFinder;
use storyline_model::TimeExpression;

fn occurrences(text: &str, needle: &str) -> Vec<(usize, usize)> {
    text.match_indices(needle)
        .map(|(b, m)| {
            let start = text[..b].chars().count();
            (start, start + m.chars().count())
        })
        .collect()
}

#[test]
fn seed_time_expressions_resolve_to_the_listed_values() {
    let expected = common::seeds_expected();
    let section = &expected["time_expressions_given_publication_dates"];
    let dates = section["publication_dates"]
        .as_object()
        .expect("publication_dates");
    let finder = TimeFinder::new();
    let mut found: std::collections::HashMap<String, (String, Vec<TimeExpression>)> =
        Default::default();
    for (doc, date) in dates {
        let date = date.as_str().expect("date string");
        let article = common::seed_article(doc, Some(date));
        assert_eq!(article.published.as_deref(), Some(date));
        let layers = common::pipeline().annotate(&article.text);
        let published = NaiveDate::parse_from_str(date, "%Y-%m-%d").ok();
        let times = finder.find(&article.text, &layers, published);
        found.insert(doc.clone(), (article.text, times));
    }
    let items = section["expected"].as_array().expect("expected list");
    let mut failures = Vec::new();
    for item in items {
        let doc = item["doc"].as_str().expect("doc");
        let text = item["text"].as_str().expect("text");
        let value = item["value"].as_str().expect("value");
        let (body, times) = &found[doc];
        let spans = occurrences(body, text);
        assert!(!spans.is_empty(), "{doc}: {text:?} is not in the seed text");
        let hit = times.iter().any(|t| {
            t.value.as_deref() == Some(value)
                && spans.iter().any(|&(s, e)| s <= t.start && t.end <= e)
        });
        if !hit {
            let near: Vec<String> = times
                .iter()
                .filter(|t| spans.iter().any(|&(s, e)| t.start < e && s < t.end))
                .map(|t| format!("{:?}={:?}", t.text, t.value))
                .collect();
            failures.push(format!("{doc}: {text:?} should be {value}, found {near:?}"));
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
fn without_a_publication_date_relative_expressions_stay_unresolved() {
    let article = common::seed_article("000", None);
    let layers = common::pipeline().annotate(&article.text);
    let times = TimeFinder::new().find(&article.text, &layers, None);
    let sunday = times
        .iter()
        .find(|t| t.text == "Sunday")
        .expect("Sunday is found");
    assert_eq!(sunday.value, None);
    let weekend = times
        .iter()
        .find(|t| t.text == "the weekend")
        .expect("the weekend is found");
    assert_eq!(weekend.value, None);
    // An absolute year needs no anchor.
    let year = times.iter().find(|t| t.text == "2014").expect("2014");
    assert_eq!(year.value.as_deref(), Some("2014"));
}
