//! Holidays with a rule for their date: fixed days, "the fourth Thursday of November",
//! Easter (Gregorian computus). US and Western holidays common in English-language news.

use chrono::{Datelike, NaiveDate, Weekday};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Rule {
    Fixed(u32, u32),
    /// The n-th (1-based; 5 = last) weekday of a month.
    Nth(u32, Weekday, u32),
    /// The Tuesday after the first Monday of November (US election day).
    Election,
    Easter,
}

/// The holiday named by the words at hand (lower-case): how many words it takes.
pub(crate) fn holiday(w: &[&str]) -> Option<(Rule, usize)> {
    let at = |k: usize| w.get(k).copied().unwrap_or("");
    let day_or_eve = |k: usize, fixed: (u32, u32), eve: Option<(u32, u32)>| match at(k) {
        "day" => Some((Rule::Fixed(fixed.0, fixed.1), k + 1)),
        "eve" => eve.map(|(m, d)| (Rule::Fixed(m, d), k + 1)),
        _ => None,
    };
    match at(0) {
        "christmas" => day_or_eve(1, (12, 25), Some((12, 24))).or(Some((Rule::Fixed(12, 25), 1))),
        "thanksgiving" => Some((
            Rule::Nth(11, Weekday::Thu, 4),
            if at(1) == "day" { 2 } else { 1 },
        )),
        "easter" => Some((Rule::Easter, if at(1) == "sunday" { 2 } else { 1 })),
        "halloween" => Some((Rule::Fixed(10, 31), 1)),
        "new" if at(1) == "year" && matches!(at(2), "'s" | "’s") => {
            day_or_eve(3, (1, 1), Some((12, 31)))
        }
        "valentine" if matches!(at(1), "'s" | "’s") => day_or_eve(2, (2, 14), None),
        "independence" => day_or_eve(1, (7, 4), None),
        "labor" | "labour" => (at(1) == "day").then_some((Rule::Nth(9, Weekday::Mon, 1), 2)),
        "memorial" => (at(1) == "day").then_some((Rule::Nth(5, Weekday::Mon, 5), 2)),
        "election" => (at(1) == "day").then_some((Rule::Election, 2)),
        _ => None,
    }
}

/// The holiday's date in `year`.
pub(crate) fn date(rule: Rule, year: i32) -> Option<NaiveDate> {
    match rule {
        Rule::Fixed(m, d) => NaiveDate::from_ymd_opt(year, m, d),
        Rule::Nth(month, weekday, 5) => {
            let next = if month == 12 {
                NaiveDate::from_ymd_opt(year + 1, 1, 1)?
            } else {
                NaiveDate::from_ymd_opt(year, month + 1, 1)?
            };
            let mut d = next.pred_opt()?;
            while d.weekday() != weekday {
                d = d.pred_opt()?;
            }
            Some(d)
        }
        Rule::Nth(month, weekday, n) => {
            NaiveDate::from_weekday_of_month_opt(year, month, weekday, u8::try_from(n).ok()?)
        }
        Rule::Election => {
            let monday = NaiveDate::from_weekday_of_month_opt(year, 11, Weekday::Mon, 1)?;
            monday.succ_opt()
        }
        Rule::Easter => {
            // Anonymous Gregorian algorithm (Meeus/Jones/Butcher).
            if year < 1583 {
                return None;
            }
            let a = year % 19;
            let b = year / 100;
            let c = year % 100;
            let d = b / 4;
            let e = b % 4;
            let f = (b + 8) / 25;
            let g = (b - f + 1) / 3;
            let h = (19 * a + b - d - g + 15) % 30;
            let i = c / 4;
            let k = c % 4;
            let l = (32 + 2 * e + 2 * i - h - k) % 7;
            let m = (a + 11 * h + 22 * l) / 451;
            let month = (h + l - 7 * m + 114) / 31;
            let day = (h + l - 7 * m + 114) % 31 + 1;
            NaiveDate::from_ymd_opt(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        assert_eq!(date(Rule::Nth(11, Weekday::Thu, 4), 1999), d("1999-11-25"));
        assert_eq!(date(Rule::Election, 1998), d("1998-11-03"));
        assert_eq!(date(Rule::Easter, 2000), d("2000-04-23"));
        assert_eq!(date(Rule::Easter, 2025), d("2025-04-20"));
        assert_eq!(date(Rule::Nth(5, Weekday::Mon, 5), 2025), d("2025-05-26"));
        assert_eq!(holiday(&["new", "year's", "day"]), None);
        assert_eq!(
            holiday(&["new", "year", "’s", "eve"]),
            Some((Rule::Fixed(12, 31), 4))
        );
    }
}
