//! Quantities: numbers in digits or words with their qualifier ("at least"), unit
//! ("percent", "USD", "day"), what they count ("Shahed drones"), a GDELT-style count type
//! (KILL, WOUND, ARREST, …) and who claims them (the speaker of the quote or attribution
//! that contains the number, or the "according to" source of its sentence).

mod count;
pub(crate) mod number;

use storyline_model::{Quantity, Quote, TokenAnnotation};
use storyline_nlp::pipeline::Layers;

use self::count::{count_type, unit_word};
use self::number::{Number, number_at};
use crate::time::scan::{Word, scan};

/// Finds quantities. Holds no per-text state: build once, share between threads.
#[derive(Clone, Debug, Default)]
pub struct QuantityFinder {}

/// Qualifiers, longest first, as they are written.
const QUALIFIERS: &[&[&str]] = &[
    &["as", "many", "as"],
    &["as", "few", "as"],
    &["an", "estimated"],
    &["more", "than"],
    &["fewer", "than"],
    &["less", "than"],
    &["at", "least"],
    &["at", "most"],
    &["up", "to"],
    &["upwards", "of"],
    &["close", "to"],
    &["approximately"],
    &["about"],
    &["around"],
    &["nearly"],
    &["almost"],
    &["roughly"],
    &["some"],
    &["over"],
    &["under"],
    &["estimated"],
];

/// Words that qualify a count without saying what it counts ("3,000 additional
/// reinforcements" counts reinforcements).
fn is_count_adjective(w: &str) -> bool {
    matches!(
        w,
        "additional" | "more" | "other" | "new" | "further" | "extra" | "separate" | "such"
    )
}

struct View<'a, 't> {
    text: &'t str,
    words: &'a [Word<'t>],
    low: &'a str,
    tokens: &'a [TokenAnnotation],
}

impl View<'_, '_> {
    fn lw(&self, i: usize) -> &str {
        self.words
            .get(i)
            .map_or("", |w| self.low.get(w.start..w.end).unwrap_or(""))
    }

    /// The part of speech of the layer token holding word `i` ("" without layers).
    fn pos(&self, i: usize) -> &str {
        let Some(w) = self.words.get(i) else {
            return "";
        };
        let k = self.tokens.partition_point(|t| t.start <= w.cstart);
        k.checked_sub(1)
            .and_then(|k| self.tokens.get(k))
            .filter(|t| t.end > w.cstart)
            .map_or("", |t| t.pos.as_str())
    }

    /// A paragraph or line break separates word `i` from the one before.
    fn line_break_before(&self, i: usize) -> bool {
        match (
            i.checked_sub(1).and_then(|p| self.words.get(p)),
            self.words.get(i),
        ) {
            (Some(a), Some(b)) => self.text[a.end..b.start].contains('\n'),
            _ => false,
        }
    }

    fn is_word(&self, i: usize) -> bool {
        self.words.get(i).is_some_and(|w| !w.is_punct())
    }

    /// Part of a noun phrase naming what is counted.
    fn is_nominal(&self, i: usize) -> bool {
        if !self.is_word(i) {
            return false;
        }
        match self.pos(i) {
            "" => {
                let w = self.lw(i);
                w.len() > 2 && w.bytes().all(|b| b.is_ascii_alphabetic()) && !is_function_word(w)
            }
            "NOUN" | "PROPN" | "ADJ" => true,
            // A capitalised word after the number is a name whatever its tag ("90 Shahed
            // drones", where the tagger reads "Shahed" as a past tense).
            _ if self.words[i].is_capitalised() => true,
            // Participles used as adjectives inside a noun phrase stay out: "troops
            // fighting" ends the phrase at "troops".
            _ => false,
        }
    }

    fn is_noun(&self, i: usize) -> bool {
        matches!(self.pos(i), "NOUN" | "PROPN") || (self.pos(i).is_empty() && self.is_nominal(i))
    }

    fn slice(&self, from: usize, to: usize) -> String {
        match (
            self.words.get(from),
            to.checked_sub(1).and_then(|t| self.words.get(t)),
        ) {
            (Some(a), Some(b)) if b.end >= a.start => self.text[a.start..b.end].to_string(),
            _ => String::new(),
        }
    }
}

fn is_function_word(w: &str) -> bool {
    matches!(
        w,
        "the"
            | "a"
            | "an"
            | "and"
            | "or"
            | "of"
            | "to"
            | "in"
            | "on"
            | "at"
            | "for"
            | "with"
            | "by"
            | "from"
            | "that"
            | "this"
            | "was"
            | "were"
            | "are"
            | "is"
            | "be"
            | "been"
            | "had"
            | "has"
            | "have"
            | "said"
            | "each"
            | "who"
            | "which"
            | "per"
            | "than"
    )
}

impl QuantityFinder {
    pub fn new() -> Self {
        QuantityFinder {}
    }

    /// The quantities in `text`, in order. `layers` (from the language pipeline over the
    /// same text) give parts of speech for the counted thing; `quotes` give claimants.
    pub fn find(&self, text: &str, layers: &Layers, quotes: &[Quote]) -> Vec<Quantity> {
        let words = scan(text);
        let low = text.to_ascii_lowercase();
        let view = View {
            text,
            words: &words,
            low: &low,
            tokens: &layers.tokens,
        };
        let mut buf = String::new();
        let mut out = Vec::new();
        let mut i = 0;
        while i < words.len() {
            match self.quantity_at(&view, i, &mut buf) {
                Some((q, end)) => {
                    out.push(q);
                    i = end.max(i + 1);
                }
                None => i += 1,
            }
        }
        for q in &mut out {
            q.claimed_by = claimant(layers, &view, quotes, q.start, q.end);
        }
        out
    }

    fn quantity_at(
        &self,
        v: &View<'_, '_>,
        i: usize,
        buf: &mut String,
    ) -> Option<(Quantity, usize)> {
        if !may_start(v.lw(i)) {
            return None;
        }
        // Qualifier.
        let mut at = i;
        let mut qualifier = None;
        for q in QUALIFIERS {
            if q.iter().enumerate().all(|(k, w)| v.lw(i + k) == *w) {
                qualifier = Some(q.join(" "));
                at = i + q.len();
                break;
            }
        }
        // Currency before the number.
        let mut unit: Option<String> = match v.lw(at) {
            "$" | "us$" => Some("USD".into()),
            "€" => Some("EUR".into()),
            "£" => Some("GBP".into()),
            _ => None,
        };
        if unit.is_some() {
            at += 1;
        }
        let first = v.words.get(at)?;
        if first.joined && unit.is_none() {
            return None;
        }
        // "One" inside a sentence is a name ("Air Force One"); "one of" is a pronoun.
        let lw = v.lw(at);
        if lw == "one"
            && ((first.is_capitalised() && at > 0 && !v.lw(at - 1).ends_with('.'))
                || matches!(v.lw(at + 1), "of" | "another" | "day" | "," | "."))
        {
            return None;
        }
        let Number {
            value,
            end: mut j,
            vague,
            digits,
        } = number_at(v.words, at, buf)?;
        if looks_like_date_or_time(v, at, j, digits, value) {
            return None;
        }
        // Range: "10-15", "10 to 15", "between 10 and 15".
        let mut upper = None;
        let between = at > 0 && v.lw(at - 1) == "between";
        if v.words.get(j).is_some_and(|w| w.joined)
            || (matches!(v.lw(j), "to" | "-" | "–") && v.words.get(j + 1).is_some())
            || (between && v.lw(j) == "and")
        {
            let next = if v.words.get(j).is_some_and(|w| w.joined) {
                j
            } else {
                j + 1
            };
            if let Some(n) = number_at(v.words, next, buf).filter(|n| n.value > value) {
                upper = Some(n.value);
                j = n.end;
            }
        }
        // Unit after the number: "percent", "%", "dollars", "day" in "30-day".
        if unit.is_none() {
            if v.lw(j) == "per" && v.lw(j + 1) == "cent" {
                unit = Some("percent".into());
                j += 2;
            } else if let Some(u) = unit_word(v.lw(j)) {
                unit = Some(u.to_string());
                j += 1;
            }
        }
        let number_end = j;
        // The counted thing: the noun phrase after the number ("of" after vague amounts
        // and scale words: "tens of thousands of casualties").
        let mut k = number_end;
        if v.lw(k) == "of" && (vague || !digits) {
            k += 1;
        }
        let phrase_start = k;
        while v.is_nominal(k) && !(k > phrase_start && v.line_break_before(k)) {
            k += 1;
        }
        // Drop trailing adjectives ("troops fighting" is cut before; "regions hit" stays
        // "regions") and leading count adjectives ("additional reinforcements").
        let mut end = k;
        while end > phrase_start && !v.is_noun(end - 1) {
            end -= 1;
        }
        let mut start = phrase_start;
        while start < end && is_count_adjective(v.lw(start)) {
            start += 1;
        }
        let mut counts = (start < end).then(|| v.slice(start, end));
        let mut kind = counts.as_deref().and_then(|c| {
            c.split_whitespace()
                .rev()
                .find_map(|w| count_type(&w.to_ascii_lowercase()))
        });
        if let Some(noun) = counts.clone() {
            // "5000 soldiers a week are dying": the event and the rate belong to what is
            // counted.
            let mut r = end;
            let rate = if matches!(v.lw(r), "a" | "an" | "per" | "each")
                && count::is_time_unit(v.lw(r + 1))
            {
                r += 2;
                Some(v.slice(r - 2, r))
            } else {
                None
            };
            if matches!(v.lw(r), "are" | "were" | "have" | "had" | "been" | "being") {
                r += 1;
            }
            if matches!(v.lw(r), "been" | "being") {
                r += 1;
            }
            let verb = v.lw(r);
            if let Some(event) = count_type(verb) {
                kind = Some(event);
                let verb_text = v.slice(r, r + 1);
                counts = Some(match rate {
                    Some(rate) => format!("{noun} {verb_text} {rate}"),
                    None => format!("{noun} {verb_text}"),
                });
            }
        } else {
            // No noun: "nine killed" (after), or "killed at least nine" (before).
            let after = number_end;
            let before = i.checked_sub(1);
            if let Some(t) = count_type(v.lw(after)) {
                kind = Some(t);
                counts = Some(v.slice(after, after + 1));
            } else if let Some(b) = before
                && let Some(t) = count_type(v.lw(b))
            {
                kind = Some(t);
                counts = Some(v.slice(b, b + 1));
            } else if unit.is_none() && !vague && value < 1.0 {
                return None;
            }
        }
        if counts.is_none() && unit.is_none() && !digits && !vague {
            // A bare number word ("one said", "two of them") tells us nothing.
            return None;
        }
        // Codes and identifiers: "0122", "891102" with nothing counted.
        let code = first.text.len() > 1
            && first.is_digits()
            && (first.text.starts_with('0') || first.text.len() >= 5);
        if code && counts.is_none() && unit.is_none() {
            return None;
        }
        let (w0, w1) = (&v.words[i], &v.words[number_end - 1]);
        Some((
            Quantity {
                start: w0.cstart,
                end: w1.cend,
                text: v.text[w0.start..w1.end].to_string(),
                value,
                upper,
                qualifier,
                unit,
                counts,
                count_type: kind,
                claimed_by: None,
                vague,
            },
            number_end,
        ))
    }
}

/// Whether a quantity can start with this (lower-case) word: a digit, a currency sign, a
/// number word or the first word of a qualifier. Most words fail here, cheaply.
fn may_start(w: &str) -> bool {
    let Some(first) = w.chars().next() else {
        return false;
    };
    first.is_ascii_digit()
        || matches!(w, "$" | "us$" | "€" | "£" | "a" | "an" | "dozen")
        || QUALIFIERS.iter().any(|q| q[0] == w)
        || number::is_number_word(w)
}

/// Years, days of the month, clock times and dates are times, not quantities.
fn looks_like_date_or_time(
    v: &View<'_, '_>,
    at: usize,
    end: usize,
    digits: bool,
    value: f64,
) -> bool {
    if !digits {
        return false;
    }
    let text = v.words[at].text;
    if text.contains(':') || text.contains('/') {
        return true;
    }
    let prev = at.checked_sub(1).map_or("", |p| v.lw(p));
    let next = v.lw(end);
    let is_month = |w: &str| crate::time::is_month_word(w);
    if is_month(prev) || is_month(next) || (next == "of" && is_month(v.lw(end + 1))) {
        return true;
    }
    if matches!(next, "a.m." | "p.m." | "am" | "pm") {
        return true;
    }
    // Four-digit numbers without a counted noun are years: "in 2014", "since 1998".
    let year_like = text.len() == 4 && (1000.0..=2999.0).contains(&value);
    year_like && !(v.is_noun(end) && next.ends_with('s')) && unit_word(next).is_none()
}

/// Who claims the number at `[start, end)`: the speaker of the innermost quote that holds
/// it (its name, else its description), else the "according to" source of its sentence.
fn claimant(
    layers: &Layers,
    v: &View<'_, '_>,
    quotes: &[Quote],
    start: usize,
    end: usize,
) -> Option<String> {
    let from_quote = quotes
        .iter()
        .filter(|q| q.start <= start && end <= q.end)
        .min_by_key(|q| q.end - q.start)
        .and_then(|q| q.speaker.as_ref())
        .and_then(|s| s.name.clone().or_else(|| s.description.clone()));
    if from_quote.is_some() {
        return from_quote;
    }
    // The sentence around the number: from the layers, else the whole text.
    let (s_start, s_end) = layers
        .sentences
        .iter()
        .find(|s| s.start <= start && end <= s.end)
        .map_or((0, usize::MAX), |s| (s.start, s.end));
    let words = v.words;
    let first = words.partition_point(|w| w.cstart < s_start);
    let last = words.partition_point(|w| w.cstart < s_end);
    let k =
        (first..last.saturating_sub(1)).find(|&k| v.lw(k) == "according" && v.lw(k + 1) == "to")?;
    let from = k + 2;
    let mut to = from;
    while to < last && to - from < 8 && v.is_word(to) {
        to += 1;
    }
    (to > from).then(|| v.slice(from, to))
}

#[cfg(test)]
mod tests;
