//! What the story clusterer and the duplicate finder need from one article, computed once
//! and independently of every other article (so it can run in parallel with the rest of the
//! per-article pipeline).

use hashbrown::HashMap;
use storyline_model::Article;
use xxhash_rust::xxh3::{xxh3_64, xxh3_64_with_seed};

use super::text::{self, Word};
use crate::dedup::shingles;

/// Hash seeds keep the term families apart: a word, the same word used as a name, and a
/// resolved entity id are different dimensions.
const NAME_SEED: u64 = 1;
const ENTITY_SEED: u64 = 2;
/// Headline words count as this many extra body occurrences: the headline says what the
/// article is about.
const HEADLINE_BOOST: f32 = 2.0;
/// Display names kept per article (for a story's top entities).
const MAX_NAMES: usize = 16;

/// Features of one article: hashed terms with sublinear counts (IDF is applied by the index,
/// which knows the corpus), names, date, and word shingles for duplicate detection.
#[derive(Debug, Clone, PartialEq)]
pub struct ArticleFeatures {
    pub id: String,
    pub headline: Option<String>,
    /// Days since 0001-01-01 of the publication date, when known.
    pub day: Option<i32>,
    /// Term hash and weight before IDF, sorted by hash.
    pub terms: Vec<(u64, f32)>,
    /// Names (runs of capitalised words, or resolved entity ids when given) with counts,
    /// most frequent first.
    pub names: Vec<(String, u32)>,
    /// Sorted, distinct hashes of word shingles (see `dedup::shingles`).
    pub shingles: Vec<u64>,
    /// Who the article credits ("Reuters"), lower-cased: evidence for syndication.
    pub credit: Option<String>,
}

impl ArticleFeatures {
    /// Features from a cleaned article.
    pub fn from_article(article: &Article) -> ArticleFeatures {
        ArticleFeatures::from_parts(
            &article.id,
            article.headline.as_deref(),
            &article.text,
            article.published.as_deref(),
            article.credit.as_deref(),
        )
    }

    /// Features from the parts of an article; `text` may be empty (headline-only input).
    pub fn from_parts(
        id: &str,
        headline: Option<&str>,
        text: &str,
        published: Option<&str>,
        credit: Option<&str>,
    ) -> ArticleFeatures {
        let mut tf: HashMap<u64, f32> = HashMap::new();
        let mut names: HashMap<String, u32> = HashMap::new();
        let mut lowered: Vec<u64> = Vec::new();
        if let Some(h) = headline {
            add_words(h, true, HEADLINE_BOOST, &mut tf, &mut names);
        }
        add_words(text, false, 1.0, &mut tf, &mut names);
        shingles::word_hashes(text, &mut lowered);
        let mut terms: Vec<(u64, f32)> = tf.into_iter().map(|(h, n)| (h, 1.0 + n.ln())).collect();
        terms.sort_unstable_by_key(|&(h, _)| h);
        ArticleFeatures {
            id: id.to_string(),
            headline: headline.map(str::to_string),
            day: published.and_then(day_number),
            terms,
            names: top_names(names),
            shingles: shingles::shingles(&lowered),
            credit: credit
                .map(|c| c.trim().to_lowercase())
                .filter(|c| !c.is_empty()),
        }
    }

    /// Adds resolved entity ids (from entity resolution) as features: each id is its own
    /// dimension, and the ids replace capitalised runs as the article's names.
    pub fn with_entities<'a>(mut self, ids: impl IntoIterator<Item = &'a str>) -> ArticleFeatures {
        let mut counts: HashMap<String, u32> = HashMap::new();
        for id in ids {
            *counts.entry(id.to_string()).or_default() += 1;
        }
        if counts.is_empty() {
            return self;
        }
        let mut tf: HashMap<u64, f32> = self.terms.iter().copied().collect();
        for (id, n) in &counts {
            *tf.entry(xxh3_64_with_seed(id.as_bytes(), ENTITY_SEED))
                .or_default() += 1.0 + (*n as f32).ln();
        }
        self.terms = tf.into_iter().collect();
        self.terms.sort_unstable_by_key(|&(h, _)| h);
        self.names = top_names(counts);
        self
    }
}

/// Counts the terms of `source` into `tf` (with `weight` per occurrence) and its runs of
/// name words into `names`.
fn add_words(
    source: &str,
    title: bool,
    weight: f32,
    tf: &mut HashMap<u64, f32>,
    names: &mut HashMap<String, u32>,
) {
    let mut buf = String::new();
    let mut run: Vec<&str> = Vec::new();
    text::words(source, title, |w: Word<'_>| {
        if w.name {
            run.push(w.raw);
        } else if !run.is_empty() {
            *names.entry(run.join(" ")).or_default() += 1;
            run.clear();
        }
        if text::term(w.raw, &mut buf).is_none() {
            return;
        }
        *tf.entry(xxh3_64(buf.as_bytes())).or_default() += weight;
        if w.name {
            *tf.entry(xxh3_64_with_seed(buf.as_bytes(), NAME_SEED))
                .or_default() += weight;
        }
    });
    if !run.is_empty() {
        *names.entry(run.join(" ")).or_default() += 1;
    }
}

fn top_names(names: HashMap<String, u32>) -> Vec<(String, u32)> {
    let mut names: Vec<(String, u32)> = names.into_iter().collect();
    names.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    names.truncate(MAX_NAMES);
    names
}

/// Days since 0001-01-01 of an ISO 8601 date or RFC 3339 date-time (its date part).
pub fn day_number(published: &str) -> Option<i32> {
    use chrono::Datelike;
    let date = published.get(..10)?;
    chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .ok()
        .map(|d| d.num_days_from_ce())
}

/// The ISO date of a day number from `day_number`.
pub fn day_string(day: i32) -> Option<String> {
    chrono::NaiveDate::from_num_days_from_ce_opt(day).map(|d| d.format("%Y-%m-%d").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_terms_and_dates() {
        let f = ArticleFeatures::from_parts(
            "a",
            Some("Flood Warning For River Towns"),
            "Rain fell all week. The mayor, Ann Lee, closed the bridges on Friday.",
            Some("2024-05-03T10:00:00Z"),
            Some(" Reuters "),
        );
        assert_eq!(f.names[0].0, "Ann Lee");
        assert!(f.names.iter().all(|(n, _)| n != "Flood"));
        assert_eq!(f.day, day_number("2024-05-03"));
        assert_eq!(day_string(f.day.unwrap()).as_deref(), Some("2024-05-03"));
        assert_eq!(f.credit.as_deref(), Some("reuters"));
        assert!(f.terms.windows(2).all(|w| w[0].0 < w[1].0));
        // "flood" from the headline outweighs "rain" from the body.
        let weight = |w: &str| {
            f.terms
                .iter()
                .find(|(h, _)| *h == xxh3_64(w.as_bytes()))
                .map(|t| t.1)
        };
        assert!(weight("flood") > weight("rain"));
        assert!(weight("the").is_none());
    }

    #[test]
    fn empty_input_has_no_features() {
        let f = ArticleFeatures::from_parts("e", None, "", Some("not a date"), None);
        assert!(f.terms.is_empty() && f.names.is_empty() && f.shingles.is_empty());
        assert_eq!(f.day, None);
    }

    #[test]
    fn entity_ids_become_names_and_terms() {
        let f = ArticleFeatures::from_parts("a", None, "Talks went on.", None, None);
        let before = f.terms.len();
        let f = f.with_entities(["ann-lee", "ann-lee", "oslo"]);
        assert_eq!(f.terms.len(), before + 2);
        assert_eq!(f.names[0], ("ann-lee".to_string(), 2));
    }
}
