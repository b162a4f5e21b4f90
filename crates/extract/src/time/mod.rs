//! Time expressions: found by a word grammar ([`grammar`]), normalised to TIMEX3 values
//! against the publication date ([`normalise`]), read and written as TimeML ([`timeml`])
//! and scored with the TempEval-3 Task A measures ([`score`]). `docs/TIME.md` lists the rules.

mod grammar;
mod holiday;
mod lexicon;
mod normalise;
pub(crate) mod scan;
pub mod score;
pub mod timeml;

use chrono::{Datelike, NaiveDate};
use storyline_model::{CharIndex, TimeExpression};
use storyline_nlp::pipeline::Layers;

use self::grammar::Grammar;
use self::normalise::{Context, Point, Tense, resolve};

/// Finds and normalises time expressions. Holds no per-text state: build once, share
/// between threads.
#[derive(Clone, Debug, Default)]
pub struct TimeFinder {
    day_first: Option<bool>,
}

impl TimeFinder {
    pub fn new() -> Self {
        TimeFinder { day_first: None }
    }

    /// How the source writes all-numeric dates: `Some(true)` for 31/12/2025 (day first),
    /// `Some(false)` for 12/31/2025, `None` (the default) when unknown, in which case a
    /// date valid both ways keeps only its year and is flagged `ambiguous`.
    pub fn with_day_first(mut self, day_first: Option<bool>) -> Self {
        self.day_first = day_first;
        self
    }

    /// The time expressions in `text`, in order. `layers` (from the language pipeline over
    /// the same text) give the tense around weekdays; `published` anchors relative
    /// expressions, which stay unresolved (`value: None`) without it.
    pub fn find(
        &self,
        text: &str,
        layers: &Layers,
        published: Option<NaiveDate>,
    ) -> Vec<TimeExpression> {
        let words = scan::scan(text);
        let low = text.to_ascii_lowercase();
        let grammar = Grammar {
            words: &words,
            low: &low,
        };
        let mut tenses = TenseReader::new(text, layers);
        let mut out = Vec::new();
        let mut previous: Option<Point> = None;
        let mut quarter: Option<(i32, u32)> = None;
        let mut buf = String::new();
        let mut i = 0;
        while i < words.len() {
            // Expressions start at a word, never inside "Trump-Putin"-like compounds.
            let Some(found) = grammar.parse_at(i, &mut buf).filter(|c| c.end > c.start) else {
                i += 1;
                continue;
            };
            let mut start = found.start;
            while start > 0 && words[start].joined {
                start -= 1;
            }
            let end = found.end.min(words.len());
            if is_quoted_title(&words[start..end], start.checked_sub(1).map(|p| &words[p]))
                || is_day_in_a_name(&words[start..end], &words[..start])
            {
                i = end;
                continue;
            }
            let (cstart, cend) = (words[start].cstart, words[end - 1].cend);
            // "get around Wednesday's ruling": a weekday's own event is one that has
            // happened (TBAQ: 18 possessive weekdays, none ahead), unless it is awaited
            // ("ahead of Sunday's vote", "before Sunday's vote").
            let possessive_past = matches!(found.sem, grammar::Sem::Weekday { shift: None, .. })
                && matches!(grammar.lw(end), "'s" | "’s")
                && !(start > 0
                    && (matches!(grammar.lw(start - 1), "before" | "until" | "till")
                        || start > 1
                            && grammar.lw(start - 1) == "of"
                            && grammar.lw(start - 2) == "ahead"));
            let mut tense = || {
                if possessive_past {
                    Tense::Past
                } else {
                    tenses.at(cstart, cend)
                }
            };
            let mut cx = Context {
                published,
                previous,
                quarter,
                day_first: self.day_first,
                tense: &mut tense,
            };
            let resolved = resolve(&found.sem, &mut cx);
            // A comparison period ("a year earlier", "the 1988 period", "last year's
            // quarter") does not move the discussion: the next "a year earlier" still
            // compares with the same period.
            let comparison = matches!(
                found.sem,
                grammar::Sem::Shift {
                    unit: lexicon::Unit::Year,
                    ..
                } | grammar::Sem::QuarterYearBefore
                    | grammar::Sem::Quarter {
                        quarter: None,
                        year: Some(_),
                    }
                    | grammar::Sem::YearPeriod(_)
                    | grammar::Sem::YearQuarter { offset: ..=-1, .. }
            );
            // "the quarter ended Sept. 30": the date closes the period under discussion,
            // which stays the anchor of "a year earlier".
            let period_end = start > 0
                && matches!(grammar.lw(start - 1), "ended" | "ending")
                && matches!(previous, Some(Point::Quarter(..) | Point::Year(_)));
            // A quarter still under way ("a fourth-quarter charge" in November) is a
            // forecast, not the reporting period the comparisons are about.
            let ended = |y: i32, q: u32| {
                published.is_none_or(|d| (d.year(), (d.month() - 1) / 3 + 1) > (y, q))
            };
            let forecast = matches!(resolved.point, Some(Point::Quarter(y, q)) if !ended(y, q))
                && quarter.is_some();
            // "After a flat second quarter, …": a quarter brought in by an indefinite
            // article is background, not the period the report is about (as an
            // adjective before a noun, "reported a third-quarter loss", "a third quarter
            // profit", it is that period).
            let next_is_noun = || {
                layers
                    .tokens
                    .get(layers.tokens.partition_point(|t| t.start < cend))
                    .is_some_and(|t| t.pos == "NOUN")
            };
            let indefinite = matches!(found.sem, grammar::Sem::Quarter { .. })
                && !words[end - 1].joined
                && (1..=2).any(|back| {
                    start >= back
                        && matches!(grammar.lw(start - back), "a" | "an")
                        && (start - back + 1..start)
                            .all(|k| words[k].text.bytes().all(|b| b.is_ascii_lowercase()))
                })
                && !next_is_noun();
            if resolved.point.is_some() && !comparison && !period_end && !forecast && !indefinite {
                previous = resolved.point;
                if let Some(Point::Quarter(y, q)) = previous
                    && ended(y, q)
                {
                    quarter = Some((y, q));
                }
            } else if let Some(year) = reporting_months(&found.sem, &low[words[start].start..])
                .then(|| discussed_year(previous, published))
                .flatten()
            {
                // "For the nine months, … a year earlier": the comparison is with the
                // same months of the year before, a year, not the quarter last discussed.
                previous = Some(Point::Year(year));
            }
            out.push(TimeExpression {
                start: cstart,
                end: cend,
                text: text[words[start].start..words[end - 1].end].to_string(),
                kind: resolved.kind,
                value: resolved.value,
                modifier: found.modifier.map(str::to_string),
                anchor: resolved.anchor,
                ambiguous: resolved.ambiguous,
            });
            i = end;
        }
        out
    }
}

/// ABC's "This Week", CBS's ''60 Minutes'': a name in title case right after a quote
/// mark, its unit capitalised as no time's is inside a sentence.
fn is_quoted_title(expression: &[scan::Word<'_>], before: Option<&scan::Word<'_>>) -> bool {
    let quoted = before.is_some_and(|w| matches!(w.text, "\"" | "'" | "`" | "“" | "‘"));
    quoted
        && expression.len() > 1
        && expression
            .iter()
            .all(|w| w.is_capitalised() || w.is_digits())
        && expression
            .iter()
            .any(|w| w.is_capitalised() && lexicon::unit(&w.text.to_ascii_lowercase()).is_some())
}

/// "USA Today", "VOA Today": a capitalised day word after a short acronym is a name. (A
/// longer all-capital word is a dateline or heading: "WASHINGTON Today the Senate …".)
fn is_day_in_a_name(expression: &[scan::Word<'_>], before: &[scan::Word<'_>]) -> bool {
    let [word] = expression else {
        return false;
    };
    if !["today", "tonight", "tomorrow"]
        .iter()
        .any(|d| word.text.eq_ignore_ascii_case(d))
    {
        return false;
    }
    before.last().is_some_and(|prev| {
        (2..=4).contains(&prev.text.len()) && prev.text.bytes().all(|b| b.is_ascii_uppercase())
    }) && word.is_capitalised()
}

/// "the nine months", "the first six months": a reporting period of months within a
/// year. `rest` is the lower-cased text from the expression on.
fn reporting_months(sem: &grammar::Sem, rest: &str) -> bool {
    let months = matches!(
        *sem,
        grammar::Sem::Duration {
            amount: Some(a),
            unit: lexicon::Unit::Month,
        } if (2.0..12.0).contains(&a)
    );
    // "the past two months" runs up to now: a span, not a reporting period.
    months
        && rest.strip_prefix("the ").is_some_and(|r| {
            !["past ", "last ", "next ", "coming "]
                .iter()
                .any(|w| r.starts_with(w))
        })
}

/// The year of the quarter under discussion, else of the publication date (a year named
/// in passing, "founded in 1985", is no reporting period).
fn discussed_year(previous: Option<Point>, published: Option<NaiveDate>) -> Option<i32> {
    match previous {
        Some(Point::Quarter(y, _)) => Some(y),
        _ => published.map(|d| d.year()),
    }
}

/// A month name or its abbreviation, lower-cased ("sept.").
pub(crate) fn is_month_word(lower: &str) -> bool {
    lexicon::month(lower).is_some()
}

/// The tense of the clause around a span, from the part-of-speech layer: the nearest
/// marker before it in the sentence wins, else the nearest after it — a future marker ("will", "is set to", "plans to") or a
/// verb in the past tense ("said", "met").
struct TenseReader<'a> {
    text: &'a str,
    layers: &'a Layers,
    index: Option<CharIndex>,
}

impl<'a> TenseReader<'a> {
    fn new(text: &'a str, layers: &'a Layers) -> Self {
        TenseReader {
            text,
            layers,
            index: None,
        }
    }

    fn at(&mut self, start: usize, end: usize) -> Tense {
        let layers = self.layers;
        let sentence = layers
            .sentences
            .partition_point(|s| s.end <= start)
            .min(layers.sentences.len());
        let Some(span) = layers.sentences.get(sentence) else {
            return Tense::Unknown;
        };
        let first = layers.tokens.partition_point(|t| t.start < span.start);
        let last = layers.tokens.partition_point(|t| t.start < span.end);
        let tokens = &layers.tokens[first..last];
        let index = self.index.get_or_insert_with(|| CharIndex::new(self.text));
        let word = |k: usize| -> &str {
            tokens
                .get(k)
                .and_then(|t| self.text.get(index.byte(t.start)?..index.byte(t.end)?))
                .unwrap_or("")
        };
        let mut lower = String::new();
        // The clause that governs a date usually comes before it ("said on Sunday", "will
        // meet on Monday"); a marker after it is often a reporting verb outside the clause
        // ("… at 4 a.m. Thursday,'' Castro said"), so it only decides when nothing before
        // the expression does.
        let mut before: Option<Tense> = None;
        let mut after: Option<Tense> = None;
        for (k, token) in tokens.iter().enumerate() {
            if token.start >= start && token.end <= end {
                continue;
            }
            let w = scan::lower(word(k), &mut lower);
            let to_follows = word(k + 1).eq_ignore_ascii_case("to");
            // "next to the embassies" is a place, not a time.
            let tense = if (lexicon::is_future_marker(w) && !(w == "next" && to_follows))
                || (lexicon::is_future_verb(w) && to_follows)
            {
                // "had been scheduled to expire Friday": the plan was in the past.
                let perfect = (k.saturating_sub(3)..k).any(|j| word(j).eq_ignore_ascii_case("had"));
                if perfect { Tense::Past } else { Tense::Future }
            } else if w == "since" || is_past(w, token) {
                // "searching since the Oct. 23 slaying": what follows "since" is past.
                Tense::Past
            } else {
                continue;
            };
            if token.end <= start {
                before = Some(tense);
            } else if after.is_none() {
                after = Some(tense);
            }
        }
        // "In January, the company brought in a new chief": a date fronted before a comma
        // belongs to the clause after it, so that clause's past is no mere hint.
        let fronted = tokens
            .iter()
            .take_while(|t| t.start < start)
            .all(|t| t.pos == "ADP")
            && word(tokens.partition_point(|t| t.start < end)) == ",";
        // "payable Dec. 15", "effective Feb. 1", "by February", "as soon as Tuesday": a
        // deadline or a start ahead, whatever the tense of the report around it, unless the sentence looks
        // back from a past already ("had filed reports by Wednesday").
        let opener = tokens.partition_point(|t| t.start < start);
        let as_soon_as = opener > 1 && word(opener - 2).eq_ignore_ascii_case("soon");
        if opener > 0
            && (lexicon::is_deadline_word(scan::lower(word(opener - 1), &mut lower))
                || as_soon_as && word(opener - 1).eq_ignore_ascii_case("as"))
            && !(0..tokens.len()).any(|k| word(k).eq_ignore_ascii_case("had"))
        {
            return Tense::Future;
        }
        match (before, after) {
            (Some(t), _) => t,
            (None, Some(Tense::Past)) if fronted => Tense::FrontedPast,
            (None, t) => t.unwrap_or(Tense::Unknown),
        }
    }
}

/// A verb form in the past tense: "was", "had", "said", "met", "confirmed". Participles
/// count too ("has confirmed" is in the past for dating purposes).
fn is_past(w: &str, token: &storyline_model::TokenAnnotation) -> bool {
    if !matches!(token.pos.as_str(), "VERB" | "AUX") {
        return false;
    }
    match token.lemma.as_str() {
        "be" => return matches!(w, "was" | "were"),
        "have" => return w == "had",
        "do" => return w == "did",
        _ => {}
    }
    let lemma = token.lemma.to_lowercase();
    w != lemma
        && !w.ends_with("ing")
        && !(w.ends_with('s') && (w.starts_with(lemma.trim_end_matches('y')) || w.len() <= 3))
}

#[cfg(test)]
mod tests;
