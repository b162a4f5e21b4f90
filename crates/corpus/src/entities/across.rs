//! Across articles: an incremental index of corpus entities that articles attach to.
//!
//! Matching rules, strongest first:
//! - places, countries and organisations: the same external id (ISO3, GeoNames id), else
//!   the same type and folded name or alias;
//! - people: surname keys equal (romanisation classes, diacritics) and first given names
//!   compatible (nicknames, Ukrainian/Russian pairs, initials). Two different given names
//!   never merge, whatever title or surname they share. A surname-only cluster (the article
//!   never gave the full name) joins the one person of that surname, or, when several
//!   exist, the one mentioned in most articles.
//!
//! Ids are slugs of the name at creation ("donald-trump", then "donald-trump-2" for a
//! different person of the same name), never changed afterwards: the same articles attached
//! in the same order give the same ids, and a later article cannot rename an entity.

use std::collections::BTreeMap;

use hashbrown::HashMap;
use serde::{Deserialize, Serialize};
use storyline_model::EntityType;

use super::names::slug;
use super::within::{ArticleEntities, PersonName};
use super::{Links, Resolver, Role};

/// A corpus entity.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: EntityType,
    /// Surface form → number of articles using it.
    pub aliases: BTreeMap<String, u64>,
    pub roles: Vec<Role>,
    pub links: Links,
    #[serde(default)]
    pub metonym: bool,
    /// How many articles mention it. (Which ones is the store's `mentions` table: a list
    /// here would make every record of a common entity grow with the corpus.)
    pub articles: u64,
    /// The last article attached, so one article counts once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_article: Option<String>,
    pub mentions: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<PersonName>,
}

/// The corpus-wide entity index. Not shared between threads while attaching: attachment is
/// the sequential step of ingest.
#[derive(Default)]
pub struct EntityIndex {
    entities: Vec<Entity>,
    by_id: HashMap<String, usize>,
    /// Surname key → people with that surname.
    by_surname: HashMap<String, Vec<usize>>,
    /// External-id key or "TYPE:folded name" → entity.
    by_key: HashMap<String, usize>,
    /// Entities changed since the last [`EntityIndex::take_changed`].
    changed: Vec<bool>,
}

impl EntityIndex {
    pub fn new() -> EntityIndex {
        EntityIndex::default()
    }

    /// Rebuilds the index from stored entities (in their creation order).
    pub fn from_entities(entities: Vec<Entity>, resolver: &Resolver) -> EntityIndex {
        let mut index = EntityIndex::new();
        for entity in entities {
            let i = index.entities.len();
            index.by_id.insert(entity.id.clone(), i);
            index.entities.push(entity);
            index.changed.push(false);
            index.add_keys(i, resolver);
        }
        index
    }

    pub fn entities(&self) -> &[Entity] {
        &self.entities
    }

    pub fn get(&self, id: &str) -> Option<&Entity> {
        self.by_id.get(id).map(|&i| &self.entities[i])
    }

    /// Entities created or updated since the last call, for saving, each with its
    /// creation position (store it: the index is rebuilt in that order).
    pub fn take_changed(&mut self) -> Vec<(usize, Entity)> {
        let mut changed = Vec::new();
        for (i, flag) in self.changed.iter_mut().enumerate() {
            if std::mem::take(flag) {
                changed.push((i, self.entities[i].clone()));
            }
        }
        changed
    }

    fn add_keys(&mut self, i: usize, resolver: &Resolver) {
        let lex = resolver.lexicon();
        let e = &self.entities[i];
        if let Some(p) = &e.person {
            let list = self.by_surname.entry(p.surname_key()).or_default();
            if !list.contains(&i) {
                list.push(i);
            }
            return;
        }
        let mut keys: Vec<String> = e.links.key().into_iter().collect();
        keys.push(format!("{}:{}", e.kind, lex.fold(&e.name)));
        for alias in e.aliases.keys() {
            keys.push(format!("{}:{}", e.kind, lex.fold(alias)));
        }
        for key in keys {
            self.by_key.entry(key).or_insert(i);
        }
    }

    /// Attaches an article's clusters to entities, creating entities as needed, and returns
    /// one entity id per cluster (same order as `found.clusters`).
    pub fn attach(
        &mut self,
        resolver: &Resolver,
        article_id: &str,
        found: &ArticleEntities,
    ) -> Vec<String> {
        let lex = resolver.lexicon();
        let mut ids = Vec::with_capacity(found.clusters.len());
        for cluster in &found.clusters {
            let target = match &cluster.person {
                Some(p) => self.find_person(p, resolver),
                None => {
                    let mut keys: Vec<String> = cluster.links.key().into_iter().collect();
                    keys.push(format!("{}:{}", cluster.kind, lex.fold(&cluster.name)));
                    for alias in &cluster.aliases {
                        keys.push(format!("{}:{}", cluster.kind, lex.fold(alias)));
                    }
                    keys.iter().find_map(|k| self.by_key.get(k).copied())
                }
            };
            let i = match target {
                Some(i) => i,
                None => {
                    let mut id = slug(&cluster.name);
                    if self.by_id.contains_key(&id) {
                        let mut n = 2;
                        while self.by_id.contains_key(&format!("{id}-{n}")) {
                            n += 1;
                        }
                        id = format!("{id}-{n}");
                    }
                    let i = self.entities.len();
                    self.by_id.insert(id.clone(), i);
                    self.entities.push(Entity {
                        id,
                        name: cluster.name.clone(),
                        kind: cluster.kind,
                        aliases: BTreeMap::new(),
                        roles: Vec::new(),
                        links: cluster.links.clone(),
                        metonym: cluster.metonym,
                        articles: 0,
                        last_article: None,
                        mentions: 0,
                        person: cluster.person.clone(),
                    });
                    self.changed.push(true);
                    i
                }
            };
            let e = &mut self.entities[i];
            // Alias counts are articles using the form: a per-article view of spelling.
            let mut new_alias = false;
            for alias in &cluster.aliases {
                let count = e.aliases.entry(alias.clone()).or_insert(0);
                new_alias |= *count == 0;
                *count += 1;
            }
            e.mentions += cluster.mentions.len() as u64;
            if e.last_article.as_deref() != Some(article_id) {
                e.articles += 1;
                e.last_article = Some(article_id.to_string());
            }
            for role in &cluster.roles {
                let role = Role {
                    article: Some(article_id.to_string()),
                    ..role.clone()
                };
                // The same title without a country adds nothing to one with a country.
                let known = e.roles.iter().any(|r| {
                    r.title.eq_ignore_ascii_case(&role.title)
                        && (r.country == role.country || role.country.is_none())
                });
                if !known {
                    e.roles.retain(|r| {
                        !(r.title.eq_ignore_ascii_case(&role.title) && r.country.is_none())
                    });
                    e.roles.push(role);
                }
            }
            if e.links.is_empty() {
                e.links = cluster.links.clone();
            }
            // A fuller name upgrades the display name and the matching key; the id stays.
            if let (Some(p), Some(q)) = (&cluster.person, &mut e.person)
                && p.given.len() > q.given.len()
            {
                *q = p.clone();
                e.name = cluster.name.clone();
            } else if e.person.is_some()
                && new_alias
                && cluster.person.as_ref().is_some_and(|p| !p.given.is_empty())
            {
                // Among full forms, the most used one names the person.
                let words = |s: &str| s.split_whitespace().count();
                let best = e
                    .aliases
                    .iter()
                    .filter(|(a, _)| words(a) >= words(&e.name))
                    .max_by_key(|(a, n)| (words(a), **n, std::cmp::Reverse(a.as_str())))
                    .map(|(a, _)| a.clone());
                if let Some(best) = best {
                    e.name = best;
                }
            }
            self.changed[i] = true;
            if new_alias || target.is_none() {
                self.add_keys(i, resolver);
            }
            ids.push(self.entities[i].id.clone());
        }
        ids
    }

    fn find_person(&self, p: &PersonName, resolver: &Resolver) -> Option<usize> {
        let lex = resolver.lexicon();
        let candidates: Vec<usize> = self
            .by_surname
            .get(&p.surname_key())?
            .iter()
            .copied()
            .filter(|&i| {
                self.entities[i]
                    .person
                    .as_ref()
                    .is_some_and(|q| q.compatible(p, lex))
            })
            .collect();
        if candidates.len() <= 1 {
            return candidates.first().copied();
        }
        let given = p.given.first();
        let same_given = candidates.iter().copied().find(|&i| {
            let q = self.entities[i].person.as_ref();
            q.and_then(|q| q.given.first()) == given
        });
        same_given.or_else(|| {
            candidates
                .iter()
                .copied()
                .max_by_key(|&i| (self.entities[i].articles, std::cmp::Reverse(i)))
        })
    }
}
