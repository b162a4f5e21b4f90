//! A story's claims: attributed statements and numbers, with who disputes them.
//!
//! - Statements: the claims layer of each article (statements framed as claims, and those
//!   another party denies: "Despite Moscow's claims of …, Kyiv denied these assertions"),
//!   each side with its source and evidence.
//! - Numbers: every count someone is said to claim or that counts people (killed,
//!   arrested, troops), and conflicts where two articles
//!   give the same count ("killed", "troops") with values that cannot both be true: their
//!   ranges, after qualifiers ("at least 9", "nearly 70", "about 14,000"), do not overlap.
//!   Only counts of the same thing from articles published within
//!   [`CONFLICT_WINDOW_DAYS`] of each other are compared, so this week's toll is not
//!   contradicted by last year's.

use chrono::NaiveDate;
use serde::Serialize;
use storyline_model::{Claim, Participant, Quantity};

pub const CONFLICT_WINDOW_DAYS: i64 = 2;

/// One side: who says it, where.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Side {
    pub who: Option<String>,
    pub entity: Option<String>,
    pub article_id: String,
    pub source: String,
    pub published: Option<String>,
    /// The words that carry it (the claim, the denial verb, the number).
    pub text: String,
    pub start: usize,
    pub end: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ClaimKind {
    Statement,
    Quantity,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StoryClaim {
    pub kind: ClaimKind,
    /// What is claimed.
    pub text: String,
    pub asserted: Side,
    /// Denials of a statement.
    pub disputed_by: Vec<Side>,
    /// For numbers: what is counted, normalised ("killed", "troops").
    pub counts: Option<String>,
    pub value: Option<f64>,
    /// For numbers: indices (into the returned list) of claims it conflicts with.
    pub conflicts_with: Vec<usize>,
}

impl StoryClaim {
    pub fn is_disputed(&self) -> bool {
        !self.disputed_by.is_empty() || !self.conflicts_with.is_empty()
    }
}

/// What one article contributes.
pub struct ArticleClaims<'a> {
    pub article_id: &'a str,
    pub source: &'a str,
    pub published: Option<&'a str>,
    pub claims: &'a [Claim],
    pub quantities: &'a [Quantity],
}

fn side(
    article: &ArticleClaims,
    who: Option<&Participant>,
    text: &str,
    start: usize,
    end: usize,
) -> Side {
    Side {
        who: who.map(|p| p.label().to_owned()),
        entity: who.and_then(|p| p.entity.clone()),
        article_id: article.article_id.to_owned(),
        source: article.source.to_owned(),
        published: article.published.map(str::to_owned),
        text: text.to_owned(),
        start,
        end,
    }
}

/// The range a qualified number allows.
fn range(q: &Quantity) -> (f64, f64) {
    let v = q.value;
    if let Some(upper) = q.upper {
        return (v.min(upper), v.max(upper));
    }
    match q.qualifier.as_deref().map(str::to_lowercase).as_deref() {
        Some("at least" | "more than" | "over" | "above" | "in excess of" | "upwards of") => {
            (v, f64::INFINITY)
        }
        Some(
            "nearly" | "almost" | "up to" | "fewer than" | "less than" | "under" | "at most"
            | "no more than",
        ) => (0.0, v),
        Some(_) => (v * 0.8, v * 1.2),
        None => (v, v),
    }
}

/// What a quantity counts, normalised for comparison: lower case, trailing plural "s" off.
fn counts_key(q: &Quantity) -> Option<String> {
    let counts = q.counts.as_deref()?.trim().to_lowercase();
    let words: Vec<String> = counts
        .split_whitespace()
        .map(|w| {
            w.strip_suffix('s')
                .filter(|s| s.len() > 2)
                .unwrap_or(w)
                .to_owned()
        })
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

fn day(published: Option<&str>) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(published?.get(..10)?, "%Y-%m-%d").ok()
}

/// The claims of one story's articles, statements first (in article order), then numbers.
pub fn collect(articles: &[ArticleClaims]) -> Vec<StoryClaim> {
    let mut claims = Vec::new();
    for article in articles {
        for claim in article.claims {
            claims.push(StoryClaim {
                kind: ClaimKind::Statement,
                text: claim.content.text.clone(),
                asserted: side(
                    article,
                    claim.asserted_by.as_ref(),
                    &claim.content.text,
                    claim.content.start,
                    claim.content.end,
                ),
                disputed_by: claim
                    .disputed_by
                    .iter()
                    .map(|d| side(article, d.by.as_ref(), &d.cue.text, d.cue.start, d.cue.end))
                    .collect(),
                counts: None,
                value: None,
                conflicts_with: Vec::new(),
            });
        }
    }
    /// A number to compare: its article, what it counts, its range, its article's date.
    struct Number {
        article: usize,
        key: String,
        range: (f64, f64),
        day: Option<NaiveDate>,
    }
    let first_number = claims.len();
    let mut numbers: Vec<Number> = Vec::new();
    for (a, article) in articles.iter().enumerate() {
        // Counts someone claims, or counts of people (killed, arrested, troops); not
        // measures ("30-day") or incidental numbers ("two presidents").
        let counted = |q: &&Quantity| {
            !q.vague && q.unit.is_none() && (q.claimed_by.is_some() || q.count_type.is_some())
        };
        for q in article.quantities.iter().filter(counted) {
            let Some(key) = counts_key(q) else {
                continue;
            };
            let claimant = q.claimed_by.as_ref().map(|name| Participant {
                mention: storyline_model::TextSpan {
                    start: q.start,
                    end: q.end,
                    text: name.clone(),
                },
                name: Some(name.clone()),
                entity: None,
            });
            numbers.push(Number {
                article: a,
                key: key.clone(),
                range: range(q),
                day: day(article.published),
            });
            claims.push(StoryClaim {
                kind: ClaimKind::Quantity,
                text: q.text.clone(),
                asserted: side(article, claimant.as_ref(), &q.text, q.start, q.end),
                disputed_by: Vec::new(),
                counts: Some(key),
                value: Some(q.value),
                conflicts_with: Vec::new(),
            });
        }
    }
    for i in 0..numbers.len() {
        for j in i + 1..numbers.len() {
            let (x, y) = (&numbers[i], &numbers[j]);
            let near = match (x.day, y.day) {
                (Some(a), Some(b)) => (a - b).num_days().abs() <= CONFLICT_WINDOW_DAYS,
                _ => false,
            };
            let disjoint = x.range.1 < y.range.0 || y.range.1 < x.range.0;
            if x.article != y.article && x.key == y.key && near && disjoint {
                claims[first_number + i]
                    .conflicts_with
                    .push(first_number + j);
                claims[first_number + j]
                    .conflicts_with
                    .push(first_number + i);
            }
        }
    }
    claims
}

#[cfg(test)]
mod tests {
    use super::*;
    use storyline_model::{Dispute, TextSpan};

    fn span(text: &str) -> TextSpan {
        TextSpan {
            start: 0,
            end: text.chars().count(),
            text: text.to_owned(),
        }
    }

    fn party(name: &str) -> Participant {
        Participant {
            mention: span(name),
            name: Some(name.to_owned()),
            entity: Some(format!("e-{}", name.to_lowercase())),
        }
    }

    fn number(value: f64, qualifier: Option<&str>, counts: &str) -> Quantity {
        Quantity {
            start: 0,
            end: 2,
            text: format!("{value}"),
            value,
            upper: None,
            qualifier: qualifier.map(str::to_owned),
            unit: None,
            counts: Some(counts.to_owned()),
            count_type: Some(storyline_model::CountType::Kill),
            claimed_by: None,
            vague: false,
        }
    }

    #[test]
    fn a_denied_statement_keeps_both_sides() {
        let claim = Claim {
            content: span("expelling Ukrainian forces"),
            asserted_by: Some(party("Moscow")),
            sentence: 3,
            quote: None,
            disputed_by: vec![Dispute {
                by: Some(party("Kyiv")),
                cue: span("denied"),
                sentence: 3,
            }],
        };
        let claims = [claim];
        let collected = collect(&[ArticleClaims {
            article_id: "a1",
            source: "wire",
            published: Some("2025-04-28"),
            claims: &claims,
            quantities: &[],
        }]);
        assert_eq!(collected.len(), 1);
        assert_eq!(collected[0].asserted.who.as_deref(), Some("Moscow"));
        assert_eq!(collected[0].disputed_by[0].who.as_deref(), Some("Kyiv"));
        assert_eq!(
            collected[0].disputed_by[0].entity.as_deref(),
            Some("e-kyiv")
        );
        assert!(collected[0].is_disputed());
    }

    #[test]
    fn numbers_conflict_only_when_ranges_cannot_meet() {
        let a = [
            number(9.0, Some("at least"), "killed"),
            number(14000.0, None, "troops"),
        ];
        let b = [number(12.0, None, "killed"), number(11000.0, None, "troop")];
        let c = [number(5.0, None, "killed")];
        let article =
            |id: &'static str, published: &'static str, quantities: &'static [Quantity]| {
                ArticleClaims {
                    article_id: id,
                    source: id,
                    published: Some(published),
                    claims: &[],
                    quantities,
                }
            };
        let (a, b, c): (
            &'static [Quantity],
            &'static [Quantity],
            &'static [Quantity],
        ) = (
            Box::leak(Box::new(a)),
            Box::leak(Box::new(b)),
            Box::leak(Box::new(c)),
        );
        let claims = collect(&[
            article("a", "2025-04-24", a),
            article("b", "2025-04-25", b),
            article("c", "2025-05-30", c),
        ]);
        // "at least 9 killed" and "12 killed" agree; 14,000 and 11,000 troops do not;
        // "5 killed" a month later is another count.
        assert!(claims[0].conflicts_with.is_empty(), "{:?}", claims[0]);
        assert_eq!(claims[1].conflicts_with, [3]);
        assert_eq!(claims[3].conflicts_with, [1]);
        assert!(claims[4].conflicts_with.is_empty());
    }
}
