//! Event rows: one per coded event, written in the same transaction as the article's
//! layers (see `annotations.rs`), each with its evidence sentence so listings and timelines
//! need not decode layers.

use rusqlite::{Transaction, params};
use serde::Serialize;
use storyline_model::{Annotations, EventStatus, Participant};

use crate::search::paged;
use crate::{Hits, Page, Result, Store};

/// An event as `storyline events` lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventRow {
    pub article_id: String,
    /// Index of the event in the article's `events` layer.
    pub index: usize,
    pub published: Option<String>,
    pub source: String,
    pub headline: Option<String>,
    #[serde(rename = "type")]
    pub kind: String,
    pub mode: Option<String>,
    pub status: String,
    pub cameo: String,
    pub trigger: String,
    pub trigger_start: usize,
    pub trigger_end: usize,
    pub actor: Option<String>,
    pub actor_entity: Option<String>,
    pub recipient: Option<String>,
    pub recipient_entity: Option<String>,
    pub place: Option<String>,
    pub place_entity: Option<String>,
    /// The event's date (TIMEX3 value) when the sentence gives one.
    pub time: Option<String>,
    pub sentence: usize,
    pub sentence_start: usize,
    pub sentence_end: usize,
    /// The evidence sentence.
    pub evidence: String,
}

/// Which events to list.
#[derive(Debug, Clone, Default)]
pub struct EventFilter<'a> {
    /// PLOVER type (`CONSULT`).
    pub kind: Option<&'a str>,
    /// Only these articles (e.g. one story's).
    pub articles: Option<&'a [String]>,
    /// Only events whose actor or recipient is this entity: its id, or its name as the
    /// text gives it (any case).
    pub entity: Option<&'a str>,
}

pub(crate) fn status_name(status: EventStatus) -> &'static str {
    match status {
        EventStatus::Asserted => "asserted",
        EventStatus::Planned => "planned",
        EventStatus::Hypothetical => "hypothetical",
        EventStatus::Negated => "negated",
    }
}

/// Replaces the event rows of article `id` with those of `layers`; `text` is the article's
/// body (for the evidence sentences).
pub(crate) fn write_events(
    tx: &Transaction,
    id: &str,
    text: &str,
    layers: &Annotations,
) -> Result<()> {
    tx.prepare_cached("DELETE FROM events WHERE article_id = ?1")?
        .execute([id])?;
    if layers.events.is_empty() {
        return Ok(());
    }
    let index = storyline_model::CharIndex::new(text);
    let slice = |start: usize, end: usize| -> &str {
        match (index.byte(start), index.byte(end)) {
            (Some(a), Some(b)) if a <= b => text.get(a..b).unwrap_or(""),
            _ => "",
        }
    };
    let mut insert = tx.prepare_cached(
        "INSERT INTO events (article_id, idx, type, mode, status, cameo, trigger_start,
             trigger_end, trigger_text, actor, actor_entity, recipient, recipient_entity, place,
             place_entity, time, sentence, sentence_start, sentence_end, evidence)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                 ?18, ?19, ?20)",
    )?;
    let label = |p: &Option<Participant>| p.as_ref().map(|p| p.label().to_owned());
    let entity = |p: &Option<Participant>| p.as_ref().and_then(|p| p.entity.clone());
    for (i, e) in layers.events.iter().enumerate() {
        let sentence = layers
            .sentences
            .get(e.sentence)
            .copied()
            .unwrap_or(storyline_model::Span::new(0, 0));
        insert.execute(params![
            id,
            i as i64,
            e.kind.as_str(),
            e.mode,
            status_name(e.status),
            e.cameo,
            e.trigger.start as i64,
            e.trigger.end as i64,
            e.trigger.text,
            label(&e.actor),
            entity(&e.actor),
            label(&e.recipient),
            entity(&e.recipient),
            label(&e.place),
            entity(&e.place),
            e.time,
            e.sentence as i64,
            sentence.start as i64,
            sentence.end as i64,
            slice(sentence.start, sentence.end).trim(),
        ])?;
    }
    Ok(())
}

impl Store {
    /// Events across the store, oldest article first, in text order within an article.
    pub fn events(&self, filter: &EventFilter) -> Result<Vec<EventRow>> {
        self.query_events(filter, None)
    }

    /// One page of [`Store::events`], paged by SQLite (for listings over a large store).
    pub fn events_page(&self, filter: &EventFilter, page: Page) -> Result<Hits<EventRow>> {
        Ok(paged(self.query_events(filter, Some(page))?, page))
    }

    fn query_events(&self, filter: &EventFilter, page: Option<Page>) -> Result<Vec<EventRow>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT e.article_id, e.idx, a.published, a.source, a.headline, e.type, e.mode,
                    e.status, e.cameo, e.trigger_text, e.trigger_start, e.trigger_end, e.actor,
                    e.actor_entity, e.recipient, e.recipient_entity, e.place, e.place_entity,
                    e.time, e.sentence, e.sentence_start, e.sentence_end, e.evidence
             FROM events e JOIN articles a ON a.id = e.article_id
             WHERE (?1 IS NULL OR e.type = upper(?1))
               AND (?2 IS NULL OR e.actor_entity = ?2 OR e.recipient_entity = ?2
                    OR e.actor = ?2 COLLATE NOCASE OR e.recipient = ?2 COLLATE NOCASE)
               AND (?3 IS NULL OR e.article_id IN (SELECT value FROM json_each(?3)))
             ORDER BY a.published, a.rowid, e.idx
             LIMIT ?4 OFFSET ?5",
        )?;
        let ids = filter
            .articles
            .map(|ids| serde_json::Value::from(ids.to_vec()).to_string());
        let (limit, offset) = page.map_or((-1, 0), Page::sql_bounds);
        let rows = statement.query_map(
            params![filter.kind, filter.entity, ids, limit, offset],
            |row| {
                let usize_at = |i: usize| row.get::<_, i64>(i).map(|v| v as usize);
                Ok(EventRow {
                    article_id: row.get(0)?,
                    index: usize_at(1)?,
                    published: row.get(2)?,
                    source: row.get(3)?,
                    headline: row.get(4)?,
                    kind: row.get(5)?,
                    mode: row.get(6)?,
                    status: row.get(7)?,
                    cameo: row.get(8)?,
                    trigger: row.get(9)?,
                    trigger_start: usize_at(10)?,
                    trigger_end: usize_at(11)?,
                    actor: row.get(12)?,
                    actor_entity: row.get(13)?,
                    recipient: row.get(14)?,
                    recipient_entity: row.get(15)?,
                    place: row.get(16)?,
                    place_entity: row.get(17)?,
                    time: row.get(18)?,
                    sentence: usize_at(19)?,
                    sentence_start: usize_at(20)?,
                    sentence_end: usize_at(21)?,
                    evidence: row.get(22)?,
                })
            },
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use storyline_model::{Article, Event, EventType, Span, TextSpan};

    use super::*;

    fn participant(name: &str, entity: &str) -> Option<Participant> {
        Some(Participant {
            mention: TextSpan {
                start: 0,
                end: name.chars().count(),
                text: name.into(),
            },
            name: Some(name.into()),
            entity: Some(entity.into()),
        })
    }

    fn event(kind: EventType, trigger: (usize, usize, &str), actor: &str) -> Event {
        Event {
            kind,
            mode: None,
            cameo: "040".into(),
            status: EventStatus::Asserted,
            trigger: TextSpan {
                start: trigger.0,
                end: trigger.1,
                text: trigger.2.into(),
            },
            actor: participant(actor, &actor.to_lowercase()),
            recipient: participant("Harbour Board", "harbour-board"),
            place: None,
            time: Some("2025-01-02".into()),
            time_expression: None,
            sentence: 0,
            quantities: vec![],
        }
    }

    #[test]
    fn events_are_stored_with_their_evidence_and_listed_by_page_and_filter() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("s.db")).unwrap();
        let text = "Ana met the board. Rui met it too. Rui struck.";
        let article = Article {
            text: text.into(),
            paragraphs: vec![Span::new(0, text.chars().count())],
            ..crate::tests::article("a1", "a1.txt", None)
        };
        store.insert_batch(&[article], "t").unwrap();
        let layers = Annotations {
            sentences: vec![Span::new(0, 18), Span::new(19, 34), Span::new(35, 46)],
            events: vec![
                event(EventType::Consult, (4, 7, "met"), "Ana"),
                Event {
                    sentence: 1,
                    ..event(EventType::Consult, (23, 26, "met"), "Rui")
                },
                Event {
                    sentence: 2,
                    ..event(EventType::Assault, (39, 45, "struck"), "Rui")
                },
            ],
            ..Annotations::default()
        };
        store.save_annotations(&[("a1", &layers)], "v1").unwrap();

        let all = store.events(&EventFilter::default()).unwrap();
        assert_eq!(all.len(), 3);
        assert_eq!(all[1].evidence, "Rui met it too.");
        assert_eq!((all[2].kind.as_str(), all[2].index), ("ASSAULT", 2));

        let page = Page {
            limit: 2,
            offset: 0,
        };
        let first = store.events_page(&EventFilter::default(), page).unwrap();
        assert_eq!((first.items.len(), first.more), (2, true));
        let last = store
            .events_page(
                &EventFilter::default(),
                Page {
                    limit: 2,
                    offset: 2,
                },
            )
            .unwrap();
        assert_eq!((last.items.len(), last.more), (1, false));

        let by_name = EventFilter {
            entity: Some("RUI"),
            kind: Some("consult"),
            ..EventFilter::default()
        };
        let found = store.events(&by_name).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].actor_entity.as_deref(), Some("rui"));
        let elsewhere = ["b2".to_owned()];
        let none = EventFilter {
            articles: Some(&elsewhere),
            ..EventFilter::default()
        };
        assert!(store.events(&none).unwrap().is_empty());

        // Re-saving the layers replaces the rows.
        let fewer = Annotations {
            events: layers.events[..1].to_vec(),
            ..layers.clone()
        };
        store.save_annotations(&[("a1", &fewer)], "v2").unwrap();
        assert_eq!(store.events(&EventFilter::default()).unwrap().len(), 1);
    }
}
