//! Annotation layers per article, and the facts in them listed across the store.
//!
//! The layers of an article are stored whole (zstd-compressed JSON of [`Annotations`]), so
//! Document JSON comes back exactly as it was computed. Mentions, quotes, quantities and
//! events are also written one row each, so listings and filters (`storyline quotes --speaker`) are
//! queries instead of scans. Both are replaced together in one transaction: an article's
//! rows always match its stored layers.

use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use storyline_model::{Annotations, QuoteKind};

use crate::{Result, Store, StoreError};

/// A quote as `storyline quotes` lists it: what was said, by whom, where and when.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuoteRow {
    pub article_id: String,
    pub published: Option<String>,
    pub source: String,
    pub headline: Option<String>,
    pub start: usize,
    pub end: usize,
    pub kind: String,
    pub text: String,
    pub cue: Option<String>,
    pub speaker: Option<String>,
    pub speaker_description: Option<String>,
    pub speaker_entity: Option<String>,
}

impl QuoteRow {
    /// The columns [`QuoteRow::from_row`] reads, in order (quotes `q`, articles `a`).
    pub(crate) const COLUMNS: &'static str = "q.article_id, a.published, a.source, a.headline,
        q.start, q.end, q.kind, q.text, q.cue, q.speaker, q.speaker_description, q.speaker_entity";

    /// A row selected with [`QuoteRow::COLUMNS`] starting at column `first`.
    pub(crate) fn from_row(row: &rusqlite::Row, first: usize) -> rusqlite::Result<QuoteRow> {
        let at = |i: usize| first + i;
        Ok(QuoteRow {
            article_id: row.get(at(0))?,
            published: row.get(at(1))?,
            source: row.get(at(2))?,
            headline: row.get(at(3))?,
            start: row.get::<_, i64>(at(4))? as usize,
            end: row.get::<_, i64>(at(5))? as usize,
            kind: row.get(at(6))?,
            text: row.get(at(7))?,
            cue: row.get(at(8))?,
            speaker: row.get(at(9))?,
            speaker_description: row.get(at(10))?,
            speaker_entity: row.get(at(11))?,
        })
    }
}

/// A quantity as `storyline numbers` lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuantityRow {
    pub article_id: String,
    pub published: Option<String>,
    pub source: String,
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub value: f64,
    pub qualifier: Option<String>,
    pub unit: Option<String>,
    pub counts: Option<String>,
    pub count_type: Option<String>,
    pub claimed_by: Option<String>,
}

/// Which articles' facts to list.
#[derive(Debug, Clone, Default)]
pub struct FactFilter<'a> {
    /// Speaker (quotes) or claimant (quantities): case-insensitive substring of the name or
    /// description.
    pub who: Option<&'a str>,
    /// Only these articles (e.g. one story's).
    pub articles: Option<&'a [String]>,
}

fn kind_name(kind: QuoteKind) -> &'static str {
    match kind {
        QuoteKind::Direct => "direct",
        QuoteKind::Partial => "partial",
        QuoteKind::Reported => "reported",
    }
}

impl Store {
    /// Stores (or replaces) the layers of these articles, made by `pipeline` (a version
    /// string, so stale layers can be found after a model upgrade), in one transaction.
    pub fn save_annotations(
        &mut self,
        items: &[(&str, &Annotations)],
        pipeline: &str,
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        {
            let mut save_layers = tx.prepare_cached(
                "INSERT OR REPLACE INTO annotations (article_id, pipeline, layers) VALUES (?1, ?2, ?3)",
            )?;
            let mut clear = [
                tx.prepare_cached("DELETE FROM mentions WHERE article_id = ?1")?,
                tx.prepare_cached("DELETE FROM quotes WHERE article_id = ?1")?,
                tx.prepare_cached("DELETE FROM quantities WHERE article_id = ?1")?,
            ];
            let mut mention = tx.prepare_cached(
                "INSERT INTO mentions (article_id, start, end, type, text, entity)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            let mut quote = tx.prepare_cached(
                "INSERT INTO quotes (article_id, start, end, kind, text, cue, speaker,
                     speaker_description, speaker_entity)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?;
            let mut quantity = tx.prepare_cached(
                "INSERT INTO quantities (article_id, start, end, text, value, qualifier, unit,
                     counts, count_type, claimed_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?;
            let mut article_text = tx.prepare_cached("SELECT text FROM articles WHERE id = ?1")?;
            for (id, layers) in items {
                let text: String = if layers.events.is_empty() {
                    String::new()
                } else {
                    article_text
                        .query_row([id], |r| r.get(0))
                        .optional()?
                        .unwrap_or_default()
                };
                crate::events::write_events(&tx, id, &text, layers)?;
                let json = serde_json::to_vec(layers).expect("annotations serialise");
                let compressed =
                    zstd::encode_all(&json[..], 3).map_err(|e| StoreError::Corrupt {
                        id: (*id).to_owned(),
                        reason: format!("cannot compress its layers: {e}"),
                    })?;
                save_layers.execute(params![id, pipeline, compressed])?;
                for statement in &mut clear {
                    statement.execute([id])?;
                }
                for m in &layers.entities {
                    mention.execute(params![
                        id,
                        m.start as i64,
                        m.end as i64,
                        m.kind.as_str(),
                        m.text,
                        m.entity
                    ])?;
                }
                for q in &layers.quotes {
                    let speaker = q.speaker.as_ref();
                    quote.execute(params![
                        id,
                        q.start as i64,
                        q.end as i64,
                        kind_name(q.kind),
                        q.text,
                        q.cue.as_ref().map(|c| c.text.as_str()),
                        speaker.and_then(|s| s.name.as_deref()),
                        speaker.and_then(|s| s.description.as_deref()),
                        speaker.and_then(|s| s.entity.as_deref()),
                    ])?;
                }
                for n in &layers.quantities {
                    quantity.execute(params![
                        id,
                        n.start as i64,
                        n.end as i64,
                        n.text,
                        n.value,
                        n.qualifier,
                        n.unit,
                        n.counts,
                        n.count_type
                            .and_then(|t| serde_json::to_value(t).ok())
                            .and_then(|v| v.as_str().map(str::to_owned)),
                        n.claimed_by,
                    ])?;
                }
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The stored layers of one article, if it was annotated.
    pub fn annotations(&self, id: &str) -> Result<Option<Annotations>> {
        let blob: Option<Vec<u8>> = self
            .conn
            .query_row(
                "SELECT layers FROM annotations WHERE article_id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()?;
        let Some(blob) = blob else {
            return Ok(None);
        };
        let corrupt = |reason: String| StoreError::Corrupt {
            id: id.to_owned(),
            reason,
        };
        let json = zstd::decode_all(&blob[..]).map_err(|e| corrupt(format!("layers: {e}")))?;
        serde_json::from_slice(&json)
            .map(Some)
            .map_err(|e| corrupt(format!("layers: {e}")))
    }

    /// Articles whose layers are missing or were made by another pipeline version, in
    /// ingest order: what `storyline reannotate` works through.
    pub fn stale_annotations(&self, pipeline: &str) -> Result<Vec<String>> {
        let mut statement = self.conn.prepare(
            "SELECT a.id FROM articles a LEFT JOIN annotations n ON n.article_id = a.id
             WHERE n.pipeline IS NULL OR n.pipeline != ?1 ORDER BY a.rowid",
        )?;
        let ids = statement
            .query_map([pipeline], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(ids)
    }

    /// Quotes across the store, oldest article first, in text order within an article.
    pub fn quotes(&self, filter: &FactFilter) -> Result<Vec<QuoteRow>> {
        let mut statement = self.conn.prepare(&format!(
            "SELECT {}
             FROM quotes q JOIN articles a ON a.id = q.article_id
             WHERE ?1 IS NULL OR instr(lower(coalesce(q.speaker, '') || ' ' ||
                                             coalesce(q.speaker_description, '')), lower(?1)) > 0
             ORDER BY a.published, a.rowid, q.start",
            QuoteRow::COLUMNS
        ))?;
        let rows = statement.query_map([filter.who], |row| QuoteRow::from_row(row, 0))?;
        let mut quotes: Vec<QuoteRow> = rows.collect::<rusqlite::Result<_>>()?;
        if let Some(ids) = filter.articles {
            quotes.retain(|q| ids.contains(&q.article_id));
        }
        Ok(quotes)
    }

    /// Quantities across the store, oldest article first, in text order within an article.
    pub fn quantities(&self, filter: &FactFilter) -> Result<Vec<QuantityRow>> {
        let mut statement = self.conn.prepare(
            "SELECT n.article_id, a.published, a.source, n.start, n.end, n.text, n.value,
                    n.qualifier, n.unit, n.counts, n.count_type, n.claimed_by
             FROM quantities n JOIN articles a ON a.id = n.article_id
             WHERE ?1 IS NULL OR instr(lower(coalesce(n.claimed_by, '')), lower(?1)) > 0
             ORDER BY a.published, a.rowid, n.start",
        )?;
        let rows = statement.query_map([filter.who], |row| {
            Ok(QuantityRow {
                article_id: row.get(0)?,
                published: row.get(1)?,
                source: row.get(2)?,
                start: row.get::<_, i64>(3)? as usize,
                end: row.get::<_, i64>(4)? as usize,
                text: row.get(5)?,
                value: row.get(6)?,
                qualifier: row.get(7)?,
                unit: row.get(8)?,
                counts: row.get(9)?,
                count_type: row.get(10)?,
                claimed_by: row.get(11)?,
            })
        })?;
        let mut quantities: Vec<QuantityRow> = rows.collect::<rusqlite::Result<_>>()?;
        if let Some(ids) = filter.articles {
            quantities.retain(|q| ids.contains(&q.article_id));
        }
        Ok(quantities)
    }
}

#[cfg(test)]
mod tests {
    use storyline_model::{Article, EntityMention, EntityType, Quote, Span, Speaker, TextSpan};

    use super::*;

    fn article(id: &str, text: &str) -> Article {
        Article {
            text: text.into(),
            paragraphs: vec![Span::new(0, text.chars().count())],
            ..crate::tests::article(id, &format!("{id}.txt"), None)
        }
    }

    fn quote(text: &str, start: usize, speaker: &str) -> Quote {
        Quote {
            start,
            end: start + text.chars().count(),
            text: text.into(),
            kind: QuoteKind::Direct,
            cue: Some(TextSpan {
                start: 0,
                end: 4,
                text: "said".into(),
            }),
            speaker: Some(Speaker {
                name: Some(speaker.into()),
                description: None,
                mention: None,
                entity: None,
            }),
        }
    }

    #[test]
    fn layers_round_trip_and_replace_their_rows() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("s.db")).unwrap();
        let text = "“The bridge stays shut,” Mayor Ana Ortiz said.";
        store.insert_batch(&[article("a1", text)], "t").unwrap();
        assert_eq!(store.stale_annotations("v1").unwrap(), ["a1"]);

        let mut layers = Annotations {
            sentences: vec![Span::new(0, 46)],
            entities: vec![EntityMention {
                start: 31,
                end: 39,
                kind: EntityType::Person,
                text: "Ana Ortiz".into(),
                entity: None,
            }],
            quotes: vec![quote("The bridge stays shut,", 1, "Ana Ortiz")],
            ..Annotations::default()
        };
        store.save_annotations(&[("a1", &layers)], "v1").unwrap();
        assert_eq!(store.annotations("a1").unwrap().as_ref(), Some(&layers));
        assert!(store.stale_annotations("v1").unwrap().is_empty());
        assert_eq!(store.stale_annotations("v2").unwrap(), ["a1"]);

        let by_ortiz = store
            .quotes(&FactFilter {
                who: Some("ortiz"),
                ..FactFilter::default()
            })
            .unwrap();
        assert_eq!(by_ortiz.len(), 1);
        assert_eq!(by_ortiz[0].speaker.as_deref(), Some("Ana Ortiz"));
        assert_eq!(by_ortiz[0].published.as_deref(), Some("2025-01-02"));
        let by_nobody = FactFilter {
            who: Some("smith"),
            ..FactFilter::default()
        };
        assert!(store.quotes(&by_nobody).unwrap().is_empty());

        // Annotating again replaces the rows instead of adding to them.
        layers
            .quotes
            .push(quote("It will reopen in May.", 47, "Ana Ortiz"));
        store.save_annotations(&[("a1", &layers)], "v2").unwrap();
        assert_eq!(store.quotes(&FactFilter::default()).unwrap().len(), 2);
        assert!(store.annotations("nope").unwrap().is_none());
        assert_eq!(store.integrity_check().unwrap(), Ok(()));
    }
}
