//! Server-rendered pages. Each handler gathers plain data (strings and numbers, hrefs built
//! with [`pct`]) and hands it to an askama template, which escapes every interpolation.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use storyline_store::{
    ArticleHit, Page, QuoteHit, QuoteRow, SearchFilter, Segment, SourceCoverage, Store,
};

use crate::api::Params;
use crate::stories::{self, StorySummary, shorten};
use crate::{ApiError, Db, story_pages};

const STYLE: &str = include_str!("../static/style.css");

pub fn routes() -> Router<Arc<Db>> {
    Router::new()
        .route("/", get(home))
        .route("/stories/{id}", get(story_pages::story))
        .route("/stories/{id}/claims", get(story_pages::claims))
        .route("/stories/{id}/map", get(story_pages::map))
        .route("/events", get(story_pages::events))
        .route("/articles/{id}", get(article))
        .route("/quotes", get(quotes))
        .route("/entities", get(entities))
        .route("/entities/{id}", get(entity))
        .route("/sources", get(sources))
        .route("/search", get(search))
        .route("/static/{name}", get(static_file))
}

/// Percent-encodes a path segment or query value (everything but RFC 3986 unreserved).
pub fn pct(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// `path?k=v&…` from the non-empty pairs.
pub(crate) fn href(path: &str, pairs: &[(&str, &str)]) -> String {
    let query: Vec<String> = pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", pct(v)))
        .collect();
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", query.join("&"))
    }
}

pub(crate) fn evidence_href(article: &str, start: usize, end: usize) -> String {
    if end > start {
        format!("/articles/{}?hl={start}-{end}#hl", pct(article))
    } else {
        format!("/articles/{}", pct(article))
    }
}

/// Only web links to an article's original: a hostile `javascript:` URL is shown as text.
fn safe_url(url: Option<&str>) -> Option<String> {
    let url = url?.trim();
    let lower = url.to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://")).then(|| url.to_owned())
}

fn render(template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => error_page(ApiError::internal(format!("template: {e}"))),
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    title: String,
    message: String,
}

pub fn error_page(error: ApiError) -> Response {
    let page = ErrorPage {
        title: error
            .status
            .canonical_reason()
            .unwrap_or("Error")
            .to_owned(),
        message: error.message,
    };
    let body = page
        .render()
        .unwrap_or_else(|_| "storyline: error".to_owned());
    (error.status, Html(body)).into_response()
}

/// A page handler's result: errors become HTML error pages.
pub(crate) struct PageResult(Result<Response, ApiError>);

impl IntoResponse for PageResult {
    fn into_response(self) -> Response {
        self.0.unwrap_or_else(error_page)
    }
}

pub(crate) async fn page<T, F>(db: &Arc<Db>, f: F) -> PageResult
where
    T: Template + Send + 'static,
    F: FnOnce(&Store) -> Result<T, ApiError> + Send + 'static,
{
    PageResult(db.run(f).await.map(|t| render(&t)))
}

pub(crate) fn params(
    query: Result<Query<Params>, axum::extract::rejection::QueryRejection>,
) -> Params {
    // Pages are forgiving: a malformed query string is read as no query.
    query.map(|Query(p)| p).unwrap_or_default()
}

/// Links to the previous and next page, keeping the other parameters.
pub(crate) struct Pager {
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    pub(crate) fn new(path: &str, keep: &[(&str, &str)], page: Page, more: bool) -> Pager {
        let at = |offset: usize| {
            let offset = offset.to_string();
            let mut pairs = keep.to_vec();
            if offset != "0" {
                pairs.push(("offset", &offset));
            }
            href(path, &pairs)
        };
        Pager {
            prev: (page.offset > 0).then(|| at(page.offset.saturating_sub(page.limit))),
            next: more.then(|| at(page.offset + page.limit)),
        }
    }
}

// ----- story list -----

struct StoryItem {
    href: String,
    label: String,
    dates: String,
    sources: String,
    articles: u64,
}

#[derive(Template)]
#[template(path = "home.html")]
struct Home {
    stories: Vec<StoryItem>,
    by_article: bool,
    pager: Pager,
}

pub(crate) fn dates(first: Option<&str>, last: Option<&str>) -> String {
    match (first, last) {
        (Some(a), Some(b)) if a.get(..10) != b.get(..10) => {
            format!("{} – {}", &a[..a.len().min(10)], &b[..b.len().min(10)])
        }
        (Some(a), _) | (None, Some(a)) => a.chars().take(10).collect(),
        (None, None) => "undated".to_owned(),
    }
}

fn story_item(s: &StorySummary) -> StoryItem {
    StoryItem {
        href: format!("/stories/{}", pct(&s.id)),
        label: s.label.clone(),
        dates: dates(s.first.as_deref(), s.last.as_deref()),
        sources: s.sources.join(", "),
        articles: s.articles,
    }
}

async fn home(
    State(db): State<Arc<Db>>,
    query: Result<Query<Params>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let p = params(query);
    let Ok(pg) = p.page(30) else {
        return PageResult(Err(ApiError::bad_request("bad offset")));
    };
    page(&db, move |store| {
        let hits = stories::list(store, pg)?;
        Ok(Home {
            by_article: hits.items.iter().all(|s| s.basis == "article"),
            pager: Pager::new("/", &[], pg, hits.more),
            stories: hits.items.iter().map(story_item).collect(),
        })
    })
    .await
}

// ----- shared by the story pages -----

pub(crate) struct ArticleItem {
    pub href: String,
    pub headline: String,
    pub source: String,
    pub published: String,
    pub snippet: Vec<Segment>,
}

pub(crate) fn article_item(a: &ArticleHit) -> ArticleItem {
    ArticleItem {
        href: format!("/articles/{}", pct(&a.id)),
        headline: a
            .headline
            .clone()
            .unwrap_or_else(|| "(no headline)".to_owned()),
        source: a.source.clone(),
        published: a.published.clone().unwrap_or_else(|| "undated".to_owned()),
        snippet: a.snippet.clone(),
    }
}

// ----- article page -----

struct Paragraph {
    parts: Vec<(String, bool)>,
}

#[derive(Template)]
#[template(path = "article.html")]
struct ArticlePage {
    headline: String,
    source: String,
    published: String,
    byline: Option<String>,
    url: Option<String>,
    unsafe_url: Option<String>,
    paragraphs: Vec<Paragraph>,
    quotes: Vec<(String, String, String)>,
}

/// Paragraphs of `text` (code-point spans), with `[hl.0, hl.1)` marked.
fn paragraphs(text: &str, spans: &[(usize, usize)], hl: Option<(usize, usize)>) -> Vec<Paragraph> {
    let chars: Vec<char> = text.chars().collect();
    let piece = |a: usize, b: usize| {
        chars[a.min(chars.len())..b.min(chars.len())]
            .iter()
            .collect::<String>()
    };
    let spans: Vec<(usize, usize)> = if spans.is_empty() {
        vec![(0, chars.len())]
    } else {
        spans.to_vec()
    };
    spans
        .into_iter()
        .map(|(start, end)| {
            let end = end.max(start);
            let mut parts = Vec::new();
            match hl {
                Some((a, b)) if a < end && b > start => {
                    let (a, b) = (a.max(start), b.min(end));
                    parts.push((piece(start, a), false));
                    parts.push((piece(a, b), true));
                    parts.push((piece(b, end), false));
                }
                _ => parts.push((piece(start, end), false)),
            }
            parts.retain(|(t, _)| !t.is_empty());
            Paragraph { parts }
        })
        .collect()
}

#[derive(serde::Deserialize)]
struct ArticleQuery {
    hl: Option<String>,
}

async fn article(
    State(db): State<Arc<Db>>,
    Path(id): Path<String>,
    query: Result<Query<ArticleQuery>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let hl = query.ok().and_then(|Query(q)| q.hl).and_then(|hl| {
        let (a, b) = hl.split_once('-')?;
        Some((a.parse().ok()?, b.parse().ok()?))
    });
    page(&db, move |store| {
        let a = store
            .article(&id)?
            .ok_or_else(|| ApiError::not_found(format!("no article {id}")))?;
        let layers = store.annotations(&id)?.unwrap_or_default();
        let spans: Vec<(usize, usize)> = a.paragraphs.iter().map(|p| (p.start, p.end)).collect();
        let url = safe_url(a.url.as_deref());
        Ok(ArticlePage {
            headline: a
                .headline
                .clone()
                .unwrap_or_else(|| "(no headline)".to_owned()),
            source: a.source.clone(),
            published: a.published.clone().unwrap_or_else(|| "undated".to_owned()),
            byline: a.byline.clone(),
            unsafe_url: a.url.clone().filter(|_| url.is_none()),
            url,
            paragraphs: paragraphs(&a.text, &spans, hl),
            quotes: layers
                .quotes
                .iter()
                .map(|q| {
                    let who = q
                        .speaker
                        .as_ref()
                        .and_then(|s| s.name.clone().or_else(|| s.description.clone()))
                        .unwrap_or_else(|| "unattributed".to_owned());
                    (who, q.text.clone(), evidence_href(&a.id, q.start, q.end))
                })
                .collect(),
        })
    })
    .await
}

// ----- quotes by speaker -----

struct QuoteItem {
    text: String,
    meta: String,
    href: String,
}

struct SpeakerGroup {
    speaker: String,
    entity_href: Option<String>,
    quotes: Vec<QuoteItem>,
}

#[derive(Template)]
#[template(path = "quotes.html")]
struct QuotesPage {
    speaker: String,
    story: String,
    groups: Vec<SpeakerGroup>,
    pager: Pager,
}

fn quote_item(q: &QuoteRow) -> QuoteItem {
    QuoteItem {
        text: q.text.clone(),
        meta: format!(
            "{}, {}",
            q.source,
            q.published.as_deref().unwrap_or("undated")
        ),
        href: evidence_href(&q.article_id, q.start, q.end),
    }
}

/// Who said it, as pages show it: the name, else the description.
fn speaker_label(q: &QuoteRow) -> String {
    q.speaker
        .clone()
        .or_else(|| q.speaker_description.clone())
        .unwrap_or_else(|| "Unattributed".to_owned())
}

fn group_by_speaker(quotes: &[QuoteHit]) -> Vec<SpeakerGroup> {
    let mut order: Vec<SpeakerGroup> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for q in quotes.iter().map(|hit| &hit.quote) {
        let speaker = speaker_label(q);
        let at = *index.entry(speaker.clone()).or_insert_with(|| {
            order.push(SpeakerGroup {
                speaker,
                entity_href: q
                    .speaker_entity
                    .as_deref()
                    .map(|e| format!("/entities/{}", pct(e))),
                quotes: Vec::new(),
            });
            order.len() - 1
        });
        order[at].quotes.push(quote_item(q));
    }
    // Most quoted first; ties keep first-quoted order (the sort is stable).
    order.sort_by_key(|g| std::cmp::Reverse(g.quotes.len()));
    order
}

async fn quotes(
    State(db): State<Arc<Db>>,
    query: Result<Query<Params>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let p = params(query);
    let Ok(pg) = p.page(100) else {
        return PageResult(Err(ApiError::bad_request("bad offset")));
    };
    page(&db, move |store| {
        let ids = p.story_articles(store)?;
        let hits = store.search_quotes(None, &p.filter(ids.as_deref()), pg)?;
        let speaker = p.speaker.clone().unwrap_or_default();
        let story = p.story.clone().unwrap_or_default();
        Ok(QuotesPage {
            groups: group_by_speaker(&hits.items),
            pager: Pager::new(
                "/quotes",
                &[("speaker", &speaker), ("story", &story)],
                pg,
                hits.more,
            ),
            speaker,
            story,
        })
    })
    .await
}

// ----- entities -----

struct EntityItem {
    href: String,
    name: String,
    kind: String,
    mentions: u64,
    articles: u64,
}

#[derive(Template)]
#[template(path = "entities.html")]
struct EntitiesPage {
    entities: Vec<EntityItem>,
    /// Articles shown instead while no entities have been resolved.
    articles: Vec<ArticleItem>,
    pager: Pager,
}

async fn entities(
    State(db): State<Arc<Db>>,
    query: Result<Query<Params>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let p = params(query);
    let Ok(pg) = p.page(50) else {
        return PageResult(Err(ApiError::bad_request("bad offset")));
    };
    page(&db, move |store| {
        let kind = p.entity_type.clone().unwrap_or_default();
        let hits = store.entity_rows_page(Some(kind.as_str()).filter(|k| !k.is_empty()), pg)?;
        let articles = if hits.items.is_empty() && pg.offset == 0 {
            store
                .search_articles(
                    None,
                    &SearchFilter::default(),
                    Page {
                        limit: 30,
                        offset: 0,
                    },
                )?
                .items
                .iter()
                .map(article_item)
                .collect()
        } else {
            Vec::new()
        };
        Ok(EntitiesPage {
            entities: hits
                .items
                .iter()
                .map(|e| EntityItem {
                    href: format!("/entities/{}", pct(&e.id)),
                    name: e.name.clone(),
                    kind: e.kind.clone(),
                    mentions: e.mentions,
                    articles: e.articles,
                })
                .collect(),
            articles,
            pager: Pager::new("/entities", &[("type", &kind)], pg, hits.more),
        })
    })
    .await
}

struct Node {
    x: String,
    y: String,
    /// Edge width, by shared articles.
    width: String,
    name: String,
    href: String,
    articles: u64,
}

#[derive(Template)]
#[template(path = "entity.html")]
struct EntityPage {
    name: String,
    kind: String,
    mentions: u64,
    articles: u64,
    aliases: Vec<(String, u64)>,
    roles: Vec<(String, String)>,
    /// (text, published, article href)
    quotes: Vec<(String, String, String)>,
    nodes: Vec<Node>,
}

/// The co-mention graph: the entity in the middle, co-mentioned entities on a circle.
fn nodes(co: &[storyline_store::entities::CoMention]) -> Vec<Node> {
    let most = co.iter().map(|c| c.articles).max().unwrap_or(1).max(1) as f64;
    let n = co.len().max(1) as f64;
    co.iter()
        .enumerate()
        .map(|(i, c)| {
            let angle = std::f64::consts::TAU * i as f64 / n - std::f64::consts::FRAC_PI_2;
            Node {
                x: format!("{:.1}", 200.0 + 150.0 * angle.cos()),
                y: format!("{:.1}", 170.0 + 130.0 * angle.sin()),
                width: format!("{:.1}", 1.0 + 5.0 * c.articles as f64 / most),
                name: shorten(&c.name, 24),
                href: format!("/entities/{}", pct(&c.id)),
                articles: c.articles,
            }
        })
        .collect()
}

async fn entity(State(db): State<Arc<Db>>, Path(id): Path<String>) -> PageResult {
    page(&db, move |store| {
        let e = store
            .entity_row(&id)?
            .ok_or_else(|| ApiError::not_found(format!("no entity {id}")))?;
        let co = store.co_mentioned(&id, 12)?;
        Ok(EntityPage {
            name: e.name.clone(),
            kind: e.kind.clone(),
            mentions: e.mentions,
            articles: e.articles,
            aliases: e
                .aliases
                .iter()
                .map(|a| (a.alias.clone(), a.articles))
                .collect(),
            roles: e
                .roles
                .iter()
                .map(|r| {
                    let when = r.date.clone().unwrap_or_default();
                    let title = match &r.country {
                        Some(c) => format!("{} ({c})", r.title),
                        None => r.title.clone(),
                    };
                    (title, when)
                })
                .collect(),
            quotes: store
                .quotes_by_entity(&id)?
                .into_iter()
                .map(|(article, published, text)| {
                    (
                        text,
                        published.unwrap_or_default(),
                        format!("/articles/{}", pct(&article)),
                    )
                })
                .collect(),
            nodes: nodes(&co),
        })
    })
    .await
}

// ----- sources -----

#[derive(Template)]
#[template(path = "sources.html")]
struct SourcesPage {
    sources: Vec<(SourceCoverage, String)>,
}

async fn sources(State(db): State<Arc<Db>>) -> PageResult {
    page(&db, |store| {
        Ok(SourcesPage {
            sources: store
                .source_coverage(8)?
                .into_iter()
                .map(|s| {
                    let link = href("/search", &[("source", &s.source)]);
                    (s, link)
                })
                .collect(),
        })
    })
    .await
}

// ----- search -----

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    q: String,
    from: String,
    to: String,
    source: String,
    entity: String,
    language: String,
    searched: bool,
    articles: Vec<ArticleItem>,
    quotes: Vec<(QuoteItem, String, Vec<Segment>)>,
    pager: Pager,
    message: Option<String>,
}

async fn search(
    State(db): State<Arc<Db>>,
    query: Result<Query<Params>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let p = params(query);
    page(&db, move |store| {
        let field = |v: &Option<String>| v.clone().unwrap_or_default();
        let mut out = SearchPage {
            q: field(&p.q),
            from: field(&p.from),
            to: field(&p.to),
            source: field(&p.source),
            entity: field(&p.entity),
            language: field(&p.language),
            searched: false,
            articles: Vec::new(),
            quotes: Vec::new(),
            pager: Pager {
                prev: None,
                next: None,
            },
            message: None,
        };
        let checked = p
            .page(20)
            .and_then(|pg| Ok((pg, p.fts()?, p.story_articles(store)?)));
        let (pg, fts, ids) = match checked {
            Ok(ok) => ok,
            Err(e) => {
                out.message = Some(e.message);
                return Ok(out);
            }
        };
        // A listing (no words) is allowed when some filter narrows it.
        let filter = p.filter(ids.as_deref());
        let narrowed = filter.from.is_some()
            || filter.to.is_some()
            || filter.source.is_some()
            || filter.entity.is_some()
            || filter.language.is_some();
        if fts.is_none() && !narrowed {
            return Ok(out);
        }
        out.searched = true;
        let articles = store.search_articles(fts.as_deref(), &filter, pg)?;
        if let Some(fts) = &fts {
            out.quotes = store
                .search_quotes(
                    Some(fts),
                    &filter,
                    Page {
                        limit: 10,
                        offset: 0,
                    },
                )?
                .items
                .iter()
                .map(|hit| {
                    (
                        quote_item(&hit.quote),
                        speaker_label(&hit.quote),
                        hit.snippet.clone(),
                    )
                })
                .collect();
        }
        out.articles = articles.items.iter().map(article_item).collect();
        out.pager = Pager::new(
            "/search",
            &[
                ("q", &out.q),
                ("from", &out.from),
                ("to", &out.to),
                ("source", &out.source),
                ("entity", &out.entity),
                ("language", &out.language),
            ],
            pg,
            articles.more,
        );
        Ok(out)
    })
    .await
}

// ----- static files -----

/// Compiled-in files looked up by exact name: nothing on disk is reachable.
async fn static_file(Path(name): Path<String>) -> Response {
    match name.as_str() {
        "style.css" => (
            [
                (header::CONTENT_TYPE, "text/css; charset=utf-8"),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            STYLE,
        )
            .into_response(),
        _ => error_page(ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no static file {name}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hrefs_encode_everything_but_unreserved() {
        assert_eq!(pct("a b/\"<>&'"), "a%20b%2F%22%3C%3E%26%27");
        assert_eq!(
            href("/search", &[("q", "x&y"), ("source", "")]),
            "/search?q=x%26y"
        );
        assert_eq!(safe_url(Some("JavaScript:alert(1)")), None);
        assert_eq!(
            safe_url(Some(" https://ok.example/ ")).as_deref(),
            Some("https://ok.example/")
        );
    }

    #[test]
    fn highlight_splits_the_right_paragraph() {
        let p = paragraphs("ab cd\nef gh", &[(0, 5), (6, 11)], Some((7, 9)));
        assert_eq!(p[0].parts, [("ab cd".to_owned(), false)]);
        assert_eq!(
            p[1].parts,
            [
                ("e".to_owned(), false),
                ("f ".to_owned(), true),
                ("gh".to_owned(), false)
            ]
        );
        // Out-of-range highlights and spans are clamped, not a panic.
        let p = paragraphs("abc", &[(0, 9)], Some((2, 99)));
        assert_eq!(
            p[0].parts,
            [("ab".to_owned(), false), ("c".to_owned(), true)]
        );
    }
}
