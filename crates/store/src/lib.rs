//! storyline's embedded store: one SQLite file (WAL mode) with versioned migrations.
//!
//! Invariants:
//! - Articles are keyed by their content-derived id; storing an article twice stores it once.
//! - Every time an input presents an article, a *sighting* records where it came from
//!   (path, record, source, url), so duplicates are counted and provenance is never lost.
//! - Writes happen in batches, one transaction each: a crash or `kill -9` leaves the last
//!   committed batch and nothing half-written; re-running the same ingest completes the rest.

use std::cell::OnceCell;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use storyline_model::{Article, Format, Origin};

mod annotations;
mod background;
pub mod entities;
mod events;
mod fulltext;
mod migrations;
mod search;
mod sources;
mod stories;

pub use annotations::{FactFilter, QuantityRow, QuoteRow};
pub use background::BackgroundSync;
pub use events::{EventFilter, EventRow};
pub use fulltext::fts_query;
pub use search::{ArticleHit, Hits, Page, QuoteHit, SearchFilter, Segment, SourceCoverage};
pub use sources::{FetchedUrl, Source, SourcePoll, Validators};
pub use stories::{DuplicateRow, MemberRow, MergeRow, StoryBatch, StoryRow};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: {source}")]
    Open {
        path: String,
        source: rusqlite::Error,
    },
    #[error(
        "{path}: database schema version {found} is newer than this storyline understands ({supported}); upgrade storyline"
    )]
    TooNew {
        path: String,
        found: i64,
        supported: i64,
    },
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error(
        "search index {dir}: {source} (it can be deleted: storyline rebuilds it from the database)"
    )]
    Index {
        dir: String,
        source: tantivy::TantivyError,
    },
    #[error("stored article {id} is corrupt: {reason}")]
    Corrupt { id: String, reason: String },
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// What storing one article did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// A new article.
    New,
    /// The same text was already stored from another input or record.
    Duplicate,
    /// This very input record was stored before (a re-run).
    AlreadyStored,
}

/// One row of `storyline articles`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ArticleSummary {
    pub id: String,
    pub published: Option<String>,
    pub source: String,
    pub headline: Option<String>,
    pub words: u64,
    /// How many input records presented this article (1 + duplicates).
    pub sightings: u64,
}

/// Where and when an article was seen.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Sighting {
    pub origin: Origin,
    pub source: String,
    pub url: Option<String>,
    pub seen_at: String,
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
    writable: bool,
    /// The full-text index, opened on first use.
    fulltext: OnceCell<Arc<fulltext::FullText>>,
}

impl Store {
    /// Opens (creating if needed) the store at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store> {
        let display = path.display().to_string();
        let open_err = |source| StoreError::Open {
            path: display.clone(),
            source,
        };
        let conn = Connection::open(path).map_err(open_err)?;
        conn.busy_timeout(std::time::Duration::from_secs(30))
            .map_err(open_err)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(open_err)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(open_err)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(open_err)?;
        let mut store = Store::with(conn, path, true);
        migrations::migrate(&mut store.conn, &display)?;
        Ok(store)
    }

    /// Opens an existing store for reading only.
    pub fn open_read_only(path: &Path) -> Result<Store> {
        let display = path.display().to_string();
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|source| StoreError::Open {
            path: display.clone(),
            source,
        })?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        migrations::check_version(&conn, &display)?;
        Ok(Store::with(conn, path, false))
    }

    fn with(conn: Connection, path: &Path, writable: bool) -> Store {
        // The server's pages run a few dozen distinct statements per connection; the
        // default cache (16) re-parsed some of them on every request.
        conn.set_prepared_statement_cache_capacity(64);
        Store {
            conn,
            path: path.to_owned(),
            writable,
            fulltext: OnceCell::new(),
        }
    }

    fn fulltext(&self) -> Result<&fulltext::FullText> {
        if let Some(index) = self.fulltext.get() {
            return Ok(index);
        }
        let index = fulltext::FullText::shared(&self.path)?;
        Ok(self.fulltext.get_or_init(|| index))
    }

    /// Brings the full-text index up to date with everything stored, and returns how many
    /// articles it (re)indexed. Searches do this themselves before they run; writers call it
    /// after a batch of work so the next search need not wait.
    pub fn sync_search(&self) -> Result<usize> {
        self.fulltext()?.catch_up(&self.conn, self.writable)
    }

    /// Stores a batch of articles in one transaction and says what happened to each.
    pub fn insert_batch(&mut self, articles: &[Article], seen_at: &str) -> Result<Vec<Outcome>> {
        let tx = self.conn.transaction()?;
        let mut outcomes = Vec::with_capacity(articles.len());
        {
            let mut insert_article = tx.prepare_cached(
                "INSERT OR IGNORE INTO articles (id, external_id, source, url, headline, dateline,
                     byline, section, credit, published, language, text, paragraphs, removed,
                     format, words, ingested_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
            )?;
            let mut insert_sighting = tx.prepare_cached(
                "INSERT OR IGNORE INTO sightings (article_id, origin_path, origin_record, source, url, seen_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for article in articles {
                let paragraphs =
                    serde_json::to_string(&article.paragraphs).expect("spans serialise");
                let removed = serde_json::to_string(&article.removed).expect("removals serialise");
                let new_article = insert_article.execute(params![
                    article.id,
                    article.external_id,
                    article.source,
                    article.url,
                    article.headline,
                    article.dateline,
                    article.byline,
                    article.section,
                    article.credit,
                    article.published,
                    article.language,
                    article.text,
                    paragraphs,
                    removed,
                    article.format.as_str(),
                    article.word_count() as i64,
                    seen_at,
                ])? == 1;
                let new_sighting = insert_sighting.execute(params![
                    article.id,
                    article.origin.path,
                    article.origin.record.unwrap_or(0) as i64,
                    article.source,
                    article.url,
                    seen_at,
                ])? == 1;
                outcomes.push(match (new_article, new_sighting) {
                    (true, _) => Outcome::New,
                    (false, true) => Outcome::Duplicate,
                    (false, false) => Outcome::AlreadyStored,
                });
            }
        }
        tx.commit()?;
        Ok(outcomes)
    }

    pub fn count(&self) -> Result<u64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM articles", [], |r| r.get::<_, i64>(0))?
            as u64)
    }

    /// All articles in ingest order.
    pub fn summaries(&self) -> Result<Vec<ArticleSummary>> {
        let mut statement = self.conn.prepare(
            "SELECT a.id, a.published, a.source, a.headline, a.words,
                    (SELECT count(*) FROM sightings s WHERE s.article_id = a.id)
             FROM articles a ORDER BY a.rowid",
        )?;
        let rows = statement.query_map([], |row| {
            Ok(ArticleSummary {
                id: row.get(0)?,
                published: row.get(1)?,
                source: row.get(2)?,
                headline: row.get(3)?,
                words: row.get::<_, i64>(4)? as u64,
                sightings: row.get::<_, i64>(5)? as u64,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Ids of articles whose id starts with `key`, or failing that, whose input file name
    /// starts with it (so `show 001` finds `…/001_b5fc.txt`). Ingest order.
    pub fn resolve(&self, key: &str) -> Result<Vec<String>> {
        let pattern = format!("{}%", escape_like(key));
        let mut by_id = self
            .conn
            .prepare("SELECT id FROM articles WHERE id LIKE ?1 ESCAPE '\\' ORDER BY rowid")?;
        let ids: Vec<String> = by_id
            .query_map([&pattern], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        if !ids.is_empty() {
            return Ok(ids);
        }
        let mut by_file = self.conn.prepare(
            "SELECT DISTINCT a.id FROM articles a JOIN sightings s ON s.article_id = a.id
             WHERE s.origin_path LIKE ?1 ESCAPE '\\' OR s.origin_path LIKE ?2 ESCAPE '\\'
             ORDER BY a.rowid",
        )?;
        let in_folder = format!("%/{}", pattern);
        let ids = by_file
            .query_map([&pattern, &in_folder], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(ids)
    }

    pub fn article(&self, id: &str) -> Result<Option<Article>> {
        let row = self
            .conn
            .query_row(
                "SELECT a.id, a.external_id, a.source, a.url, a.headline, a.dateline, a.byline,
                        a.section, a.credit, a.published, a.language, a.text, a.paragraphs,
                        a.removed, a.format,
                        (SELECT s.origin_path FROM sightings s WHERE s.article_id = a.id ORDER BY s.rowid LIMIT 1),
                        (SELECT s.origin_record FROM sightings s WHERE s.article_id = a.id ORDER BY s.rowid LIMIT 1)
                 FROM articles a WHERE a.id = ?1",
                [id],
                |row| {
                    Ok((
                        Article {
                            id: row.get(0)?,
                            external_id: row.get(1)?,
                            source: row.get(2)?,
                            url: row.get(3)?,
                            headline: row.get(4)?,
                            dateline: row.get(5)?,
                            byline: row.get(6)?,
                            section: row.get(7)?,
                            credit: row.get(8)?,
                            published: row.get(9)?,
                            language: row.get(10)?,
                            text: row.get(11)?,
                            paragraphs: Vec::new(),
                            removed: Vec::new(),
                            format: Format::Text,
                            origin: Origin {
                                path: row.get::<_, Option<String>>(15)?.unwrap_or_default(),
                                record: row
                                    .get::<_, Option<i64>>(16)?
                                    .filter(|&r| r > 0)
                                    .map(|r| r as u64),
                            },
                        },
                        row.get::<_, String>(12)?,
                        row.get::<_, String>(13)?,
                        row.get::<_, String>(14)?,
                    ))
                },
            )
            .optional()?;
        let Some((mut article, paragraphs, removed, format)) = row else {
            return Ok(None);
        };
        let corrupt = |reason: String| StoreError::Corrupt {
            id: id.to_owned(),
            reason,
        };
        article.paragraphs =
            serde_json::from_str(&paragraphs).map_err(|e| corrupt(format!("paragraphs: {e}")))?;
        article.removed =
            serde_json::from_str(&removed).map_err(|e| corrupt(format!("removed: {e}")))?;
        article.format = format.parse().map_err(corrupt)?;
        Ok(Some(article))
    }

    /// Every input record that presented the article, first first.
    pub fn sightings(&self, id: &str) -> Result<Vec<Sighting>> {
        let mut statement = self.conn.prepare(
            "SELECT origin_path, origin_record, source, url, seen_at FROM sightings
             WHERE article_id = ?1 ORDER BY rowid",
        )?;
        let rows = statement.query_map([id], |row| {
            Ok(Sighting {
                origin: Origin {
                    path: row.get(0)?,
                    record: Some(row.get::<_, i64>(1)? as u64).filter(|&r| r > 0),
                },
                source: row.get(2)?,
                url: row.get(3)?,
                seen_at: row.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// `PRAGMA integrity_check`: `Ok(())` or the problems SQLite lists.
    pub fn integrity_check(&self) -> Result<std::result::Result<(), Vec<String>>> {
        let mut statement = self.conn.prepare("PRAGMA integrity_check")?;
        let lines: Vec<String> = statement
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(if lines == ["ok"] { Ok(()) } else { Err(lines) })
    }
}

fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

#[cfg(test)]
mod tests {
    use super::*;
    use storyline_model::Span;

    /// A small stored article; other test modules of the crate build on it.
    pub(crate) fn article(id: &str, path: &str, record: Option<u64>) -> Article {
        Article {
            id: id.into(),
            external_id: None,
            source: "Courier".into(),
            url: None,
            headline: Some("Bridge vote".into()),
            dateline: None,
            byline: None,
            section: None,
            credit: None,
            published: Some("2025-01-02".into()),
            language: Some("en".into()),
            text: "The council voted.".into(),
            paragraphs: vec![Span::new(0, 18)],
            removed: vec![],
            format: Format::Jsonl,
            origin: Origin {
                path: path.into(),
                record,
            },
        }
    }

    #[test]
    fn duplicates_and_reruns_are_told_apart() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("s.db")).unwrap();
        let a = article("aaaa1111", "in/001_x.jsonl", Some(1));
        let copy = article("aaaa1111", "in/other.jsonl", Some(7));
        let b = article("bbbb2222", "in/001_x.jsonl", Some(2));
        let outcomes = store.insert_batch(&[a.clone(), copy, b], "t").unwrap();
        assert_eq!(outcomes, [Outcome::New, Outcome::Duplicate, Outcome::New]);
        let rerun = store.insert_batch(std::slice::from_ref(&a), "t2").unwrap();
        assert_eq!(rerun, [Outcome::AlreadyStored]);

        assert_eq!(store.count().unwrap(), 2);
        assert_eq!(store.article("aaaa1111").unwrap().unwrap(), a);
        assert_eq!(store.sightings("aaaa1111").unwrap().len(), 2);
        assert_eq!(store.summaries().unwrap()[0].sightings, 2);
        assert_eq!(store.resolve("aaa").unwrap(), ["aaaa1111"]);
        assert_eq!(store.resolve("001").unwrap(), ["aaaa1111", "bbbb2222"]);
        assert!(store.resolve("zz").unwrap().is_empty());
        assert!(
            store.resolve("%").unwrap().is_empty(),
            "LIKE wildcards are literal"
        );
        assert_eq!(store.integrity_check().unwrap(), Ok(()));
    }

    #[test]
    fn reopening_keeps_data_and_schema() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        Store::open(&path)
            .unwrap()
            .insert_batch(&[article("cc", "x", None)], "t")
            .unwrap();
        let store = Store::open_read_only(&path).unwrap();
        assert_eq!(store.count().unwrap(), 1);
        assert_eq!(store.article("cc").unwrap().unwrap().origin.record, None);
    }

    #[test]
    fn newer_schema_is_refused_with_advice() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        drop(Store::open(&path).unwrap());
        Connection::open(&path)
            .unwrap()
            .pragma_update(None, "user_version", 999)
            .unwrap();
        let err = Store::open(&path).err().unwrap().to_string();
        assert!(err.contains("upgrade storyline"), "{err}");
    }
}
