//! Quantities without the language layer (word-shape fallbacks) and claimants from
//! hand-built quotes.

use storyline_model::{CountType, Quote, QuoteKind, Speaker};
use storyline_nlp::pipeline::Layers;

use super::QuantityFinder;

fn find(text: &str, quotes: &[Quote]) -> Vec<storyline_model::Quantity> {
    QuantityFinder::new().find(text, &Layers::default(), quotes)
}

fn quote(text: &str, content: &str, name: Option<&str>, description: Option<&str>) -> Quote {
    let byte = text.find(content).expect("content in text");
    let start = text[..byte].chars().count();
    Quote {
        start,
        end: start + content.chars().count(),
        text: content.to_string(),
        kind: QuoteKind::Direct,
        cue: None,
        speaker: Some(Speaker {
            name: name.map(str::to_string),
            description: description.map(str::to_string),
            mention: None,
            entity: None,
        }),
    }
}

#[test]
fn value_qualifier_unit_and_range() {
    let q = find(
        "Prices rose by more than 3.5 percent in between 10 and 15 towns.",
        &[],
    );
    assert_eq!(q.len(), 2, "{q:?}");
    assert_eq!(q[0].value, 3.5);
    assert_eq!(q[0].qualifier.as_deref(), Some("more than"));
    assert_eq!(q[0].unit.as_deref(), Some("percent"));
    assert_eq!((q[1].value, q[1].upper), (10.0, Some(15.0)));
    assert_eq!(q[1].counts.as_deref(), Some("towns"));
}

#[test]
fn counts_before_and_after() {
    let q = find(
        "The attack killed at least nine and injured more than 70.",
        &[],
    );
    assert_eq!(q.len(), 2, "{q:?}");
    assert_eq!(q[0].counts.as_deref(), Some("killed"));
    assert_eq!(q[0].count_type, Some(CountType::Kill));
    assert_eq!(q[1].counts.as_deref(), Some("injured"));
    assert_eq!(q[1].count_type, Some(CountType::Wound));
}

#[test]
fn years_and_dates_are_not_quantities() {
    let q = find(
        "In 2014, on March 3 at 10:35, 1,000 detainees were freed.",
        &[],
    );
    assert_eq!(q.len(), 1, "{q:?}");
    assert_eq!(q[0].value, 1000.0);
    assert_eq!(q[0].count_type, Some(CountType::Arrest));
}

#[test]
fn claimant_from_the_innermost_quote() {
    let text = "Trump posted: \"5000 soldiers a week are dying.\" Officials said 300 died.";
    let outer = quote(text, text, Some("Someone Else"), None);
    let inner = quote(
        text,
        "5000 soldiers a week are dying.",
        Some("Donald Trump"),
        None,
    );
    let described = quote(text, "300 died", None, Some("officials"));
    let q = find(text, &[outer, inner, described]);
    assert_eq!(q.len(), 2, "{q:?}");
    assert_eq!(q[0].claimed_by.as_deref(), Some("Donald Trump"));
    assert_eq!(q[1].claimed_by.as_deref(), Some("officials"));
    assert_eq!(find(text, &[])[0].claimed_by, None);
}

#[test]
fn claimant_from_according_to() {
    let q = find(
        "According to Ukrainian officials, North Korea sent approximately 14,000 troops.",
        &[],
    );
    assert_eq!(q.len(), 1, "{q:?}");
    assert_eq!(q[0].claimed_by.as_deref(), Some("Ukrainian officials"));
    assert_eq!(q[0].qualifier.as_deref(), Some("approximately"));
}

#[test]
fn codes_are_not_quantities() {
    let q = find("File 0122, story 891102: 54 cents a share.", &[]);
    assert_eq!(q.len(), 1, "{q:?}");
    assert_eq!((q[0].value, q[0].unit.as_deref()), (54.0, Some("cent")));
}
