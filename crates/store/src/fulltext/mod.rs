//! Full-text search over articles and quotes: a tantivy index in a directory beside the
//! database (`storyline.db` → `storyline.db.search/`), BM25-ranked, with every search
//! filter (date, source, language, entity, story, speaker) an indexed field so filtered
//! searches are as fast as plain ones.
//!
//! SQLite stays the source of truth, and the index follows it:
//! - triggers (schema 8) renumber an article in `search_changes` whenever its text, its
//!   quotes, its mentions or a filter field change;
//! - each index commit records in its payload the database it was built from (`instance`)
//!   and the last change number it holds; [`FullText::catch_up`] re-indexes the articles
//!   renumbered after that, or rebuilds everything for an index of another database, of
//!   another format, or damaged;
//! - every search catches up first, so a search never misses a stored article, and a crash
//!   between the SQLite commit and the index commit loses nothing (the change numbers are
//!   still there). Writers also call [`crate::Store::sync_search`] so searches stay quick.
//!
//! tantivy allows one writer per directory, held only while catching up: one process
//! indexes at a time and the others search what is committed. Within a process, every
//! connection to a database shares one [`FullText`].

mod query;
mod snippet;
mod stem;

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError, Weak};

use rusqlite::{Connection, OptionalExtension};
use tantivy::directory::error::LockError;
use tantivy::query::{
    BooleanQuery, BoostQuery, EnableScoring, Occur, PhrasePrefixQuery, PhraseQuery, Query,
    TermQuery, TermSetQuery,
};
use tantivy::schema::{
    FAST, Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer,
};
use tantivy::{
    BitSet, DocAddress, Index, IndexReader, IndexWriter, ReloadPolicy, Score, TantivyDocument,
    TantivyError,
};

pub use query::fts_query;
pub(crate) use query::{ParsedQuery, parse};
pub(crate) use snippet::Highlighter;

use crate::{Page, Result, SearchFilter, StoreError};

/// Changes whenever what is indexed or how it is analysed changes: an index written by
/// another format is rebuilt.
const FORMAT: &str = "storyline-search-4";
/// The analyser of every text field: words folded to lower-case ASCII and stemmed, as
/// FTS5's `porter unicode61 remove_diacritics` did before.
const ANALYZER: &str = "storyline";
/// Indexing memory: tantivy's minimum for one thread is 15 MB.
const WRITER_HEAP: usize = 32 << 20;

fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(64))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(stem::MemoStemmer)
        .build()
}

/// Which documents a search ranks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    Articles,
    Quotes,
}

/// One ranked hit: the article, the quote (for quote searches) and the BM25 score.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Found {
    pub article: String,
    pub quote: Option<i64>,
    pub score: f64,
}

#[derive(Debug, Clone, Copy)]
struct Fields {
    /// Article id, on article and quote documents alike (deletes both at once).
    article: Field,
    /// Quote row id: only quote documents have it.
    quote: Field,
    /// An article's headline and body, two values of one field (positions do not run on
    /// from one to the other, so phrases stay within each).
    text: Field,
    quote_text: Field,
    speaker: Field,
    speaker_description: Field,
    /// Lower-cased outlet name, language code, and entity ids and mention texts.
    source: Field,
    language: Field,
    entity: Field,
    /// The day of `published` as a number (`20250301`), a fast column: date ranges are
    /// checked on the few candidates that survive pruning (see [`FullText::top`]).
    day: Field,
}

fn schema() -> (Schema, Fields) {
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let mut b = Schema::builder();
    let fields = Fields {
        article: b.add_text_field("article", STRING | STORED),
        quote: b.add_i64_field("quote", STORED),
        text: b.add_text_field("text", text.clone()),
        quote_text: b.add_text_field("quote_text", text.clone()),
        speaker: b.add_text_field("speaker", text.clone()),
        speaker_description: b.add_text_field("speaker_description", text),
        source: b.add_text_field("source", STRING),
        language: b.add_text_field("language", STRING),
        entity: b.add_text_field("entity", STRING),
        day: b.add_u64_field("day", FAST),
    };
    (b.build(), fields)
}

/// What an index commit says it holds.
#[derive(Debug, PartialEq, Eq)]
struct Commit {
    format: String,
    instance: String,
    change: i64,
}

impl Commit {
    fn parse(payload: Option<&str>) -> Option<Commit> {
        let mut parts = payload?.split_whitespace();
        Some(Commit {
            format: parts.next()?.to_owned(),
            instance: parts.next()?.to_owned(),
            change: parts.next()?.parse().ok()?,
        })
    }

    fn payload(&self) -> String {
        format!("{} {} {}", self.format, self.instance, self.change)
    }
}

pub(crate) struct FullText {
    dir: PathBuf,
    index: Index,
    reader: IndexReader,
    fields: Fields,
    analyzer: TextAnalyzer,
    /// The change number the reader is known to hold (-1: not known yet).
    synced: AtomicI64,
    /// One catch-up at a time in this process.
    sync_lock: Mutex<()>,
}

/// The index directory of the database at `db`.
pub(crate) fn index_dir(db: &Path) -> PathBuf {
    let mut name = db.file_name().unwrap_or_default().to_owned();
    name.push(".search");
    db.with_file_name(name)
}

impl FullText {
    /// The index of the database at `db`, opened once per process.
    pub fn shared(db: &Path) -> Result<Arc<FullText>> {
        static OPEN: OnceLock<Mutex<HashMap<PathBuf, Weak<FullText>>>> = OnceLock::new();
        let dir = index_dir(&db.canonicalize().unwrap_or_else(|_| db.to_owned()));
        let mut open = OPEN
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(existing) = open.get(&dir).and_then(Weak::upgrade) {
            return Ok(existing);
        }
        open.retain(|_, index| index.strong_count() > 0);
        let index = Arc::new(FullText::open(&dir)?);
        open.insert(dir, Arc::downgrade(&index));
        Ok(index)
    }

    fn open(dir: &Path) -> Result<FullText> {
        let fail = |source| StoreError::Index {
            dir: dir.display().to_string(),
            source,
        };
        let (schema, fields) = schema();
        let index = match Index::open_in_dir(dir) {
            Ok(index) if index.schema() == schema => index,
            // Missing, damaged or of another schema: start afresh; the first catch-up
            // rebuilds it from the store.
            _ => {
                clear_dir(dir).map_err(|e| fail(e.into()))?;
                Index::create_in_dir(dir, schema).map_err(fail)?
            }
        };
        index.tokenizers().register(ANALYZER, analyzer());
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(fail)?;
        Ok(FullText {
            dir: dir.to_owned(),
            index,
            reader,
            fields,
            analyzer: analyzer(),
            synced: AtomicI64::new(-1),
            sync_lock: Mutex::new(()),
        })
    }

    fn fail(&self, source: TantivyError) -> StoreError {
        StoreError::Index {
            dir: self.dir.display().to_string(),
            source,
        }
    }

    /// Brings the index up to the store's last change. `writable` connections also forget
    /// the change numbers the index now holds. Returns how many articles were indexed.
    pub fn catch_up(&self, conn: &Connection, writable: bool) -> Result<usize> {
        if self.synced.load(Ordering::Acquire) == last_change(conn)? {
            return Ok(0);
        }
        let _one_at_a_time = self
            .sync_lock
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        // Read the commit before the store: whatever the commit holds was in the store then.
        let metas = self.index.load_metas().map_err(|e| self.fail(e))?;
        let committed = Commit::parse(metas.payload.as_deref());
        let target = Commit {
            format: FORMAT.to_owned(),
            instance: instance(conn)?,
            change: last_change(conn)?,
        };
        if committed.as_ref() == Some(&target) {
            self.reader.reload().map_err(|e| self.fail(e))?;
            self.synced.store(target.change, Ordering::Release);
            return Ok(0);
        }
        let mut writer: IndexWriter = match self.index.writer_with_num_threads(1, WRITER_HEAP) {
            Ok(writer) => writer,
            // Another process is indexing: search what it has committed so far, and
            // try again next time.
            Err(TantivyError::LockFailure(LockError::LockBusy, _)) => {
                self.reader.reload().map_err(|e| self.fail(e))?;
                return Ok(0);
            }
            Err(e) => return Err(self.fail(e)),
        };
        let ids: Vec<String> = match committed {
            Some(c)
                if c.format == target.format
                    && c.instance == target.instance
                    && c.change <= target.change =>
            {
                conn.prepare_cached(
                    "SELECT article_id FROM search_changes WHERE seq > ?1 AND seq <= ?2",
                )?
                .query_map([c.change, target.change], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?
            }
            _ => {
                writer.delete_all_documents().map_err(|e| self.fail(e))?;
                conn.prepare_cached("SELECT id FROM articles ORDER BY rowid")?
                    .query_map([], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?
            }
        };
        for id in &ids {
            self.index_article(&writer, conn, id)?;
        }
        let mut commit = writer.prepare_commit().map_err(|e| self.fail(e))?;
        commit.set_payload(&target.payload());
        commit.commit().map_err(|e| self.fail(e))?;
        writer.wait_merging_threads().map_err(|e| self.fail(e))?;
        self.reader.reload().map_err(|e| self.fail(e))?;
        self.synced.store(target.change, Ordering::Release);
        if writable {
            conn.execute(
                "DELETE FROM search_changes WHERE seq <= ?1",
                [target.change],
            )?;
        }
        Ok(ids.len())
    }

    /// Replaces the documents of article `id` (its own and its quotes') with what the store
    /// holds now; an article no longer stored just loses them.
    fn index_article(&self, writer: &IndexWriter, conn: &Connection, id: &str) -> Result<()> {
        let f = self.fields;
        writer.delete_term(tantivy::Term::from_field_text(f.article, id));
        let article = conn
            .prepare_cached(
                "SELECT headline, text, source, language, published FROM articles WHERE id = ?1",
            )?
            .query_row([id], |r| {
                Ok((
                    r.get::<_, Option<String>>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, Option<String>>(4)?,
                ))
            })
            .optional()?;
        let Some((headline, text, source, language, published)) = article else {
            return Ok(());
        };
        let mut entities: Vec<String> = conn
            .prepare_cached(
                "SELECT text FROM mentions WHERE article_id = ?1
                 UNION SELECT entity FROM mentions WHERE article_id = ?1 AND entity IS NOT NULL",
            )?
            .query_map([id], |r| r.get::<_, String>(0))?
            .map(|e| e.map(|e| e.to_lowercase()))
            .collect::<rusqlite::Result<_>>()?;
        entities.sort();
        entities.dedup();
        // The fields every document of the article carries, so filters apply to quotes too.
        let base = || {
            let mut doc = TantivyDocument::default();
            doc.add_text(f.article, id);
            doc.add_text(f.source, source.to_lowercase());
            if let Some(language) = &language {
                doc.add_text(f.language, language.to_lowercase());
            }
            if let Some(day) = published.as_deref().and_then(day_number) {
                doc.add_u64(f.day, day);
            }
            for entity in &entities {
                doc.add_text(f.entity, entity);
            }
            doc
        };
        let mut doc = base();
        if let Some(headline) = &headline {
            doc.add_text(f.text, headline);
        }
        doc.add_text(f.text, &text);
        writer.add_document(doc).map_err(|e| self.fail(e))?;
        let mut quotes = conn.prepare_cached(
            "SELECT rowid, text, speaker, speaker_description FROM quotes WHERE article_id = ?1",
        )?;
        let mut rows = quotes.query([id])?;
        while let Some(row) = rows.next()? {
            let mut doc = base();
            doc.add_i64(f.quote, row.get(0)?);
            doc.add_text(f.quote_text, row.get::<_, String>(1)?);
            for (column, field) in [(2, f.speaker), (3, f.speaker_description)] {
                if let Some(value) = row.get::<_, Option<String>>(column)? {
                    doc.add_text(field, value);
                }
            }
            writer.add_document(doc).map_err(|e| self.fail(e))?;
        }
        Ok(())
    }

    /// The `page` of best `target` documents for `query` within `filter`, and whether more
    /// follow.
    pub fn search(
        &self,
        target: Target,
        query: &ParsedQuery,
        filter: &SearchFilter,
        page: Page,
    ) -> Result<(Vec<Found>, bool)> {
        let f = self.fields;
        let weighted: &[(Field, f32)] = match target {
            // One field for articles, so a query of words all required is an intersection
            // of term scorers, which tantivy ranks with block-max pruning (two fields made
            // it an intersection of unions that scored every match). Quotes are short and
            // few per word: their speakers weigh twice their words.
            Target::Articles => &[(f.text, 1.0)],
            Target::Quotes => &[
                (f.quote_text, 1.0),
                (f.speaker, 2.0),
                (f.speaker_description, 1.0),
            ],
        };
        // Flat where possible: a lone word over the fields stays a union of term scorers,
        // which tantivy ranks with block-max WAND instead of scoring every match.
        let mut alternatives: Vec<Box<dyn Query>> = Vec::new();
        for conjunction in &query.any {
            let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            for term in &conjunction.all {
                if let Some(q) = self.term_query(&term.text, term.prefix, weighted) {
                    clauses.push((Occur::Must, q));
                }
            }
            if clauses.is_empty() {
                continue;
            }
            for term in &conjunction.none {
                if let Some(q) = self.term_query(&term.text, term.prefix, weighted) {
                    clauses.push((Occur::MustNot, q));
                }
            }
            alternatives.push(match <[_; 1]>::try_from(clauses) {
                Ok([(_, only)]) => only,
                Err(clauses) => Box::new(BooleanQuery::new(clauses)),
            });
        }
        let ranked: Box<dyn Query> = match alternatives.len() {
            0 => return Ok((Vec::new(), false)),
            1 => alternatives.remove(0),
            _ => Box::new(BooleanQuery::new(
                alternatives
                    .into_iter()
                    .map(|q| (Occur::Should, q))
                    .collect(),
            )),
        };
        let searcher = self.reader.searcher();
        // A date that is not YYYY-MM-DD matches nothing (the CLI and the API refuse one).
        let bound = |date: Option<&str>, open: u64| date.map_or(Some(open), day_number);
        let (Some(from), Some(to)) = (bound(filter.from, 0), bound(filter.to, u64::MAX)) else {
            return Ok((Vec::new(), false));
        };
        let days = (filter.from.is_some() || filter.to.is_some()).then_some(from..=to);
        let ranked = self
            .top(
                &searcher,
                ranked.as_ref(),
                &self.filters(filter),
                days,
                page,
            )
            .map_err(|e| self.fail(e))?;
        let more = ranked.len() > page.limit;
        let mut found = Vec::with_capacity(ranked.len());
        for (score, address) in ranked.into_iter().take(page.limit) {
            let doc: TantivyDocument = searcher.doc(address).map_err(|e| self.fail(e))?;
            let article = doc
                .get_first(f.article)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_owned();
            let quote = doc.get_first(f.quote).and_then(|v| v.as_i64());
            found.push(Found {
                article,
                quote,
                score: f64::from(score),
            });
        }
        Ok((found, more))
    }

    /// The best `page.offset + page.limit + 1` documents for `ranked` that pass every
    /// filter and were published on one of `days`, best first, the first `page.offset`
    /// dropped.
    ///
    /// Written out instead of `TopDocs` over `ranked AND filters` because that boolean query
    /// scores every match of a common word (the filters are not term scorers, so tantivy
    /// cannot prune). Here the term filters become one bit set per segment (their postings
    /// are short), and `ranked` runs with block-max pruning, testing only the candidates it
    /// yields against the bit set and the day column, with one heap (and so one pruning
    /// threshold) across segments: a filtered search costs about what an unfiltered one
    /// does.
    fn top(
        &self,
        searcher: &tantivy::Searcher,
        ranked: &dyn Query,
        filters: &[Box<dyn Query>],
        days: Option<RangeInclusive<u64>>,
        page: Page,
    ) -> tantivy::Result<Vec<(Score, DocAddress)>> {
        let k = page.offset + page.limit + 1;
        let weight = ranked.weight(EnableScoring::enabled_from_searcher(searcher))?;
        let filter = match filters {
            [] => None,
            _ => Some(
                BooleanQuery::new(
                    filters
                        .iter()
                        .map(|f| (Occur::Must, f.box_clone()))
                        .collect(),
                )
                .weight(EnableScoring::disabled_from_searcher(searcher))?,
            ),
        };
        // Min-heap of the best so far: lowest score (then highest address) on top.
        let mut heap: BinaryHeap<Reverse<Ranked>> = BinaryHeap::with_capacity(k + 1);
        for (ord, reader) in searcher.segment_readers().iter().enumerate() {
            let passes = match &filter {
                None => None,
                Some(filter) => {
                    let mut bits = BitSet::with_max_value(reader.max_doc());
                    filter.for_each_no_score(reader, &mut |docs| {
                        for &doc in docs {
                            bits.insert(doc);
                        }
                    })?;
                    Some(bits)
                }
            };
            let day_column = match &days {
                None => None,
                Some(_) => match reader.fast_fields().column_opt::<u64>("day")? {
                    Some(column) => Some(column),
                    None => continue, // no document of this segment has a date
                },
            };
            let alive = reader.alive_bitset();
            let threshold = |heap: &BinaryHeap<Reverse<Ranked>>| match heap.peek() {
                Some(Reverse(lowest)) if heap.len() >= k => lowest.score,
                _ => Score::MIN,
            };
            let mut current = threshold(&heap);
            weight.for_each_pruning(current, reader, &mut |doc, score| {
                let dropped = alive.is_some_and(|a| a.is_deleted(doc))
                    || passes.as_ref().is_some_and(|p| !p.contains(doc))
                    || days
                        .as_ref()
                        .zip(day_column.as_ref())
                        .is_some_and(|(days, column)| {
                            !column.first(doc).is_some_and(|day| days.contains(&day))
                        });
                if !dropped {
                    heap.push(Reverse(Ranked {
                        score,
                        address: DocAddress::new(ord as u32, doc),
                    }));
                    if heap.len() > k {
                        heap.pop();
                    }
                    current = threshold(&heap);
                }
                current
            })?;
        }
        let mut best: Vec<Ranked> = heap.into_iter().map(|Reverse(r)| r).collect();
        best.sort_by(|a, b| b.cmp(a));
        Ok(best
            .into_iter()
            .skip(page.offset)
            .map(|r| (r.score, r.address))
            .collect())
    }

    /// The query for one word or phrase over `fields` (summed, weighted), or `None` when the
    /// text has no indexable word.
    fn term_query(
        &self,
        text: &str,
        prefix: bool,
        fields: &[(Field, f32)],
    ) -> Option<Box<dyn Query>> {
        let words = self.words(text);
        if words.is_empty() {
            return None;
        }
        if let [(field, 1.0)] = fields {
            return Some(phrase_query(*field, &words, prefix));
        }
        let per_field = fields
            .iter()
            .map(|&(field, weight)| {
                let q = phrase_query(field, &words, prefix);
                let q: Box<dyn Query> = if weight == 1.0 {
                    q
                } else {
                    Box::new(BoostQuery::new(q, weight))
                };
                (Occur::Should, q)
            })
            .collect();
        Some(Box::new(BooleanQuery::new(per_field)))
    }

    fn words(&self, text: &str) -> Vec<String> {
        let mut analyzer = self.analyzer.clone();
        let mut words = Vec::new();
        analyzer
            .token_stream(text)
            .process(&mut |t| words.push(t.text.clone()));
        words
    }

    fn filters(&self, filter: &SearchFilter) -> Vec<Box<dyn Query>> {
        let f = self.fields;
        let exact = |field: Field, value: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                tantivy::Term::from_field_text(field, &value.to_lowercase()),
                IndexRecordOption::Basic,
            ))
        };
        let mut out = Vec::new();
        if let Some(source) = filter.source {
            out.push(exact(f.source, source));
        }
        if let Some(language) = filter.language {
            out.push(exact(f.language, language));
        }
        if let Some(entity) = filter.entity {
            out.push(exact(f.entity, entity));
        }
        if let Some(ids) = filter.articles {
            let terms = ids
                .iter()
                .map(|id| tantivy::Term::from_field_text(f.article, id));
            out.push(Box::new(TermSetQuery::new(terms)));
        }
        if let Some(speaker) = filter.speaker {
            // Words of the name or description, the last one as a prefix: "zelen" finds
            // Zelensky, "foreign min" the foreign minister.
            let words = self.words(speaker);
            if words.is_empty() {
                out.push(Box::new(tantivy::query::EmptyQuery));
            } else {
                out.push(Box::new(BooleanQuery::new(vec![
                    (Occur::Should, phrase_query(f.speaker, &words, true)),
                    (
                        Occur::Should,
                        phrase_query(f.speaker_description, &words, true),
                    ),
                ])));
            }
        }
        out
    }

    pub fn analyzer(&self) -> &TextAnalyzer {
        &self.analyzer
    }
}

/// A ranked document; greater is better: higher score, then the earlier document.
#[derive(Debug, Clone, Copy)]
struct Ranked {
    score: Score,
    address: DocAddress,
}

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == std::cmp::Ordering::Equal
    }
}

impl Eq for Ranked {}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.score
            .total_cmp(&other.score)
            .then_with(|| other.address.cmp(&self.address))
    }
}

/// Analysed `words` in `field`: a term, a phrase, or either ending in a prefix.
fn phrase_query(field: Field, words: &[String], prefix: bool) -> Box<dyn Query> {
    let terms: Vec<tantivy::Term> = words
        .iter()
        .map(|w| tantivy::Term::from_field_text(field, w))
        .collect();
    match (terms.len(), prefix) {
        (_, true) => Box::new(PhrasePrefixQuery::new(terms)),
        (1, false) => Box::new(TermQuery::new(
            terms[0].clone(),
            IndexRecordOption::WithFreqs,
        )),
        _ => Box::new(PhraseQuery::new(terms)),
    }
}

/// `YYYY-MM-DD…` as `YYYYMMDD`; a shorter date (`YYYY-MM`, `YYYY`) is padded with zeros,
/// which keeps the order of the text comparison the listings make (`2025-03` sorts before
/// every day of March). `None` for anything else.
fn day_number(date: &str) -> Option<u64> {
    let date = date.get(..10).unwrap_or(date);
    let digits: String = date.chars().filter(|c| *c != '-').collect();
    if digits.is_empty() || digits.len() > 8 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    format!("{digits:0<8}").parse().ok()
}

/// The store's last change number (0 before any).
fn last_change(conn: &Connection) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT seq FROM sqlite_sequence WHERE name = 'search_changes'")?
        .query_row([], |r| r.get(0))
        .optional()?
        .unwrap_or(0))
}

fn instance(conn: &Connection) -> Result<String> {
    Ok(conn
        .prepare_cached("SELECT value FROM search_state WHERE key = 'instance'")?
        .query_row([], |r| r.get(0))?)
}

/// Empties `dir` for a new index, refusing a directory that holds anything but a tantivy
/// index (so a mistaken path never loses a user's files).
fn clear_dir(dir: &Path) -> std::io::Result<()> {
    if dir.exists() {
        let ours = dir.join("meta.json").exists() || dir.read_dir()?.next().is_none();
        if !ours {
            return Err(std::io::Error::other(format!(
                "{} exists and is not a search index; move it away so storyline can build one",
                dir.display()
            )));
        }
        std::fs::remove_dir_all(dir)?;
    }
    std::fs::create_dir_all(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_payload_round_trips() {
        let commit = Commit {
            format: FORMAT.into(),
            instance: "abc".into(),
            change: 42,
        };
        assert_eq!(Commit::parse(Some(&commit.payload())), Some(commit));
        assert_eq!(Commit::parse(Some("garbage")), None);
        assert_eq!(Commit::parse(None), None);
    }

    #[test]
    fn days_are_numbers_in_text_order() {
        assert_eq!(day_number("2025-03-01T10:00:00Z"), Some(20250301));
        assert_eq!(day_number("2025-03"), Some(20250300));
        assert!(day_number("2025-03").unwrap() < day_number("2025-03-01").unwrap());
        assert_eq!(day_number("March"), None);
        assert_eq!(day_number(""), None);
    }

    #[test]
    fn index_lives_beside_the_database() {
        assert_eq!(
            index_dir(Path::new("/data/storyline.db")),
            Path::new("/data/storyline.db.search")
        );
    }
}
