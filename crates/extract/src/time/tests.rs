//! The grammar and normaliser together on sentences, without the language layer (so no
//! tense: weekdays look back).

use chrono::NaiveDate;
use storyline_model::{TimeAnchor, TimexType};
use storyline_nlp::pipeline::Layers;

use super::TimeFinder;

fn find(text: &str) -> Vec<(String, TimexType, Option<String>, Option<String>)> {
    let published = NaiveDate::from_ymd_opt(2025, 3, 17);
    TimeFinder::new()
        .find(text, &Layers::default(), published)
        .into_iter()
        .map(|t| (t.text, t.kind, t.value, t.modifier))
        .collect()
}

fn one(text: &str) -> (String, TimexType, Option<String>, Option<String>) {
    let found = find(text);
    assert_eq!(found.len(), 1, "{text}: {found:?}");
    found.into_iter().next().expect("one")
}

fn s(v: &str) -> Option<String> {
    Some(v.to_string())
}

#[test]
fn durations_with_qualifiers() {
    let (text, kind, value, m) = one("the first talks in nearly three years");
    assert_eq!(
        (text.as_str(), kind),
        ("nearly three years", TimexType::Duration)
    );
    assert_eq!((value, m), (s("P3Y"), s("APPROX")));
    assert_eq!(one("a 30-day ceasefire").2, s("P30D"));
    assert_eq!(one("for more than two decades").2, s("P20Y"));
    assert_eq!(one("for more than two decades").3, s("MORE_THAN"));
}

#[test]
fn sets() {
    assert_eq!(one("they meet every week").1, TimexType::Set);
    assert_eq!(one("they meet every week").2, s("P1W"));
    assert_eq!(one("a daily briefing").2, s("P1D"));
    assert_eq!(one("every Monday").2, s("XXXX-WXX-1"));
}

#[test]
fn relative_periods_and_positions() {
    assert_eq!(one("earlier this month").2, s("2025-03"));
    assert_eq!(one("earlier this month").3, s("START"));
    assert_eq!(one("in mid-March").3, s("MID"));
    assert_eq!(one("in recent days").2, s("PAST_REF"));
    assert_eq!(one("last July").2, s("2024-07"));
    assert_eq!(one("over the weekend").2, s("2025-W11-WE"));
    assert_eq!(one("over the weekend").0, "the weekend");
    assert_eq!(one("since February 2022").2, s("2022-02"));
    assert_eq!(one("last year's third quarter").2, s("2024-Q3"));
    assert_eq!(one("on Thanksgiving").2, s("2024-11-28"));
}

#[test]
fn anchored_to_the_previous_expression() {
    let found = TimeFinder::new().find(
        "The talks began on Feb. 11, 2025. The day before, envoys arrived.",
        &Layers::default(),
        NaiveDate::from_ymd_opt(2025, 3, 17),
    );
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[1].value.as_deref(), Some("2025-02-10"));
    assert_eq!(found[1].anchor, Some(TimeAnchor::Previous));
    // Without a previous expression, the publication date.
    let (_, _, value, _) = one("A year later, they left.");
    assert_eq!(value, s("2026"));
    // A day or less later is the length alone, as TimeBank marks it ("later" is a signal).
    let (text, kind, value, _) = one("Three days later, they left.");
    assert_eq!(
        (text.as_str(), kind, value),
        ("Three days", TimexType::Duration, s("P3D"))
    );
}

#[test]
fn clock_times_on_their_day() {
    assert_eq!(one("at 9 a.m. EST Tuesday").2, s("2025-03-11T09:00"));
    assert_eq!(one("at 10:35 p.m.").2, s("2025-03-17T22:35"));
}

#[test]
fn not_times() {
    assert!(find("a 6-year-old boy and three-quarters of voters").is_empty());
    assert!(find("Mr. Reupke, 52 years old, will retire").is_empty());
    assert!(find("more than a quarter of the market; the quarter-to-quarter gain").is_empty());
    assert!(find("2014 soldiers and $2020 and 2020 percent").is_empty());
    assert!(find("We may see. They march on Washington.").is_empty());
}

#[test]
fn the_verb_last_is_not_part_of_a_duration() {
    let (text, kind, value, _) = one("The union said the stoppage would last 72 hours.");
    assert_eq!(
        (text.as_str(), kind, value),
        ("72 hours", TimexType::Duration, s("PT72H"))
    );
    assert_eq!(
        one("The ceasefire is not expected to last two weeks.").0,
        "two weeks"
    );
    // "last" as "the latest" still opens the expression.
    assert_eq!(
        one("Prices rose over the last three years.").0,
        "the last three years"
    );
    assert_eq!(one("Prices rose in the last 72 hours.").2, s("PT72H"));
}

#[test]
fn the_year_is_this_year_unless_its_end_is_given() {
    assert_eq!(one("Shares hit a high for the year.").2, s("2025"));
    let found = find("revenue for the year ended Sept. 30");
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(
        (found[0].1, found[0].2.clone()),
        (TimexType::Duration, s("P1Y"))
    );
    assert_eq!(one("lower earnings for the fiscal year").2, s("2025"));
    assert_eq!(one("a loss for the full year").2, s("2025"));
    assert_eq!(
        one("profit should rise throughout the fiscal year").2,
        s("P1Y")
    );
}

#[test]
fn halves_in_the_next_smaller_unit() {
    assert_eq!(one("after 2 1/2 years of talks").2, s("P2Y6M"));
    assert_eq!(one("it took two and a half years").2, s("P2Y6M"));
    assert_eq!(
        one("a minute and a half later it fell").0,
        "a minute and a half"
    );
    assert_eq!(one("he spoke for a minute and a half").2, s("PT1M30S"));
    assert_eq!(one("a 5 1/2 hours wait").2, s("PT5H30M"));
}

#[test]
fn seasons_of_a_year() {
    assert_eq!(one("in the winter of 1994").2, s("1994-WI"));
    assert_eq!(one("in the winter of nineteen ninety-four").2, s("1994-WI"));
    assert_eq!(one("in the winter of 1994").0, "the winter of 1994");
}

#[test]
fn months_in_a_year_named_relative_to_publication() {
    let (text, _, value, _) = one("Talks began in June last year.");
    assert_eq!((text.as_str(), value), ("June last year", s("2024-06")));
    assert_eq!(one("It opened on Feb. 3 this year").2, s("2025-02-03"));
    assert_eq!(one("due in January next year").2, s("2026-01"));
    // An impossible date stays without a value.
    assert_eq!(one("on Feb. 30 next year").2, None);
}

#[test]
fn a_couple_is_two() {
    let (text, _, value, _) = one("It took a couple of years.");
    assert_eq!((text.as_str(), value), ("a couple of years", s("P2Y")));
    assert_eq!(one("over the next couple of years").2, s("P2Y"));
}

#[test]
fn the_week_of_a_day() {
    let (text, _, value, _) = one("a hearing the week of March 6, 2000");
    assert_eq!(
        (text.as_str(), value),
        ("the week of March 6, 2000", s("2000-W10"))
    );
    assert_eq!(one("a hearing the week of March 6").2, s("2025-W10"));
}

#[test]
fn hours_in_the_morning_and_evening() {
    let (text, kind, value, _) = one("He will leave at 4 in the morning.");
    assert_eq!(
        (text.as_str(), kind, value),
        ("4 in the morning", TimexType::Time, s("2025-03-17T04:00"))
    );
    assert_eq!(
        one("It opens at 8 in the evening.").2,
        s("2025-03-17T20:00")
    );
    // Thirteen is no hour of a twelve-hour clock.
    assert!(find("13 in the morning session").is_empty());
}

fn found_at(text: &str, published: (i32, u32, u32)) -> Vec<(String, Option<String>)> {
    let (y, m, d) = published;
    TimeFinder::new()
        .find(text, &Layers::default(), NaiveDate::from_ymd_opt(y, m, d))
        .into_iter()
        .map(|t| (t.text, t.value))
        .collect()
}

#[test]
fn months_of_a_year_compare_by_year() {
    // After "the nine months" a comparison is with the same months of the year before.
    let found = found_at(
        "Acme earned $5 million in the third quarter, up from $4 million a year earlier. \
         For the nine months, it earned $12 million, against $10 million a year earlier \
         and $9 million in the 2023 period. The year-ago results included a charge.",
        (2024, 11, 2),
    );
    let values: Vec<_> = found.iter().map(|(_, v)| v.as_deref()).collect();
    assert_eq!(
        values,
        [
            Some("2024-Q3"),
            Some("2023-Q3"),
            Some("P9M"),
            Some("2023"),
            Some("2023"),
            Some("2023")
        ],
        "{found:?}"
    );
    // Without the months the 2023 period is the quarter under discussion.
    let found = found_at(
        "Sales rose in the second quarter; in the 2023 period they fell.",
        (2024, 8, 2),
    );
    assert_eq!(found[1], ("the 2023 period".to_string(), s("2023-Q2")));
}

#[test]
fn comparison_quarters_and_current_periods() {
    let found = found_at(
        "Profit doubled in the third quarter. In the year-ago third quarter it was \
         $2 million, and in the quarter a year ago revenue was flat. The year-earlier \
         nine months included a gain.",
        (2024, 11, 2),
    );
    let texts: Vec<_> = found
        .iter()
        .map(|(t, v)| (t.as_str(), v.as_deref()))
        .collect();
    assert_eq!(
        texts,
        [
            ("the third quarter", Some("2024-Q3")),
            ("the year-ago third quarter", Some("2023-Q3")),
            ("the quarter a year ago", Some("2023-Q3")),
            ("The year-earlier nine months", Some("P9M")),
        ]
    );
    assert_eq!(
        one("sales in the current fiscal year will rise").0,
        "the current fiscal year"
    );
    assert_eq!(
        one("sales in the current fiscal year will rise").2,
        s("2025")
    );
    assert_eq!(one("the current quarter began well").2, s("2025-Q1"));
}

#[test]
fn recent_weeks_and_months_are_spans() {
    assert_eq!(one("prices fell in recent months").2, s("PXM"));
    assert_eq!(one("prices fell in recent weeks").2, s("PXW"));
    assert_eq!(one("prices fell in recent years").2, s("PAST_REF"));
    assert_eq!(
        one("prices fell in recent weeks and months").2,
        s("PAST_REF")
    );
}

/// A one-sentence text with its tokens tagged by hand: (word, UPOS, lemma).
fn tagged(words: &[(&str, &str, &str)]) -> (String, Layers) {
    let mut text = String::new();
    let mut layers = Layers::default();
    for (word, pos, lemma) in words {
        if !text.is_empty() && !matches!(*word, "," | "." | "'s") {
            text.push(' ');
        }
        let start = text.len();
        text.push_str(word);
        layers.tokens.push(storyline_model::TokenAnnotation {
            start,
            end: text.len(),
            pos: pos.to_string(),
            lemma: lemma.to_string(),
        });
    }
    layers
        .sentences
        .push(storyline_model::Span::new(0, text.len()));
    (text, layers)
}

#[test]
fn a_fronted_month_takes_the_tense_of_its_clause() {
    let published = NaiveDate::from_ymd_opt(2024, 10, 27);
    let month = |words: &[(&str, &str, &str)]| {
        let (text, layers) = tagged(words);
        let found = TimeFinder::new().find(&text, &layers, published);
        found[0].value.clone()
    };
    // "In January, the firm hired a chief": last January, though next is nearer.
    let fronted = [
        ("In", "ADP", "in"),
        ("January", "PROPN", "January"),
        (",", "PUNCT", ","),
        ("the", "DET", "the"),
        ("firm", "NOUN", "firm"),
        ("hired", "VERB", "hire"),
        ("a", "DET", "a"),
        ("chief", "NOUN", "chief"),
        (".", "PUNCT", "."),
    ];
    assert_eq!(month(&fronted), s("2024-01"));
    // Not fronted, the past after a date is only a hint: "the dividend, payable in
    // January, was declared" keeps the nearer January.
    let trailing = [
        ("The", "DET", "the"),
        ("dividend", "NOUN", "dividend"),
        ("payable", "ADJ", "payable"),
        ("in", "ADP", "in"),
        ("January", "PROPN", "January"),
        ("was", "AUX", "be"),
        ("declared", "VERB", "declare"),
        (".", "PUNCT", "."),
    ];
    assert_eq!(month(&trailing), s("2025-01"));
}

#[test]
fn a_deadline_lies_ahead_unless_the_sentence_looks_back() {
    let published = NaiveDate::from_ymd_opt(2024, 10, 23); // a Wednesday
    let first = |words: &[(&str, &str, &str)]| {
        let (text, layers) = tagged(words);
        TimeFinder::new().find(&text, &layers, published)[0]
            .value
            .clone()
    };
    let declared = [
        ("The", "DET", "the"),
        ("board", "NOUN", "board"),
        ("declared", "VERB", "declare"),
        ("a", "DET", "a"),
        ("dividend", "NOUN", "dividend"),
        ("payable", "ADJ", "payable"),
        ("Feb.", "PROPN", "Feb."),
        ("1", "NUM", "1"),
        (".", "PUNCT", "."),
    ];
    assert_eq!(first(&declared), s("2025-02-01"));
    let extended = [
        ("They", "PRON", "they"),
        ("extended", "VERB", "extend"),
        ("the", "DET", "the"),
        ("offer", "NOUN", "offer"),
        ("until", "ADP", "until"),
        ("Friday", "PROPN", "Friday"),
        (".", "PUNCT", "."),
    ];
    assert_eq!(first(&extended), s("2024-10-25"));
    let soon = [
        ("They", "PRON", "they"),
        ("left", "VERB", "leave"),
        ("and", "CCONJ", "and"),
        ("may", "AUX", "may"),
        ("return", "VERB", "return"),
        ("as", "ADV", "as"),
        ("soon", "ADV", "soon"),
        ("as", "ADP", "as"),
        ("Monday", "PROPN", "Monday"),
        (".", "PUNCT", "."),
    ];
    assert_eq!(first(&soon), s("2024-10-28"));
    let filed = [
        ("They", "PRON", "they"),
        ("had", "AUX", "have"),
        ("filed", "VERB", "file"),
        ("by", "ADP", "by"),
        ("Monday", "PROPN", "Monday"),
        (".", "PUNCT", "."),
    ];
    assert_eq!(first(&filed), s("2024-10-21"));
}

#[test]
fn the_end_date_of_a_period_keeps_the_period_under_discussion() {
    let found = found_at(
        "Acme earned $3 million in its fiscal second quarter ended Sept. 30, up from \
         $2 million a year earlier.",
        (2024, 11, 2),
    );
    let values: Vec<_> = found.iter().map(|(_, v)| v.as_deref()).collect();
    assert_eq!(
        values,
        [Some("2024-Q2"), Some("2024-09-30"), Some("2023-Q2")],
        "{found:?}"
    );
}

#[test]
fn a_quoted_title_is_not_a_time() {
    assert!(find("the minister said on ABC's \"This Week\" that talks would go on").is_empty());
    assert!(find("he told CBS's \"60 Minutes\" he would stay").is_empty());
    assert_eq!(one("\"This week we talk,\" she said").2, s("2025-W12"));
}

#[test]
fn year_end_and_the_last_half() {
    assert_eq!(one("to close the deal by year-end").2, s("2025-12-31"));
    assert_eq!(
        one("the index has fallen 4% since year-end").2,
        s("2024-12-31")
    );
    assert_eq!(one("profit in the last half of 2024").2, s("2024-H2"));
}

#[test]
fn rates_and_idioms_that_are_not_times() {
    assert!(find("an officer outside his home 24 hours a day").is_empty());
    assert!(find("the average daily volume of 133 million shares").is_empty());
    assert_eq!(one("as Easter week began").2, s("2025-W16"));
}

#[test]
fn the_first_two_quarters_are_the_first_half() {
    assert_eq!(
        one("through the first two quarters of 2026").2,
        s("2026-H1")
    );
    assert_eq!(one("in the first nine months").2, s("P9M"));
}

#[test]
fn weekday_nights_recur() {
    let found = find("two flights will leave on Monday and Tuesday nights");
    let values: Vec<_> = found
        .iter()
        .map(|t| (t.0.as_str(), t.2.as_deref()))
        .collect();
    assert_eq!(
        values,
        [
            ("Monday", Some("XXXX-WXX-1TNI")),
            ("Tuesday nights", Some("XXXX-WXX-2TNI"))
        ]
    );
    assert_eq!(one("every Monday").2, s("XXXX-WXX-1"));
}

#[test]
fn the_quarter_under_discussion_outlasts_other_expressions() {
    // "the quarter" after "earlier this month" is still the third quarter discussed.
    let found = find(
        "Acme earned $5 million in the third quarter. Earlier this month, it said sales \
         for the quarter rose.",
    );
    assert_eq!(found.len(), 3, "{found:?}");
    assert_eq!(found[2].2, s("2024-Q3"));
    // A quarter still under way is a forecast: the comparisons keep the reported one.
    let found = find(
        "Acme's third-quarter profit rose. It expects a first-quarter charge. In the \
         latest quarter, sales fell from $3 million a year ago.",
    );
    let values: Vec<_> = found.iter().map(|t| t.2.as_deref()).collect();
    assert_eq!(
        values,
        [
            Some("2024-Q3"),
            Some("2025-Q1"),
            Some("2024-Q3"),
            Some("2023-Q3")
        ]
    );
    // With no quarter under discussion, "the quarter ended July 31" is May to July.
    assert_eq!(
        find("in the quarter ended July 31, 2024")[0].2,
        s("2024-Q2")
    );
    assert_eq!(
        one("for the corresponding period last year").2,
        s("2023-Q4")
    );
}

#[test]
fn days_named_from_other_days() {
    assert_eq!(
        one("on the day before last Tuesday's hearing").2,
        s("2025-03-10")
    );
    assert_eq!(one("since last Oct. 23").2, s("2024-10-23"));
    let found = find("Stocks closed on Friday, Feb. 28, 2025, down from the previous Friday.");
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[1].2, s("2025-02-21"));
    let found = find("a summit on April 24 and 25");
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[1].2, s("2025-04-25"));
    assert!(find("a rise between May 4 and 5 percent").len() == 1);
}

#[test]
fn vague_and_partial_times() {
    assert_eq!(one("at the then current market price").2, s("PAST_REF"));
    assert_eq!(
        one("Islam will one day be the second religion").2,
        s("FUTURE_REF")
    );
    assert_eq!(
        one("it fell by mid-afternoon yesterday").2,
        s("2025-03-16TAF")
    );
    assert_eq!(
        one("from the low levels of the early summer").2,
        s("2025-SU")
    );
    assert_eq!(one("more financing at a later date").2, s("FUTURE_REF"));
    assert_eq!(one("the post-1959 politics").2, s("1959"));
    assert_eq!(one("Eight trading days after the plunge").2, s("P8D"));
    let years: Vec<_> = find("guilty twice from 1991 to 1997")
        .into_iter()
        .map(|t| t.2)
        .collect();
    assert_eq!(years, [s("1991"), s("1997")]);
    assert!(find("from 2000 to 3000 soldiers").is_empty());
}

#[test]
fn marches_and_showdowns_are_not_times() {
    assert!(find("protesters at the annual March for Life").is_empty());
    assert!(find("a poster of Gary Cooper in High Noon").is_empty());
    // "in March for health reasons" is still the month.
    assert_eq!(
        one("he stepped down in March for health reasons").2,
        s("2025-03")
    );
}

#[test]
fn the_past_year_decades_by_apostrophe_and_the_latest_fiscal_year() {
    // "the past year" is last year, as "the last year" is; "the past two years" a length.
    assert_eq!(one("hate groups grew over the past year").2, s("2024"));
    assert_eq!(one("hate groups grew over the past two years").2, s("P2Y"));
    let half = one("the trend of the last half of the '80s");
    assert_eq!((half.2, half.3), (s("198"), s("END")));
    assert_eq!(one("sales in the latest fiscal year").2, s("2024"));
}

#[test]
fn a_sentence_opening_now_is_no_time() {
    assert!(find("Now, following asset sales, the company is smaller.").is_empty());
    assert_eq!(one("The company now sees alliances.").2, s("PRESENT_REF"));
    assert_eq!(
        one("But right now, for the people here, it is hard.").0,
        "now"
    );
}

#[test]
fn a_day_of_a_month_named_before_is_underspecified() {
    let found = found_at(
        "Slepian was killed last October. His name was crossed out that same day.",
        (1999, 2, 6),
    );
    assert_eq!(found[1], ("that same day".to_string(), s("1998-10-XX")));
    // After a day the same day is that day.
    let found = found_at(
        "He was shot on Oct. 23. That same day a fax was sent.",
        (1999, 2, 6),
    );
    assert_eq!(found[1].1, s("1998-10-23"));
}

#[test]
fn a_qualifier_is_inside_a_date_counted_back() {
    let (text, _, value, modifier) = one("the war ended nearly four years ago");
    assert_eq!(
        (text.as_str(), value, modifier),
        ("nearly four years ago", s("2021"), s("APPROX"))
    );
}

#[test]
fn a_position_word_is_inside_yesterday_and_that_day() {
    let (text, _, value, modifier) = one("officials were not available late yesterday");
    assert_eq!(
        (text.as_str(), value, modifier),
        ("late yesterday", s("2025-03-16"), s("END"))
    );
    let found = found_at(
        "He fled in June 1998 and returned later that year.",
        (2000, 1, 28),
    );
    assert_eq!(found[1], ("later that year".to_string(), s("1998")));
    // A weekday keeps "earlier" outside, as the gold does 5 times of 6.
    assert_eq!(one("Earlier Friday, lawyers filed a petition").0, "Friday");
}

#[test]
fn an_adjectival_period_leaves_the_article_out() {
    let found = found_at(
        "The third-quarter loss widened. The year-ago results were restated, and a \
         year-earlier loss of $2 million was cut.",
        (2024, 11, 2),
    );
    let texts: Vec<_> = found.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        texts,
        ["third-quarter", "year-ago", "year-earlier"],
        "{found:?}"
    );
    // A noun after it keeps the article inside.
    assert_eq!(
        found_at("in the year-ago quarter", (2024, 11, 2))[0].0,
        "the year-ago quarter"
    );
}

#[test]
fn a_weekday_with_its_own_event_has_happened() {
    let published = NaiveDate::from_ymd_opt(2000, 1, 7); // a Friday
    let first = |words: &[(&str, &str, &str)]| {
        let (text, layers) = tagged(words);
        TimeFinder::new().find(&text, &layers, published)[0]
            .value
            .clone()
    };
    let around = |before: &[(&'static str, &'static str, &'static str)]| {
        let mut words = vec![
            ("They", "PRON", "they"),
            ("would", "AUX", "would"),
            ("look", "VERB", "look"),
            ("for", "ADP", "for"),
            ("ways", "NOUN", "way"),
        ];
        words.extend_from_slice(before);
        words.extend_from_slice(&[
            ("Wednesday", "PROPN", "Wednesday"),
            ("'s", "PART", "'s"),
            ("ruling", "NOUN", "ruling"),
            (".", "PUNCT", "."),
        ]);
        words
    };
    // "would look for ways around Wednesday's ruling": the ruling was on Wednesday.
    assert_eq!(
        first(&around(&[("around", "ADP", "around")])),
        s("2000-01-05")
    );
    // "ahead of Wednesday's ruling": still to come.
    assert_eq!(
        first(&around(&[("ahead", "ADV", "ahead"), ("of", "ADP", "of")])),
        s("2000-01-12")
    );
}

#[test]
fn a_month_before_a_noun_leaves_the_article_out() {
    let found = found_at(
        "since the January 1998 bombing and the October slaying; The March accession",
        (1999, 3, 12),
    );
    let texts: Vec<_> = found.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(texts, ["January 1998", "October", "March"], "{found:?}");
}

#[test]
fn a_period_named_whole_keeps_its_article() {
    let texts = |text: &str| -> Vec<String> {
        found_at(text, (1989, 10, 30))
            .into_iter()
            .map(|(t, _)| t)
            .collect()
    };
    assert_eq!(
        texts("In the 1988 period it lost money; in the 1988 third quarter it gained."),
        ["the 1988 period", "the 1988 third quarter"]
    );
    assert_eq!(
        texts("a record in the fiscal first quarter and the fiscal-first quarter"),
        ["the fiscal first quarter", "the fiscal-first quarter"]
    );
    // As an adjective the article stays outside: "the fiscal second-quarter net".
    assert_eq!(
        texts("net income for the fiscal second-quarter of $8.6 million"),
        ["fiscal second-quarter"]
    );
    assert_eq!(
        texts("lost to inflation in the last decade"),
        ["the last decade"]
    );
}

#[test]
fn open_ends_and_qualifiers_of_points_are_inside() {
    let texts = |text: &str| -> Vec<(String, Option<String>)> {
        TimeFinder::new()
            .find(
                text,
                &Layers::default(),
                NaiveDate::from_ymd_opt(1989, 10, 30),
            )
            .into_iter()
            .map(|t| (t.text, t.modifier))
            .collect()
    };
    assert_eq!(
        texts("closed over the next year or so, and not profitable until 1994 or later"),
        [
            ("the next year or so".to_string(), s("APPROX")),
            ("1994 or later".to_string(), s("ON_OR_AFTER"))
        ]
    );
    assert_eq!(
        texts("He arrived around 7:15 p.m. for the vote around Nov. 1."),
        [
            ("around 7:15 p.m.".to_string(), s("APPROX")),
            ("around Nov. 1".to_string(), s("APPROX"))
        ]
    );
    // "about" before a day is the preposition of topic.
    assert_eq!(texts("They talked about Nov. 1.")[0].0, "Nov. 1");
    assert_eq!(
        texts("open for no more than sixty days")[0],
        ("no more than sixty days".to_string(), s("EQUAL_OR_LESS"))
    );
    assert_eq!(texts("costs this past spring")[0].0, "this past spring");
    assert_eq!(texts("for the two day rally")[0].0, "two day");
    // "a week or so ago" is a date counted back, the approximation inside.
    let found = found_at("Then, a week or so ago, he picked a day.", (1991, 2, 25));
    assert_eq!(found[0], ("a week or so ago".to_string(), s("1991-W08")));
}

#[test]
fn an_indefinite_quarter_is_background() {
    // "After a flat second quarter": the report is still about the third quarter.
    let found = found_at(
        "Net rose in the third quarter. After a flat second quarter tied to newsprint, \
         the gain came from diapers. Charges taken in the year-earlier period helped.",
        (1989, 10, 30),
    );
    assert_eq!(
        found[2],
        ("the year-earlier period".to_string(), s("1988-Q3"))
    );
    // Named with the definite article it is the period under discussion.
    let found = found_at(
        "Net rose in the third quarter. In the second quarter it fell. Charges taken in \
         the year-earlier period helped.",
        (1989, 10, 30),
    );
    assert_eq!(
        found[2],
        ("the year-earlier period".to_string(), s("1988-Q2"))
    );
}

#[test]
fn names_are_no_days() {
    assert!(find("This is VOA Today. He reads USA Today.").is_empty());
    // The day itself stays: after a dateline in capitals, and after "of".
    assert_eq!(one("WASHINGTON Today the Senate voted.").2, s("2025-03-17"));
    assert_eq!(
        one("They awaited the outcome of today's vote.").2,
        s("2025-03-17")
    );
    assert_eq!(
        one("The Pentagon said today it will look again.").2,
        s("2025-03-17")
    );
    assert_eq!(one("Today, hundreds of people arrived.").2, s("2025-03-17"));
}

#[test]
fn a_date_half_a_year_away_without_tense_is_past() {
    // 181 days ahead against 184 back: with no tense the past wins.
    let found = found_at("its record high set on Aug. 6", (1998, 2, 6));
    assert_eq!(found[0].1, s("1997-08-06"));
    // Clearly nearer ahead, it stays ahead.
    let found = found_at("its record high set on April 6", (1998, 2, 6));
    assert_eq!(found[0].1, s("1998-04-06"));
}

#[test]
fn an_ordinal_day_said_of_today_is_today() {
    let found = found_at("It's the second day of an offensive.", (1998, 3, 6));
    assert_eq!(found, [("the second day".to_string(), s("1998-03-06"))]);
    // In the past it names some earlier day we cannot place: no expression.
    assert!(found_at("It was the second day of an offensive.", (1998, 3, 6)).is_empty());
}
