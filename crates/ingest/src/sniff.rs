//! Choosing a reader by content, with the file extension as a tie-breaker.

use storyline_model::Format;

use crate::decode::looks_binary;

/// The format of an input from its first (decompressed) bytes and its extension.
/// `None` means binary data that no reader accepts.
pub fn sniff(head: &[u8], extension: Option<&str>) -> Option<Format> {
    let start = skip_bom_and_space(head);
    let head = &head[start..];
    if head.starts_with(b"WARC/") {
        return Some(Format::Warc);
    }
    if looks_binary(head) {
        return None;
    }
    let by_extension = extension.and_then(format_of_extension);
    let prefix = String::from_utf8_lossy(&head[..head.len().min(4096)]).to_ascii_lowercase();
    match head.first() {
        Some(b'{') => {
            if prefix.contains("jsonfeed.org/version") {
                Some(Format::Feed)
            } else {
                Some(Format::Jsonl)
            }
        }
        Some(b'[') if by_extension != Some(Format::Text) => Some(Format::Jsonl),
        Some(b'<') => {
            let feed_root = ["<rss", "<feed", "<rdf:rdf", "<channel"]
                .iter()
                .filter_map(|tag| prefix.find(tag))
                .min();
            let html_root = ["<html", "<!doctype html", "<head", "<body"]
                .iter()
                .filter_map(|tag| prefix.find(tag))
                .min();
            match (feed_root, html_root) {
                (Some(feed), Some(html)) if feed < html => Some(Format::Feed),
                (Some(_), None) => Some(Format::Feed),
                (_, Some(_)) => Some(Format::Html),
                (None, None) => match by_extension {
                    Some(Format::Feed) => Some(Format::Feed),
                    Some(Format::Text) => Some(Format::Text),
                    // Fragments such as "<p>…</p>" or "<div>" are HTML.
                    _ => Some(Format::Html),
                },
            }
        }
        _ => Some(match by_extension {
            Some(Format::Html) if prefix.contains("<p") || prefix.contains("<div") => Format::Html,
            _ => Format::Text,
        }),
    }
}

fn skip_bom_and_space(bytes: &[u8]) -> usize {
    let mut start = 0;
    if bytes.starts_with(b"\xef\xbb\xbf") {
        start = 3;
    }
    start
        + bytes[start..]
            .iter()
            .take_while(|b| b.is_ascii_whitespace())
            .count()
}

/// The format an extension usually means (compression extensions are peeled off first).
pub fn format_of_extension(extension: &str) -> Option<Format> {
    match extension.to_ascii_lowercase().as_str() {
        "txt" | "text" => Some(Format::Text),
        "html" | "htm" | "xhtml" => Some(Format::Html),
        "jsonl" | "ndjson" | "json" => Some(Format::Jsonl),
        "rss" | "atom" | "rdf" | "xml" => Some(Format::Feed),
        "warc" => Some(Format::Warc),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_wins_over_extension() {
        let cases: [(&[u8], Option<&str>, Option<Format>); 10] = [
            (b"WARC/1.1\r\n", Some("gz"), Some(Format::Warc)),
            (b"{\"title\": \"x\"}\n", Some("txt"), Some(Format::Jsonl)),
            (
                b"{\"version\": \"https://jsonfeed.org/version/1.1\"}",
                None,
                Some(Format::Feed),
            ),
            (
                b"<?xml version=\"1.0\"?>\n<rss version=\"2.0\">",
                Some("html"),
                Some(Format::Feed),
            ),
            (
                b"\xef\xbb\xbf<?xml version=\"1.0\"?><feed xmlns=",
                None,
                Some(Format::Feed),
            ),
            (
                b"<!DOCTYPE html><html><head>",
                Some("txt"),
                Some(Format::Html),
            ),
            (b"<p>Hello</p>", None, Some(Format::Html)),
            (
                b"Politics\n\nA headline\n\nBody.",
                Some("html"),
                Some(Format::Text),
            ),
            (b"Plain words", None, Some(Format::Text)),
            (b"\x00\x01\x02binary", Some("txt"), None),
        ];
        for (head, ext, expected) in cases {
            assert_eq!(
                sniff(head, ext),
                expected,
                "{:?}",
                String::from_utf8_lossy(head)
            );
        }
    }
}
