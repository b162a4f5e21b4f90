//! The times and quantities layers: time expressions normalised to TIMEX3 values, and
//! numbers with what they count and who claims them.

use serde::{Deserialize, Serialize};

/// The four TIMEX3 types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum TimexType {
    /// A calendar point or period: "on Sunday", "last week", "February 2022".
    Date,
    /// A time of day: "10:35 a.m.", "Sunday night".
    Time,
    /// A length of time: "nearly three years", "30-day".
    Duration,
    /// A recurring time: "every week", "daily".
    Set,
}

impl TimexType {
    pub fn as_str(self) -> &'static str {
        match self {
            TimexType::Date => "DATE",
            TimexType::Time => "TIME",
            TimexType::Duration => "DURATION",
            TimexType::Set => "SET",
        }
    }
}

/// What a relative expression was resolved against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeAnchor {
    /// The article's publication date ("last week").
    Publication,
    /// The previous time expression in the text ("the day before").
    Previous,
}

/// One time expression (TIMEX3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeExpression {
    /// Start (code points).
    pub start: usize,
    /// End (code points, exclusive).
    pub end: usize,
    pub text: String,
    #[serde(rename = "type")]
    pub kind: TimexType,
    /// The TIMEX3 value ("2025-03-16", "2025-W11-WE", "P3Y", "PAST_REF"); `None` when the
    /// expression is relative and there is nothing to resolve it against.
    pub value: Option<String>,
    /// TIMEX3 `mod`: "APPROX", "LESS_THAN", "START", "MID", "END", …
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "mod")]
    pub modifier: Option<String>,
    /// For relative expressions: what the value was computed from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anchor: Option<TimeAnchor>,
    /// True when the text allows more than one reading ("03/04/2025" without the source's
    /// locale): `value` then keeps only what all readings share.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ambiguous: bool,
}

/// GDELT-style kinds of counts: what happened to the people (or things) counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum CountType {
    Kill,
    Wound,
    Arrest,
    Kidnap,
    Displaced,
    Evacuate,
    Sick,
    /// People affected in general: "prisoners", "detainees", "troops" and the like.
    Affect,
}

/// A number in the text with what it counts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Quantity {
    /// Start (code points) of the number phrase, qualifier included.
    pub start: usize,
    /// End (code points, exclusive).
    pub end: usize,
    pub text: String,
    /// The number ("tens of thousands" → 10000, the lower bound). For a range, the low end.
    pub value: f64,
    /// The high end of a range ("between 10 and 15", "10-15"), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upper: Option<f64>,
    /// "approximately", "at least", "more than", … as written, lower-cased.
    pub qualifier: Option<String>,
    /// "percent", "USD", "day", … (singular).
    pub unit: Option<String>,
    /// What is counted: "troops", "Shahed drones", "killed".
    pub counts: Option<String>,
    pub count_type: Option<CountType>,
    /// Who claims the number: the speaker of the quote or attribution that contains it.
    pub claimed_by: Option<String>,
    /// True when the number is vague ("tens of thousands", "dozens"): `value` is a lower bound.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub vague: bool,
}
