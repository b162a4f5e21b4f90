//! A story's events, timeline and claims read from the store, as the API, the pages and
//! the CLI (`storyline timeline`, `storyline claims`) show them. The store holds per-article
//! layers and event rows; `storyline-corpus` merges them across articles.

use storyline_corpus::claims::{self, ArticleClaims, StoryClaim};
use storyline_corpus::timeline::{self, Entry, Party, QuoteRef, Report};
use storyline_store::{EventFilter, EventRow, Store};

fn party(label: Option<&String>, entity: Option<&String>) -> Option<Party> {
    label.map(|label| Party {
        label: label.clone(),
        entity: entity.cloned(),
    })
}

/// The event rows of these articles (all of them with `articles: None`), optionally of
/// one PLOVER type.
pub fn events(
    store: &Store,
    articles: Option<&[String]>,
    kind: Option<&str>,
) -> storyline_store::Result<Vec<EventRow>> {
    store.events(&EventFilter {
        kind,
        articles,
        entity: None,
    })
}

/// The timeline of a story's articles: events merged across articles, in date order.
pub fn story_timeline(store: &Store, articles: &[String]) -> storyline_store::Result<Vec<Entry>> {
    let rows = events(store, Some(articles), None)?;
    let reports: Vec<Report> = rows
        .iter()
        .map(|e| Report {
            article_id: e.article_id.clone(),
            source: e.source.clone(),
            published: e.published.clone(),
            kind: e.kind.clone(),
            status: e.status.clone(),
            trigger: e.trigger.clone(),
            actor: party(e.actor.as_ref(), e.actor_entity.as_ref()),
            recipient: party(e.recipient.as_ref(), e.recipient_entity.as_ref()),
            place: party(e.place.as_ref(), e.place_entity.as_ref()),
            time: e.time.clone(),
            evidence: e.evidence.clone(),
            sentence_start: e.sentence_start,
            sentence_end: e.sentence_end,
        })
        .collect();
    let mut quotes = Vec::new();
    let mut with_events: Vec<&str> = rows.iter().map(|e| e.article_id.as_str()).collect();
    with_events.dedup();
    for id in with_events {
        let Some(layers) = store.annotations(id)? else {
            continue;
        };
        quotes.extend(layers.quotes.iter().map(|q| {
            QuoteRef {
                article_id: id.to_owned(),
                start: q.start,
                end: q.end,
                text: q.text.clone(),
                speaker: q
                    .speaker
                    .as_ref()
                    .and_then(|s| s.name.clone().or_else(|| s.description.clone())),
            }
        }));
    }
    Ok(timeline::build(&reports, &quotes))
}

/// The claims of a story's articles: disputed and framed statements, and numbers with
/// their conflicts.
pub fn story_claims(
    store: &Store,
    articles: &[String],
) -> storyline_store::Result<Vec<StoryClaim>> {
    let mut loaded = Vec::new();
    for id in articles {
        let (Some(article), Some(layers)) = (store.article(id)?, store.annotations(id)?) else {
            continue;
        };
        loaded.push((article, layers));
    }
    let inputs: Vec<ArticleClaims> = loaded
        .iter()
        .map(|(article, layers)| ArticleClaims {
            article_id: &article.id,
            source: &article.source,
            published: article.published.as_deref(),
            claims: &layers.claims,
            quantities: &layers.quantities,
        })
        .collect();
    Ok(claims::collect(&inputs))
}
