//! A story's timeline: its events placed on dates, with the same real-world event reported
//! by several articles merged into one entry ("Trump plans to speak with Putin on Tuesday"
//! in one outlet and "Trump and Putin are likely to hold discussions this week" in another).
//!
//! Two reports are the same event when they have the same PLOVER type, the same
//! participants (entity ids where resolved, else names; actor and recipient in either
//! order), and compatible dates: one date interval contains the other ("Tuesday 18 March"
//! lies in "the week of 17 March"). A report without a date of its own is placed by its
//! article's date and flagged; it joins an entry with the same participants dated within
//! [`UNDATED_WINDOW_DAYS`] of that article date. Reports without any participant merge only
//! with reports of the same type, day and place.

use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;

/// How far from its article's date an undated report may join a dated entry.
pub const UNDATED_WINDOW_DAYS: i64 = 7;

/// One participant of an event, as the timeline compares them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Party {
    pub label: String,
    pub entity: Option<String>,
}

impl Party {
    fn key(&self) -> String {
        self.entity
            .clone()
            .unwrap_or_else(|| format!("name:{}", self.label.to_lowercase()))
    }
}

/// An event report: one coded event in one article.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub article_id: String,
    pub source: String,
    /// The article's publication date (ISO 8601 date or date-time).
    pub published: Option<String>,
    #[serde(rename = "type")]
    pub kind: String,
    pub status: String,
    pub trigger: String,
    pub actor: Option<Party>,
    pub recipient: Option<Party>,
    pub place: Option<Party>,
    /// The event's own date (TIMEX3 value), if the sentence gives one.
    pub time: Option<String>,
    pub evidence: String,
    pub sentence_start: usize,
    pub sentence_end: usize,
}

/// A quote that may support an entry: it supports the entries whose evidence sentence
/// holds it.
#[derive(Clone, Debug, Serialize)]
pub struct QuoteRef {
    pub article_id: String,
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub speaker: Option<String>,
}

/// A date interval, inclusive, with its TIMEX3 label.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct When {
    pub value: String,
    pub first: NaiveDate,
    pub last: NaiveDate,
}

impl When {
    fn days(&self) -> i64 {
        (self.last - self.first).num_days()
    }

    fn contains(&self, other: &When) -> bool {
        self.first <= other.first && other.last <= self.last
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Entry {
    /// The most precise date the reports give, or the earliest article date when none does.
    pub date: Option<When>,
    /// No report gives a date: the entry is placed by its articles' dates.
    pub undated: bool,
    #[serde(rename = "type")]
    pub kind: String,
    /// `asserted` when any report says it happened, else the reports' status.
    pub status: String,
    pub actor: Option<Party>,
    pub recipient: Option<Party>,
    pub place: Option<Party>,
    /// Supporting reports, in input order.
    pub reports: Vec<Report>,
    /// Distinct supporting articles.
    pub articles: Vec<String>,
    pub quotes: Vec<QuoteRef>,
}

/// The interval a TIMEX3 value names: a day, an ISO week, a weekend, a month or a year.
/// Relative and duration values ("PAST_REF", "P3Y") name none.
pub fn interval(value: &str) -> Option<When> {
    let when = |first: NaiveDate, last: NaiveDate| {
        Some(When {
            value: value.to_owned(),
            first,
            last,
        })
    };
    let parts: Vec<&str> = value.split('-').collect();
    let year: i32 = parts
        .first()?
        .parse()
        .ok()
        .filter(|_| parts[0].len() == 4)?;
    match parts.as_slice() {
        [_] => when(
            NaiveDate::from_ymd_opt(year, 1, 1)?,
            NaiveDate::from_ymd_opt(year, 12, 31)?,
        ),
        [_, week, rest @ ..] if week.starts_with('W') => {
            let week: u32 = week[1..].parse().ok()?;
            let monday = NaiveDate::from_isoywd_opt(year, week, chrono::Weekday::Mon)?;
            match rest {
                [] => when(monday, monday + Duration::days(6)),
                ["WE"] => when(monday + Duration::days(5), monday + Duration::days(6)),
                _ => None,
            }
        }
        [_, month] => {
            let month: u32 = month.parse().ok()?;
            let first = NaiveDate::from_ymd_opt(year, month, 1)?;
            let next = if month == 12 {
                NaiveDate::from_ymd_opt(year + 1, 1, 1)?
            } else {
                NaiveDate::from_ymd_opt(year, month + 1, 1)?
            };
            when(first, next - Duration::days(1))
        }
        [_, month, day] => {
            let day =
                NaiveDate::from_ymd_opt(year, month.parse().ok()?, day.get(..2)?.parse().ok()?)?;
            when(day, day)
        }
        _ => None,
    }
}

fn article_day(published: Option<&str>) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(published?.get(..10)?, "%Y-%m-%d").ok()
}

fn day_when(day: NaiveDate) -> When {
    When {
        value: format!("{:04}-{:02}-{:02}", day.year(), day.month(), day.day()),
        first: day,
        last: day,
    }
}

/// The participants' key: sorted, so "A meets B" and "B meets A" match.
fn parties_key(report: &Report) -> Vec<String> {
    let mut keys: Vec<String> = [&report.actor, &report.recipient]
        .into_iter()
        .flatten()
        .map(Party::key)
        .collect();
    keys.sort();
    keys
}

struct Building {
    entry: Entry,
    key: (String, Vec<String>),
    /// The entry's own date from reports (None while only undated reports joined).
    dated: Option<When>,
    /// Article dates of its reports.
    days: Vec<NaiveDate>,
    place: Option<String>,
}

/// Builds the timeline of one story's event reports. Entries come ordered by date (the
/// start of their interval, undated ones by their article date), then by type.
pub fn build(reports: &[Report], quotes: &[QuoteRef]) -> Vec<Entry> {
    let mut entries: Vec<Building> = Vec::new();
    // Dated reports first, so undated ones find the entries they belong to.
    let mut order: Vec<usize> = (0..reports.len()).collect();
    order.sort_by_key(|&i| reports[i].time.as_deref().and_then(interval).is_none());
    for i in order {
        let report = &reports[i];
        let key = (report.kind.clone(), parties_key(report));
        let when = report.time.as_deref().and_then(interval);
        let day = article_day(report.published.as_deref());
        let place = report.place.as_ref().map(Party::key);
        let anonymous = key.1.is_empty();
        let found = entries.iter_mut().find(|b| {
            if b.key != key {
                return false;
            }
            if anonymous && (b.place != place || b.place.is_none()) {
                return false;
            }
            match (&when, &b.dated) {
                (Some(w), Some(d)) => {
                    (w.contains(d) || d.contains(w))
                        && (!anonymous || w.days() == 0 && d.days() == 0)
                }
                (None, Some(d)) => {
                    !anonymous
                        && day.is_some_and(|day| {
                            let window = Duration::days(UNDATED_WINDOW_DAYS);
                            d.first - window <= day && day <= d.last + window
                        })
                }
                (None, None) => !anonymous && day.is_some_and(|day| b.days.contains(&day)),
                (Some(_), None) => false,
            }
        });
        match found {
            Some(b) => {
                if let Some(w) = when
                    && b.dated.as_ref().is_none_or(|d| w.days() < d.days())
                {
                    b.dated = Some(w);
                }
                b.days.extend(day);
                b.entry.reports.push(report.clone());
            }
            None => entries.push(Building {
                entry: Entry {
                    date: None,
                    undated: false,
                    kind: report.kind.clone(),
                    status: String::new(),
                    actor: report.actor.clone(),
                    recipient: report.recipient.clone(),
                    place: report.place.clone(),
                    reports: vec![report.clone()],
                    articles: Vec::new(),
                    quotes: Vec::new(),
                },
                key,
                dated: when,
                days: day.into_iter().collect(),
                place,
            }),
        }
    }
    let mut entries: Vec<Entry> = entries.into_iter().map(|b| finish(b, quotes)).collect();
    entries.sort_by(|a, b| {
        let start = |e: &Entry| e.date.as_ref().map(|d| d.first);
        start(a)
            .is_none()
            .cmp(&start(b).is_none())
            .then(start(a).cmp(&start(b)))
            .then(a.kind.cmp(&b.kind))
    });
    entries
}

fn finish(b: Building, quotes: &[QuoteRef]) -> Entry {
    let mut entry = b.entry;
    entry.undated = b.dated.is_none();
    entry.date = b
        .dated
        .or_else(|| b.days.iter().min().copied().map(day_when));
    entry.status = if entry.reports.iter().any(|r| r.status == "asserted") {
        "asserted".to_owned()
    } else {
        entry.reports[0].status.clone()
    };
    for r in &entry.reports {
        if !entry.articles.contains(&r.article_id) {
            entry.articles.push(r.article_id.clone());
        }
        // Fill in participants a later report names and the first did not.
        if entry.place.is_none() {
            entry.place = r.place.clone();
        }
    }
    entry.quotes = quotes
        .iter()
        .filter(|q| {
            entry.reports.iter().any(|r| {
                r.article_id == q.article_id
                    && r.sentence_start <= q.start
                    && q.end <= r.sentence_end
            })
        })
        .cloned()
        .collect();
    entry
}

#[cfg(test)]
mod tests {
    use super::*;

    fn party(label: &str, entity: &str) -> Option<Party> {
        Some(Party {
            label: label.to_owned(),
            entity: Some(entity.to_owned()),
        })
    }

    fn report(article: &str, published: &str, kind: &str, time: Option<&str>) -> Report {
        Report {
            article_id: article.to_owned(),
            source: format!("{article}.txt"),
            published: Some(published.to_owned()),
            kind: kind.to_owned(),
            status: "planned".to_owned(),
            trigger: "speak".to_owned(),
            actor: party("Trump", "e-trump"),
            recipient: party("Putin", "e-putin"),
            place: None,
            time: time.map(str::to_owned),
            evidence: "…".to_owned(),
            sentence_start: 0,
            sentence_end: 100,
        }
    }

    #[test]
    fn intervals_of_timex_values() {
        let day = interval("2025-03-18").unwrap();
        assert_eq!((day.first, day.last), (day.first, day.first));
        let week = interval("2025-W12").unwrap();
        assert_eq!(week.first, NaiveDate::from_ymd_opt(2025, 3, 17).unwrap());
        assert_eq!(week.last, NaiveDate::from_ymd_opt(2025, 3, 23).unwrap());
        let weekend = interval("2025-W11-WE").unwrap();
        assert_eq!(weekend.first, NaiveDate::from_ymd_opt(2025, 3, 15).unwrap());
        assert_eq!(
            interval("2024-02").unwrap().last,
            NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()
        );
        assert_eq!(interval("2024").unwrap().days(), 365);
        assert!(week.contains(&day));
        for value in [
            "PAST_REF",
            "P3Y",
            "PRESENT_REF",
            "2025-13",
            "XXXX-03-18",
            "",
        ] {
            assert!(interval(value).is_none(), "{value}");
        }
    }

    #[test]
    fn a_day_inside_a_week_is_one_entry_with_both_articles() {
        let reports = vec![
            report("a", "2025-03-17", "CONSULT", Some("2025-03-18")),
            report("b", "2025-03-17", "CONSULT", Some("2025-W12")),
            // Same participants the next month: another call.
            report("c", "2025-04-20", "CONSULT", Some("2025-04-21")),
            // Undated, published near the first call: joins it.
            report("d", "2025-03-16", "CONSULT", None),
        ];
        let quotes = vec![QuoteRef {
            article_id: "b".to_owned(),
            start: 10,
            end: 20,
            text: "a good call".to_owned(),
            speaker: Some("Witkoff".to_owned()),
        }];
        let timeline = build(&reports, &quotes);
        assert_eq!(timeline.len(), 2);
        assert_eq!(timeline[0].date.as_ref().unwrap().value, "2025-03-18");
        assert_eq!(timeline[0].articles, ["a", "b", "d"]);
        assert_eq!(timeline[0].quotes.len(), 1);
        assert!(!timeline[0].undated);
        assert_eq!(timeline[1].articles, ["c"]);
    }

    #[test]
    fn different_types_participants_or_disjoint_dates_stay_apart() {
        let mut other = report("b", "2025-03-17", "CONSULT", Some("2025-03-19"));
        other.recipient = party("Zelensky", "e-zelensky");
        let reports = vec![
            report("a", "2025-03-17", "CONSULT", Some("2025-03-18")),
            other,
            report("c", "2025-03-17", "ASSAULT", Some("2025-03-18")),
            report("d", "2025-03-17", "CONSULT", Some("2025-03-20")),
        ];
        assert_eq!(build(&reports, &[]).len(), 4);
    }

    #[test]
    fn reports_without_dates_are_placed_by_their_article_and_flagged() {
        let mut lone = report("a", "2025-03-17", "ASSAULT", None);
        lone.actor = None;
        lone.recipient = None;
        let mut again = lone.clone();
        again.article_id = "b".to_owned();
        let timeline = build(&[lone, again], &[]);
        // No participants and no place: nothing says they are the same attack.
        assert_eq!(timeline.len(), 2);
        assert!(timeline.iter().all(|e| e.undated));
        assert_eq!(timeline[0].date.as_ref().unwrap().value, "2025-03-17");
    }
}
