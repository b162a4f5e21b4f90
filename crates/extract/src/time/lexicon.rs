//! English words for times: months, weekdays, units, parts of the day, seasons, ordinals
//! and the modifiers TIMEX3 records in `mod`. Keys are lower-case.

/// Calendar and clock units, coarsest last.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Unit {
    Second,
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Quarter,
    Year,
    Decade,
    Century,
}

impl Unit {
    /// The TIMEX3 duration designator: `P3Y`, `PT5H`, `P2DE`.
    pub fn duration(self, amount: &str) -> String {
        match self {
            Unit::Second => format!("PT{amount}S"),
            Unit::Minute => format!("PT{amount}M"),
            Unit::Hour => format!("PT{amount}H"),
            Unit::Day => format!("P{amount}D"),
            Unit::Week => format!("P{amount}W"),
            Unit::Month => format!("P{amount}M"),
            Unit::Quarter => format!("P{amount}Q"),
            Unit::Year => format!("P{amount}Y"),
            // TimeML corpora write decades and centuries in years.
            Unit::Decade | Unit::Century => {
                let years = if self == Unit::Decade { 10.0 } else { 100.0 };
                match amount.parse::<f64>() {
                    Ok(n) => format!("P{}Y", n * years),
                    Err(_) => "PXY".to_string(),
                }
            }
        }
    }
}

pub(crate) fn month(w: &str) -> Option<u32> {
    Some(match w {
        "january" | "jan." | "jan" => 1,
        "february" | "feb." | "feb" => 2,
        "march" | "mar." => 3,
        "april" | "apr." => 4,
        "may" => 5,
        "june" | "jun." => 6,
        "july" | "jul." => 7,
        "august" | "aug." | "aug" => 8,
        "september" | "sept." | "sep." | "sept" => 9,
        "october" | "oct." | "oct" => 10,
        "november" | "nov." | "nov" => 11,
        "december" | "dec." | "dec" => 12,
        _ => return None,
    })
}

/// Monday = 0 … Sunday = 6 (ISO order).
pub(crate) fn weekday(w: &str) -> Option<u32> {
    Some(match w {
        "monday" | "mon." => 0,
        "tuesday" | "tue." | "tues." => 1,
        "wednesday" | "wed." => 2,
        "thursday" | "thu." | "thur." | "thurs." => 3,
        "friday" | "fri." => 4,
        "saturday" | "sat." => 5,
        "sunday" | "sun." => 6,
        _ => return None,
    })
}

/// A unit word and whether it is plural.
pub(crate) fn unit(w: &str) -> Option<(Unit, bool)> {
    Some(match w {
        "second" => (Unit::Second, false),
        "seconds" => (Unit::Second, true),
        "minute" => (Unit::Minute, false),
        "minutes" => (Unit::Minute, true),
        "hour" => (Unit::Hour, false),
        "hours" => (Unit::Hour, true),
        "day" => (Unit::Day, false),
        "days" => (Unit::Day, true),
        "week" => (Unit::Week, false),
        "weeks" => (Unit::Week, true),
        "month" => (Unit::Month, false),
        "months" => (Unit::Month, true),
        "quarter" => (Unit::Quarter, false),
        "quarters" => (Unit::Quarter, true),
        "year" => (Unit::Year, false),
        "years" => (Unit::Year, true),
        "decade" => (Unit::Decade, false),
        "decades" => (Unit::Decade, true),
        "century" => (Unit::Century, false),
        "centuries" => (Unit::Century, true),
        _ => return None,
    })
}

/// Parts of the day as TIMEX3 codes.
pub(crate) fn part_of_day(w: &str) -> Option<&'static str> {
    Some(match w {
        "morning" => "MO",
        "afternoon" => "AF",
        "evening" => "EV",
        "night" | "overnight" => "NI",
        _ => return None,
    })
}

pub(crate) fn season(w: &str) -> Option<&'static str> {
    Some(match w {
        "spring" => "SP",
        "summer" => "SU",
        "fall" | "autumn" => "FA",
        "winter" => "WI",
        _ => return None,
    })
}

/// "first" … "thirty-first" as single words, and "1st", "22nd", "3rd", "7th".
pub(crate) fn ordinal(w: &str) -> Option<u32> {
    let word = match w {
        "first" => Some(1),
        "second" => Some(2),
        "third" => Some(3),
        "fourth" => Some(4),
        "fifth" => Some(5),
        "sixth" => Some(6),
        "seventh" => Some(7),
        "eighth" => Some(8),
        "ninth" => Some(9),
        "tenth" => Some(10),
        "eleventh" => Some(11),
        "twelfth" => Some(12),
        _ => None,
    };
    if word.is_some() {
        return word;
    }
    let digits = w.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let suffix = &w[digits.len()..];
    if digits.is_empty() || digits.len() > 2 || !matches!(suffix, "st" | "nd" | "rd" | "th") {
        return None;
    }
    digits.parse().ok()
}

/// Qualifiers before a duration or count, as TIMEX3 `mod` values.
pub(crate) fn approx_mod(w: &str) -> Option<&'static str> {
    Some(match w {
        "about" | "around" | "approximately" | "roughly" | "some" | "nearly" | "almost"
        | "approx." => "APPROX",
        "over" => "MORE_THAN",
        _ => return None,
    })
}

/// Two-word qualifiers: "more than", "at least", "up to", "less than".
pub(crate) fn approx_mod2(a: &str, b: &str) -> Option<&'static str> {
    Some(match (a, b) {
        ("more", "than") => "MORE_THAN",
        ("less", "than") | ("fewer", "than") => "LESS_THAN",
        ("at", "least") => "EQUAL_OR_MORE",
        ("up", "to") | ("at", "most") => "EQUAL_OR_LESS",
        _ => return None,
    })
}

/// Position modifiers before a date: "early March", "mid-2014", "late last year".
pub(crate) fn position_mod(w: &str) -> Option<&'static str> {
    Some(match w {
        "early" | "earlier" => "START",
        "mid" | "middle" => "MID",
        "late" | "later" => "END",
        _ => return None,
    })
}

/// Words that put a weekday or weekend in the future.
pub(crate) fn is_future_marker(w: &str) -> bool {
    matches!(
        w,
        "will"
            | "'ll"
            | "’ll"
            | "shall"
            | "wo"
            | "would"
            | "could"
            | "might"
            | "upcoming"
            | "tomorrow"
            | "next"
            | "coming"
            | "soon"
            | "scheduled"
    )
}

/// Words after which "last" is the verb ("would last", "to last", "didn't last"), not
/// "the latest".
pub(crate) fn is_verb_before_last(w: &str) -> bool {
    matches!(
        w,
        "will"
            | "would"
            | "could"
            | "can"
            | "may"
            | "might"
            | "should"
            | "must"
            | "shall"
            | "to"
            | "not"
            | "n't"
            | "never"
            | "did"
            | "does"
            | "do"
            | "'ll"
            | "’ll"
    )
}

/// Verbs that put what follows "to" in the future: "is set to", "plans to".
pub(crate) fn is_future_verb(w: &str) -> bool {
    matches!(
        w,
        "set"
            | "plan"
            | "plans"
            | "planned"
            | "planning"
            | "scheduled"
            | "expected"
            | "due"
            | "going"
            | "poised"
            | "slated"
            | "intends"
            | "aims"
            | "likely"
            | "is"
            | "are"
    )
}

/// Words before a date that make it a deadline or a start still ahead: "payable Dec. 15",
/// "effective Feb. 1", "by February", "until mid-November".
pub(crate) fn is_deadline_word(w: &str) -> bool {
    matches!(
        w,
        "by" | "until" | "till" | "effective" | "payable" | "through"
    )
}
