//! Full-text search over articles and quotes (SQLite FTS5, BM25 ranking), and the paged
//! listings the server reads.
//!
//! The FTS5 tables are *external content* tables over `articles` and `quotes`, kept in step
//! by triggers (schema 5): every insert, replace or delete of a row updates the index in the
//! same transaction, so search never disagrees with the store and ingest needs no extra
//! step. Headlines weigh four times body text (the `rank` option set by the migration).
//!
//! User queries are never passed to FTS5 verbatim: [`fts_query`] quotes every word, so
//! stray syntax (`AND(`, `col:`, unbalanced quotes) cannot make a query fail or reach
//! another column; phrases in double quotes, `word*` prefixes and `OR` between terms are
//! kept.

use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use crate::{QuoteRow, Result, Store};

/// Marks FTS5's `snippet()` puts around hits: control characters that cleaned article text
/// does not contain, stripped from the text before the snippet is split on them.
const HIT_OPEN: char = '\u{2}';
const HIT_CLOSE: char = '\u{3}';

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
    /// BM25 score (lower is better, as FTS5 reports it); `None` for listings.
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

/// Turns what a user typed into an FTS5 query, or `None` when nothing searchable is left.
///
/// Words and `"phrases"` are quoted (so FTS5 syntax inside them is literal) and must all
/// match; `OR` and `NOT` between two terms are kept as operators; `word*` is a prefix search.
pub fn fts_query(input: &str) -> Option<String> {
    enum Item {
        Term(String),
        Op(&'static str),
    }
    let mut items = Vec::new();
    let mut rest = input.trim();
    while let Some(c) = rest.chars().next() {
        if c.is_whitespace() {
            rest = rest.trim_start();
            continue;
        }
        if c == '"' {
            let body = &rest[1..];
            let end = body.find('"').unwrap_or(body.len());
            let phrase = clean(&body[..end]);
            if !phrase.trim().is_empty() {
                items.push(Item::Term(format!("\"{}\"", phrase.replace('"', "\"\""))));
            }
            rest = body.get(end + 1..).unwrap_or("");
            continue;
        }
        let end = rest
            .find(|c: char| c.is_whitespace() || c == '"')
            .unwrap_or(rest.len());
        let word = &rest[..end];
        rest = &rest[end..];
        match word {
            "OR" => items.push(Item::Op("OR")),
            "NOT" => items.push(Item::Op("NOT")),
            _ => {
                let prefix = word.ends_with('*');
                let bare: String = clean(word)
                    .chars()
                    .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '\'' | '.' | '_'))
                    .collect();
                if bare.chars().any(char::is_alphanumeric) {
                    let star = if prefix { "*" } else { "" };
                    items.push(Item::Term(format!("\"{bare}\"{star}")));
                }
            }
        }
    }
    // Keep an operator only between two terms; implicit AND everywhere else.
    let mut out: Vec<String> = Vec::new();
    let mut pending: Option<&str> = None;
    for item in items {
        match item {
            Item::Op(op) => {
                if !out.is_empty() {
                    pending = Some(op);
                }
            }
            Item::Term(term) => {
                if let Some(op) = pending.take() {
                    out.push(op.to_owned());
                }
                out.push(term);
            }
        }
    }
    (!out.is_empty()).then(|| out.join(" "))
}

fn clean(s: &str) -> String {
    s.replace([HIT_OPEN, HIT_CLOSE], "")
}

/// Splits FTS5 snippet output (hits between [`HIT_OPEN`] and [`HIT_CLOSE`]) into segments.
fn segments(snippet: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut hit = false;
    let mut current = String::new();
    for c in snippet.chars() {
        let toggle = match c {
            HIT_OPEN => Some(true),
            HIT_CLOSE => Some(false),
            _ => None,
        };
        match toggle {
            Some(next) => {
                if !current.is_empty() {
                    out.push(Segment {
                        text: std::mem::take(&mut current),
                        hit,
                    });
                }
                hit = next;
            }
            None => current.push(c),
        }
    }
    if !current.is_empty() {
        out.push(Segment { text: current, hit });
    }
    out
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

/// SQL conditions on article `a` shared by every query; parameters ?2..?8.
const ARTICLE_FILTERS: &str = "
    (?2 IS NULL OR a.published >= ?2)
    AND (?3 IS NULL OR a.published <= ?3)
    AND (?4 IS NULL OR a.source = ?4 COLLATE NOCASE)
    AND (?5 IS NULL OR EXISTS (SELECT 1 FROM mentions m WHERE m.article_id = a.id
                               AND (m.entity = ?5 OR m.text = ?5 COLLATE NOCASE)))
    AND (?6 IS NULL OR a.language = ?6 COLLATE NOCASE)
    AND (?7 IS NULL OR a.id IN (SELECT value FROM json_each(?7)))";

/// The `FROM` of a listing: with a list of articles (a story), start from the list so the
/// query reads only those rows instead of scanning the date index past every other article.
fn driving_articles(filter: &SearchFilter) -> &'static str {
    if filter.articles.is_some() {
        "json_each(?7) j JOIN articles a ON a.id = j.value"
    } else {
        "articles a"
    }
}

/// The `FROM` of a ranked search. Unfiltered, FTS5 ranks alone and keeps only the page (a
/// top-k sort over rowids), and only those rows are joined; with filters, first the best
/// [`CANDIDATES`] are joined and tested, then (`full`) every match. `?1` is the query; the page is `?8`/`?9`, applied by the outer
/// query (the inner one keeps everything up to the page's end).
fn ranked(fts: &str, join: &str, filter: &SearchFilter, full: bool) -> String {
    if !filtered(filter) {
        format!(
            "(SELECT rowid, rank FROM {fts} WHERE {fts} MATCH ?1 ORDER BY rank LIMIT ?8 + ?9) f
             {join}"
        )
    } else if !full {
        // First try: filter only the best-ranked candidates. If they hold a full page, it
        // is the true top of the filtered matches (everything outside ranks lower).
        format!(
            "(SELECT rowid, rank FROM {fts} WHERE {fts} MATCH ?1 ORDER BY rank
              LIMIT max({CANDIDATES}, 20 * (?8 + ?9))) f
             {join}"
        )
    } else {
        format!("{fts} f {join} AND {fts} MATCH ?1")
    }
}

/// Best-ranked matches a filtered search looks at before it falls back to joining every
/// match: enough for a page when the filter keeps a few percent of the matches.
const CANDIDATES: usize = 2000;

fn filtered(filter: &SearchFilter) -> bool {
    filter.from.is_some()
        || filter.to.is_some()
        || filter.source.is_some()
        || filter.entity.is_some()
        || filter.language.is_some()
        || filter.speaker.is_some()
        || filter.articles.is_some()
}

impl Store {
    /// The best passage of one indexed row for `query`, hits marked. Computed per hit after
    /// ranking: in the ranking query SQLite would build a snippet for every match.
    fn snippet(
        &self,
        fts: &str,
        column: i32,
        tokens: i32,
        query: &str,
        rowid: Option<i64>,
    ) -> Result<Vec<Segment>> {
        let Some(rowid) = rowid else {
            return Ok(Vec::new());
        };
        let sql = format!(
            "SELECT snippet({fts}, ?3, char(2), char(3), '…', ?4) FROM {fts}
             WHERE {fts} MATCH ?1 AND rowid = ?2"
        );
        let text: Option<String> = self
            .conn
            .prepare_cached(&sql)?
            .query_row(params![query, rowid, column, tokens], |r| r.get(0))
            .optional()?;
        Ok(text.map(|t| segments(&t)).unwrap_or_default())
    }

    /// Articles matching `query` (best first, with snippets), or with no query all articles
    /// newest first; narrowed by `filter`.
    pub fn search_articles(
        &self,
        query: Option<&str>,
        filter: &SearchFilter,
        page: Page,
    ) -> Result<Hits<ArticleHit>> {
        let to = day_end(filter.to);
        let ids = ids_json(filter.articles);
        let sql_for = |full: bool| match query {
            Some(_) => {
                format!(
                    "SELECT a.id, a.published, a.source, a.headline, a.language, a.url, a.words,
                        f.rank, a.rowid
                 FROM {}
                 WHERE {ARTICLE_FILTERS}
                 ORDER BY f.rank LIMIT ?8 OFFSET ?9",
                    ranked(
                        "articles_fts",
                        "JOIN articles a ON a.rowid = f.rowid",
                        filter,
                        full
                    )
                )
            }
            None => format!(
                "SELECT a.id, a.published, a.source, a.headline, a.language, a.url, a.words,
                        NULL, NULL
                 FROM {}
                 WHERE ?1 IS NULL AND {ARTICLE_FILTERS}
                 ORDER BY a.published DESC, a.rowid DESC LIMIT ?8 OFFSET ?9",
                driving_articles(filter)
            ),
        };
        let run = |sql: &str| -> Result<Vec<(ArticleHit, Option<i64>)>> {
            let mut statement = self.conn.prepare_cached(sql)?;
            let rows = statement.query_map(
                params![
                    query,
                    filter.from,
                    to,
                    filter.source,
                    filter.entity,
                    filter.language,
                    ids,
                    page.limit as i64 + 1,
                    page.offset as i64,
                ],
                |r| {
                    Ok((
                        ArticleHit {
                            id: r.get(0)?,
                            published: r.get(1)?,
                            source: r.get(2)?,
                            headline: r.get(3)?,
                            language: r.get(4)?,
                            url: r.get(5)?,
                            words: r.get::<_, i64>(6)? as u64,
                            score: r.get(7)?,
                            snippet: Vec::new(),
                        },
                        r.get::<_, Option<i64>>(8)?,
                    ))
                },
            )?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        };
        let mut rows = run(&sql_for(false))?;
        if query.is_some() && filtered(filter) && rows.len() <= page.limit {
            rows = run(&sql_for(true))?;
        }
        let mut hits = paged(rows, page);
        if let Some(query) = query {
            for (hit, rowid) in &mut hits.items {
                hit.snippet = self.snippet("articles_fts", -1, 24, query, *rowid)?;
            }
        }
        Ok(Hits {
            items: hits.items.into_iter().map(|(hit, _)| hit).collect(),
            more: hits.more,
        })
    }

    /// Quotes matching `query` (best first), or with no query all quotes in date and text
    /// order; narrowed by `filter` (its `speaker` included).
    pub fn search_quotes(
        &self,
        query: Option<&str>,
        filter: &SearchFilter,
        page: Page,
    ) -> Result<Hits<QuoteHit>> {
        let to = day_end(filter.to);
        let ids = ids_json(filter.articles);
        let speaker = "AND (?10 IS NULL OR instr(lower(coalesce(q.speaker, '') || ' ' ||
                                  coalesce(q.speaker_description, '')), lower(?10)) > 0)";
        let columns = format!("q.rowid, {}", QuoteRow::COLUMNS);
        let sql_for = |full: bool| match query {
            Some(_) => format!(
                "SELECT {columns}, f.rank
                 FROM {}
                 WHERE {ARTICLE_FILTERS} {speaker}
                 ORDER BY f.rank LIMIT ?8 OFFSET ?9",
                ranked(
                    "quotes_fts",
                    "JOIN quotes q ON q.rowid = f.rowid JOIN articles a ON a.id = q.article_id",
                    filter,
                    full
                )
            ),
            None => format!(
                "SELECT {columns}, NULL
                 FROM {} JOIN quotes q ON q.article_id = a.id
                 WHERE ?1 IS NULL AND {ARTICLE_FILTERS} {speaker}
                 ORDER BY a.published, a.rowid, q.start LIMIT ?8 OFFSET ?9",
                driving_articles(filter)
            ),
        };
        let run = |sql: &str| -> Result<Vec<QuoteHit>> {
            let mut statement = self.conn.prepare_cached(sql)?;
            let rows = statement.query_map(
                params![
                    query,
                    filter.from,
                    to,
                    filter.source,
                    filter.entity,
                    filter.language,
                    ids,
                    page.limit as i64 + 1,
                    page.offset as i64,
                    filter.speaker,
                ],
                |r| {
                    Ok(QuoteHit {
                        id: r.get(0)?,
                        quote: QuoteRow::from_row(r, 1)?,
                        score: r.get(13)?,
                        snippet: Vec::new(),
                    })
                },
            )?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        };
        let mut items = run(&sql_for(false))?;
        if query.is_some() && filtered(filter) && items.len() <= page.limit {
            items = run(&sql_for(true))?;
        }
        let mut hits = paged(items, page);
        if let Some(query) = query {
            for hit in &mut hits.items {
                hit.snippet = self.snippet("quotes_fts", 0, 32, query, Some(hit.id))?;
            }
        }
        Ok(hits)
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
    fn queries_are_quoted_and_operators_kept_only_between_terms() {
        assert_eq!(
            fts_query("ceasefire Kursk").unwrap(),
            "\"ceasefire\" \"Kursk\""
        );
        assert_eq!(
            fts_query("\"peace talks\" kurs*").unwrap(),
            "\"peace talks\" \"kurs\"*"
        );
        assert_eq!(fts_query("OR a OR NOT").unwrap(), "\"a\"");
        assert_eq!(fts_query("a OR b").unwrap(), "\"a\" OR \"b\"");
        assert_eq!(
            fts_query("headline:x AND("),
            Some("\"headlinex\" \"AND\"".into())
        );
        assert_eq!(fts_query("\"unbalanced"), Some("\"unbalanced\"".into()));
        assert_eq!(fts_query("*** \"\" ()"), None);
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
