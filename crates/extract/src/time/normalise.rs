//! Calendar arithmetic: from what an expression means ([`Sem`]) to a TIMEX3 value,
//! given the publication date, the tense around the expression and the previous
//! expression. Weeks are ISO 8601 weeks (Monday first, week 1 holds the year's first
//! Thursday) everywhere, and a weekend belongs to the ISO week of its Saturday and Sunday.

use chrono::{Datelike, Days, Months, NaiveDate};
use storyline_model::{TimeAnchor, TimexType};

use crate::time::grammar::Sem;
use crate::time::holiday;
use crate::time::lexicon::Unit;

/// A resolved calendar point, kept as the anchor for later relative expressions.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Point {
    Day(NaiveDate),
    /// The Monday of an ISO week.
    Week(NaiveDate),
    Month(i32, u32),
    Quarter(i32, u32),
    Year(i32),
}

impl Point {
    pub fn value(self) -> String {
        match self {
            Point::Day(d) => d.format("%Y-%m-%d").to_string(),
            Point::Week(monday) => week_value(monday),
            Point::Month(y, m) => format!("{y:04}-{m:02}"),
            Point::Quarter(y, q) => format!("{y:04}-Q{q}"),
            Point::Year(y) => format!("{y:04}"),
        }
    }

    fn first_day(self) -> Option<NaiveDate> {
        match self {
            Point::Day(d) | Point::Week(d) => Some(d),
            Point::Month(y, m) => NaiveDate::from_ymd_opt(y, m, 1),
            Point::Quarter(y, q) => NaiveDate::from_ymd_opt(y, q * 3 - 2, 1),
            Point::Year(y) => NaiveDate::from_ymd_opt(y, 1, 1),
        }
    }

    /// The finest unit this point names.
    fn grain(self) -> Unit {
        match self {
            Point::Day(_) => Unit::Day,
            Point::Week(_) => Unit::Week,
            Point::Month(..) => Unit::Month,
            Point::Quarter(..) => Unit::Quarter,
            Point::Year(_) => Unit::Year,
        }
    }
}

fn week_value(monday: NaiveDate) -> String {
    let week = monday.iso_week();
    format!("{:04}-W{:02}", week.year(), week.week())
}

fn monday_of(d: NaiveDate) -> Option<NaiveDate> {
    d.checked_sub_days(Days::new(u64::from(d.weekday().num_days_from_monday())))
}

fn add_days(d: NaiveDate, n: i64) -> Option<NaiveDate> {
    if n >= 0 {
        d.checked_add_days(Days::new(n.unsigned_abs()))
    } else {
        d.checked_sub_days(Days::new(n.unsigned_abs()))
    }
}

fn add_months(d: NaiveDate, n: i64) -> Option<NaiveDate> {
    let m = Months::new(u32::try_from(n.unsigned_abs()).ok()?);
    if n >= 0 {
        d.checked_add_months(m)
    } else {
        d.checked_sub_months(m)
    }
}

/// The date of `day` (Monday = 0) on the point representing `d`, in the given unit, at that
/// unit's grain.
fn point_at(d: NaiveDate, unit: Unit) -> Option<Point> {
    Some(match unit {
        Unit::Day => Point::Day(d),
        Unit::Week => Point::Week(monday_of(d)?),
        Unit::Month => Point::Month(d.year(), d.month()),
        Unit::Quarter => Point::Quarter(d.year(), (d.month() - 1) / 3 + 1),
        Unit::Year => Point::Year(d.year()),
        _ => return None,
    })
}

/// `d` moved by `n` units.
fn shift_date(d: NaiveDate, unit: Unit, n: i64) -> Option<NaiveDate> {
    match unit {
        Unit::Day => add_days(d, n),
        Unit::Week => add_days(d, n.checked_mul(7)?),
        Unit::Month => add_months(d, n),
        Unit::Quarter => add_months(d, n.checked_mul(3)?),
        Unit::Year => add_months(d, n.checked_mul(12)?),
        Unit::Decade => add_months(d, n.checked_mul(120)?),
        _ => None,
    }
}

/// The tense of the clause around an expression, for weekdays and bare months.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tense {
    Past,
    /// The past of the clause after a fronted date ("In January, X brought in …").
    FrontedPast,
    Future,
    Unknown,
}

/// How to read "03/04/2025": `Some(true)` day first, `Some(false)` month first, `None`
/// unknown (then only the year is certain).
pub(crate) type DayFirst = Option<bool>;

pub(crate) struct Resolved {
    pub kind: TimexType,
    pub value: Option<String>,
    pub anchor: Option<TimeAnchor>,
    pub point: Option<Point>,
    pub ambiguous: bool,
}

impl Resolved {
    fn new(kind: TimexType, value: Option<String>) -> Self {
        Resolved {
            kind,
            value,
            anchor: None,
            point: None,
            ambiguous: false,
        }
    }

    fn point(point: Option<Point>, anchor: Option<TimeAnchor>) -> Self {
        Resolved {
            kind: TimexType::Date,
            value: point.map(Point::value),
            anchor: anchor.filter(|_| point.is_some()),
            point,
            ambiguous: false,
        }
    }
}

/// Everything `resolve` may look at besides the expression.
pub(crate) struct Context<'a> {
    pub published: Option<NaiveDate>,
    pub previous: Option<Point>,
    /// The quarter last under discussion, even when other expressions came after it
    /// ("the quarter ended Sept. 29 … earlier this month … for the quarter").
    pub quarter: Option<(i32, u32)>,
    pub day_first: DayFirst,
    pub tense: &'a mut dyn FnMut() -> Tense,
}

pub(crate) fn resolve(sem: &Sem, cx: &mut Context<'_>) -> Resolved {
    use TimexType::{Date, Duration, Set, Time};
    let dct = cx.published;
    let from_dct = Some(TimeAnchor::Publication);
    match *sem {
        Sem::Calendar {
            year: Some(y),
            month,
            day: Some(d),
        } => Resolved::point(NaiveDate::from_ymd_opt(y, month, d).map(Point::Day), None),
        Sem::Calendar {
            year: Some(y),
            month,
            day: None,
        } => Resolved::point(Some(Point::Month(y, month)), None),
        Sem::Calendar {
            year: None,
            month,
            day,
        } => {
            let Some(dct) = dct else {
                return Resolved::new(Date, None);
            };
            let year = nearest_year(dct, (cx.tense)(), |y| {
                NaiveDate::from_ymd_opt(y, month, day.unwrap_or(15))
            });
            let point = match day {
                Some(d) => NaiveDate::from_ymd_opt(year, month, d).map(Point::Day),
                None => Some(Point::Month(year, month)),
            };
            Resolved::point(point, from_dct)
        }
        Sem::WeekOf(ref day) => {
            let day = resolve(day, cx);
            let week = match day.point {
                Some(Point::Day(d)) => monday_of(d).map(Point::Week),
                _ => None,
            };
            Resolved::point(week, day.anchor)
        }
        Sem::CalendarInYear { offset, month, day } => {
            let Some(dct) = dct else {
                return Resolved::new(Date, None);
            };
            let year = dct.year() + offset;
            let point = match day {
                Some(d) => NaiveDate::from_ymd_opt(year, month, d).map(Point::Day),
                None => Some(Point::Month(year, month)),
            };
            Resolved::point(point, from_dct)
        }
        Sem::Numeric {
            first,
            second,
            year,
        } => {
            let month_first = NaiveDate::from_ymd_opt(year, first, second);
            let day_first = NaiveDate::from_ymd_opt(year, second, first);
            let chosen = match (month_first, day_first, cx.day_first) {
                (Some(a), Some(b), _) if a == b => Some(a),
                (Some(a), None, _) => Some(a),
                (None, Some(b), _) => Some(b),
                (Some(_), Some(b), Some(true)) => Some(b),
                (Some(a), Some(_), Some(false)) => Some(a),
                _ => None,
            };
            match chosen {
                Some(d) => Resolved::point(Some(Point::Day(d)), None),
                None if month_first.is_some() => {
                    // Both readings are valid dates: only the year is certain.
                    let mut r = Resolved::new(Date, Some(format!("{year:04}")));
                    r.ambiguous = true;
                    r
                }
                None => Resolved::new(Date, None),
            }
        }
        Sem::Year(y) => Resolved::point(Some(Point::Year(y)), None),
        Sem::Decade(d) => Resolved::new(Date, Some(format!("{d:03}"))),
        Sem::Century(c) => Resolved::new(Date, Some(format!("{c:02}"))),
        Sem::Weekday { day, shift, part } => {
            let Some(dct) = dct else {
                return Resolved::new(if part.is_some() { Time } else { Date }, None);
            };
            let today = i64::from(dct.weekday().num_days_from_monday());
            let day = i64::from(day);
            let offset = match shift {
                // "last Friday": the latest one strictly before today.
                Some(-1) => -((today - day + 6).rem_euclid(7) + 1),
                // "next Friday": the first one strictly after today.
                Some(1) => (day - today + 6).rem_euclid(7) + 1,
                // "this Friday": in this ISO week.
                Some(_) => day - today,
                None => match (cx.tense)() {
                    Tense::Future => (day - today).rem_euclid(7),
                    _ => -(today - day).rem_euclid(7),
                },
            };
            day_with_part(add_days(dct, offset), part)
        }
        Sem::DayOffset { offset, part } => {
            let Some(dct) = dct else {
                return Resolved::new(if part.is_some() { Time } else { Date }, None);
            };
            day_with_part(add_days(dct, offset), part)
        }
        Sem::Relative { unit, offset } => {
            let Some(dct) = dct else {
                return Resolved::new(Date, None);
            };
            match unit {
                Unit::Decade => {
                    let decade = dct.year().div_euclid(10) + offset;
                    Resolved::new(Date, Some(format!("{decade:03}")))
                }
                Unit::Century => {
                    let century = dct.year().div_euclid(100) + offset;
                    Resolved::new(Date, Some(format!("{century:02}")))
                }
                _ => {
                    let point =
                        shift_date(dct, unit, i64::from(offset)).and_then(|d| point_at(d, unit));
                    Resolved::point(point, from_dct)
                }
            }
        }
        Sem::Weekend { shift } => {
            let Some(dct) = dct else {
                return Resolved::new(Date, None);
            };
            let weekend_now = dct.weekday().num_days_from_monday() >= 5;
            let weeks = match shift {
                Some(s) => i64::from(s),
                None => match (cx.tense)() {
                    Tense::Future => 0,
                    _ if weekend_now => 0,
                    _ => -1,
                },
            };
            let monday = monday_of(dct).and_then(|m| add_days(m, weeks * 7));
            let mut r = Resolved::new(Date, monday.map(|m| format!("{}-WE", week_value(m))));
            r.anchor = from_dct.filter(|_| r.value.is_some());
            r
        }
        Sem::QuarterEnding { year, month, day } => {
            // A fiscal quarter under discussion ("the fiscal first quarter … the quarter
            // ended Sept. 29") keeps its name.
            if matches!(cx.previous, Some(Point::Quarter(..))) || cx.quarter.is_some() {
                let sem = Sem::Quarter {
                    quarter: None,
                    year: None,
                };
                return resolve(&sem, cx);
            }
            let on = |y| NaiveDate::from_ymd_opt(y, month, day);
            let anchor = year.is_none().then_some(TimeAnchor::Publication);
            let year = match (year, dct) {
                (Some(y), _) => y,
                // A period that has ended: the latest such day, as for a past tense.
                (None, Some(d)) => nearest_year(d, Tense::Past, on),
                (None, None) => return Resolved::new(Date, None),
            };
            // Six weeks back is the middle of the three months.
            let point = on(year)
                .and_then(|d| add_days(d, -45))
                .and_then(|d| point_at(d, Unit::Quarter));
            Resolved::point(point, anchor)
        }
        Sem::DayFrom { ref base, days } => {
            let base = resolve(base, cx);
            let day = match base.point {
                Some(Point::Day(d)) => add_days(d, days),
                _ => None,
            };
            Resolved::point(day.map(Point::Day), base.anchor)
        }
        Sem::WeekdayFrom { day, direction } => {
            // From the previous expression's day, else as "last Friday" / "next Friday".
            let (from, anchor) = match (cx.previous, dct) {
                (Some(Point::Day(d)), _) => (d, TimeAnchor::Previous),
                (_, Some(d)) => (d, TimeAnchor::Publication),
                _ => return Resolved::new(Date, None),
            };
            let today = i64::from(from.weekday().num_days_from_monday());
            let day = i64::from(day);
            let offset = if direction < 0 {
                -((today - day + 6).rem_euclid(7) + 1)
            } else {
                (day - today + 6).rem_euclid(7) + 1
            };
            Resolved::point(add_days(from, offset).map(Point::Day), Some(anchor))
        }
        Sem::MonthShift { month, shift, day } => {
            let Some(dct) = dct else {
                return Resolved::new(Date, None);
            };
            let year = match shift {
                -1 if month < dct.month() => dct.year(),
                -1 => dct.year() - 1,
                1 if month > dct.month() => dct.year(),
                1 => dct.year() + 1,
                _ => dct.year(),
            };
            let point = match day {
                Some(d) => NaiveDate::from_ymd_opt(year, month, d).map(Point::Day),
                None => Some(Point::Month(year, month)),
            };
            Resolved::point(point, from_dct)
        }
        Sem::Season {
            season,
            year: Some(year),
            ..
        } => Resolved::new(Date, Some(format!("{year:04}-{season}"))),
        Sem::Season { season, shift, .. } => {
            let Some(dct) = dct else {
                return Resolved::new(Date, None);
            };
            let start = match season {
                "SP" => 3,
                "SU" => 6,
                "FA" => 9,
                _ => 12,
            };
            let year = match shift {
                -1 if dct.month() >= start + 3 => dct.year(),
                -1 => dct.year() - 1,
                1 if dct.month() < start => dct.year(),
                1 => dct.year() + 1,
                _ => dct.year(),
            };
            let mut r = Resolved::new(Date, Some(format!("{year:04}-{season}")));
            r.anchor = from_dct;
            r
        }
        Sem::Quarter { quarter, year } => {
            let current = dct.map(|d| (d.year(), (d.month() - 1) / 3 + 1));
            let latest = current.map(|(y, cq)| if cq == 1 { (y - 1, 4) } else { (y, cq - 1) });
            let previous = match cx.previous {
                Some(Point::Quarter(y, q)) => Some((y, q)),
                _ => cx.quarter,
            };
            let (point, anchor) = match (quarter, year) {
                (Some(q), Some(y)) => (Some((y, q)), None),
                (Some(q), None) => (
                    current.map(|(y, cq)| (if q <= cq { y } else { y - 1 }, q)),
                    from_dct,
                ),
                // "the 1988 quarter": the quarter under discussion, in that year.
                (None, Some(y)) => (previous.or(latest).map(|(_, q)| (y, q)), from_dct),
                // "the quarter": the one under discussion, else the latest that has ended.
                (None, None) => match previous {
                    Some(p) => (Some(p), Some(TimeAnchor::Previous)),
                    None => (latest, from_dct),
                },
            };
            Resolved::point(point.map(|(y, q)| Point::Quarter(y, q)), anchor)
        }
        // "the 1988 period": the period under discussion, in that year; after "the nine
        // months" the months of that year, written as the year.
        Sem::YearPeriod(y) => match cx.previous {
            Some(Point::Year(_)) => {
                Resolved::point(Some(Point::Year(y)), Some(TimeAnchor::Previous))
            }
            _ => resolve(
                &Sem::Quarter {
                    quarter: None,
                    year: Some(y),
                },
                cx,
            ),
        },
        Sem::Holiday { rule, shift } => {
            let Some(dct) = dct else {
                return Resolved::new(Date, None);
            };
            let on = |y| holiday::date(rule, y);
            let day = match shift {
                // "last Christmas": the latest one before today; "next": the first after.
                Some(-1) => on(dct.year())
                    .filter(|d| *d < dct)
                    .or_else(|| on(dct.year() - 1)),
                Some(1) => on(dct.year())
                    .filter(|d| *d > dct)
                    .or_else(|| on(dct.year() + 1)),
                Some(_) => on(dct.year()),
                None => on(nearest_year(dct, (cx.tense)(), on)),
            };
            Resolved::point(day.map(Point::Day), from_dct)
        }
        Sem::YearQuarter { offset, quarter } => {
            let Some(dct) = dct else {
                return Resolved::new(Date, None);
            };
            let latest = match (dct.month() - 1) / 3 {
                0 => 4,
                q => q,
            };
            let q = quarter.unwrap_or(latest);
            Resolved::point(Some(Point::Quarter(dct.year() + offset, q)), from_dct)
        }
        Sem::QuarterYearBefore => {
            // After "the nine months" the period under discussion is a year's months.
            if let Some(Point::Year(y)) = cx.previous {
                return Resolved::point(Some(Point::Year(y - 1)), Some(TimeAnchor::Previous));
            }
            let quarter = match (cx.previous, dct) {
                (Some(Point::Quarter(y, q)), _) => Some((y, q, TimeAnchor::Previous)),
                (_, Some(d)) => Some(match (d.month() - 1) / 3 {
                    0 => (d.year() - 1, 4, TimeAnchor::Publication),
                    q => (d.year(), q, TimeAnchor::Publication),
                }),
                _ => None,
            };
            let point = quarter.map(|(y, q, _)| Point::Quarter(y - 1, q));
            Resolved::point(point, quarter.map(|(_, _, a)| a))
        }
        Sem::Half { half, year } => {
            let year = year.or_else(|| {
                dct.map(|d| {
                    if half == 2 && d.month() <= 6 {
                        d.year() - 1
                    } else {
                        d.year()
                    }
                })
            });
            Resolved::new(Date, year.map(|y| format!("{y:04}-H{half}")))
        }
        Sem::Reference(r) => Resolved::new(Date, Some(r.to_string())),
        Sem::Duration { amount, unit } => {
            let value = match amount {
                Some(a) if a.fract() == 0.0 && a < 1e6 => unit.duration(&format!("{a}")),
                Some(a) if a < 1e6 && (a * 2.0).fract() == 0.0 => half_duration(a, unit),
                _ => unit.duration("X"),
            };
            Resolved::new(Duration, Some(value))
        }
        Sem::Shift {
            amount,
            unit,
            direction,
            from_previous,
        } => shift(cx, amount, unit, direction, from_previous),
        Sem::Every { unit } => Resolved::new(Set, Some(unit.duration("1"))),
        Sem::EveryWeekday { day, part } => {
            let part = part.map_or(String::new(), |p| format!("T{p}"));
            Resolved::new(Set, Some(format!("XXXX-WXX-{}{part}", day + 1)))
        }
        Sem::EveryMonth(month) => Resolved::new(Set, Some(format!("XXXX-{month:02}"))),
        Sem::Clock {
            hour,
            minute,
            ref on,
        } => {
            let day: Option<(NaiveDate, Option<TimeAnchor>)> = match (on, cx.previous) {
                (Some(on), _) => {
                    let day = resolve(on, cx);
                    match day.point {
                        Some(Point::Day(d)) => Some((d, day.anchor)),
                        _ => None,
                    }
                }
                (None, Some(Point::Day(d))) => Some((d, Some(TimeAnchor::Previous))),
                (None, _) => dct.map(|d| (d, from_dct)),
            };
            let mut r = Resolved::new(
                Time,
                day.map(|(d, _)| format!("{}T{hour:02}:{minute:02}", d.format("%Y-%m-%d"))),
            );
            r.anchor = day.and_then(|(_, a)| a);
            r
        }
    }
}

/// The year that puts a date (`on(year)`) nearest the publication date. A reading that
/// contradicts the tense of its clause by more than a month counts as half a year further
/// away, so "said in March" in November is this year's March, while a date within a month
/// wins over the tense ("said the vote is on Jan. 14" early in January is this January).
/// The tense is only a hint (a reporting verb says little about the date it reports), so
/// a date four months ahead still beats one eight months back. A fronted date ("In
/// January, X brought in a new chief") is the exception: the clause after its comma is
/// its own, and its past counts over a year, so that is last January. Ties go to the
/// past, and without any tense a date about half a year away either way is read as past
/// (a future reading counts 30 days further away): news reports what has happened
/// ("its record high set on Aug. 6" in February is last August).
fn nearest_year(dct: NaiveDate, tense: Tense, on: impl Fn(i32) -> Option<NaiveDate>) -> i32 {
    let now = dct.num_days_from_ce();
    let mut best = (i32::MAX, dct.year());
    for year in [dct.year() - 1, dct.year(), dct.year() + 1] {
        // A year without the date (Feb. 29 in a common year) is no candidate.
        let Some(at) = on(year) else {
            continue;
        };
        let at = at.num_days_from_ce();
        let mut distance = (at - now).abs();
        let penalty = match tense {
            Tense::Past if at > now + 31 => 200,
            // Wrong by more than a month: out, unless no other year has the date.
            Tense::FrontedPast if at > now + 31 => 400,
            Tense::Future if at < now - 31 => 200,
            Tense::Unknown if at > now + 31 => 30,
            _ => 0,
        };
        distance += penalty;
        if distance < best.0 {
            best = (distance, year);
        }
    }
    best.1
}

/// A duration with a half ("2 1/2 years"): TimeML writes the half in the next smaller
/// unit where it is whole (`P2Y6M`, `PT5H30M`, `PT1M30S`, `P1DT12H`), else as a decimal.
fn half_duration(amount: f64, unit: Unit) -> String {
    let whole = amount.trunc();
    // (whole part with its designator, the half alone, the half after a whole part)
    let (big, alone, after) = match unit {
        Unit::Year => (format!("P{whole}Y"), "P6M", "6M"),
        Unit::Day => (format!("P{whole}D"), "PT12H", "T12H"),
        Unit::Hour => (format!("PT{whole}H"), "PT30M", "30M"),
        Unit::Minute => (format!("PT{whole}M"), "PT30S", "30S"),
        _ => return unit.duration(&format!("{amount}")),
    };
    if whole == 0.0 {
        alone.to_string()
    } else {
        big + after
    }
}

fn day_with_part(day: Option<NaiveDate>, part: Option<&'static str>) -> Resolved {
    let mut r = Resolved::point(day.map(Point::Day), Some(TimeAnchor::Publication));
    if let Some(part) = part {
        r.kind = TimexType::Time;
        r.value = day.map(|d| format!("{}T{part}", d.format("%Y-%m-%d")));
    }
    r
}

/// "two days ago", "a year earlier", "the day before": a point moved from the publication
/// date or from the previous expression. The result keeps the anchor's grain when the
/// anchor is a reporting period (a quarter) and the shift is in years or quarters, so "a
/// year earlier" after "the third quarter" is the third quarter of the year before.
fn shift(
    cx: &Context<'_>,
    amount: i64,
    unit: Unit,
    direction: i32,
    from_previous: bool,
) -> Resolved {
    // "… killed last October. His name was crossed out that same day": a day of the month
    // last named, which one unknown (TimeML's `1998-10-XX`).
    if from_previous
        && unit == Unit::Day
        && let Some(Point::Month(y, m)) = cx.previous
    {
        return Resolved {
            anchor: Some(TimeAnchor::Previous),
            ..Resolved::new(TimexType::Date, Some(format!("{y:04}-{m:02}-XX")))
        };
    }
    let previous = cx.previous.filter(|p| {
        let quarter_comparison =
            matches!(p, Point::Quarter(..)) && matches!(unit, Unit::Year | Unit::Quarter);
        (from_previous && p.grain() <= unit) || quarter_comparison
    });
    let (anchor_point, anchor) = match (previous, cx.published) {
        (Some(p), _) => (p, TimeAnchor::Previous),
        (None, Some(d)) => (Point::Day(d), TimeAnchor::Publication),
        (None, None) => return Resolved::new(TimexType::Date, None),
    };
    let n = amount.saturating_mul(i64::from(direction));
    let grain = match unit {
        _ if matches!(anchor_point, Point::Quarter(..)) && unit <= Unit::Year => Unit::Quarter,
        Unit::Decade | Unit::Century => Unit::Year,
        _ => unit,
    };
    let point = anchor_point
        .first_day()
        .and_then(|d| shift_date(d, unit, n))
        .and_then(|d| point_at(d, grain));
    Resolved::point(point, Some(anchor))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(sem: Sem, published: &str, tense: Tense) -> Option<String> {
        let mut tense_fn = move || tense;
        let mut cx = Context {
            published: NaiveDate::parse_from_str(published, "%Y-%m-%d").ok(),
            previous: None,
            quarter: None,
            day_first: None,
            tense: &mut tense_fn,
        };
        resolve(&sem, &mut cx).value
    }

    #[test]
    fn weekdays_follow_tense() {
        let sunday = Sem::Weekday {
            day: 6,
            shift: None,
            part: None,
        };
        assert_eq!(
            at(sunday.clone(), "2025-04-28", Tense::Past).as_deref(),
            Some("2025-04-27")
        );
        let tuesday = Sem::Weekday {
            day: 1,
            shift: None,
            part: None,
        };
        assert_eq!(
            at(tuesday.clone(), "2025-03-17", Tense::Future).as_deref(),
            Some("2025-03-18")
        );
        assert_eq!(
            at(tuesday, "2025-03-17", Tense::Past).as_deref(),
            Some("2025-03-11")
        );
        assert_eq!(at(sunday, "not a date", Tense::Past), None);
    }

    #[test]
    fn weeks_and_weekends_are_iso() {
        let last_week = Sem::Relative {
            unit: Unit::Week,
            offset: -1,
        };
        assert_eq!(
            at(last_week, "2025-05-19", Tense::Unknown).as_deref(),
            Some("2025-W20")
        );
        let weekend = Sem::Weekend { shift: None };
        assert_eq!(
            at(weekend.clone(), "2025-03-17", Tense::Past).as_deref(),
            Some("2025-W11-WE")
        );
        // On a Sunday, "the weekend" is this one; ISO year differs from the calendar year.
        assert_eq!(
            at(weekend, "2021-01-03", Tense::Past).as_deref(),
            Some("2020-W53-WE")
        );
    }

    #[test]
    fn impossible_and_ambiguous_dates() {
        let feb30 = Sem::Calendar {
            year: Some(2025),
            month: 2,
            day: Some(30),
        };
        assert_eq!(at(feb30, "2025-03-17", Tense::Unknown), None);
        let ambiguous = Sem::Numeric {
            first: 3,
            second: 4,
            year: 2025,
        };
        assert_eq!(
            at(ambiguous, "2025-03-17", Tense::Unknown).as_deref(),
            Some("2025")
        );
        let clear = Sem::Numeric {
            first: 31,
            second: 12,
            year: 2025,
        };
        assert_eq!(
            at(clear, "2025-03-17", Tense::Unknown).as_deref(),
            Some("2025-12-31")
        );
    }

    #[test]
    fn months_before_and_after() {
        let last_july = Sem::MonthShift {
            month: 7,
            shift: -1,
            day: None,
        };
        assert_eq!(
            at(last_july, "2025-04-24", Tense::Unknown).as_deref(),
            Some("2024-07")
        );
        let last_month = Sem::Relative {
            unit: Unit::Month,
            offset: -1,
        };
        assert_eq!(
            at(last_month, "2025-03-17", Tense::Unknown).as_deref(),
            Some("2025-02")
        );
    }
}
