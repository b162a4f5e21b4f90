//! Search over articles and quotes and the paged listings the server reads.
//!
//! A query ranks with the full-text index ([`crate::fulltext`], BM25, filters applied in
//! the index) and then reads the page's rows and texts from SQLite for the snippets; with no
//! query, a listing is plain SQL in date order.

use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use crate::fulltext::{Found, Highlighter, Target, parse};
use crate::{QuoteRow, Result, Store};

/// Words in an article snippet and in a quote snippet.
const ARTICLE_SNIPPET: usize = 24;
const QUOTE_SNIPPET: usize = 32;

/// Which articles a search or listing covers. Every field narrows; `None` means any.
#[derive(Debug, Clone, Default)]
pub struct SearchFilter<'a> {
    /// Published on or after this date (`YYYY-MM-DD`, compared as text).
    pub from: Option<&'a str>,
    /// Published on or before this date; a bare date includes the whole day.
    pub to: Option<&'a str>,
    /// Outlet name, case-insensitive.
    pub source: Option<&'a str>,
    /// Entity id, or the text of a mention (case-insensitive), e.g. "Zelensky".
    pub entity: Option<&'a str>,
    /// Language code, e.g. "en".
    pub language: Option<&'a str>,
    /// Speaker (quotes only): case-insensitive substring of name or description.
    pub speaker: Option<&'a str>,
    /// Only these articles (e.g. one story's).
    pub articles: Option<&'a [String]>,
}

/// A slice of the results: at most `limit` items after skipping `offset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub limit: usize,
    pub offset: usize,
}

impl Page {
    /// SQL `LIMIT` and `OFFSET` for this page, one row past it so [`paged`] knows whether
    /// more follow.
    pub(crate) fn sql_bounds(self) -> (i64, i64) {
        (self.limit as i64 + 1, self.offset as i64)
    }
}

/// A piece of a snippet: `hit` pieces are the matched terms. Plain text, never markup, so
/// each consumer escapes it for its own output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Segment {
    pub text: String,
    pub hit: bool,
}

/// One page of results, and whether another follows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hits<T> {
    pub items: Vec<T>,
    pub more: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArticleHit {
    pub id: String,
    pub published: Option<String>,
    pub source: String,
    pub headline: Option<String>,
    pub language: Option<String>,
    pub url: Option<String>,
    pub words: u64,
    /// BM25 score (higher is better); `None` for listings.
    pub score: Option<f64>,
    /// The best-matching passage with hits marked; empty for listings.
    pub snippet: Vec<Segment>,
}

/// A quote found by search: the quote as listings show it, with its rank and snippet.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuoteHit {
    /// The quote's row id: stable while its article's layers are not recomputed.
    pub id: i64,
    #[serde(flatten)]
    pub quote: QuoteRow,
    pub score: Option<f64>,
    pub snippet: Vec<Segment>,
}

/// Who an outlet covered and quoted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceCoverage {
    pub source: String,
    pub articles: u64,
    pub first: Option<String>,
    pub last: Option<String>,
    /// Most quoted speakers in this outlet's articles, with their quote counts.
    pub speakers: Vec<(String, u64)>,
}

/// The upper bound of a `to` date: a bare `YYYY-MM-DD` covers that whole day.
fn day_end(to: Option<&str>) -> Option<String> {
    to.map(|t| {
        if t.len() == 10 {
            format!("{t}\u{10FFFF}")
        } else {
            t.to_owned()
        }
    })
}

fn ids_json(ids: Option<&[String]>) -> Option<String> {
    ids.map(|ids| serde_json::Value::from(ids.to_vec()).to_string())
}

/// SQL conditions on article `a` shared by the listings; parameters ?1..?6.
const ARTICLE_FILTERS: &str = "
    (?1 IS NULL OR a.published >= ?1)
    AND (?2 IS NULL OR a.published <= ?2)
    AND (?3 IS NULL OR a.source = ?3 COLLATE NOCASE)
    AND (?4 IS NULL OR EXISTS (SELECT 1 FROM mentions m WHERE m.article_id = a.id
                               AND (m.entity = ?4 OR m.text = ?4 COLLATE NOCASE)))
    AND (?5 IS NULL OR a.language = ?5 COLLATE NOCASE)
    AND (?6 IS NULL OR a.id IN (SELECT value FROM json_each(?6)))";

/// The `FROM` of a listing: with a list of articles (a story), start from the list so the
/// query reads only those rows instead of scanning the date index past every other article.
fn driving_articles(filter: &SearchFilter) -> &'static str {
    if filter.articles.is_some() {
        "json_each(?6) j JOIN articles a ON a.id = j.value"
    } else {
        "articles a"
    }
}

impl Store {
    /// Ranks `target` documents for `query` (text as typed or as [`crate::fts_query`]
    /// wrote it) after catching the index up with the store.
    fn ranked(
        &self,
        target: Target,
        query: &str,
        filter: &SearchFilter,
        page: Page,
    ) -> Result<(Vec<Found>, bool, Option<Highlighter>)> {
        let Some(parsed) = parse(query) else {
            return Ok((Vec::new(), false, None));
        };
        let index = self.fulltext()?;
        index.catch_up(&self.conn, self.writable)?;
        let (found, more) = index.search(target, &parsed, filter, page)?;
        Ok((
            found,
            more,
            Some(Highlighter::new(&parsed, index.analyzer())),
        ))
    }

    /// Runs a listing over the shared parameters: ?1..?6 the filters ([`ARTICLE_FILTERS`]),
    /// ?7 and ?8 the page, ?9 the speaker (for the statements that read it).
    fn listing<T>(
        &self,
        sql: &str,
        filter: &SearchFilter,
        page: Page,
        row: impl FnMut(&rusqlite::Row) -> rusqlite::Result<T>,
    ) -> Result<Hits<T>> {
        let (limit, offset) = page.sql_bounds();
        let (to, ids) = (day_end(filter.to), ids_json(filter.articles));
        let values: [&dyn rusqlite::ToSql; 9] = [
            &filter.from,
            &to,
            &filter.source,
            &filter.entity,
            &filter.language,
            &ids,
            &limit,
            &offset,
            &filter.speaker,
        ];
        let mut statement = self.conn.prepare_cached(sql)?;
        let count = statement.parameter_count();
        let rows = statement
            .query_map(&values[..count], row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(paged(rows, page))
    }

    /// Articles matching `query` (best first, with snippets), or with no query all articles
    /// newest first; narrowed by `filter`.
    pub fn search_articles(
        &self,
        query: Option<&str>,
        filter: &SearchFilter,
        page: Page,
    ) -> Result<Hits<ArticleHit>> {
        const COLUMNS: &str = "a.id, a.published, a.source, a.headline, a.language, a.url, a.words";
        let hit = |r: &rusqlite::Row| -> rusqlite::Result<ArticleHit> {
            Ok(ArticleHit {
                id: r.get(0)?,
                published: r.get(1)?,
                source: r.get(2)?,
                headline: r.get(3)?,
                language: r.get(4)?,
                url: r.get(5)?,
                words: r.get::<_, i64>(6)? as u64,
                score: None,
                snippet: Vec::new(),
            })
        };
        let Some(query) = query else {
            let sql = format!(
                "SELECT {COLUMNS} FROM {}
                 WHERE {ARTICLE_FILTERS}
                 ORDER BY a.published DESC, a.rowid DESC LIMIT ?7 OFFSET ?8",
                driving_articles(filter)
            );
            return self.listing(&sql, filter, page, hit);
        };
        let (found, more, highlighter) = self.ranked(Target::Articles, query, filter, page)?;
        let mut row = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS}, a.text FROM articles a WHERE a.id = ?1"
        ))?;
        let mut items = Vec::with_capacity(found.len());
        for f in found {
            let Some((mut hit, text)) = row
                .query_row([&f.article], |r| Ok((hit(r)?, r.get::<_, String>(7)?)))
                .optional()?
            else {
                continue; // deleted since it was indexed
            };
            hit.score = Some(f.score);
            if let Some(h) = &highlighter {
                hit.snippet = h
                    .snippet(&text, ARTICLE_SNIPPET)
                    .or_else(|| h.snippet(hit.headline.as_deref()?, ARTICLE_SNIPPET))
                    .unwrap_or_else(|| h.opening(&text, ARTICLE_SNIPPET));
            }
            items.push(hit);
        }
        Ok(Hits { items, more })
    }

    /// Quotes matching `query` (best first), or with no query all quotes in date and text
    /// order; narrowed by `filter` (its `speaker` included).
    pub fn search_quotes(
        &self,
        query: Option<&str>,
        filter: &SearchFilter,
        page: Page,
    ) -> Result<Hits<QuoteHit>> {
        let columns = format!("q.rowid, {}", QuoteRow::COLUMNS);
        let hit = |r: &rusqlite::Row| -> rusqlite::Result<QuoteHit> {
            Ok(QuoteHit {
                id: r.get(0)?,
                quote: QuoteRow::from_row(r, 1)?,
                score: None,
                snippet: Vec::new(),
            })
        };
        let Some(query) = query else {
            let sql = format!(
                // CROSS JOIN keeps articles as the outer loop, so SQLite walks them in
                // `published` order and stops after the page, instead of sorting every
                // quote (1 s per page at 200,000 quotes; now under 1 ms near the start).
                "SELECT {columns}
                 FROM {} CROSS JOIN quotes q ON q.article_id = a.id
                 WHERE {ARTICLE_FILTERS}
                   AND (?9 IS NULL OR instr(lower(coalesce(q.speaker, '') || ' ' ||
                                        coalesce(q.speaker_description, '')), lower(?9)) > 0)
                 ORDER BY a.published, a.rowid, q.start LIMIT ?7 OFFSET ?8",
                driving_articles(filter)
            );
            return self.listing(&sql, filter, page, hit);
        };
        let (found, more, highlighter) = self.ranked(Target::Quotes, query, filter, page)?;
        let mut row = self.conn.prepare_cached(&format!(
            "SELECT {columns} FROM quotes q JOIN articles a ON a.id = q.article_id
             WHERE q.rowid = ?1"
        ))?;
        let mut items = Vec::with_capacity(found.len());
        for f in found {
            let Some(mut hit) = row.query_row([f.quote], hit).optional()? else {
                continue; // deleted since it was indexed
            };
            hit.score = Some(f.score);
            if let Some(h) = &highlighter {
                hit.snippet = h
                    .snippet(&hit.quote.text, QUOTE_SNIPPET)
                    .unwrap_or_else(|| h.opening(&hit.quote.text, QUOTE_SNIPPET));
            }
            items.push(hit);
        }
        Ok(Hits { items, more })
    }

    /// Every outlet with its article count, date range and most quoted speakers.
    pub fn source_coverage(&self, speakers_per_source: usize) -> Result<Vec<SourceCoverage>> {
        let mut outlets = self.conn.prepare_cached(
            "SELECT source, count(*), min(published), max(published) FROM articles
             GROUP BY source ORDER BY count(*) DESC, source",
        )?;
        let mut coverage: Vec<SourceCoverage> = outlets
            .query_map([], |r| {
                Ok(SourceCoverage {
                    source: r.get(0)?,
                    articles: r.get::<_, i64>(1)? as u64,
                    first: r.get(2)?,
                    last: r.get(3)?,
                    speakers: Vec::new(),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut speakers = self.conn.prepare_cached(
            "SELECT coalesce(q.speaker, q.speaker_description) AS who, count(*) AS n
             FROM quotes q JOIN articles a ON a.id = q.article_id
             WHERE a.source = ?1 AND who IS NOT NULL
             GROUP BY who ORDER BY n DESC, who LIMIT ?2",
        )?;
        for outlet in &mut coverage {
            outlet.speakers = speakers
                .query_map(params![outlet.source, speakers_per_source as i64], |r| {
                    Ok((r.get(0)?, r.get::<_, i64>(1)? as u64))
                })?
                .collect::<rusqlite::Result<_>>()?;
        }
        Ok(coverage)
    }

    /// Whether the store has a table of this name and it holds at least one row: pages
    /// fall back to articles while stories or entities have not been computed.
    pub fn has_rows(&self, table: &str) -> Result<bool> {
        let exists: Option<i64> = self
            .conn
            .query_row(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1",
                [table],
                |r| r.get(0),
            )
            .optional()?;
        if exists.is_none() {
            return Ok(false);
        }
        // The name was just found in sqlite_master, so quoting it is enough.
        let sql = format!(
            "SELECT EXISTS (SELECT 1 FROM \"{}\")",
            table.replace('"', "\"\"")
        );
        Ok(self.conn.query_row(&sql, [], |r| r.get(0))?)
    }
}

/// A page of rows fetched with [`Page::sql_bounds`] (one row past the page tells whether
/// there are more).
pub(crate) fn paged<T>(mut items: Vec<T>, page: Page) -> Hits<T> {
    let more = items.len() > page.limit;
    items.truncate(page.limit);
    Hits { items, more }
}

#[cfg(test)]
mod tests {
    use storyline_model::{
        Annotations, Article, EntityMention, EntityType, Format, Origin, Quote, QuoteKind, Span,
        Speaker,
    };

    use super::*;
    use crate::fts_query;

    fn article(id: &str, source: &str, published: &str, headline: &str, text: &str) -> Article {
        Article {
            id: id.into(),
            external_id: None,
            source: source.into(),
            url: None,
            headline: Some(headline.into()),
            dateline: None,
            byline: None,
            section: None,
            credit: None,
            published: Some(published.into()),
            language: Some("en".into()),
            text: text.into(),
            paragraphs: vec![Span::new(0, text.chars().count())],
            removed: vec![],
            format: Format::Text,
            origin: Origin {
                path: format!("{id}.txt"),
                record: None,
            },
        }
    }

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("s.db")).unwrap();
        store
            .insert_batch(
                &[
                    article(
                        "a1",
                        "Courier",
                        "2025-03-01",
                        "Ceasefire talks",
                        "Talks on a ceasefire in Kursk began on Sunday.",
                    ),
                    article(
                        "a2",
                        "Herald",
                        "2025-03-10",
                        "Markets",
                        "Markets rose. A ceasefire was mentioned once.",
                    ),
                    article("a3", "Herald", "2025-04-01", "Weather", "Rain in Kyiv."),
                ],
                "t",
            )
            .unwrap();
        let layers = Annotations {
            entities: vec![EntityMention {
                start: 27,
                end: 32,
                kind: EntityType::Place,
                text: "Kursk".into(),
                entity: Some("kursk".into()),
            }],
            quotes: vec![Quote {
                start: 0,
                end: 10,
                text: "It needs to happen soon".into(),
                kind: QuoteKind::Direct,
                cue: None,
                speaker: Some(Speaker {
                    name: Some("Rubio".into()),
                    description: None,
                    mention: None,
                    entity: None,
                }),
            }],
            ..Annotations::default()
        };
        store.save_annotations(&[("a1", &layers)], "p1").unwrap();
        (dir, store)
    }

    const PAGE: Page = Page {
        limit: 10,
        offset: 0,
    };

    fn ids(hits: &Hits<ArticleHit>) -> Vec<&str> {
        hits.items.iter().map(|h| h.id.as_str()).collect()
    }

    #[test]
    fn search_ranks_filters_and_highlights() {
        let (_dir, store) = store();
        let q = fts_query("ceasefire").unwrap();
        let hits = store
            .search_articles(Some(&q), &SearchFilter::default(), PAGE)
            .unwrap();
        // The headline hit weighs more than a body mention.
        assert_eq!(ids(&hits), ["a1", "a2"]);
        assert!(
            hits.items[0]
                .snippet
                .iter()
                .any(|s| s.hit && s.text.eq_ignore_ascii_case("ceasefire"))
        );

        // Pages of a ranked search, with and without a filter.
        for filter in [
            SearchFilter::default(),
            SearchFilter {
                language: Some("en"),
                ..SearchFilter::default()
            },
        ] {
            let second = Page {
                limit: 1,
                offset: 1,
            };
            let hits = store.search_articles(Some(&q), &filter, second).unwrap();
            assert_eq!(ids(&hits), ["a2"]);
            assert!(!hits.more);
            assert!(!hits.items[0].snippet.is_empty());
        }

        let phrase = fts_query("\"ceasefire in Kursk\"").unwrap();
        let hits = store
            .search_articles(Some(&phrase), &SearchFilter::default(), PAGE)
            .unwrap();
        assert_eq!(ids(&hits), ["a1"]);

        let herald = SearchFilter {
            source: Some("herald"),
            ..SearchFilter::default()
        };
        assert_eq!(
            ids(&store.search_articles(Some(&q), &herald, PAGE).unwrap()),
            ["a2"]
        );
        let kursk = SearchFilter {
            entity: Some("Kursk"),
            ..SearchFilter::default()
        };
        assert_eq!(
            ids(&store.search_articles(Some(&q), &kursk, PAGE).unwrap()),
            ["a1"]
        );
        let march = SearchFilter {
            from: Some("2025-03-02"),
            to: Some("2025-03-10"),
            ..SearchFilter::default()
        };
        assert_eq!(
            ids(&store.search_articles(None, &march, PAGE).unwrap()),
            ["a2"]
        );
        let story = ["a3".to_owned()];
        let only = SearchFilter {
            articles: Some(&story),
            ..SearchFilter::default()
        };
        assert_eq!(
            ids(&store.search_articles(None, &only, PAGE).unwrap()),
            ["a3"]
        );
    }

    #[test]
    fn listings_page_newest_first() {
        let (_dir, store) = store();
        let first = store
            .search_articles(
                None,
                &SearchFilter::default(),
                Page {
                    limit: 2,
                    offset: 0,
                },
            )
            .unwrap();
        assert_eq!(ids(&first), ["a3", "a2"]);
        assert!(first.more);
        let second = store
            .search_articles(
                None,
                &SearchFilter::default(),
                Page {
                    limit: 2,
                    offset: 2,
                },
            )
            .unwrap();
        assert_eq!(ids(&second), ["a1"]);
        assert!(!second.more);
    }

    #[test]
    fn quote_index_follows_reannotation() {
        let (_dir, mut store) = store();
        let q = fts_query("soon").unwrap();
        let hits = store
            .search_quotes(Some(&q), &SearchFilter::default(), PAGE)
            .unwrap();
        assert_eq!(hits.items.len(), 1);
        assert_eq!(hits.items[0].quote.speaker.as_deref(), Some("Rubio"));
        // Replacing the layers deletes the old quote rows; the index must forget them.
        store
            .save_annotations(&[("a1", &Annotations::default())], "p2")
            .unwrap();
        let hits = store
            .search_quotes(Some(&q), &SearchFilter::default(), PAGE)
            .unwrap();
        assert!(hits.items.is_empty());
    }

    #[test]
    fn operators_prefixes_and_speaker_filters() {
        let (_dir, store) = store();
        let search = |q: &str, filter: &SearchFilter| {
            let hits = store.search_articles(Some(q), filter, PAGE).unwrap();
            ids(&hits).iter().map(|s| s.to_string()).collect::<Vec<_>>()
        };
        let any = SearchFilter::default();
        assert_eq!(search("ceasefire NOT markets", &any), ["a1"]);
        assert_eq!(search("rain OR markets", &any).len(), 2);
        // Stemmed: "talk" finds "Talks"; a prefix finds "Kursk" and is highlighted.
        assert_eq!(search("talk", &any), ["a1"]);
        let hits = store.search_articles(Some("kurs*"), &any, PAGE).unwrap();
        assert_eq!(ids(&hits), ["a1"]);
        assert!(
            hits.items[0]
                .snippet
                .iter()
                .any(|s| s.hit && s.text == "Kursk")
        );
        // A bare `to` date covers its whole day; the story filter keeps only its articles.
        let one_day = SearchFilter {
            from: Some("2025-03-10"),
            to: Some("2025-03-10"),
            ..SearchFilter::default()
        };
        assert_eq!(search("ceasefire", &one_day), ["a2"]);
        let story = ["a2".to_owned(), "a3".to_owned()];
        let in_story = SearchFilter {
            articles: Some(&story),
            ..SearchFilter::default()
        };
        assert_eq!(search("ceasefire", &in_story), ["a2"]);

        fn speaker(who: &str) -> SearchFilter<'_> {
            SearchFilter {
                speaker: Some(who),
                ..SearchFilter::default()
            }
        }
        let quotes = |filter: &SearchFilter| {
            store
                .search_quotes(Some("happen"), filter, PAGE)
                .unwrap()
                .items
                .len()
        };
        assert_eq!(quotes(&speaker("rub")), 1);
        assert_eq!(quotes(&speaker("Rubio")), 1);
        assert_eq!(quotes(&speaker("Lavrov")), 0);
    }

    #[test]
    fn the_index_follows_other_connections_and_rebuilds_when_lost() {
        let (dir, mut writer) = store();
        let path = dir.path().join("s.db");
        let reader = Store::open_read_only(&path).unwrap();
        let q = "drought";
        let found = |store: &Store| {
            ids(&store
                .search_articles(Some(q), &SearchFilter::default(), PAGE)
                .unwrap())
            .len()
        };
        assert_eq!(found(&reader), 0);
        writer
            .insert_batch(
                &[article(
                    "a4",
                    "Courier",
                    "2025-05-01",
                    "Dry",
                    "A drought in Kherson.",
                )],
                "t",
            )
            .unwrap();
        // The read-only connection sees the write without anyone syncing for it.
        assert_eq!(found(&reader), 1);
        assert_eq!(writer.sync_search().unwrap(), 0, "already caught up");
        drop((reader, writer));

        // A deleted index is rebuilt from the store on the next search.
        std::fs::remove_dir_all(crate::fulltext::index_dir(&path)).unwrap();
        let store = Store::open(&path).unwrap();
        assert_eq!(found(&store), 1);
        assert_eq!(
            store
                .search_articles(Some("ceasefire"), &SearchFilter::default(), PAGE)
                .unwrap()
                .items
                .len(),
            2
        );
    }

    #[test]
    fn an_index_of_another_database_is_not_trusted() {
        let (dir, store) = store();
        let path = dir.path().join("s.db");
        assert_eq!(store.sync_search().unwrap(), 3);
        drop(store);
        // A new database at the same path, beside the old one's index.
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(dir.path().join(format!("s.db{suffix}")));
        }
        let mut fresh = Store::open(&path).unwrap();
        fresh
            .insert_batch(
                &[article(
                    "b1",
                    "Post",
                    "2025-06-01",
                    "Other",
                    "Nothing of note.",
                )],
                "t",
            )
            .unwrap();
        let hits = fresh
            .search_articles(Some("ceasefire"), &SearchFilter::default(), PAGE)
            .unwrap();
        assert!(
            hits.items.is_empty(),
            "old articles leaked: {:?}",
            ids(&hits)
        );
    }

    #[test]
    fn coverage_and_table_checks() {
        let (_dir, store) = store();
        let coverage = store.source_coverage(5).unwrap();
        assert_eq!(coverage[0].source, "Herald");
        assert_eq!(coverage[0].articles, 2);
        assert_eq!(coverage[1].speakers, [("Rubio".to_owned(), 1)]);
        assert!(store.has_rows("articles").unwrap());
        assert!(!store.has_rows("entities").unwrap());
        assert!(!store.has_rows("no_such_table").unwrap());
    }
}
