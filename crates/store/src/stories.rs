//! Stories, story membership, duplicate links, merges and the story clusterer's persisted
//! state (schema 6). Duplicates are links to a canonical article; nothing is deleted.
//! The types are plain rows: the corpus crate computes them, this module only stores them.

use rusqlite::{OptionalExtension, params};

use crate::search::paged;
use crate::{Hits, Page, Result, Store, StoreError};

/// One story as stored.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StoryRow {
    pub id: String,
    pub label: Option<String>,
    pub label_article: Option<String>,
    pub articles: u64,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    /// Top entities (names or entity ids) with mention counts.
    pub entities: Vec<(String, f32)>,
    /// Still taking articles (closed stories stay listed).
    pub open: bool,
}

/// An article's place in a story.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MemberRow {
    pub article_id: String,
    pub story_id: String,
    pub similarity: f32,
}

/// A link from a duplicate to its canonical article.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DuplicateRow {
    pub article_id: String,
    pub canonical_id: String,
    /// `exact`, `near_duplicate` or `syndicated`.
    pub kind: String,
    pub similarity: f32,
}

/// Story `from` merged into `into` when `article_id` arrived.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MergeRow {
    pub from: String,
    pub into: String,
    pub similarity: f32,
    pub article_id: String,
}

/// Everything one batch of story assignments changes, written in one transaction.
#[derive(Debug, Clone, Default)]
pub struct StoryBatch {
    pub members: Vec<MemberRow>,
    pub duplicates: Vec<DuplicateRow>,
    pub merges: Vec<MergeRow>,
    /// Current summaries of the stories the batch touched.
    pub stories: Vec<StoryRow>,
    pub closed: Vec<String>,
    /// The clusterer's state after the batch (opaque bytes).
    pub state: Option<Vec<u8>>,
}

const STATE_NAME: &str = "stories";

impl Store {
    /// Writes a batch of story assignments atomically: a crash leaves the store and the
    /// clusterer state consistent with the previous batch.
    pub fn record_stories(&mut self, batch: &StoryBatch) -> Result<()> {
        let tx = self.conn.transaction()?;
        {
            let mut merge = tx.prepare_cached(
                "INSERT INTO story_merges (from_story, into_story, similarity, article_id)
                 VALUES (?1, ?2, ?3, ?4)",
            )?;
            let mut move_members =
                tx.prepare_cached("UPDATE story_articles SET story_id = ?2 WHERE story_id = ?1")?;
            let mut retire =
                tx.prepare_cached("UPDATE stories SET merged_into = ?2, open = 0 WHERE id = ?1")?;
            for m in &batch.merges {
                merge.execute(params![m.from, m.into, m.similarity, m.article_id])?;
                move_members.execute(params![m.from, m.into])?;
                retire.execute(params![m.from, m.into])?;
            }
            let mut member = tx.prepare_cached(
                "INSERT OR REPLACE INTO story_articles (article_id, story_id, similarity)
                 VALUES (?1, ?2, ?3)",
            )?;
            for m in &batch.members {
                member.execute(params![m.article_id, m.story_id, m.similarity])?;
            }
            let mut duplicate = tx.prepare_cached(
                "INSERT OR REPLACE INTO duplicates (article_id, canonical_id, kind, similarity)
                 VALUES (?1, ?2, ?3, ?4)",
            )?;
            for d in &batch.duplicates {
                duplicate.execute(params![d.article_id, d.canonical_id, d.kind, d.similarity])?;
            }
            let mut story = tx.prepare_cached(
                "INSERT INTO stories (id, label, label_article, articles, first_seen, last_seen,
                                      entities, open, merged_into)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, NULL)
                 ON CONFLICT (id) DO UPDATE SET label = excluded.label,
                    label_article = excluded.label_article, articles = excluded.articles,
                    first_seen = excluded.first_seen, last_seen = excluded.last_seen,
                    entities = excluded.entities, open = excluded.open",
            )?;
            for s in &batch.stories {
                let entities = serde_json::to_string(&s.entities).unwrap_or_default();
                story.execute(params![
                    s.id,
                    s.label,
                    s.label_article,
                    s.articles as i64,
                    s.first_seen,
                    s.last_seen,
                    entities,
                    s.open,
                ])?;
            }
            let mut close = tx.prepare_cached("UPDATE stories SET open = 0 WHERE id = ?1")?;
            for id in &batch.closed {
                close.execute(params![id])?;
            }
            if let Some(state) = &batch.state {
                tx.execute(
                    "INSERT OR REPLACE INTO corpus_state (name, state) VALUES (?1, ?2)",
                    params![STATE_NAME, state],
                )?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The story clusterer's saved state, if any batch was recorded.
    pub fn story_state(&self) -> Result<Option<Vec<u8>>> {
        Ok(self
            .conn
            .query_row(
                "SELECT state FROM corpus_state WHERE name = ?1",
                params![STATE_NAME],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Stories not merged into another, most articles first, then newest.
    pub fn stories(&self) -> Result<Vec<StoryRow>> {
        self.query_stories(-1, 0)
    }

    /// One page of [`Store::stories`], paged by SQLite.
    pub fn stories_page(&self, page: Page) -> Result<Hits<StoryRow>> {
        let (limit, offset) = page.sql_bounds();
        Ok(paged(self.query_stories(limit, offset)?, page))
    }

    fn query_stories(&self, limit: i64, offset: i64) -> Result<Vec<StoryRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, label, label_article, articles, first_seen, last_seen, entities, open
             FROM stories WHERE merged_into IS NULL
             ORDER BY articles DESC, last_seen DESC, id
             LIMIT ?1 OFFSET ?2",
        )?;
        let rows = stmt.query_map(params![limit, offset], story_row)?;
        rows.map(|r| r?.map_err(|(id, reason)| StoreError::Corrupt { id, reason }))
            .collect()
    }

    /// One story by id, following merges to the story that absorbed it.
    pub fn story(&self, id: &str) -> Result<Option<StoryRow>> {
        let mut id = id.to_string();
        // Merge chains are short; the bound guards against a corrupt cycle.
        for _ in 0..64 {
            let merged: Option<Option<String>> = self
                .conn
                .query_row(
                    "SELECT merged_into FROM stories WHERE id = ?1",
                    params![id],
                    |r| r.get(0),
                )
                .optional()?;
            match merged {
                None => return Ok(None),
                Some(Some(into)) => id = into,
                Some(None) => break,
            }
        }
        let row = self
            .conn
            .query_row(
                "SELECT id, label, label_article, articles, first_seen, last_seen, entities, open
                 FROM stories WHERE id = ?1",
                params![id],
                story_row,
            )
            .optional()?;
        row.transpose()
            .map_err(|(id, reason)| StoreError::Corrupt { id, reason })
    }

    /// Story ids starting with `prefix`.
    pub fn resolve_story(&self, prefix: &str) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id FROM stories WHERE substr(id, 1, length(?1)) = ?1 ORDER BY id")?;
        let ids = stmt.query_map(params![prefix], |r| r.get(0))?;
        Ok(ids.collect::<rusqlite::Result<Vec<String>>>()?)
    }

    /// A story's articles in the order they joined.
    pub fn story_members(&self, story_id: &str) -> Result<Vec<MemberRow>> {
        let mut stmt = self.conn.prepare(
            "SELECT article_id, story_id, similarity FROM story_articles
             WHERE story_id = ?1 ORDER BY rowid",
        )?;
        let rows = stmt.query_map(params![story_id], |r| {
            Ok(MemberRow {
                article_id: r.get(0)?,
                story_id: r.get(1)?,
                similarity: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Every duplicate link, grouped by canonical article.
    pub fn duplicate_links(&self) -> Result<Vec<DuplicateRow>> {
        let mut stmt = self.conn.prepare(
            "SELECT article_id, canonical_id, kind, similarity FROM duplicates
             ORDER BY canonical_id, similarity DESC, article_id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(DuplicateRow {
                article_id: r.get(0)?,
                canonical_id: r.get(1)?,
                kind: r.get(2)?,
                similarity: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Merges recorded, oldest first.
    pub fn story_merges(&self) -> Result<Vec<MergeRow>> {
        let mut stmt = self.conn.prepare(
            "SELECT from_story, into_story, similarity, article_id FROM story_merges ORDER BY rowid",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(MergeRow {
                from: r.get(0)?,
                into: r.get(1)?,
                similarity: r.get(2)?,
                article_id: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}

type StoryResult = std::result::Result<StoryRow, (String, String)>;

fn story_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoryResult> {
    let id: String = r.get(0)?;
    let entities: String = r.get(6)?;
    let row = |entities| StoryRow {
        id: id.clone(),
        label: r.get(1).ok().flatten(),
        label_article: r.get(2).ok().flatten(),
        articles: r.get::<_, i64>(3).map(|n| n.max(0) as u64).unwrap_or(0),
        first_seen: r.get(4).ok().flatten(),
        last_seen: r.get(5).ok().flatten(),
        entities,
        open: r.get(7).unwrap_or(false),
    };
    Ok(match serde_json::from_str(&entities) {
        Ok(e) => Ok(row(e)),
        Err(e) => Err((id.clone(), format!("story entities: {e}"))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn story(id: &str, articles: u64) -> StoryRow {
        StoryRow {
            id: id.into(),
            label: Some(format!("label {id}")),
            label_article: None,
            articles,
            first_seen: Some("2025-01-01".into()),
            last_seen: None,
            entities: vec![("Oslo".into(), 2.0)],
            open: true,
        }
    }

    #[test]
    fn batches_merges_and_state() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("s.db")).unwrap();
        assert_eq!(store.story_state().unwrap(), None);
        let member = |a: &str, s: &str| MemberRow {
            article_id: a.into(),
            story_id: s.into(),
            similarity: 0.5,
        };
        store
            .record_stories(&StoryBatch {
                members: vec![member("a1", "s1"), member("a2", "s2")],
                stories: vec![story("s1", 1), story("s2", 1)],
                state: Some(b"one".to_vec()),
                ..StoryBatch::default()
            })
            .unwrap();
        store
            .record_stories(&StoryBatch {
                members: vec![member("a3", "s1")],
                merges: vec![MergeRow {
                    from: "s2".into(),
                    into: "s1".into(),
                    similarity: 0.7,
                    article_id: "a3".into(),
                }],
                duplicates: vec![DuplicateRow {
                    article_id: "a4".into(),
                    canonical_id: "a1".into(),
                    kind: "near_duplicate".into(),
                    similarity: 0.9,
                }],
                stories: vec![story("s1", 3)],
                closed: vec![],
                state: Some(b"two".to_vec()),
            })
            .unwrap();
        let stories = store.stories().unwrap();
        assert_eq!(stories.len(), 1);
        assert_eq!(stories[0].articles, 3);
        assert_eq!(stories[0].entities, vec![("Oslo".to_string(), 2.0)]);
        assert_eq!(store.story("s2").unwrap().unwrap().id, "s1");
        assert_eq!(store.story("nope").unwrap(), None);
        let members: Vec<String> = store
            .story_members("s1")
            .unwrap()
            .into_iter()
            .map(|m| m.article_id)
            .collect();
        assert_eq!(members, ["a1", "a2", "a3"]);
        assert_eq!(store.duplicate_links().unwrap().len(), 1);
        assert_eq!(store.story_merges().unwrap().len(), 1);
        assert_eq!(store.resolve_story("s").unwrap(), ["s1", "s2"]);
        assert_eq!(store.story_state().unwrap().as_deref(), Some(&b"two"[..]));
    }

    #[test]
    fn stories_are_paged_by_size() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("s.db")).unwrap();
        store
            .record_stories(&StoryBatch {
                stories: vec![story("small", 1), story("big", 5), story("mid", 3)],
                ..StoryBatch::default()
            })
            .unwrap();
        let first = store
            .stories_page(Page {
                limit: 2,
                offset: 0,
            })
            .unwrap();
        let ids: Vec<&str> = first.items.iter().map(|s| s.id.as_str()).collect();
        assert_eq!((ids, first.more), (vec!["big", "mid"], true));
        let last = store
            .stories_page(Page {
                limit: 2,
                offset: 2,
            })
            .unwrap();
        assert_eq!(last.items.len(), 1);
        assert!(!last.more);
        assert_eq!(store.stories().unwrap().len(), 3);
    }
}
