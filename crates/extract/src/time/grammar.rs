//! The recogniser: which words form a time expression, and what they mean before any
//! calendar arithmetic ([`Sem`]). Extents follow TimeML: qualifiers ("nearly", "early")
//! are inside, prepositions ("on", "over", "in") are outside.

use crate::quantity::number::number_at;
use crate::time::holiday::{Rule, holiday};
use crate::time::lexicon::{self, Unit};
use crate::time::scan::Word;

/// What an expression means, relative to nothing yet.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Sem {
    /// A calendar date or month, year possibly missing: "Aug. 7", "February 2022", "April".
    Calendar {
        year: Option<i32>,
        month: u32,
        day: Option<u32>,
    },
    /// "June last year": a date or month in the year `offset` from the publication date's.
    CalendarInYear {
        offset: i32,
        month: u32,
        day: Option<u32>,
    },
    /// "the week of March 6".
    WeekOf(Box<Sem>),
    /// "03/04/2025": day and month order unknown without the source's locale.
    Numeric {
        first: u32,
        second: u32,
        year: i32,
    },
    Year(i32),
    /// "the 1990s" → 199.
    Decade(i32),
    /// "the 20th century" → 19.
    Century(i32),
    /// "Monday", "last Friday", "Sunday night".
    Weekday {
        day: u32,
        shift: Option<i32>,
        part: Option<&'static str>,
    },
    /// "today", "yesterday morning", "tonight", "last night".
    DayOffset {
        offset: i64,
        part: Option<&'static str>,
    },
    /// "last week", "this month", "next year", "last quarter".
    Relative {
        unit: Unit,
        offset: i32,
    },
    /// "the weekend", "last weekend".
    Weekend {
        shift: Option<i32>,
    },
    /// "last July", "next May", "last Oct. 23" (`day`).
    MonthShift {
        month: u32,
        shift: i32,
        day: Option<u32>,
    },
    /// "the day before last Tuesday": `days` from the day `base` names.
    DayFrom {
        base: Box<Sem>,
        days: i64,
    },
    /// "the previous Friday", "the following Monday": the weekday before or after the
    /// previous expression's day.
    WeekdayFrom {
        day: u32,
        direction: i32,
    },
    /// "last fall", "this summer", "the winter of 1994" (`year`).
    Season {
        season: &'static str,
        shift: i32,
        year: Option<i32>,
    },
    /// "the third quarter", "the quarter", "third-quarter 1989".
    Quarter {
        quarter: Option<u32>,
        year: Option<i32>,
    },
    /// "Thanksgiving", "last Christmas".
    Holiday {
        rule: Rule,
        shift: Option<i32>,
    },
    /// "last year's third quarter" (`quarter: None` for "last year's quarter": the same
    /// quarter as the latest one).
    YearQuarter {
        offset: i32,
        quarter: Option<u32>,
    },
    /// "the year-ago quarter": the quarter under discussion (else the latest that has
    /// ended), a year before.
    QuarterYearBefore,
    /// "the quarter ended July 31": the quarter of the three months up to that day.
    QuarterEnding {
        year: Option<i32>,
        month: u32,
        day: u32,
    },
    /// "the 1988 period": the period under discussion, in that year.
    YearPeriod(i32),
    /// "the first half".
    Half {
        half: u32,
        year: Option<i32>,
    },
    /// PRESENT_REF, PAST_REF, FUTURE_REF.
    Reference(&'static str),
    /// "three years", "30-day", "years" (amount unknown).
    Duration {
        amount: Option<f64>,
        unit: Unit,
    },
    /// "two days ago" (from the publication date), "a day later", "the day before" (from
    /// the previous time expression).
    Shift {
        amount: i64,
        unit: Unit,
        direction: i32,
        from_previous: bool,
    },
    /// "every week", "daily".
    Every {
        unit: Unit,
    },
    /// "every Monday", "Tuesday nights" (with the part of the day).
    EveryWeekday {
        day: u32,
        part: Option<&'static str>,
    },
    /// "each July".
    EveryMonth(u32),
    /// "10:35 a.m.", "3 p.m.", "9 a.m. EST Tuesday" (`on` the day it names).
    Clock {
        hour: u32,
        minute: u32,
        on: Option<Box<Sem>>,
    },
}

/// A recognised expression over words `[start, end)`.
#[derive(Clone, Debug)]
pub(crate) struct Candidate {
    pub start: usize,
    pub end: usize,
    pub sem: Sem,
    pub modifier: Option<&'static str>,
}

/// The recogniser over one text's words, with their lower-cased forms.
pub(crate) struct Grammar<'a, 't> {
    pub words: &'a [Word<'t>],
    /// The text lower-cased (ASCII), same byte offsets as the original.
    pub low: &'a str,
}

impl Grammar<'_, '_> {
    pub(crate) fn lw(&self, i: usize) -> &str {
        self.words
            .get(i)
            .map_or("", |w| self.low.get(w.start..w.end).unwrap_or(""))
    }

    fn is(&self, i: usize, s: &str) -> bool {
        self.lw(i) == s
    }

    fn joined(&self, i: usize) -> bool {
        self.words.get(i).is_some_and(|w| w.joined)
    }

    fn month_at(&self, i: usize) -> Option<u32> {
        let w = self.words.get(i)?;
        // "may", "march" and the short forms are ordinary words in lower case.
        if !w.is_capitalised() {
            return None;
        }
        let m = lexicon::month(self.lw(i))?;
        // "May" at the start of a sentence is usually the verb.
        if m == 5 && self.lw(i) == "may" {
            let prev = i.checked_sub(1).map(|p| self.lw(p)).unwrap_or(".");
            let next = self.words.get(i + 1);
            let dated = next.is_some_and(|n| n.is_digits());
            if !dated && matches!(prev, "." | "\"" | "“" | "") {
                return None;
            }
            if !dated && next.is_some_and(|n| !n.is_punct() && !n.is_capitalised()) {
                // "May be" / "may not": a modal before a lower-case verb.
                let before_date_words = matches!(prev, "in" | "of" | "since" | "until" | "by");
                if !before_date_words {
                    return None;
                }
            }
        }
        Some(m)
    }

    fn small_number(&self, i: usize) -> Option<u32> {
        let w = self.words.get(i)?;
        if !w.is_digits() || w.text.len() > 2 {
            return None;
        }
        w.text.parse().ok()
    }

    /// A year in words: "nineteen ninety-six", "two thousand", "two thousand and one";
    /// returns the year and the index after it.
    fn spoken_year(&self, i: usize, buf: &mut String) -> Option<(i32, usize)> {
        let w = self.lw(i);
        if matches!(w, "nineteen" | "twenty") {
            let n = number_at(self.words, i + 1, buf).filter(|n| !n.digits)?;
            if !(10.0..100.0).contains(&n.value) {
                return None;
            }
            let century = if w == "nineteen" { 1900 } else { 2000 };
            return Some((century + n.value as i32, n.end));
        }
        if w == "two" && self.is(i + 1, "thousand") {
            let n = number_at(self.words, i, buf).filter(|n| !n.digits)?;
            return (2000.0..2100.0)
                .contains(&n.value)
                .then_some((n.value as i32, n.end));
        }
        None
    }

    fn year_number(&self, i: usize) -> Option<i32> {
        let w = self.words.get(i)?;
        if !w.is_digits() || w.text.len() != 4 {
            return None;
        }
        let y: i32 = w.text.parse().ok()?;
        (1000..=2999).contains(&y).then_some(y)
    }

    /// A day of the month: "7", "7th", "seventh".
    fn day_number(&self, i: usize) -> Option<u32> {
        let d = self
            .small_number(i)
            .or_else(|| lexicon::ordinal(self.lw(i)))?;
        (1..=31).contains(&d).then_some(d)
    }

    /// A number before a unit: digits, words, "a"/"an"; returns (amount, next index).
    fn amount(&self, i: usize, buf: &mut String) -> Option<(Option<f64>, usize)> {
        if self.lw(i) == "a" && self.is(i + 1, "few") {
            return Some((None, i + 2));
        }
        // "a couple of years", "the next couple of years": two.
        let couple = if self.lw(i) == "a" { i + 1 } else { i };
        if self.is(couple, "couple") && self.is(couple + 1, "of") {
            return Some((Some(2.0), couple + 2));
        }
        match self.lw(i) {
            "a" | "an" | "one" => return Some((Some(1.0), i + 1)),
            "several" | "many" | "few" | "some" => return Some((None, i + 1)),
            _ => {}
        }
        let n = number_at(self.words, i, buf)?;
        if n.vague {
            return Some((None, n.end));
        }
        // "5 1/2 hours", "two and a half years".
        if matches!(self.lw(n.end), "1/2" | "½") {
            return Some((Some(n.value + 0.5), n.end + 1));
        }
        if self.and_a_half(n.end) {
            return Some((Some(n.value + 0.5), n.end + 3));
        }
        Some((Some(n.value), n.end))
    }

    /// "and a half" from word `i`.
    fn and_a_half(&self, i: usize) -> bool {
        self.is(i, "and") && self.is(i + 1, "a") && self.is(i + 2, "half")
    }

    /// The best (longest) expression starting at word `i`, with an open end ("the next
    /// year or so", "1994 or later", "1990 and beyond") inside it, as TimeML has it
    /// (TBAQ: 5 of 5), as a `mod`.
    pub fn parse_at(&self, i: usize, buf: &mut String) -> Option<Candidate> {
        let mut c = self.parse_at_closed(i, buf)?;
        let open = match (self.lw(c.end), self.lw(c.end + 1)) {
            ("or", "so") => Some("APPROX"),
            ("or", "later") | ("and", "beyond") if matches!(c.sem, Sem::Year(_)) => {
                Some("ON_OR_AFTER")
            }
            ("or", "earlier") if matches!(c.sem, Sem::Year(_)) => Some("ON_OR_BEFORE"),
            _ => None,
        };
        if let Some(m) = open {
            c.end += 2;
            c.modifier = c.modifier.or(Some(m));
        }
        Some(c)
    }

    fn parse_at_closed(&self, i: usize, buf: &mut String) -> Option<Candidate> {
        let w = self.lw(i);
        // "this past spring", "this coming Sunday": "this" belongs to the phrase.
        if w == "this"
            && matches!(self.lw(i + 1), "past" | "coming")
            && let Some(c) = self
                .parse_at_closed(i + 1, buf)
                .filter(|c| c.start == i + 1)
        {
            return Some(Candidate { start: i, ..c });
        }
        // Qualifiers before durations: "nearly three years", "more than a year".
        // "no more than sixty days": at most, the "no" inside.
        let no_more = if w == "no" && self.is(i + 2, "than") {
            match self.lw(i + 1) {
                "more" => Some(("EQUAL_OR_LESS", i + 3)),
                "less" | "fewer" => Some(("EQUAL_OR_MORE", i + 3)),
                _ => None,
            }
        } else {
            None
        };
        let qualifier = no_more
            .or_else(|| lexicon::approx_mod2(w, self.lw(i + 1)).map(|m| (m, i + 2)))
            .or_else(|| lexicon::approx_mod(w).map(|m| (m, i + 1)));
        // "over" qualifies an amount ("over three years"), not "over the past year".
        let qualifier = qualifier.filter(|_| !(w == "over" && self.is(i + 1, "the")));
        if let Some((modifier, next)) = qualifier
            && let Some(c) = self.core(next, buf)
        {
            let inside = match c.sem {
                // "nearly four years ago", "more than four decades ago": the qualifier is
                // inside a date counted back too (TBAQ: 6 of 6).
                Sem::Duration { .. }
                | Sem::Shift {
                    from_previous: false,
                    ..
                } => true,
                // "around 7:15 p.m.", "around Nov. 1", "around year end", "about 10:35
                // a.m.": an approximate point keeps its qualifier too (TBAQ: 3 of 4).
                // "About" is also the preposition of topic ("talks about Monday's vote"),
                // so only before a clock time.
                Sem::Clock { .. } => matches!(w, "around" | "about" | "approximately" | "roughly"),
                Sem::Calendar { day: Some(_), .. } | Sem::CalendarInYear { day: Some(_), .. } => {
                    matches!(w, "around" | "approximately" | "roughly")
                }
                _ => false,
            };
            if inside {
                return Some(Candidate {
                    start: i,
                    modifier: Some(modifier),
                    ..c
                });
            }
        }
        // "mid-afternoon", "by late afternoon yesterday", "early morning Friday": a part of
        // the day, on the day named after it, else the publication day.
        if matches!(w, "mid" | "early" | "late")
            && let Some(part) = lexicon::part_of_day(self.lw(i + 1)).filter(|p| *p != "NI")
        {
            let day = self.core(i + 2, buf).filter(|c| {
                matches!(
                    c.sem,
                    Sem::Weekday { part: None, .. } | Sem::DayOffset { part: None, .. }
                )
            });
            let (sem, end) = match day {
                Some(Candidate {
                    sem: Sem::Weekday { day, shift, .. },
                    end,
                    ..
                }) => (
                    Sem::Weekday {
                        day,
                        shift,
                        part: Some(part),
                    },
                    end,
                ),
                Some(Candidate {
                    sem: Sem::DayOffset { offset, .. },
                    end,
                    ..
                }) => (
                    Sem::DayOffset {
                        offset,
                        part: Some(part),
                    },
                    end,
                ),
                _ => (
                    Sem::DayOffset {
                        offset: 0,
                        part: Some(part),
                    },
                    i + 2,
                ),
            };
            return Some(Candidate {
                start: i,
                end,
                sem,
                modifier: lexicon::position_mod(w),
            });
        }
        // Position modifiers: "early March", "mid-2014", "earlier this month", "the end of 1998".
        let position = lexicon::position_mod(w).map(|m| (m, i + 1)).or_else(|| {
            if w != "the" && w != "at" {
                return None;
            }
            let m = match self.lw(i + 1) {
                "end" => "END",
                "beginning" | "start" => "START",
                "middle" => "MID",
                _ => return None,
            };
            self.is(i + 2, "of").then_some((m, i + 3))
        });
        // "the end of the year" is the calendar year, not its length.
        let position_core = |next: usize, buf: &mut String| {
            let c = self.core(next, buf)?;
            if self.is(next, "the") && self.is(next + 1, "year") {
                return Some(Candidate {
                    sem: Sem::Relative {
                        unit: Unit::Year,
                        offset: 0,
                    },
                    ..c
                });
            }
            Some(c)
        };
        if let Some((modifier, next)) = position
            && let Some(c) = position_core(next, buf)
            && !(matches!(w, "earlier" | "later") && matches!(c.sem, Sem::Weekday { .. }))
            && matches!(
                c.sem,
                Sem::Calendar { day: None, .. }
                    | Sem::Year(_)
                    | Sem::Decade(_)
                    | Sem::Relative { .. }
                    | Sem::MonthShift { .. }
                    | Sem::Season { .. }
                    | Sem::Weekday { .. }
                    | Sem::Quarter { .. }
                    // "late yesterday", "Earlier that day" (TBAQ: 6 of 7 with the word).
                    | Sem::DayOffset { part: None, .. }
                    | Sem::Shift {
                        amount: 0,
                        from_previous: true,
                        ..
                    }
            )
        {
            return Some(Candidate {
                start: i,
                modifier: Some(modifier),
                ..c
            });
        }
        let c = self.core(i, buf)?;
        // "June last year", "Feb. 3 this year": the year relative to the publication date.
        if let Sem::Calendar {
            year: None,
            month,
            day,
        } = c.sem
            && self.is(c.end + 1, "year")
        {
            let offset = match self.lw(c.end) {
                "last" => -1,
                "this" => 0,
                "next" => 1,
                _ => return Some(c),
            };
            let sem = Sem::CalendarInYear { offset, month, day };
            return Some(Candidate {
                end: c.end + 2,
                sem,
                ..c
            });
        }
        Some(c)
    }

    /// A capitalised holiday name at `i`: its rule and the index after it.
    fn holiday_at(&self, i: usize) -> Option<(Rule, usize)> {
        if !self.words.get(i).is_some_and(|w| w.is_capitalised()) {
            return None;
        }
        let words: [&str; 4] = std::array::from_fn(|k| self.lw(i + k));
        let (rule, n) = holiday(&words)?;
        Some((rule, i + n))
    }

    fn cand(&self, start: usize, end: usize, sem: Sem) -> Option<Candidate> {
        Some(Candidate {
            start,
            end,
            sem,
            modifier: None,
        })
    }

    fn core(&self, i: usize, buf: &mut String) -> Option<Candidate> {
        let w = self.lw(i);
        if w.is_empty() {
            return None;
        }
        match w {
            "the" => return self.after_the(i, buf),
            "today" | "tonight" | "yesterday" | "tomorrow" => {
                let offset = match w {
                    "yesterday" => -1,
                    "tomorrow" => 1,
                    _ => 0,
                };
                let (part, end) = if w == "tonight" {
                    (Some("NI"), i + 1)
                } else {
                    match lexicon::part_of_day(self.lw(i + 1)) {
                        Some(p) => (Some(p), i + 2),
                        None => (None, i + 1),
                    }
                };
                return self.cand(i, end, Sem::DayOffset { offset, part });
            }
            // "Now, following asset sales, …": a discourse marker opening the sentence,
            // not the present (TBAQ marks none of 3).
            "now"
                if self.words[i].is_capitalised()
                    && self.is(i + 1, ",")
                    && (i == 0 || self.words[i - 1].is_punct()) =>
            {
                return None;
            }
            "now" | "currently" | "nowadays" => {
                return self.cand(i, i + 1, Sem::Reference("PRESENT_REF"));
            }
            // "previously" and "soon" are left out: they more often qualify an event
            // than name a time.
            "recently" => return self.cand(i, i + 1, Sem::Reference("PAST_REF")),
            "recent" => {
                // "in recent days", "in recent years" (the past); "recent weeks" and
                // "recent months" are a span of the unit up to now, as TimeBank writes
                // them (`PXW`, `PXM`). "recent strikes" is not a time.
                return match lexicon::unit(self.lw(i + 1)) {
                    // "in recent weeks and months" stays the vague past.
                    Some((unit @ (Unit::Week | Unit::Month), true))
                        if !matches!(self.lw(i + 2), "and" | "or") =>
                    {
                        self.cand(i, i + 2, Sem::Duration { amount: None, unit })
                    }
                    Some((_, true)) => self.cand(i, i + 2, Sem::Reference("PAST_REF")),
                    _ => None,
                };
            }
            // "current market conditions": the present as an attribute of a noun.
            "current"
                if self.words.get(i + 1).is_some_and(|n| {
                    !n.is_punct() && !n.is_capitalised() && !n.joined && n.text.len() > 2
                }) && lexicon::unit(self.lw(i + 1)).is_none() =>
            {
                return self.cand(i, i + 1, Sem::Reference("PRESENT_REF"));
            }
            // "Islam will one day be …", "he hopes to one day fly": some time ahead, not
            // a length.
            "one" | "some"
                if self.is(i + 1, "day")
                    && i > 0
                    && matches!(
                        self.lw(i - 1),
                        "will" | "would" | "could" | "might" | "may" | "can" | "shall" | "to"
                    ) =>
            {
                return self.cand(i, i + 2, Sem::Reference("FUTURE_REF"));
            }
            // "at a later date": some time ahead.
            "a" if self.is(i + 1, "later") && self.is(i + 2, "date") => {
                return self.cand(i, i + 3, Sem::Reference("FUTURE_REF"));
            }
            // "post-1959 politics": the year the period starts.
            "post" | "pre" if self.joined(i + 1) && self.year_number(i + 1).is_some() => {
                let y = self.year_number(i + 1)?;
                return self.cand(i, i + 2, Sem::Year(y));
            }
            // "the then current market price": the present of a past time.
            "then" if self.is(i + 1, "current") => {
                return self.cand(i, i + 2, Sem::Reference("PAST_REF"));
            }
            "nineteen" | "twenty" => {
                // Spoken years: "nineteen ninety-six".
                if let Some((year, end)) = self.spoken_year(i, buf) {
                    return self.cand(i, end, Sem::Year(year));
                }
            }
            // "average daily volume" is a rate's size, not a recurrence.
            "daily" | "weekly" | "monthly" if i > 0 && self.is(i - 1, "average") => return None,
            "daily" | "weekly" | "monthly" | "annually" | "yearly" | "hourly" | "nightly" => {
                let unit = match w {
                    "daily" | "nightly" => Unit::Day,
                    "weekly" => Unit::Week,
                    "monthly" => Unit::Month,
                    "hourly" => Unit::Hour,
                    _ => Unit::Year,
                };
                return self.cand(i, i + 1, Sem::Every { unit });
            }
            "every" | "each" | "per" => {
                if let Some(day) = lexicon::weekday(self.lw(i + 1)) {
                    return self.cand(i, i + 2, Sem::EveryWeekday { day, part: None });
                }
                if let Some(month) = self.month_at(i + 1) {
                    return self.cand(i, i + 2, Sem::EveryMonth(month));
                }
                if let Some((unit, false)) = lexicon::unit(self.lw(i + 1))
                    && unit >= Unit::Hour
                {
                    return self.cand(i, i + 2, Sem::Every { unit });
                }
                return None;
            }
            "last" | "this" | "next" | "past" | "coming" | "previous" | "current" => {
                return self.shifted(i, buf);
            }
            // "year-end", "year end": the end of this year.
            // "by year-end": Dec. 31 of this year, as TimeBank writes it; "since year-end"
            // looks back to last year's.
            "year" if matches!(self.lw(i + 1), "end") => {
                let since = i > 0 && self.is(i - 1, "since");
                let sem = Sem::CalendarInYear {
                    offset: if since { -1 } else { 0 },
                    month: 12,
                    day: Some(31),
                };
                return self.cand(i, i + 2, sem);
            }
            "these" if self.is(i + 1, "days") => {
                return self.cand(i, i + 2, Sem::Reference("PRESENT_REF"));
            }
            // "that year", "that same day", "later that year": the previous expression's
            // period.
            "that" => {
                let skip = usize::from(self.is(i + 1, "same"));
                let (unit, false) = lexicon::unit(self.lw(i + 1 + skip))? else {
                    return None;
                };
                if unit < Unit::Day || unit == Unit::Decade || unit == Unit::Century {
                    return None;
                }
                return self.cand(
                    i,
                    i + 2 + skip,
                    Sem::Shift {
                        amount: 0,
                        unit,
                        direction: 0,
                        from_previous: true,
                    },
                );
            }
            "fiscal" => {
                if self.is(i + 1, "year")
                    && let Some(y) = self.year_number(i + 2)
                {
                    return self.cand(i, i + 3, Sem::Year(y));
                }
                let y = self.year_number(i + 1)?;
                return self.cand(i, i + 2, Sem::Year(y));
            }
            "year" | "day" | "week" | "month" if self.joined(i + 1) => {
                // "year-earlier", "year-ago": the same period a year before.
                if matches!(self.lw(i + 1), "earlier" | "ago") && w == "year" {
                    if matches!(self.lw(i + 2), "quarter" | "period") {
                        return self.cand(i, i + 3, Sem::QuarterYearBefore);
                    }
                    // "the year-ago third quarter": that quarter of last year.
                    if let Some(q) =
                        lexicon::ordinal(self.lw(i + 2)).filter(|q| (1..=4).contains(q))
                        && self.is(i + 3, "quarter")
                    {
                        let sem = Sem::YearQuarter {
                            offset: -1,
                            quarter: Some(q),
                        };
                        return self.cand(i, i + 4, sem);
                    }
                    // "the year-earlier nine months": a length, the same as this year's.
                    if let Some((amount, after)) = self.amount(i + 2, buf)
                        && let Some((unit, true)) = lexicon::unit(self.lw(after))
                    {
                        return self.cand(i, after + 1, Sem::Duration { amount, unit });
                    }
                    let end = if self.is(i + 2, "level") {
                        i + 3
                    } else {
                        i + 2
                    };
                    return self.cand(
                        i,
                        end,
                        // The current period a year before: from the publication date,
                        // with the grain of a quarter under discussion.
                        Sem::Shift {
                            amount: 1,
                            unit: Unit::Year,
                            direction: -1,
                            from_previous: false,
                        },
                    );
                }
                return None;
            }
            _ => {}
        }
        // "noon Thursday", "midnight": clock times by name.
        // "High Noon", "high noon comes today": a showdown, not a clock time.
        if matches!(w, "noon" | "midday" | "midnight") && !(i > 0 && self.is(i - 1, "high")) {
            let hour = if w == "midnight" { 24 } else { 12 };
            return self.clock(i, hour, 0);
        }
        if let Some(day) = lexicon::weekday(w) {
            // "Tuesday nights", "on Monday and Tuesday nights": every such day, at that
            // part of it.
            let plural_part = |at: usize| {
                let w = self.lw(at).strip_suffix('s')?;
                lexicon::part_of_day(w).filter(|_| w != "overnight")
            };
            let shared = (self.is(i + 1, "and") && lexicon::weekday(self.lw(i + 2)).is_some())
                .then(|| plural_part(i + 3))
                .flatten();
            if let Some(part) = plural_part(i + 1) {
                let sem = Sem::EveryWeekday {
                    day,
                    part: Some(part),
                };
                return self.cand(i, i + 2, sem);
            }
            if let Some(part) = shared {
                let sem = Sem::EveryWeekday {
                    day,
                    part: Some(part),
                };
                return self.cand(i, i + 1, sem);
            }
            let (part, end) = match lexicon::part_of_day(self.lw(i + 1)) {
                Some(p) if !self.joined(i + 1) => (Some(p), i + 2),
                _ => (None, i + 1),
            };
            // "Friday, Aug. 7" names the date itself.
            let mut j = i + 1;
            if self.is(j, ",") {
                j += 1;
            }
            if let Some(c) = self.calendar(j)
                && matches!(c.sem, Sem::Calendar { day: Some(_), .. })
            {
                return self.cand(i, c.end, c.sem);
            }
            return self.cand(
                i,
                end,
                Sem::Weekday {
                    day,
                    shift: None,
                    part,
                },
            );
        }
        if let Some(c) = self.calendar(i) {
            return Some(c);
        }
        if let Some((rule, end)) = self.holiday_at(i) {
            let holiday = Sem::Holiday { rule, shift: None };
            // "Easter week": the ISO week holding the holiday.
            if self.is(end, "week") {
                return self.cand(i, end + 1, Sem::WeekOf(Box::new(holiday)));
            }
            return self.cand(i, end, holiday);
        }
        if let Some(season) = lexicon::season(w)
            && let Some(y) = self.year_number(i + 1)
        {
            // "summer 2014" only; a bare season word is too often something else.
            let _ = season;
            return self.cand(i, i + 2, Sem::Year(y));
        }
        let first = self.words.get(i)?;
        if (first.is_digits() || first.text.as_bytes()[0].is_ascii_digit())
            && let Some(c) = self.digits(i)
        {
            return Some(c);
        }
        // "for years", "within weeks", "after months of talks": an unknown amount.
        if let Some((unit, true)) = lexicon::unit(w)
            && unit >= Unit::Day
            && i > 0
            && matches!(
                self.lw(i - 1),
                "for" | "within" | "over" | "in" | "after" | "the" | "of" | "follows"
            )
        {
            return self.cand(i, i + 1, Sem::Duration { amount: None, unit });
        }
        // "day-long", "decades-long": a length.
        if let Some((unit, plural)) = lexicon::unit(w)
            && unit >= Unit::Hour
            && self.joined(i + 1)
            && self.is(i + 1, "long")
        {
            let amount = (!plural).then_some(1.0);
            return self.cand(i, i + 2, Sem::Duration { amount, unit });
        }
        // "the 20th century": the century's first two digits.
        if let Some(n) = lexicon::ordinal(w)
            && (1..=30).contains(&n)
            && self.is(i + 1, "century")
        {
            return self.cand(i, i + 2, Sem::Century(n as i32 - 1));
        }
        // Ordinal quarters without "the": "third-quarter profit".
        if let Some(q) = lexicon::ordinal(w)
            && (1..=4).contains(&q)
            && self.is(i + 1, "quarter")
        {
            return self.cand(
                i,
                i + 2,
                Sem::Quarter {
                    quarter: Some(q),
                    year: None,
                },
            );
        }
        self.measure(i, buf)
    }

    /// Dates with a month name: "Aug. 7, 1998", "February 2022", "7 August", "April".
    fn calendar(&self, i: usize) -> Option<Candidate> {
        if let Some(month) = self.month_at(i) {
            // Month Day [, Year]
            if let Some(day) = self.day_number(i + 1)
                && !self.joined(i + 1)
                && self
                    .words
                    .get(i + 2)
                    .is_none_or(|n| lexicon::unit(n.text).is_none())
            {
                let mut end = i + 2;
                let mut year = None;
                let comma = usize::from(self.is(end, ","));
                if let Some(y) = self.year_number(end + comma) {
                    year = Some(y);
                    end += comma + 1;
                }
                return self.cand(
                    i,
                    end,
                    Sem::Calendar {
                        year,
                        month,
                        day: Some(day),
                    },
                );
            }
            // Month [of|,] Year
            let skip = usize::from(self.is(i + 1, "of") || self.is(i + 1, ","));
            let year = self
                .year_number(i + 1 + skip)
                .map(|y| (y, i + 2 + skip))
                .or_else(|| self.spoken_year(i + 1 + skip, &mut String::new()));
            if let Some((y, end)) = year {
                return self.cand(
                    i,
                    end,
                    Sem::Calendar {
                        year: Some(y),
                        month,
                        day: None,
                    },
                );
            }
            // A bare month must look like a date: capitalised, not a name's first word.
            let next_cap = self
                .words
                .get(i + 1)
                .is_some_and(|n| n.is_capitalised() && !n.is_punct());
            let abbreviated = self.lw(i).ends_with('.');
            // "the March for Life", "the March of the Combatant Mothers": a march.
            // ("resigned in March for health reasons" is the month).
            let a_march = month == 3
                && matches!(self.lw(i + 1), "for" | "of")
                && i > 0
                && matches!(
                    self.lw(i - 1),
                    "the" | "a" | "an" | "annual" | "`" | "\"" | "“" | "'"
                );
            if next_cap || abbreviated || a_march {
                return None;
            }
            return self.cand(
                i,
                i + 1,
                Sem::Calendar {
                    year: None,
                    month,
                    day: None,
                },
            );
        }
        // Day [of] Month [Year]: "7 August 2014", "the 7th of August".
        let day = self.day_number(i)?;
        let skip = usize::from(self.is(i + 1, "of"));
        let month = self.month_at(i + 1 + skip)?;
        let mut end = i + 2 + skip;
        let mut year = None;
        let comma = usize::from(self.is(end, ","));
        if let Some(y) = self.year_number(end + comma) {
            year = Some(y);
            end += comma + 1;
        }
        self.cand(
            i,
            end,
            Sem::Calendar {
                year,
                month,
                day: Some(day),
            },
        )
    }

    /// Words starting with digits: ISO dates, numeric dates, clock times, years, decades.
    fn digits(&self, i: usize) -> Option<Candidate> {
        let word = self.words.get(i)?;
        let text = word.text;
        // "12/31/2025", "31/12/2025", "3/17/25".
        if text.contains('/') {
            let parts: Vec<&str> = text.split('/').collect();
            if parts.len() == 3 && parts.iter().all(|p| !p.is_empty() && p.len() <= 4) {
                let first: u32 = parts[0].parse().ok()?;
                let second: u32 = parts[1].parse().ok()?;
                let year: i32 = match parts[2].len() {
                    4 => parts[2].parse().ok()?,
                    _ => return None,
                };
                return self.cand(
                    i,
                    i + 1,
                    Sem::Numeric {
                        first,
                        second,
                        year,
                    },
                );
            }
            return None;
        }
        // "10:35 a.m.", "3 p.m."
        if let Some((h, m)) = text.split_once(':') {
            let hour: u32 = h.parse().ok()?;
            let minute: u32 = m.get(..2)?.parse().ok()?;
            if m.len() != 2 || hour > 24 || minute > 59 {
                return None;
            }
            return self.clock(i, hour, minute);
        }
        if let Some(y) = self.year_number(i) {
            // ISO "1998-08-07"
            if self.joined(i + 1) && self.joined(i + 2) {
                let m = self.small_number(i + 1)?;
                let d = self.small_number(i + 2)?;
                return self.cand(
                    i,
                    i + 3,
                    Sem::Calendar {
                        year: Some(y),
                        month: m,
                        day: Some(d),
                    },
                );
            }
            if self.joined(i + 1) {
                return None;
            }
            return self.year_alone(i, y);
        }
        // Decades: "1990s", "the '90s" is left alone (too rare to be worth the risk).
        if text.len() == 5 && text.ends_with('s') {
            let y: i32 = text[..4].parse().ok()?;
            if (1000..=2990).contains(&y) && y % 10 == 0 {
                return self.cand(i, i + 1, Sem::Decade(y / 10));
            }
        }
        // "April 24 and 25": the second day of the same month.
        if i >= 3
            && self.is(i - 1, "and")
            && self.day_number(i - 2).is_some()
            && let Some(month) = self.month_at(i - 3)
            && let Some(day) = self.day_number(i)
            && self.words.get(i + 1).is_none_or(|n| {
                let next = self.lw(i + 1);
                !matches!(next, "%" | "percent" | "$")
                    && (n.is_punct() || (lexicon::unit(next).is_none() && !n.is_digits()))
            })
            && !self.joined(i + 1)
        {
            let sem = Sem::Calendar {
                year: None,
                month,
                day: Some(day),
            };
            return self.cand(i, i + 1, sem);
        }
        let hour: u32 = text.parse().ok()?;
        if (1..=12).contains(&hour)
            && (matches!(self.lw(i + 1), "a.m." | "p.m." | "am" | "pm")
                || self.day_half_words(i + 1).is_some())
        {
            return self.clock(i, hour, 0);
        }
        None
    }

    /// "in the morning" (`Some(false)`) or "in the afternoon" / "in the evening"
    /// (`Some(true)`, after noon) from word `i`.
    fn day_half_words(&self, i: usize) -> Option<bool> {
        if !(self.is(i, "in") && self.is(i + 1, "the")) {
            return None;
        }
        match self.lw(i + 2) {
            "morning" => Some(false),
            "afternoon" | "evening" => Some(true),
            _ => None,
        }
    }

    fn clock(&self, i: usize, hour: u32, minute: u32) -> Option<Candidate> {
        let (hour, end) = match (self.lw(i + 1), self.day_half_words(i + 1)) {
            ("a.m." | "am", _) => (if hour == 12 { 0 } else { hour }, i + 2),
            ("p.m." | "pm", _) => (if hour < 12 { hour + 12 } else { hour }, i + 2),
            // "4 in the morning", "8 in the evening".
            (_, Some(false)) => (if hour == 12 { 0 } else { hour }, i + 4),
            (_, Some(true)) => (if hour < 12 { hour + 12 } else { hour }, i + 4),
            _ => (hour, i + 1),
        };
        // 24:00 is midnight at the end of the day, as TIMEX3 writes it.
        if hour > 24 || (hour == 24 && minute > 0) {
            return None;
        }
        // A time zone, then the day: "9 a.m. EST Tuesday", "10 p.m. local time Friday".
        let mut j = end;
        if matches!(
            self.lw(j),
            "est" | "edt" | "cst" | "cdt" | "mst" | "mdt" | "pst" | "pdt" | "gmt" | "utc" | "bst"
        ) {
            j += 1;
        } else if self.is(j, "local") && self.is(j + 1, "time") {
            j += 2;
        }
        if self.is(j, ",") || self.is(j, "on") {
            j += 1;
        }
        let day = self.core(j, &mut String::new()).filter(|c| {
            matches!(
                c.sem,
                Sem::Weekday { part: None, .. }
                    | Sem::DayOffset { part: None, .. }
                    | Sem::Calendar { day: Some(_), .. }
            )
        });
        match day {
            Some(d) => self.cand(
                i,
                d.end,
                Sem::Clock {
                    hour,
                    minute,
                    on: Some(Box::new(d.sem)),
                },
            ),
            None => self.cand(
                i,
                end,
                Sem::Clock {
                    hour,
                    minute,
                    on: None,
                },
            ),
        }
    }

    /// "80s" after an apostrophe: the decade's digit (8).
    fn two_digit_decade(&self, i: usize) -> Option<i32> {
        let t = self.words.get(i)?.text;
        let d = t.strip_suffix('s')?;
        if d.len() != 2 || !d.ends_with('0') {
            return None;
        }
        d[..1].parse().ok()
    }

    /// A four-digit number alone is a year only where a count would be unlikely.
    fn year_alone(&self, i: usize, y: i32) -> Option<Candidate> {
        // "the 1989 third quarter", "the 1988 period": a reporting period of that year.
        let (ordinal, at) = match lexicon::ordinal(self.lw(i + 1)) {
            Some(q) if (1..=4).contains(&q) => (Some(q), i + 2),
            _ => (None, i + 1),
        };
        if self.is(at, "period") && ordinal.is_none() {
            return self.cand(i, at + 1, Sem::YearPeriod(y));
        }
        if matches!(self.lw(at), "quarter" | "period") && (ordinal.is_some() || at == i + 1) {
            return self.cand(
                i,
                at + 1,
                Sem::Quarter {
                    quarter: ordinal,
                    year: Some(y),
                },
            );
        }
        let prev = i.checked_sub(1).map(|p| self.lw(p)).unwrap_or("");
        if matches!(prev, "$" | "£" | "€" | "no." | "#") {
            return None;
        }
        let next = self.lw(i + 1);
        if matches!(next, "%" | "percent" | "per" | "people") || lexicon::unit(next).is_some() {
            return None;
        }
        let temporal_prep = matches!(
            prev,
            "in" | "since"
                | "by"
                | "until"
                | "till"
                | "of"
                | "from"
                | "during"
                | "before"
                | "after"
                | "through"
                | "for"
                | "and"
                | "to"
                | "early"
                | "late"
                | "mid"
        );
        // Plural nouns after a bare number make it a count: "2000 soldiers".
        let next_is_plural_noun = next.len() > 3
            && next.ends_with('s')
            && !next.ends_with("ss")
            && self.words.get(i + 1).is_some_and(|n| !n.is_capitalised());
        if !temporal_prep && (next_is_plural_noun || !(1900..=2100).contains(&y)) {
            return None;
        }
        // "from 2000 to 3000 soldiers" is a count; "from 1991 to 1997" and "in 1980 to
        // more than 300,000" have a year before "to".
        if next == "to" {
            let then_year = self
                .year_number(i + 2)
                .is_some_and(|z| (1900..=2100).contains(&z));
            let then_number = self
                .words
                .get(i + 2)
                .is_some_and(|x| x.text.as_bytes()[0].is_ascii_digit());
            if !(temporal_prep && (1900..=2100).contains(&y) && (then_year || !then_number)) {
                return None;
            }
        }
        self.cand(i, i + 1, Sem::Year(y))
    }

    /// "last week", "this month", "next year", "last Friday", "last July", "past three
    /// years", "last night", "this morning".
    fn shifted(&self, i: usize, buf: &mut String) -> Option<Candidate> {
        let w = self.lw(i);
        let shift = match w {
            "last" | "past" | "previous" => -1,
            "next" | "coming" => 1,
            _ => 0,
        };
        let n = self.lw(i + 1);
        if let Some((unit, plural)) = lexicon::unit(n) {
            if plural {
                // "past years": a vague duration.
                return self.cand(i, i + 2, Sem::Duration { amount: None, unit });
            }
            // "the past year" is the last calendar year, as "the last year" is (TBAQ: 2 of
            // 2); other units after "past" stay lengths ("the past week" → `P1W`).
            let the_past = w == "past" && i > 0 && self.is(i - 1, "the") && unit == Unit::Year;
            if (matches!(w, "past") && !the_past) || unit < Unit::Week {
                // "the past week", "the last day" are durations; "this day" is rare.
                return (unit >= Unit::Day).then(|| Candidate {
                    start: i,
                    end: i + 2,
                    sem: Sem::Duration {
                        amount: Some(1.0),
                        unit,
                    },
                    modifier: None,
                });
            }
            // "last year's third quarter", "next year's first half".
            if unit == Unit::Year && matches!(self.lw(i + 2), "'s" | "’s") {
                let (q, kind_at) = match lexicon::ordinal(self.lw(i + 3)) {
                    Some(q) => (Some(q), i + 4),
                    None => (None, i + 3),
                };
                if self.is(kind_at, "quarter") && q.is_none_or(|q| (1..=4).contains(&q)) {
                    return self.cand(
                        i,
                        kind_at + 1,
                        Sem::YearQuarter {
                            offset: shift,
                            quarter: q,
                        },
                    );
                }
            }
            return self.cand(
                i,
                i + 2,
                Sem::Relative {
                    unit,
                    offset: shift,
                },
            );
        }
        if n == "weekend" {
            return self.cand(i, i + 2, Sem::Weekend { shift: Some(shift) });
        }
        if let Some(day) = lexicon::weekday(n) {
            return self.cand(
                i,
                i + 2,
                Sem::Weekday {
                    day,
                    shift: Some(shift),
                    part: None,
                },
            );
        }
        // "last May": after "last" or "next" a capitalised "May" is the month.
        let month = self.month_at(i + 1).or_else(|| {
            let m = lexicon::month(n)?;
            self.words.get(i + 1)?.is_capitalised().then_some(m)
        });
        if let Some(month) = month {
            // "last Oct. 23": a day of that month.
            if let Some(day) = self.day_number(i + 2).filter(|_| !self.joined(i + 2)) {
                let day = Some(day);
                return self.cand(i, i + 3, Sem::MonthShift { month, shift, day });
            }
            let day = None;
            return self.cand(i, i + 2, Sem::MonthShift { month, shift, day });
        }
        if let Some(season) = lexicon::season(n) {
            let year = None;
            return self.cand(
                i,
                i + 2,
                Sem::Season {
                    season,
                    shift,
                    year,
                },
            );
        }
        if let Some((rule, end)) = self.holiday_at(i + 1) {
            let shift = Some(shift);
            return self.cand(i, end, Sem::Holiday { rule, shift });
        }
        if let Some(part) = lexicon::part_of_day(n) {
            // "last night" is yesterday's; "this morning" today's.
            let offset = if w == "last" && part == "NI" { -1 } else { 0 };
            if w == "last" && part != "NI" || w == "next" || w == "past" {
                return None;
            }
            return self.cand(
                i,
                i + 2,
                Sem::DayOffset {
                    offset,
                    part: Some(part),
                },
            );
        }
        // "past three years", "next two weeks", "last 20 years"; but in "would last 72
        // hours" "last" is the verb and the expression is "72 hours" alone.
        if matches!(w, "past" | "last" | "next" | "coming")
            && !(w == "last" && i > 0 && lexicon::is_verb_before_last(self.lw(i - 1)))
            && let Some((amount, after)) = self.amount(i + 1, buf)
            && let Some((unit, _)) = lexicon::unit(self.lw(after))
        {
            return self.cand(i, after + 1, Sem::Duration { amount, unit });
        }
        None
    }

    /// "the year" (`the` at `i`, ending before `end`): a reporting period's length when
    /// its end is given or it is spanned ("the year ended Sept. 30", "throughout the fiscal
    /// year"), else the year under discussion, this year ("a high for the year", "the
    /// first nine months of the year").
    fn the_year(&self, i: usize, end: usize) -> Sem {
        let spanned = i > 0 && self.is(i - 1, "throughout");
        if spanned || matches!(self.lw(end), "ended" | "ending" | "ends" | "to") {
            Sem::Duration {
                amount: Some(1.0),
                unit: Unit::Year,
            }
        } else {
            Sem::Relative {
                unit: Unit::Year,
                offset: 0,
            }
        }
    }

    /// Expressions starting with "the".
    fn after_the(&self, i: usize, buf: &mut String) -> Option<Candidate> {
        let n = self.lw(i + 1);
        match n {
            "future" => return self.cand(i, i + 2, Sem::Reference("FUTURE_REF")),
            "near" | "short" if matches!(self.lw(i + 2), "future" | "term") => {
                return self.cand(i, i + 3, Sem::Reference("FUTURE_REF"));
            }
            // "the corresponding period last year", "the same quarter a year ago": the
            // period under discussion, a year before.
            "same" | "corresponding" | "comparable"
                if matches!(self.lw(i + 2), "period" | "quarter")
                    && ((self.is(i + 3, "last") && self.is(i + 4, "year"))
                        || (self.is(i + 3, "a")
                            && self.is(i + 4, "year")
                            && matches!(self.lw(i + 5), "ago" | "earlier"))) =>
            {
                let end = if self.is(i + 3, "a") { i + 6 } else { i + 5 };
                return self.cand(i, end, Sem::QuarterYearBefore);
            }
            "same" if self.is(i + 2, "period") => {
                let sem = Sem::Shift {
                    amount: 0,
                    unit: Unit::Quarter,
                    direction: 0,
                    from_previous: true,
                };
                return self.cand(i, i + 3, sem);
            }
            "same" => {
                if let Some((unit, false)) = lexicon::unit(self.lw(i + 2))
                    && unit >= Unit::Day
                    && unit <= Unit::Year
                {
                    let sem = Sem::Shift {
                        amount: 0,
                        unit,
                        direction: 0,
                        from_previous: true,
                    };
                    return self.cand(i, i + 3, sem);
                }
            }
            // "the early summer": that season, at its start.
            "early" | "late" | "mid"
                if lexicon::season(self.lw(i + 2)).is_some() && !self.is(i + 3, "of") =>
            {
                let season = lexicon::season(self.lw(i + 2))?;
                let sem = Sem::Season {
                    season,
                    shift: 0,
                    year: None,
                };
                return Some(Candidate {
                    start: i,
                    end: i + 3,
                    sem,
                    modifier: lexicon::position_mod(n),
                });
            }
            "summer" | "spring" | "fall" | "autumn" | "winter" => {
                let season = lexicon::season(n)?;
                let (shift, mut year, mut end) = (0, None, i + 2);
                // "the winter of 1994", "the summer of nineteen ninety-four".
                if self.is(end, "of") {
                    if let Some(y) = self.year_number(end + 1) {
                        (year, end) = (Some(y), end + 2);
                    } else if let Some((y, e)) = self.spoken_year(end + 1, buf) {
                        (year, end) = (Some(y), e);
                    }
                }
                return self.cand(
                    i,
                    end,
                    Sem::Season {
                        season,
                        shift,
                        year,
                    },
                );
            }
            "past" => {
                if let Some(c) = self.shifted(i + 1, buf) {
                    return Some(Candidate { start: i, ..c });
                }
                return self.cand(i, i + 2, Sem::Reference("PAST_REF"));
            }
            "weekend" => return self.cand(i, i + 2, Sem::Weekend { shift: None }),
            // "the '80s": a decade of the 1900s, the apostrophe standing for "19".
            "'" | "’" if self.two_digit_decade(i + 2).is_some() => {
                let k = self.two_digit_decade(i + 2)?;
                return self.cand(i, i + 3, Sem::Decade(190 + k));
            }
            // "the nineties": decades of the 1900s by name.
            "twenties" | "thirties" | "forties" | "fifties" | "sixties" | "seventies"
            | "eighties" | "nineties" => {
                let k = match n {
                    "twenties" => 2,
                    "thirties" => 3,
                    "forties" => 4,
                    "fifties" => 5,
                    "sixties" => 6,
                    "seventies" => 7,
                    "eighties" => 8,
                    _ => 9,
                };
                return self.cand(i, i + 2, Sem::Decade(190 + k));
            }
            "day" | "night" if matches!(self.lw(i + 2), "before" | "after") => {
                // "the day before" as a whole only when nothing follows that it could be
                // before or after ("the day before the vote" is relative to the vote).
                let direction = if self.is(i + 2, "before") { -1 } else { 1 };
                // "the day before last Tuesday's hearing": a day from a named day.
                if n == "day"
                    && let Some(base) = self.parse_at(i + 3, buf).filter(|c| {
                        matches!(
                            c.sem,
                            Sem::Weekday { part: None, .. }
                                | Sem::DayOffset { part: None, .. }
                                | Sem::Calendar { day: Some(_), .. }
                                | Sem::Holiday { .. }
                        )
                    })
                {
                    let sem = Sem::DayFrom {
                        base: Box::new(base.sem),
                        days: i64::from(direction),
                    };
                    return self.cand(i, base.end, sem);
                }
                if self
                    .words
                    .get(i + 3)
                    .is_some_and(|x| !x.is_punct() && !matches!(self.lw(i + 3), "and" | "but"))
                {
                    return None;
                }
                return self.cand(
                    i,
                    i + 3,
                    Sem::Shift {
                        amount: 1,
                        unit: Unit::Day,
                        direction,
                        from_previous: true,
                    },
                );
            }
            "next" | "following" | "previous" | "preceding" => {
                let direction = if matches!(n, "previous" | "preceding") {
                    -1
                } else {
                    1
                };
                if let Some(day) = lexicon::weekday(self.lw(i + 2)) {
                    return self.cand(i, i + 3, Sem::WeekdayFrom { day, direction });
                }
                if let Some((unit, false)) = lexicon::unit(self.lw(i + 2))
                    && unit >= Unit::Day
                {
                    return self.cand(
                        i,
                        i + 3,
                        Sem::Shift {
                            amount: 1,
                            unit,
                            direction,
                            from_previous: true,
                        },
                    );
                }
                if let Some(c) = self.shifted(i + 1, buf)
                    && matches!(c.sem, Sem::Duration { .. })
                {
                    return Some(Candidate { start: i, ..c });
                }
                return None;
            }
            "last" if !self.is(i + 2, "half") => {
                // "the last decade", "the last week": the article is part of the phrase
                // (TBAQ: 2 of 2), as in "the past year".
                if let Some(c) = self.shifted(i + 1, buf)
                    && matches!(c.sem, Sem::Duration { .. } | Sem::Relative { .. })
                {
                    return Some(Candidate { start: i, ..c });
                }
                return None;
            }
            "year" if self.joined(i + 2) => {
                let inner = self.core(i + 1, buf)?;
                // "The year-ago results": an adjective alone leaves the article out, as
                // for "the 30-day truce"; "the year-ago quarter" keeps it.
                let start = if inner.end == i + 3 { i + 1 } else { i };
                return Some(Candidate { start, ..inner });
            }
            // "the quarter-to-quarter comparison" compares quarters, it names none.
            "quarter" if self.joined(i + 2) => return None,
            "quarter" => {
                // "the quarter a year ago": the quarter under discussion, a year before.
                if self.is(i + 2, "a")
                    && self.is(i + 3, "year")
                    && matches!(self.lw(i + 4), "ago" | "earlier")
                {
                    return self.cand(i, i + 5, Sem::QuarterYearBefore);
                }
                // "the quarter ended July 31": the three months up to that day, named by
                // the calendar quarter holding most of them (May to July → Q2).
                if matches!(self.lw(i + 2), "ended" | "ending")
                    && let Some(Candidate {
                        sem:
                            Sem::Calendar {
                                year,
                                month,
                                day: Some(day),
                            },
                        ..
                    }) = self.calendar(i + 3)
                {
                    let sem = Sem::QuarterEnding { year, month, day };
                    return self.cand(i, i + 2, sem);
                }
                let sem = Sem::Quarter {
                    quarter: None,
                    year: None,
                };
                return self.cand(i, i + 2, sem);
            }
            // "the week of March 6": the ISO week holding that day.
            "week" if self.is(i + 2, "of") => {
                let day = self.core(i + 3, buf)?;
                if !matches!(day.sem, Sem::Calendar { day: Some(_), .. }) {
                    return None;
                }
                return self.cand(i, day.end, Sem::WeekOf(Box::new(day.sem)));
            }
            "year" => {
                // "the year 2000", "the year two thousand".
                if let Some(y) = self.year_number(i + 2) {
                    return self.cand(i, i + 3, Sem::Year(y));
                }
                if let Some((y, end)) = self.spoken_year(i + 2, buf) {
                    return self.cand(i, end, Sem::Year(y));
                }
                return self.cand(i, i + 2, self.the_year(i, i + 2));
            }
            "full" if self.is(i + 2, "year") => {
                return self.cand(i, i + 3, self.the_year(i, i + 3));
            }
            // "the fiscal first quarter", "the fiscal-first quarter": the whole phrase
            // (TBAQ: 3 of 3; "the fiscal second-quarter" as an adjective leaves the
            // article out, as "the third-quarter loss" does).
            "fiscal" => {
                let period = self.parse_at(i + 2, buf).filter(|c| {
                    c.start == i + 2 && matches!(c.sem, Sem::Quarter { .. } | Sem::Half { .. })
                });
                if let Some(inner) = period {
                    // The unit word joined to its ordinal: an adjective.
                    let start = if self.joined(inner.end - 1) { i + 1 } else { i };
                    return Some(Candidate { start, ..inner });
                }
                if self.is(i + 2, "year") {
                    if let Some(y) = self.year_number(i + 3) {
                        return self.cand(i, i + 4, Sem::Year(y));
                    }
                    return self.cand(i, i + 3, self.the_year(i, i + 3));
                }
            }
            // "the current quarter", "the current fiscal year": the one under way.
            "current" => {
                let fiscal = usize::from(self.is(i + 2, "fiscal"));
                if let Some((unit @ (Unit::Quarter | Unit::Year), false)) =
                    lexicon::unit(self.lw(i + 2 + fiscal))
                {
                    let sem = Sem::Relative { unit, offset: 0 };
                    return self.cand(i, i + 3 + fiscal, sem);
                }
            }
            // "the latest fiscal year": the last one that has ended.
            "latest" if self.is(i + 2, "fiscal") && self.is(i + 3, "year") => {
                let sem = Sem::Relative {
                    unit: Unit::Year,
                    offset: -1,
                };
                return self.cand(i, i + 4, sem);
            }
            "latest" | "comparable" if matches!(self.lw(i + 2), "quarter" | "period") => {
                let sem = Sem::Quarter {
                    quarter: None,
                    year: None,
                };
                return self.cand(i, i + 3, sem);
            }
            _ => {}
        }
        // "Today is the eighth day of Desert Shield", "It's the second day of an
        // offensive": an ordinal day said of today, in the present tense, is today.
        if lexicon::ordinal(n).is_some()
            && self.is(i + 2, "day")
            && i >= 2
            && matches!(self.lw(i - 1), "is" | "'s" | "’s")
            && matches!(self.lw(i - 2), "today" | "it" | "this")
        {
            let sem = Sem::DayOffset {
                offset: 0,
                part: None,
            };
            return self.cand(i, i + 3, sem);
        }
        // "the last half of 1989" is its second half.
        let last_half = n == "last" && self.is(i + 2, "half");
        if let Some(q) = lexicon::ordinal(n).or(last_half.then_some(2)) {
            let kind = self.lw(i + 2);
            // "the last half of the '80s": the decade, at its end.
            if kind == "half"
                && q <= 2
                && self.is(i + 3, "of")
                && let Some(c) = self
                    .parse_at(i + 4, buf)
                    .filter(|c| matches!(c.sem, Sem::Decade(_)))
            {
                return Some(Candidate {
                    start: i,
                    modifier: Some(if q == 1 { "START" } else { "END" }),
                    ..c
                });
            }
            if (kind == "quarter" && (1..=4).contains(&q)) || (kind == "half" && q <= 2) {
                let mut end = i + 3;
                let mut year = None;
                let skip = usize::from(self.is(end, "of"));
                if let Some(y) = self.year_number(end + skip) {
                    year = Some(y);
                    end += skip + 1;
                }
                let sem = if kind == "quarter" {
                    Sem::Quarter {
                        quarter: Some(q),
                        year,
                    }
                } else {
                    Sem::Half { half: q, year }
                };
                // "the third-quarter loss": the article belongs to the noun after the
                // adjective.
                let start = if self.joined(i + 2) && year.is_none() {
                    i + 1
                } else {
                    i
                };
                return self.cand(start, end, sem);
            }
            // "the first nine months"
            if q == 1
                && let Some((amount, after)) = self.amount(i + 2, buf)
                && let Some((unit, true)) = lexicon::unit(self.lw(after))
            {
                // "the first two quarters of 1990": the year's first half.
                if unit == Unit::Quarter && amount == Some(2.0) {
                    let skip = usize::from(self.is(after + 1, "of"));
                    let year = self.year_number(after + 1 + skip);
                    let end = if year.is_some() {
                        after + 2 + skip
                    } else {
                        after + 1
                    };
                    return self.cand(i, end, Sem::Half { half: 1, year });
                }
                return self.cand(i, after + 1, Sem::Duration { amount, unit });
            }
        }
        // "the 1990s", "the nine months", "the year-earlier quarter", "the 7th of August".
        let inner = self.parse_at(i + 1, buf)?;
        // "the 30-day truce", "the Oct. 23 vote", "the October 1998 shooting": TimeML
        // leaves the article out (TBAQ has no TIMEX3 that opens with "the" and a month).
        // "the two day rally" (a transcript's unhyphenated "two-day") is adjectival too:
        // a count above one before a singular unit.
        let singular_after_count =
            matches!(
                inner.sem,
                Sem::Duration { amount: Some(a), .. } if a > 1.0
            ) && matches!(lexicon::unit(self.lw(inner.end - 1)), Some((_, false)));
        let adjectival =
            self.joined(inner.end - 1) && inner.end - inner.start == 2 || singular_after_count;
        match inner.sem {
            Sem::Calendar { .. } => Some(inner),
            Sem::Duration { .. } | Sem::Quarter { .. } if adjectival => Some(inner),
            // "the 1988 period", "the 1988 third quarter": a period named whole, article
            // and all (TBAQ: 5 of 6).
            Sem::Decade(_) | Sem::Shift { .. } | Sem::Quarter { .. } | Sem::YearPeriod(_) => {
                Some(Candidate { start: i, ..inner })
            }
            Sem::Duration {
                amount: Some(_), ..
            } if !self.lw(i + 1).starts_with('a') => Some(Candidate { start: i, ..inner }),
            _ => None,
        }
    }

    /// Number + unit: durations ("three years", "30-day"), shifts ("two days ago", "a
    /// year earlier"), and rates ("a week" after a count is a set).
    fn measure(&self, i: usize, buf: &mut String) -> Option<Candidate> {
        let (amount, mut after) = self.amount(i, buf)?;
        // "24 hours a day" means always: neither a length nor a recurrence.
        let always =
            |at: usize| self.is(at, "24") && self.is(at + 1, "hours") && self.is(at + 2, "a");
        if always(i) && self.is(i + 3, "day") || i >= 2 && always(i - 2) {
            return None;
        }
        // "two more weeks", "an additional year".
        if matches!(self.lw(after), "more" | "additional") && amount.is_some() {
            after += 1;
        }
        // "eight trading days", "five business days": days all the same.
        if matches!(self.lw(after), "trading" | "business" | "working")
            && matches!(self.lw(after + 1), "day" | "days")
            && amount.is_some()
        {
            after += 1;
        }
        let (unit, plural) = lexicon::unit(self.lw(after))?;
        let w = self.lw(i);
        // "a minute and a half", "an hour and a half".
        if !plural && self.and_a_half(after + 1) {
            let amount = amount.map(|a| a + 0.5);
            return self.cand(i, after + 4, Sem::Duration { amount, unit });
        }
        // "a second term", "one second": the ordinal, not the unit, unless in digits.
        if unit == Unit::Second
            && (!self.words.get(i).is_some_and(|x| x.is_digits())
                || matches!(self.lw(after + 1), "quarter" | "half"))
        {
            return None;
        }
        // "a" right before a plural unit is not an amount ("a years" does not occur), but
        // "a few years" and "a couple of years" are.
        if plural && matches!(w, "a" | "an") && after == i + 1 {
            return None;
        }
        let end = after + 1;
        // "a week or so ago": the approximation is inside the date counted back.
        let end = if self.is(end, "or")
            && self.is(end + 1, "so")
            && matches!(self.lw(end + 2), "ago" | "earlier" | "later")
        {
            end + 2
        } else {
            end
        };
        // "a 6-year-old boy" and "Mr. Reupke, 52 years old," are ages; "three-quarters"
        // and "a quarter of the market" fractions.
        if self.is(end, "old")
            || (unit == Unit::Quarter && (self.joined(after) || !plural && self.is(end, "of")))
        {
            return None;
        }
        match self.lw(end) {
            "ago" | "earlier" | "later" | "before" | "after" | "from" => {
                let word = self.lw(end);
                if word == "from" && !self.is(end + 1, "now") {
                    return self.cand(i, end, Sem::Duration { amount, unit });
                }
                let direction = if matches!(word, "ago" | "earlier" | "before") {
                    -1
                } else {
                    1
                };
                // "three days later", "an hour earlier": TimeBank marks the length alone
                // (`P3D`), the word after it being a signal; a year or a month later is
                // a date ("a year earlier" → last year's period).
                if matches!(word, "earlier" | "later") && unit <= Unit::Day {
                    return self.cand(i, end, Sem::Duration { amount, unit });
                }
                // "two days before the vote": the anchor is an event we do not resolve.
                if matches!(word, "before" | "after")
                    && self.words.get(end + 1).is_some_and(|x| !x.is_punct())
                {
                    return self.cand(i, end, Sem::Duration { amount, unit });
                }
                let amount = amount.filter(|a| a.fract() == 0.0 && *a < 10_000.0);
                let end_word = if word == "from" { end + 2 } else { end + 1 };
                // "a year-earlier rise": the article belongs to the noun after the
                // adjective.
                let i = if self.joined(end) && matches!(w, "a" | "an") && after == i + 1 {
                    after
                } else {
                    i
                };
                return match amount {
                    Some(a) => self.cand(
                        i,
                        end_word,
                        Sem::Shift {
                            amount: a as i64,
                            unit,
                            direction,
                            from_previous: !matches!(word, "ago" | "from"),
                        },
                    ),
                    None => self.cand(
                        i,
                        end_word,
                        Sem::Reference(if direction < 0 {
                            "PAST_REF"
                        } else {
                            "FUTURE_REF"
                        }),
                    ),
                };
            }
            _ => {}
        }
        // "5000 soldiers a week": a rate after a count.
        if matches!(w, "a" | "an" | "per") && unit >= Unit::Hour {
            let counted = (i.saturating_sub(4)..i).any(|p| {
                self.words
                    .get(p)
                    .is_some_and(|x| x.text.as_bytes()[0].is_ascii_digit())
            });
            if counted {
                return self.cand(i, end, Sem::Every { unit });
            }
        }
        self.cand(i, end, Sem::Duration { amount, unit })
    }
}
