//! Bad input for the time and quantity finders: no panics on any text (with or without
//! consistent layers), spans that always lie inside the text, and no invented precision.

use chrono::NaiveDate;
use proptest::prelude::*;
use storyline_extract::quantity::QuantityFinder;
use storyline_extract::time::TimeFinder;
use storyline_model::{Span, TokenAnnotation};
use storyline_nlp::pipeline::Layers;

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

fn check_spans(text: &str, spans: impl Iterator<Item = (usize, usize, String)>) {
    let chars: Vec<char> = text.chars().collect();
    for (start, end, t) in spans {
        assert!(
            start < end && end <= chars.len(),
            "{start}..{end} in {text:?}"
        );
        assert_eq!(chars[start..end].iter().collect::<String>(), t);
    }
}

/// Layers that do not fit the text: offsets past its end, sentences out of order.
fn odd_layers(n: usize) -> Layers {
    Layers {
        sentences: vec![Span::new(0, n + 5), Span::new(2, 3)],
        tokens: (0..n + 3)
            .map(|k| TokenAnnotation {
                start: k,
                end: k + 2,
                pos: ["VERB", "NOUN", "AUX", "PROPN"][k % 4].to_string(),
                lemma: "say".to_string(),
            })
            .collect(),
        entities: Vec::new(),
    }
}

fn timeish() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "on",
        "Monday",
        "last",
        "next",
        "week",
        "February",
        "30",
        "31",
        "2025",
        "99999",
        "1,000",
        "nearly",
        "three",
        "years",
        "ago",
        "the",
        "day",
        "before",
        "-",
        "/",
        "12/31/2025",
        "31/12/2025",
        "03/04/2025",
        "10:35",
        "a.m.",
        "mid",
        "tens",
        "of",
        "thousands",
        "at",
        "least",
        "killed",
        "’s",
        "Sept.",
        "weekend",
        "quarter",
        "third",
        ",",
        ".",
        "\n",
        "é",
        "0",
        "00000000000000000000",
        "1.5",
        "billion",
        "$",
        "%",
        "per",
        "cent",
        "every",
        "year",
    ]);
    prop::collection::vec(pieces, 0..40).prop_map(|words| words.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn any_text_is_safe(text in "\\PC{0,200}", published in prop::option::of(0i32..4000)) {
        let published = published.and_then(|y| NaiveDate::from_ymd_opt(y, 1, 1));
        for layers in [Layers::default(), odd_layers(text.chars().count())] {
            let times = TimeFinder::new().find(&text, &layers, published);
            check_spans(&text, times.into_iter().map(|t| (t.start, t.end, t.text)));
            let quantities = QuantityFinder::new().find(&text, &layers, &[]);
            check_spans(&text, quantities.into_iter().map(|q| (q.start, q.end, q.text)));
        }
    }

    #[test]
    fn date_like_text_is_safe(text in timeish(), days in -1_000_000i64..1_000_000) {
        let published = NaiveDate::from_ymd_opt(2025, 4, 28)
            .and_then(|d| d.checked_add_signed(chrono::Duration::days(days)));
        let layers = odd_layers(text.chars().count());
        let times = TimeFinder::new().find(&text, &layers, published);
        for t in &times {
            // A resolved value is never longer than a TIMEX3 date-time with a part of day.
            prop_assert!(t.value.as_deref().is_none_or(|v| v.len() <= 20), "{t:?}");
        }
        check_spans(&text, times.into_iter().map(|t| (t.start, t.end, t.text)));
        let quantities = QuantityFinder::new().find(&text, &layers, &[]);
        for q in &quantities {
            prop_assert!(q.value.is_finite() && q.upper.is_none_or(f64::is_finite));
        }
        check_spans(&text, quantities.into_iter().map(|q| (q.start, q.end, q.text)));
    }
}

fn times(text: &str, finder: &TimeFinder) -> Vec<(String, Option<String>, bool)> {
    finder
        .find(text, &Layers::default(), date("2025-04-28"))
        .into_iter()
        .map(|t| (t.text, t.value, t.ambiguous))
        .collect()
}

#[test]
fn impossible_dates_have_no_value() {
    let found = times(
        "The deal was signed on February 30, 2025.",
        &TimeFinder::new(),
    );
    assert_eq!(found, [("February 30, 2025".to_string(), None, false)]);
}

#[test]
fn far_out_years_are_not_times() {
    let found = times(
        "In 99999 and in 123456 nothing happened.",
        &TimeFinder::new(),
    );
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn numeric_dates_follow_the_locale_or_stay_ambiguous() {
    let unknown = TimeFinder::new();
    let t = times("on 31/12/2025 and 12/31/2025 and 03/04/2025", &unknown);
    assert_eq!(t[0].1.as_deref(), Some("2025-12-31"));
    assert_eq!(t[1].1.as_deref(), Some("2025-12-31"));
    assert_eq!((t[2].1.as_deref(), t[2].2), (Some("2025"), true));
    let day_first = TimeFinder::new().with_day_first(Some(true));
    let t = times("on 03/04/2025", &day_first);
    assert_eq!((t[0].1.as_deref(), t[0].2), (Some("2025-04-03"), false));
    let month_first = TimeFinder::new().with_day_first(Some(false));
    let t = times("on 03/04/2025", &month_first);
    assert_eq!(t[0].1.as_deref(), Some("2025-03-04"));
}

#[test]
fn thousands_of_digits_are_not_a_number() {
    let text = format!("They counted {} soldiers and 12 tanks.", "9".repeat(3000));
    let found = QuantityFinder::new().find(&text, &Layers::default(), &[]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].value, 12.0);
}
