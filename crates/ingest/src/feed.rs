//! RSS 0.9x/1.0/2.0, Atom and JSON Feed (through feed-rs): each item an article.

use chrono::SecondsFormat;
use storyline_model::{Format, Origin};

use crate::{Body, Meta, RawRecord, RecordError};

pub fn records(bytes: Vec<u8>, path: &str) -> Result<Vec<RawRecord>, RecordError> {
    let whole = Origin {
        path: path.to_owned(),
        record: None,
    };
    let utf8 = utf8_without_declaration(&bytes);
    // feed-rs and quick-xml are fuzzed upstream but have panicked here on odd declarations;
    // a panic in a parser must cost one input, not the whole batch.
    let parsed =
        std::panic::catch_unwind(|| feed_rs::parser::parse(utf8.as_bytes())).map_err(|_| {
            RecordError::new(
                whole.clone(),
                "the feed parser failed on this input (a parser bug); skipped",
            )
        })?;
    let feed =
        parsed.map_err(|err| RecordError::new(whole.clone(), format!("malformed feed: {err}")))?;
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

/// The feed as UTF-8 text without its XML declaration: decoded here (BOM, the declared
/// `encoding`, or detection) so the XML parser only ever sees UTF-8, the default for a
/// document without a declaration. This also keeps quick-xml away from its encoding-switch
/// path, which panics on long declarations (feed-rs 3.0 with quick-xml 0.42).
fn utf8_without_declaration(bytes: &[u8]) -> String {
    let declared = declared_xml_encoding(bytes);
    let text = crate::decode::decode(bytes, declared.as_deref()).text;
    let trimmed = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    match trimmed
        .strip_prefix("<?xml")
        .and_then(|rest| rest.find("?>").map(|end| &rest[end + 2..]))
    {
        Some(after) => after.to_owned(),
        None => text.into_owned(),
    }
}

/// The `encoding` named in an XML declaration at the start of the document.
fn declared_xml_encoding(bytes: &[u8]) -> Option<String> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]);
    let declaration = &head[head.find("<?xml")?..];
    let declaration = &declaration[..declaration.find("?>")?];
    let at = declaration.find("encoding")? + "encoding".len();
    let value = declaration[at..]
        .trim_start()
        .strip_prefix('=')?
        .trim_start();
    let quote = value.chars().next().filter(|q| *q == '"' || *q == '\'')?;
    let value = &value[1..];
    Some(value[..value.find(quote)?].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declarations_are_honoured_then_removed() {
        let (latin1, _, _) = encoding_rs::WINDOWS_1252.encode(
            "<?xml version=\"1.0\"\n      encoding=\"windows-1252\"\n      standalone=\"yes\"?><rss><channel><title>Café</title></channel></rss>",
        );
        assert_eq!(
            declared_xml_encoding(&latin1).as_deref(),
            Some("windows-1252")
        );
        let text = utf8_without_declaration(&latin1);
        assert_eq!(text, "<rss><channel><title>Café</title></channel></rss>");
    }

    #[test]
    fn long_declarations_with_legacy_encodings_do_not_panic() {
        let feed = b"<?xml version=\"1.0\"\n      encoding=\"windows-1252\"\n      standalone=\"yes\"?><rss/>";
        assert!(records(feed.to_vec(), "a.rss").is_err());
    }
}
