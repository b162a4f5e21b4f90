//! Corpus entities: one row per entity (with its full record as JSON, so the resolver's
//! index is rebuilt exactly), its aliases under a lookup key, and its roles with the date
//! each was stated. The store does not interpret names: callers give the lookup keys.

use rusqlite::params;
use serde::Serialize;

use crate::search::paged;
use crate::{Hits, Page, Result, Store};

/// One entity as stored and listed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntityRow {
    pub id: String,
    /// Creation order: the resolver's index is rebuilt in this order, so ids stay stable.
    pub seq: i64,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub mentions: u64,
    pub articles: u64,
    pub geonames: Option<u64>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub country: Option<String>,
    pub iso3: Option<String>,
    pub actor: Option<String>,
    pub aliases: Vec<AliasRow>,
    pub roles: Vec<RoleRow>,
    /// The resolver's full record (JSON).
    #[serde(skip)]
    pub data: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AliasRow {
    pub alias: String,
    /// The caller's normalised lookup key of the alias.
    #[serde(skip)]
    pub key: String,
    /// Articles using this form.
    pub articles: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoleRow {
    pub title: String,
    pub country: Option<String>,
    /// Date of the article that stated it.
    pub date: Option<String>,
    pub article_id: Option<String>,
}

/// A co-mentioned entity: how many articles mention both.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoMention {
    pub id: String,
    pub name: String,
    pub articles: u64,
}

impl Store {
    /// Inserts or replaces these entities with their aliases and roles, in one transaction.
    pub fn save_entities(&mut self, rows: &[EntityRow]) -> Result<()> {
        let tx = self.conn.transaction()?;
        {
            let mut upsert = tx.prepare_cached(
                "INSERT OR REPLACE INTO entities (id, seq, name, type, mentions, articles,
                     geonames, lat, lon, country, iso3, actor, data)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            )?;
            let mut clear_aliases =
                tx.prepare_cached("DELETE FROM entity_aliases WHERE entity_id = ?1")?;
            let mut clear_roles =
                tx.prepare_cached("DELETE FROM entity_roles WHERE entity_id = ?1")?;
            let mut alias = tx.prepare_cached(
                "INSERT OR REPLACE INTO entity_aliases (entity_id, alias, key, articles)
                 VALUES (?1, ?2, ?3, ?4)",
            )?;
            let mut role = tx.prepare_cached(
                "INSERT INTO entity_roles (entity_id, title, country, date, article_id)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for e in rows {
                upsert.execute(params![
                    e.id,
                    e.seq,
                    e.name,
                    e.kind,
                    e.mentions as i64,
                    e.articles as i64,
                    e.geonames.map(|g| g as i64),
                    e.lat,
                    e.lon,
                    e.country,
                    e.iso3,
                    e.actor,
                    e.data
                ])?;
                clear_aliases.execute([&e.id])?;
                clear_roles.execute([&e.id])?;
                for a in &e.aliases {
                    alias.execute(params![e.id, a.alias, a.key, a.articles as i64])?;
                }
                for r in &e.roles {
                    role.execute(params![e.id, r.title, r.country, r.date, r.article_id])?;
                }
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Forgets every entity (before re-resolving the whole store).
    pub fn clear_entities(&mut self) -> Result<()> {
        let tx = self.conn.transaction()?;
        tx.execute_batch(
            "DELETE FROM entity_roles; DELETE FROM entity_aliases; DELETE FROM entities;
             UPDATE mentions SET entity = NULL; UPDATE quotes SET speaker_entity = NULL;",
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Sets the entity ids of an article's mention rows and quote speakers, matched by span
    /// (`(start, end, entity)`), and of its event rows (actor, recipient, place, matched by
    /// position in the events layer), in one transaction.
    pub fn set_entity_ids(
        &mut self,
        article_id: &str,
        mentions: &[(usize, usize, Option<String>)],
        speakers: &[(usize, usize, Option<String>)],
        events: &[storyline_model::Event],
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        {
            let mut mention = tx.prepare_cached(
                "UPDATE mentions SET entity = ?4 WHERE article_id = ?1 AND start = ?2 AND end = ?3",
            )?;
            for (start, end, entity) in mentions {
                mention.execute(params![article_id, *start as i64, *end as i64, entity])?;
            }
            let mut speaker = tx.prepare_cached(
                "UPDATE quotes SET speaker_entity = ?4
                 WHERE article_id = ?1 AND start = ?2 AND end = ?3",
            )?;
            for (start, end, entity) in speakers {
                speaker.execute(params![article_id, *start as i64, *end as i64, entity])?;
            }
            let mut event = tx.prepare_cached(
                "UPDATE events SET actor_entity = ?3, recipient_entity = ?4, place_entity = ?5
                 WHERE article_id = ?1 AND idx = ?2",
            )?;
            let entity = |p: &Option<storyline_model::Participant>| {
                p.as_ref().and_then(|p| p.entity.clone())
            };
            for (i, e) in events.iter().enumerate() {
                event.execute(params![
                    article_id,
                    i as i64,
                    entity(&e.actor),
                    entity(&e.recipient),
                    entity(&e.place)
                ])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The stored records (JSON), in creation order.
    pub fn entity_records(&self) -> Result<Vec<String>> {
        let mut statement = self
            .conn
            .prepare("SELECT data FROM entities ORDER BY seq")?;
        let rows = statement.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Entities, most mentioned first, optionally of one type (PERSON, ORG, PLACE, MISC).
    pub fn entity_rows(&self, kind: Option<&str>) -> Result<Vec<EntityRow>> {
        self.query_entities(kind, None, -1, 0)
    }

    /// One page of [`Store::entity_rows`], paged by SQLite.
    pub fn entity_rows_page(&self, kind: Option<&str>, page: Page) -> Result<Hits<EntityRow>> {
        let (limit, offset) = page.sql_bounds();
        Ok(paged(self.query_entities(kind, None, limit, offset)?, page))
    }

    /// One entity by id, with its aliases and roles.
    pub fn entity_row(&self, id: &str) -> Result<Option<EntityRow>> {
        Ok(self.query_entities(None, Some(id), 1, 0)?.pop())
    }

    fn query_entities(
        &self,
        kind: Option<&str>,
        id: Option<&str>,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<EntityRow>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT id, seq, name, type, mentions, articles, geonames, lat, lon, country, iso3,
                    actor, data
             FROM entities WHERE (?1 IS NULL OR type = ?1) AND (?2 IS NULL OR id = ?2)
             ORDER BY mentions DESC, seq
             LIMIT ?3 OFFSET ?4",
        )?;
        let rows = statement.query_map(params![kind, id, limit, offset], |r| {
            Ok(EntityRow {
                id: r.get(0)?,
                seq: r.get(1)?,
                name: r.get(2)?,
                kind: r.get(3)?,
                mentions: r.get::<_, i64>(4)? as u64,
                articles: r.get::<_, i64>(5)? as u64,
                geonames: r.get::<_, Option<i64>>(6)?.map(|g| g as u64),
                lat: r.get(7)?,
                lon: r.get(8)?,
                country: r.get(9)?,
                iso3: r.get(10)?,
                actor: r.get(11)?,
                aliases: Vec::new(),
                roles: Vec::new(),
                data: r.get(12)?,
            })
        })?;
        let mut entities: Vec<EntityRow> = rows.collect::<rusqlite::Result<_>>()?;
        let mut aliases = self.conn.prepare_cached(
            "SELECT alias, key, articles FROM entity_aliases WHERE entity_id = ?1
             ORDER BY articles DESC, alias",
        )?;
        let mut roles = self.conn.prepare_cached(
            "SELECT title, country, date, article_id FROM entity_roles WHERE entity_id = ?1
             ORDER BY date, title",
        )?;
        for e in &mut entities {
            e.aliases = aliases
                .query_map([&e.id], |r| {
                    Ok(AliasRow {
                        alias: r.get(0)?,
                        key: r.get(1)?,
                        articles: r.get::<_, i64>(2)? as u64,
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
            e.roles = roles
                .query_map([&e.id], |r| {
                    Ok(RoleRow {
                        title: r.get(0)?,
                        country: r.get(1)?,
                        date: r.get(2)?,
                        article_id: r.get(3)?,
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
        }
        Ok(entities)
    }

    /// Ids of entities whose id is `id_or_key` or one of whose aliases has that lookup key,
    /// most mentioned first.
    pub fn find_entities(&self, id_or_key: &str) -> Result<Vec<String>> {
        let mut statement = self.conn.prepare(
            "SELECT e.id FROM entities e
             WHERE e.id = ?1 OR e.id IN (SELECT entity_id FROM entity_aliases WHERE key = ?1)
             ORDER BY e.mentions DESC, e.seq",
        )?;
        let rows = statement.query_map([id_or_key], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Entities mentioned in the same articles as `id`, by number of shared articles.
    pub fn co_mentioned(&self, id: &str, limit: usize) -> Result<Vec<CoMention>> {
        let mut statement = self.conn.prepare(
            "SELECT m.entity, e.name, COUNT(DISTINCT m.article_id) AS n
             FROM mentions m JOIN entities e ON e.id = m.entity
             WHERE m.entity != ?1
               AND m.article_id IN (SELECT article_id FROM mentions WHERE entity = ?1)
             GROUP BY m.entity ORDER BY n DESC, e.seq LIMIT ?2",
        )?;
        let rows = statement.query_map(params![id, limit as i64], |r| {
            Ok(CoMention {
                id: r.get(0)?,
                name: r.get(1)?,
                articles: r.get::<_, i64>(2)? as u64,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Quotes whose speaker resolved to entity `id`: (article id, published, text).
    pub fn quotes_by_entity(&self, id: &str) -> Result<Vec<(String, Option<String>, String)>> {
        let mut statement = self.conn.prepare(
            "SELECT q.article_id, a.published, q.text FROM quotes q
             JOIN articles a ON a.id = q.article_id
             WHERE q.speaker_entity = ?1 ORDER BY a.published, a.rowid, q.start",
        )?;
        let rows = statement.query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, seq: i64) -> EntityRow {
        EntityRow {
            id: id.into(),
            seq,
            name: "Kyiv".into(),
            kind: "PLACE".into(),
            mentions: 3,
            articles: 2,
            geonames: Some(703448),
            lat: Some(50.45),
            lon: Some(30.52),
            country: Some("UA".into()),
            iso3: None,
            actor: None,
            aliases: vec![AliasRow {
                alias: "Kiev".into(),
                key: "kiev".into(),
                articles: 1,
            }],
            roles: vec![],
            data: format!("{{\"id\":\"{id}\"}}"),
        }
    }

    #[test]
    fn entities_round_trip_and_replace() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("s.db")).unwrap();
        store
            .save_entities(&[row("kyiv", 0), row("lviv", 1)])
            .unwrap();
        let mut again = row("kyiv", 0);
        again.aliases.clear();
        store.save_entities(&[again]).unwrap();
        let rows = store.entity_rows(Some("PLACE")).unwrap();
        assert_eq!(rows.len(), 2);
        assert!(
            rows.iter()
                .find(|r| r.id == "kyiv")
                .unwrap()
                .aliases
                .is_empty()
        );
        assert_eq!(
            store.find_entities("kiev").unwrap(),
            vec!["lviv".to_string()]
        );
        assert_eq!(store.entity_records().unwrap()[0], "{\"id\":\"kyiv\"}");
        assert!(store.entity_rows(Some("PERSON")).unwrap().is_empty());
        // Paged and single lookups by SQLite agree with the full listing.
        let page = |offset| Page { limit: 1, offset };
        let first = store.entity_rows_page(Some("PLACE"), page(0)).unwrap();
        assert_eq!(
            (first.items[0].id.as_str(), first.more),
            (rows[0].id.as_str(), true)
        );
        let second = store.entity_rows_page(Some("PLACE"), page(1)).unwrap();
        assert_eq!(
            (second.items[0].id.as_str(), second.more),
            (rows[1].id.as_str(), false)
        );
        let lviv = store.entity_row("lviv").unwrap().expect("lviv");
        assert_eq!(
            lviv.aliases,
            rows.iter().find(|r| r.id == "lviv").unwrap().aliases
        );
        assert_eq!(store.entity_row("nowhere").unwrap(), None);
    }
}
