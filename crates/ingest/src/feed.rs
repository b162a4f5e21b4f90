//! RSS 0.9x/1.0/2.0, Atom and JSON Feed (through feed-rs): each item an article.

use chrono::SecondsFormat;
use storyline_model::{Format, Origin};

use crate::{Body, Meta, RawRecord, RecordError};

pub fn records(bytes: Vec<u8>, path: &str) -> Result<Vec<RawRecord>, RecordError> {
    let whole = Origin {
        path: path.to_owned(),
        record: None,
    };
    let feed = feed_rs::parser::parse(&bytes[..])
        .map_err(|err| RecordError::new(whole.clone(), format!("malformed feed: {err}")))?;
    if feed.entries.is_empty() {
        return Err(RecordError::new(whole, "feed has no items"));
    }
    let feed_title = feed.title.map(|t| t.content.trim().to_owned());
    let feed_language = feed.language;
    Ok(feed
        .entries
        .into_iter()
        .enumerate()
        .map(|(i, entry)| {
            let origin = Origin {
                path: path.to_owned(),
                record: Some(i as u64 + 1),
            };
            let (body, plain) = match (entry.content, entry.summary) {
                (Some(content), summary) => match content.body {
                    Some(body) => {
                        let plain = content.content_type.essence().to_string() == "text/plain";
                        (body, plain)
                    }
                    None => summary.map_or((String::new(), true), |s| {
                        let plain = s.content_type.essence().to_string() == "text/plain";
                        (s.content, plain)
                    }),
                },
                (None, Some(summary)) => {
                    let plain = summary.content_type.essence().to_string() == "text/plain";
                    (summary.content, plain)
                }
                (None, None) => (String::new(), true),
            };
            let authors: Vec<String> = entry.authors.into_iter().filter_map(|a| a.name).collect();
            let link = entry
                .links
                .iter()
                .find(|l| l.rel.as_deref().is_none_or(|rel| rel == "alternate"))
                .or(entry.links.first())
                .map(|l| l.href.clone());
            RawRecord {
                origin,
                format: Format::Feed,
                // Plain-text items may still hold markup (RSS descriptions often do).
                body: if plain && !body.contains('<') {
                    Body::Text(body)
                } else {
                    Body::HtmlFragment(body)
                },
                meta: Meta {
                    source: feed_title.clone(),
                    url: link,
                    headline: entry.title.map(|t| t.content.trim().to_owned()),
                    published: entry
                        .published
                        .or(entry.updated)
                        .map(|d| d.to_rfc3339_opts(SecondsFormat::Secs, true)),
                    language: entry.language.or_else(|| feed_language.clone()),
                    byline: (!authors.is_empty()).then(|| authors.join(", ")),
                    section: entry.categories.first().map(|c| c.term.clone()),
                    external_id: (!entry.id.is_empty()).then_some(entry.id),
                },
            }
        })
        .collect())
}
