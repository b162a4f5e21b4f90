//! Followed sources (feeds, news sitemaps, article pages) with their polling state, and the
//! memory of fetched URLs that makes `storyline watch` fetch each article page once.
//!
//! The fetcher owns the meaning of the values (what a status says, how URLs are normalised);
//! the store only keeps them, so a restart picks up exactly where the last run stopped.

use std::collections::HashSet;

use rusqlite::{OptionalExtension, params};

use crate::{Result, Store};

/// One followed source and what happened the last time it was polled.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Source {
    pub id: i64,
    pub url: String,
    /// The name given with `sources add --name` or taken from OPML; `None` uses the feed's own.
    pub name: Option<String>,
    pub added_at: String,
    /// Validators from the last complete poll, sent back as a conditional GET.
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub last_fetch_at: Option<String>,
    /// A short outcome of the last poll ("ok", "not modified", "error").
    pub status: Option<String>,
    /// The last poll's error, naming the URL that failed; `None` after a clean poll.
    pub error: Option<String>,
    /// New articles stored from this source over its lifetime.
    pub articles: u64,
    /// Polls in a row that failed; reset by a successful one.
    pub failures: u64,
}

/// The outcome of one poll of a source.
#[derive(Debug, Clone, PartialEq)]
pub struct SourcePoll {
    pub source_id: i64,
    pub at: String,
    pub status: String,
    pub error: Option<String>,
    /// New validators; `None` keeps the stored ones (so a failed or partial poll is retried
    /// in full next time instead of being answered with a 304).
    pub validators: Option<Validators>,
}

/// HTTP cache validators of a source document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// One fetched (or deliberately skipped) article URL.
#[derive(Debug, Clone, PartialEq)]
pub struct FetchedUrl {
    /// The normalised URL.
    pub url: String,
    pub source_id: Option<i64>,
    /// The stored article the URL gave, if any.
    pub article_id: Option<String>,
    /// What happened: "new", "duplicate", "already stored", "in feed", or an error.
    pub status: String,
    pub fetched_at: String,
}

impl Store {
    /// Adds a source, or renames it when `name` is given and the URL is already followed.
    /// Returns the source's id and whether it is new.
    pub fn add_source(
        &mut self,
        url: &str,
        name: Option<&str>,
        added_at: &str,
    ) -> Result<(i64, bool)> {
        let tx = self.conn.transaction()?;
        let existing: Option<i64> = tx
            .query_row("SELECT id FROM sources WHERE url = ?1", [url], |r| r.get(0))
            .optional()?;
        let result = match existing {
            Some(id) => {
                if let Some(name) = name {
                    tx.execute(
                        "UPDATE sources SET name = ?2 WHERE id = ?1",
                        params![id, name],
                    )?;
                }
                (id, false)
            }
            None => {
                tx.execute(
                    "INSERT INTO sources (url, name, added_at) VALUES (?1, ?2, ?3)",
                    params![url, name, added_at],
                )?;
                (tx.last_insert_rowid(), true)
            }
        };
        tx.commit()?;
        Ok(result)
    }

    /// Stops following a source (its articles stay). Returns whether it existed.
    pub fn remove_source(&mut self, url: &str) -> Result<bool> {
        Ok(self
            .conn
            .execute("DELETE FROM sources WHERE url = ?1", [url])?
            > 0)
    }

    /// Every followed source, in the order they were added.
    pub fn sources(&self) -> Result<Vec<Source>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, url, name, added_at, etag, last_modified, last_fetch_at, status, error,
                    articles, failures
             FROM sources ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(Source {
                id: r.get(0)?,
                url: r.get(1)?,
                name: r.get(2)?,
                added_at: r.get(3)?,
                etag: r.get(4)?,
                last_modified: r.get(5)?,
                last_fetch_at: r.get(6)?,
                status: r.get(7)?,
                error: r.get(8)?,
                articles: r.get::<_, i64>(9)? as u64,
                failures: r.get::<_, i64>(10)? as u64,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Which of `urls` were fetched (or skipped for good) before.
    pub fn known_urls(&self, urls: &[&str]) -> Result<HashSet<String>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT 1 FROM fetched_urls WHERE url = ?1")?;
        let mut known = HashSet::new();
        for url in urls {
            if stmt.exists([url])? {
                known.insert((*url).to_owned());
            }
        }
        Ok(known)
    }

    /// The remembered outcome for one URL, if any.
    pub fn fetched_url(&self, url: &str) -> Result<Option<FetchedUrl>> {
        Ok(self
            .conn
            .query_row(
                "SELECT url, source_id, article_id, status, fetched_at FROM fetched_urls WHERE url = ?1",
                [url],
                |r| {
                    Ok(FetchedUrl {
                        url: r.get(0)?,
                        source_id: r.get(1)?,
                        article_id: r.get(2)?,
                        status: r.get(3)?,
                        fetched_at: r.get(4)?,
                    })
                },
            )
            .optional()?)
    }

    /// Forgets fetched URLs so the next watch fetches them again (`watch --refetch`); `None`
    /// forgets all. Returns how many were forgotten.
    pub fn forget_urls(&mut self, source_id: Option<i64>) -> Result<u64> {
        let n = match source_id {
            Some(id) => self
                .conn
                .execute("DELETE FROM fetched_urls WHERE source_id = ?1", [id])?,
            None => self.conn.execute("DELETE FROM fetched_urls", [])?,
        };
        Ok(n as u64)
    }

    /// Records, in one transaction, the URLs a watch batch handled, the new articles each
    /// source gave, and finished polls.
    pub fn record_fetches(
        &mut self,
        urls: &[FetchedUrl],
        new_articles: &[(i64, u64)],
        polls: &[SourcePoll],
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        {
            let mut remember = tx.prepare_cached(
                "INSERT INTO fetched_urls (url, source_id, article_id, status, fetched_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (url) DO UPDATE SET source_id = excluded.source_id,
                     article_id = excluded.article_id, status = excluded.status,
                     fetched_at = excluded.fetched_at",
            )?;
            for url in urls {
                remember.execute(params![
                    url.url,
                    url.source_id,
                    url.article_id,
                    url.status,
                    url.fetched_at
                ])?;
            }
            let mut count =
                tx.prepare_cached("UPDATE sources SET articles = articles + ?2 WHERE id = ?1")?;
            for (id, n) in new_articles {
                count.execute(params![id, *n as i64])?;
            }
            let mut poll = tx.prepare_cached(
                "UPDATE sources SET last_fetch_at = ?2, status = ?3, error = ?4,
                     failures = CASE WHEN ?4 IS NULL THEN 0 ELSE failures + 1 END
                 WHERE id = ?1",
            )?;
            let mut validators = tx
                .prepare_cached("UPDATE sources SET etag = ?2, last_modified = ?3 WHERE id = ?1")?;
            for p in polls {
                poll.execute(params![p.source_id, p.at, p.status, p.error])?;
                if let Some(v) = &p.validators {
                    validators.execute(params![p.source_id, v.etag, v.last_modified])?;
                }
            }
        }
        tx.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_urls_and_polls_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("s.db")).unwrap();
        let (id, new) = store
            .add_source("https://a.example/rss", None, "2026-01-01T00:00:00Z")
            .unwrap();
        assert!(new);
        let (again, new) = store
            .add_source(
                "https://a.example/rss",
                Some("A News"),
                "2026-01-02T00:00:00Z",
            )
            .unwrap();
        assert_eq!((again, new), (id, false));

        let url = FetchedUrl {
            url: "https://a.example/1".into(),
            source_id: Some(id),
            article_id: None,
            status: "http 404".into(),
            fetched_at: "2026-01-01T00:00:00Z".into(),
        };
        let poll = SourcePoll {
            source_id: id,
            at: "2026-01-01T00:00:00Z".into(),
            status: "ok".into(),
            error: None,
            validators: Some(Validators {
                etag: Some("\"v1\"".into()),
                last_modified: None,
            }),
        };
        store
            .record_fetches(std::slice::from_ref(&url), &[(id, 3)], &[poll])
            .unwrap();
        // A failed poll without validators keeps the old ones and counts the failure.
        let failed = SourcePoll {
            source_id: id,
            at: "2026-01-01T00:10:00Z".into(),
            status: "error".into(),
            error: Some("https://a.example/rss: timed out".into()),
            validators: None,
        };
        store.record_fetches(&[], &[(id, 1)], &[failed]).unwrap();

        let sources = store.sources().unwrap();
        assert_eq!(sources.len(), 1);
        let s = &sources[0];
        assert_eq!(s.name.as_deref(), Some("A News"));
        assert_eq!(s.etag.as_deref(), Some("\"v1\""));
        assert_eq!(s.articles, 4);
        assert_eq!(s.failures, 1);
        assert_eq!(s.error.as_deref(), Some("https://a.example/rss: timed out"));

        let known = store
            .known_urls(&["https://a.example/1", "https://a.example/2"])
            .unwrap();
        assert_eq!(known.len(), 1);
        assert!(known.contains("https://a.example/1"));
        assert_eq!(store.fetched_url("https://a.example/1").unwrap(), Some(url));
        assert_eq!(store.forget_urls(Some(id)).unwrap(), 1);
        assert!(
            store
                .known_urls(&["https://a.example/1"])
                .unwrap()
                .is_empty()
        );
        assert!(store.remove_source("https://a.example/rss").unwrap());
        assert!(store.sources().unwrap().is_empty());
    }
}
