//! The JSON API under `/api`, and its OpenAPI 3 document.
//!
//! Routes are registered from [`API_ROUTES`], the same table the OpenAPI document is made
//! from, so a route cannot exist undocumented. Lists share one envelope
//! (`items`, `limit`, `offset`, `next_offset`) and errors one shape ([`ApiError`]).

use std::sync::Arc;

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::routing::{MethodRouter, get};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use storyline_model::{Document, EventType};
use storyline_store::{EventFilter, EventRow, Hits, Page, SearchFilter, Store, fts_query};

use crate::{ApiError, Db, facts, stories};

/// Largest page size.
pub const MAX_LIMIT: usize = 100;
/// Deepest offset: beyond it, narrow the query instead (deep pages cost a scan each).
pub const MAX_OFFSET: usize = 10_000;

/// Query parameters understood across the API (each route documents which it reads).
#[derive(Debug, Default, Deserialize)]
pub struct Params {
    pub q: Option<String>,
    pub kind: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub source: Option<String>,
    pub entity: Option<String>,
    pub language: Option<String>,
    pub story: Option<String>,
    pub speaker: Option<String>,
    #[serde(rename = "type")]
    pub entity_type: Option<String>,
    pub limit: Option<String>,
    pub offset: Option<String>,
}

impl Params {
    pub fn from_query(query: Result<Query<Params>, QueryRejection>) -> Result<Params, ApiError> {
        query
            .map(|Query(p)| p)
            .map_err(|e| ApiError::bad_request(format!("query string: {}", e.body_text())))
    }

    pub fn page(&self, default_limit: usize) -> Result<Page, ApiError> {
        let number = |name: &str, value: &Option<String>, default: usize, max: usize| {
            let Some(v) = value.as_deref().filter(|v| !v.is_empty()) else {
                return Ok(default);
            };
            v.parse::<usize>()
                .ok()
                .filter(|n| *n <= max)
                .ok_or_else(|| {
                    ApiError::bad_request(format!("{name} must be a number from 0 to {max}"))
                })
        };
        let limit = number("limit", &self.limit, default_limit, MAX_LIMIT)?.max(1);
        let offset = number("offset", &self.offset, 0, MAX_OFFSET)?;
        Ok(Page { limit, offset })
    }

    /// The search query for `q` (canonical form), `None` when `q` is absent or blank.
    pub fn fts(&self) -> Result<Option<String>, ApiError> {
        match self.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            None => Ok(None),
            Some(q) => fts_query(q)
                .map(Some)
                .ok_or_else(|| ApiError::bad_request("q has no words to search for")),
        }
    }

    /// Checks the dates and resolves `story` to its articles (404 when unknown).
    pub fn story_articles(&self, store: &Store) -> Result<Option<Vec<String>>, ApiError> {
        for (name, value) in [("from", &self.from), ("to", &self.to)] {
            if let Some(v) = value.as_deref().filter(|v| !v.is_empty())
                && stories::day(v).is_none_or(|d| d.len() != v.len())
            {
                return Err(ApiError::bad_request(format!(
                    "{name} must be a date, YYYY-MM-DD"
                )));
            }
        }
        match self.story.as_deref().filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(id) => stories::article_ids(store, id)?
                .map(Some)
                .ok_or_else(|| ApiError::not_found(format!("no story {id}"))),
        }
    }

    pub fn filter<'a>(&'a self, articles: Option<&'a [String]>) -> SearchFilter<'a> {
        let some = |v: &'a Option<String>| v.as_deref().filter(|v| !v.is_empty());
        SearchFilter {
            from: some(&self.from),
            to: some(&self.to),
            source: some(&self.source),
            entity: some(&self.entity),
            language: some(&self.language),
            speaker: some(&self.speaker),
            articles,
        }
    }
}

/// The list envelope.
#[derive(Serialize)]
pub struct List<T> {
    pub items: Vec<T>,
    pub limit: usize,
    pub offset: usize,
    /// Offset of the next page, `null` on the last.
    pub next_offset: Option<usize>,
}

impl<T> List<T> {
    pub fn new(hits: Hits<T>, page: Page) -> List<T> {
        List {
            next_offset: hits.more.then_some(page.offset + page.limit),
            items: hits.items,
            limit: page.limit,
            offset: page.offset,
        }
    }
}

/// One documented route.
pub struct ApiRoute {
    /// Path under `/api`, in the syntax axum and OpenAPI share (`/articles/{id}`).
    pub path: &'static str,
    pub summary: &'static str,
    /// Query parameters it reads (keys of [`PARAM_DOCS`]).
    pub query: &'static [&'static str],
}

pub const API_ROUTES: &[ApiRoute] = &[
    ApiRoute {
        path: "/articles",
        summary: "Articles, newest first, optionally matching q and filters",
        query: &[
            "q", "from", "to", "source", "entity", "language", "story", "limit", "offset",
        ],
    },
    ApiRoute {
        path: "/articles/{id}",
        summary: "One article as Document JSON (text and annotation layers) with its sightings",
        query: &[],
    },
    ApiRoute {
        path: "/quotes",
        summary: "Quotes in date and text order, optionally matching q, by speaker and filters",
        query: &[
            "q", "speaker", "from", "to", "source", "entity", "language", "story", "limit",
            "offset",
        ],
    },
    ApiRoute {
        path: "/entities",
        summary: "Resolved entities, most mentioned first",
        query: &["type", "limit", "offset"],
    },
    ApiRoute {
        path: "/entities/{id}",
        summary: "One entity with aliases, roles, quotes and co-mentioned entities",
        query: &[],
    },
    ApiRoute {
        path: "/stories",
        summary: "Stories, newest first",
        query: &["limit", "offset"],
    },
    ApiRoute {
        path: "/stories/{id}",
        summary: "One story: its articles and event timeline",
        query: &[],
    },
    ApiRoute {
        path: "/stories/{id}/timeline",
        summary: "A story's timeline: its events merged across articles into dated entries, \
                  each with its reports (evidence sentences), articles and quotes",
        query: &[],
    },
    ApiRoute {
        path: "/stories/{id}/claims",
        summary: "A story's claims: statements with who asserts and who disputes them, and \
                  numbers with the numbers they conflict with",
        query: &[],
    },
    ApiRoute {
        path: "/events",
        summary: "PLOVER-coded events with actor, recipient, place, time and evidence \
                  sentence, oldest article first",
        query: &["story", "event_type", "event_entity", "limit", "offset"],
    },
    ApiRoute {
        path: "/sources",
        summary: "Outlets: article counts, date ranges and most quoted speakers",
        query: &[],
    },
    ApiRoute {
        path: "/search",
        summary: "Full-text search (BM25) over articles or quotes with highlighted snippets",
        query: &[
            "q", "kind", "speaker", "from", "to", "source", "entity", "language", "story", "limit",
            "offset",
        ],
    },
    ApiRoute {
        path: "/openapi.json",
        summary: "This OpenAPI 3 document",
        query: &[],
    },
];

/// (key, description, JSON schema) of every query parameter. The key is the parameter's
/// name, or `route-specific-key` for a name that means something else on some routes
/// ([`param_name`]).
const PARAM_DOCS: &[(&str, &str, &str)] = &[
    (
        "q",
        "Words (all must match), \"phrases\", prefix*, OR between terms",
        "string",
    ),
    (
        "kind",
        "What to search: articles (default) or quotes",
        "articles|quotes",
    ),
    ("from", "Published on or after (YYYY-MM-DD)", "date"),
    (
        "to",
        "Published on or before (YYYY-MM-DD, inclusive)",
        "date",
    ),
    ("source", "Outlet name (case-insensitive)", "string"),
    (
        "entity",
        "Entity id or mention text (case-insensitive)",
        "string",
    ),
    ("language", "Language code, e.g. en", "string"),
    ("story", "Story id: only its articles", "string"),
    (
        "speaker",
        "Substring of the speaker's name or description",
        "string",
    ),
    ("type", "Entity type: PERSON, ORG, PLACE or MISC", "string"),
    (
        "event_type",
        "PLOVER event type (AGREE, CONSULT, …, ASSAULT; DEMAND, DISAPPROVE and FIGHT are \
         read as REQUEST, ACCUSE and ASSAULT)",
        "event-type",
    ),
    (
        "event_entity",
        "Entity id or name of the actor or recipient (case-insensitive)",
        "string",
    ),
    ("limit", "Page size, 1 to 100 (default 20)", "integer"),
    ("offset", "Items to skip, at most 10000", "integer"),
];

pub fn routes() -> Router<Arc<Db>> {
    API_ROUTES
        .iter()
        .filter_map(|r| handler(r.path).map(|h| (r.path, h)))
        .fold(Router::new(), |router, (path, h)| router.route(path, h))
}

/// The query parameter a [`PARAM_DOCS`] key documents.
fn param_name(key: &str) -> &str {
    match key {
        "event_type" => "type",
        "event_entity" => "entity",
        other => other,
    }
}

fn handler(path: &str) -> Option<MethodRouter<Arc<Db>>> {
    Some(match path {
        "/articles" => get(articles),
        "/articles/{id}" => get(article),
        "/quotes" => get(quotes),
        "/entities" => get(entities),
        "/entities/{id}" => get(entity),
        "/stories" => get(story_list),
        "/stories/{id}" => get(story),
        "/stories/{id}/timeline" => get(timeline),
        "/stories/{id}/claims" => get(claims),
        "/events" => get(events),
        "/sources" => get(sources),
        "/search" => get(search),
        "/openapi.json" => get(|| async { Json(openapi()) }),
        _ => return None,
    })
}

type Q = Result<Query<Params>, QueryRejection>;
type Id = Result<Path<String>, PathRejection>;

fn id(path: Id) -> Result<String, ApiError> {
    path.map(|Path(id)| id)
        .map_err(|e| ApiError::bad_request(format!("path: {}", e.body_text())))
}

async fn articles(State(db): State<Arc<Db>>, query: Q) -> Result<Json<Value>, ApiError> {
    let p = Params::from_query(query)?;
    let page = p.page(20)?;
    let fts = p.fts()?;
    db.run(move |store| {
        let ids = p.story_articles(store)?;
        let hits = store.search_articles(fts.as_deref(), &p.filter(ids.as_deref()), page)?;
        to_json(List::new(hits, page))
    })
    .await
    .map(Json)
}

async fn article(State(db): State<Arc<Db>>, path: Id) -> Result<Json<Value>, ApiError> {
    let id = id(path)?;
    db.run(move |store| {
        let article = store
            .article(&id)?
            .ok_or_else(|| ApiError::not_found(format!("no article {id}")))?;
        let annotations = store.annotations(&id)?.unwrap_or_default();
        let sightings = store.sightings(&id)?;
        to_json(json!({
            "article": Document { article, annotations },
            "sightings": sightings,
        }))
    })
    .await
    .map(Json)
}

async fn quotes(State(db): State<Arc<Db>>, query: Q) -> Result<Json<Value>, ApiError> {
    let p = Params::from_query(query)?;
    let page = p.page(20)?;
    let fts = p.fts()?;
    db.run(move |store| {
        let ids = p.story_articles(store)?;
        let hits = store.search_quotes(fts.as_deref(), &p.filter(ids.as_deref()), page)?;
        to_json(List::new(hits, page))
    })
    .await
    .map(Json)
}

async fn entities(State(db): State<Arc<Db>>, query: Q) -> Result<Json<Value>, ApiError> {
    let p = Params::from_query(query)?;
    let page = p.page(20)?;
    db.run(move |store| {
        let kind = p.entity_type.as_deref().filter(|t| !t.is_empty());
        to_json(List::new(store.entity_rows_page(kind, page)?, page))
    })
    .await
    .map(Json)
}

async fn entity(State(db): State<Arc<Db>>, path: Id) -> Result<Json<Value>, ApiError> {
    let id = id(path)?;
    db.run(move |store| {
        let entity = store
            .entity_row(&id)?
            .ok_or_else(|| ApiError::not_found(format!("no entity {id}")))?;
        let co_mentioned = store.co_mentioned(&id, 20)?;
        let quotes: Vec<Value> = store
            .quotes_by_entity(&id)?
            .into_iter()
            .map(|(article_id, published, text)| {
                json!({"article_id": article_id, "published": published, "text": text})
            })
            .collect();
        to_json(json!({"entity": entity, "co_mentioned": co_mentioned, "quotes": quotes}))
    })
    .await
    .map(Json)
}

async fn story_list(State(db): State<Arc<Db>>, query: Q) -> Result<Json<Value>, ApiError> {
    let p = Params::from_query(query)?;
    let page = p.page(20)?;
    db.run(move |store| to_json(List::new(stories::list(store, page)?, page)))
        .await
        .map(Json)
}

async fn story(State(db): State<Arc<Db>>, path: Id) -> Result<Json<Value>, ApiError> {
    let id = id(path)?;
    db.run(move |store| {
        let story = stories::story(store, &id)?
            .ok_or_else(|| ApiError::not_found(format!("no story {id}")))?;
        to_json(story)
    })
    .await
    .map(Json)
}

/// The story's id (its stored id after merges) and its article ids; 404 when unknown.
pub fn story_or_404(store: &Store, id: &str) -> Result<(String, Vec<String>), ApiError> {
    let ids = stories::article_ids(store, id)?
        .ok_or_else(|| ApiError::not_found(format!("no story {id}")))?;
    Ok((stories::canonical_id(store, id)?, ids))
}

async fn timeline(State(db): State<Arc<Db>>, path: Id) -> Result<Json<Value>, ApiError> {
    let id = id(path)?;
    db.run(move |store| {
        let (story, ids) = story_or_404(store, &id)?;
        let entries = facts::story_timeline(store, &ids)?;
        to_json(json!({"story": story, "entries": entries}))
    })
    .await
    .map(Json)
}

async fn claims(State(db): State<Arc<Db>>, path: Id) -> Result<Json<Value>, ApiError> {
    let id = id(path)?;
    db.run(move |store| {
        let (story, ids) = story_or_404(store, &id)?;
        let claims = facts::story_claims(store, &ids)?;
        to_json(json!({"story": story, "claims": claims}))
    })
    .await
    .map(Json)
}

/// A PLOVER event type from a query value: its canonical name, or 400 naming the types.
pub fn event_type(value: Option<&str>) -> Result<Option<&'static str>, ApiError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => EventType::parse(v)
            .map(|t| Some(t.as_str()))
            .ok_or_else(|| {
                let names: Vec<&str> = EventType::ALL.iter().map(|t| t.as_str()).collect();
                ApiError::bad_request(format!(
                    "type must be a PLOVER event type, one of {}; not {v:?}",
                    names.join(", ")
                ))
            }),
    }
}

/// Events of a story (or all), of one type, with `entity` (id or name, any case) as actor
/// or recipient.
/// One page of events of these articles, of one type, with this entity (id or name) as
/// actor or recipient; filtered and paged by the store.
pub fn event_page(
    store: &Store,
    articles: Option<&[String]>,
    kind: Option<&str>,
    entity: Option<&str>,
    page: Page,
) -> Result<Hits<EventRow>, ApiError> {
    let filter = EventFilter {
        kind,
        articles,
        entity: entity.map(str::trim).filter(|e| !e.is_empty()),
    };
    Ok(store.events_page(&filter, page)?)
}

async fn events(State(db): State<Arc<Db>>, query: Q) -> Result<Json<Value>, ApiError> {
    let p = Params::from_query(query)?;
    let page = p.page(20)?;
    let kind = event_type(p.entity_type.as_deref())?;
    db.run(move |store| {
        let ids = p.story_articles(store)?;
        let hits = event_page(store, ids.as_deref(), kind, p.entity.as_deref(), page)?;
        to_json(List::new(hits, page))
    })
    .await
    .map(Json)
}

async fn sources(State(db): State<Arc<Db>>) -> Result<Json<Value>, ApiError> {
    db.run(|store| to_json(json!({"items": store.source_coverage(10)?})))
        .await
        .map(Json)
}

async fn search(State(db): State<Arc<Db>>, query: Q) -> Result<Json<Value>, ApiError> {
    let p = Params::from_query(query)?;
    let page = p.page(20)?;
    let fts = p
        .fts()?
        .ok_or_else(|| ApiError::bad_request("q is required: the words to search for"))?;
    let quotes = match p.kind.as_deref().unwrap_or("articles") {
        "articles" | "" => false,
        "quotes" => true,
        other => {
            return Err(ApiError::bad_request(format!(
                "kind must be articles or quotes, not {other:?}"
            )));
        }
    };
    db.run(move |store| {
        let ids = p.story_articles(store)?;
        let filter = p.filter(ids.as_deref());
        if quotes {
            to_json(List::new(
                store.search_quotes(Some(&fts), &filter, page)?,
                page,
            ))
        } else {
            to_json(List::new(
                store.search_articles(Some(&fts), &filter, page)?,
                page,
            ))
        }
    })
    .await
    .map(Json)
}

fn to_json(value: impl Serialize) -> Result<Value, ApiError> {
    serde_json::to_value(value).map_err(|e| ApiError::internal(format!("json: {e}")))
}

fn schema(kind: &str) -> Value {
    match kind {
        "integer" => json!({"type": "integer", "minimum": 0}),
        "date" => json!({"type": "string", "format": "date"}),
        "articles|quotes" => json!({"type": "string", "enum": ["articles", "quotes"]}),
        "event-type" => {
            let names: Vec<&str> = EventType::ALL.iter().map(|t| t.as_str()).collect();
            json!({"type": "string", "enum": names})
        }
        _ => json!({"type": "string"}),
    }
}

/// The OpenAPI 3 document of [`API_ROUTES`].
pub fn openapi() -> Value {
    let mut paths = serde_json::Map::new();
    for route in API_ROUTES {
        let mut parameters: Vec<Value> = route
            .path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{')?.strip_suffix('}'))
            .map(|name| {
                json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}})
            })
            .collect();
        for key in route.query {
            let (_, description, kind) = PARAM_DOCS
                .iter()
                .find(|(n, _, _)| n == key)
                .copied()
                .unwrap_or((key, "", "string"));
            parameters.push(json!({
                "name": param_name(key), "in": "query", "required": false,
                "description": description, "schema": schema(kind),
            }));
        }
        let error = json!({"description": "Error", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Error"}}}});
        paths.insert(
            route.path.to_owned(),
            json!({"get": {
                "summary": route.summary,
                "parameters": parameters,
                "responses": {
                    "200": {"description": "OK", "content": {"application/json": {"schema": {"type": "object"}}}},
                    "400": error, "404": error, "503": error,
                },
            }}),
        );
    }
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "storyline API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Read-only access to a storyline store. Lists return \
                {items, limit, offset, next_offset}; errors return \
                {error: {status, code, message}}.",
        },
        "servers": [{"url": "/api"}],
        "paths": paths,
        "components": {"schemas": {"Error": {
            "type": "object",
            "required": ["error"],
            "properties": {"error": {
                "type": "object",
                "required": ["status", "code", "message"],
                "properties": {
                    "status": {"type": "integer"},
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                },
            }},
        }}},
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_parameter_is_described() {
        for route in API_ROUTES {
            assert!(
                handler(route.path).is_some(),
                "{} has no handler",
                route.path
            );
            for name in route.query {
                assert!(
                    PARAM_DOCS.iter().any(|(n, _, _)| n == name),
                    "{} reads undocumented {name}",
                    route.path
                );
            }
        }
    }
}
