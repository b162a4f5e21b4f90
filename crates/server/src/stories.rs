//! Stories as the pages and the API show them, and their timelines.
//!
//! Stories come from the store (`basis: "story"`, computed by story clustering at ingest).
//! A store without stories (made before clustering, or with it skipped) shows each article
//! as a one-article story under its own id (`basis: "article"`), so every page works on any
//! store; article ids are accepted as story ids either way, so links stay valid. A story's
//! timeline is its events merged across articles (`crate::facts`).

use serde::Serialize;
use storyline_corpus::timeline::Entry;
use storyline_store::{ArticleHit, Hits, Page, SearchFilter, Store, StoryRow};

use crate::ApiError;

#[derive(Debug, Clone, Serialize)]
pub struct StorySummary {
    pub id: String,
    pub label: String,
    /// `"story"`, or `"article"`: a single article standing in for a story in a store
    /// without stories.
    pub basis: &'static str,
    pub articles: u64,
    pub first: Option<String>,
    pub last: Option<String>,
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Story {
    #[serde(flatten)]
    pub summary: StorySummary,
    pub article_list: Vec<ArticleHit>,
    /// Events merged across the articles into dated entries ([`crate::facts::story_timeline`]).
    pub timeline: Vec<Entry>,
}

fn from_article(a: &ArticleHit) -> StorySummary {
    StorySummary {
        id: a.id.clone(),
        label: a.headline.clone().unwrap_or_else(|| a.id.clone()),
        basis: "article",
        articles: 1,
        first: a.published.clone(),
        last: a.published.clone(),
        sources: vec![a.source.clone()],
    }
}

fn from_story(store: &Store, row: &StoryRow) -> Result<StorySummary, ApiError> {
    let members: Vec<String> = store
        .story_members(&row.id)?
        .into_iter()
        .map(|m| m.article_id)
        .collect();
    let mut sources = store
        .search_articles(
            None,
            &SearchFilter {
                articles: Some(&members),
                ..SearchFilter::default()
            },
            Page {
                limit: members.len().clamp(1, 200),
                offset: 0,
            },
        )?
        .items
        .into_iter()
        .map(|a| a.source)
        .collect::<Vec<_>>();
    sources.sort();
    sources.dedup();
    Ok(StorySummary {
        id: row.id.clone(),
        label: row.label.clone().unwrap_or_else(|| row.id.clone()),
        basis: "story",
        articles: row.articles,
        first: row.first_seen.clone(),
        last: row.last_seen.clone(),
        sources,
    })
}

pub fn list(store: &Store, page: Page) -> Result<Hits<StorySummary>, ApiError> {
    if store.has_rows("stories")? {
        let rows = store.stories_page(page)?;
        return Ok(Hits {
            items: rows
                .items
                .iter()
                .map(|row| from_story(store, row))
                .collect::<Result<_, _>>()?,
            more: rows.more,
        });
    }
    let hits = store.search_articles(None, &SearchFilter::default(), page)?;
    Ok(Hits {
        items: hits.items.iter().map(from_article).collect(),
        more: hits.more,
    })
}

/// The stored story `id` (following merges), if the store has stories.
fn stored_story(store: &Store, id: &str) -> Result<Option<StoryRow>, ApiError> {
    if !store.has_rows("stories")? {
        return Ok(None);
    }
    Ok(store.story(id)?)
}

/// The id a story is known by: the stored story's id (after following merges), else `id`
/// itself (an article standing for a story).
pub fn canonical_id(store: &Store, id: &str) -> Result<String, ApiError> {
    Ok(stored_story(store, id)?.map_or_else(|| id.to_owned(), |row| row.id))
}

/// Article ids of a story (or of the article standing for one), or `None` when there is
/// no such story.
pub fn article_ids(store: &Store, id: &str) -> Result<Option<Vec<String>>, ApiError> {
    if let Some(row) = stored_story(store, id)? {
        let ids = store
            .story_members(&row.id)?
            .into_iter()
            .map(|m| m.article_id)
            .collect();
        return Ok(Some(ids));
    }
    Ok(store.article(id)?.map(|a| vec![a.id]))
}

pub fn story(store: &Store, id: &str) -> Result<Option<Story>, ApiError> {
    let Some(ids) = article_ids(store, id)? else {
        return Ok(None);
    };
    let filter = SearchFilter {
        articles: Some(&ids),
        ..SearchFilter::default()
    };
    let articles = store.search_articles(
        None,
        &filter,
        Page {
            limit: ids.len().max(1),
            offset: 0,
        },
    )?;
    let summary = match stored_story(store, id)? {
        Some(row) => from_story(store, &row)?,
        None => match articles.items.first() {
            Some(first) => from_article(first),
            None => return Ok(None),
        },
    };
    let timeline = crate::facts::story_timeline(store, &ids)?;
    Ok(Some(Story {
        summary,
        article_list: articles.items,
        timeline,
    }))
}

/// The `YYYY-MM-DD` day of a date or date-time, if it is one.
pub fn day(value: &str) -> Option<String> {
    let d = value.get(..10)?;
    let b = d.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    (digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-' && digits(8..10))
        .then(|| d.to_owned())
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` day (proleptic Gregorian), for placing points.
pub fn day_number(d: &str) -> Option<i64> {
    let y: i64 = d.get(0..4)?.parse().ok()?;
    let m: i64 = d.get(5..7)?.parse().ok()?;
    let dd: i64 = d.get(8..10)?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&dd) {
        return None;
    }
    // Howard Hinnant's days_from_civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + dd - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

pub fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", text[..at].trim_end()),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_checked_and_numbered() {
        assert_eq!(day("2025-03-17T10:00:00Z").as_deref(), Some("2025-03-17"));
        assert_eq!(day("2025-W11"), None);
        assert_eq!(day("PAST_REF"), None);
        assert_eq!(day_number("1970-01-01"), Some(0));
        assert_eq!(day_number("2025-03-01"), Some(20148));
        assert_eq!(
            day_number("2024-03-01")
                .zip(day_number("2024-02-28"))
                .map(|(a, b)| a - b),
            Some(2)
        );
        assert_eq!(shorten("abcdef", 3), "abc…");
        assert_eq!(shorten("ab", 3), "ab");
    }
}
