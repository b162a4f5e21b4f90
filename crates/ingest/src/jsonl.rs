//! JSONL: one article per line (`id, url, source, title, text, html, published, language`,
//! plus common aliases from news-API exports). A top-level JSON array of such objects is
//! read too. Lines stream: memory stays flat however long the file.

use std::io::{BufRead, Read};

use serde_json::{Map, Value};
use storyline_model::{Format, Origin};

use crate::decode::{self, MAX_DOCUMENT_BYTES};
use crate::{Body, Meta, RawRecord, RecordError, Records};

pub fn records(mut reader: Box<dyn BufRead + Send>, path: String) -> Records {
    let starts_array = reader
        .fill_buf()
        .map(|head| {
            head.iter()
                .find(|b| !b.is_ascii_whitespace())
                .is_some_and(|&b| b == b'[')
        })
        .unwrap_or(false);
    if starts_array {
        return array_records(reader, path);
    }
    Box::new(Lines {
        reader,
        path,
        line: 0,
        buffer: Vec::new(),
        done: false,
    })
}

struct Lines {
    reader: Box<dyn BufRead + Send>,
    path: String,
    line: u64,
    buffer: Vec<u8>,
    done: bool,
}

impl Iterator for Lines {
    type Item = Result<RawRecord, RecordError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            self.buffer.clear();
            self.line += 1;
            let origin = Origin {
                path: self.path.clone(),
                record: Some(self.line),
            };
            let read = (&mut self.reader)
                .take(MAX_DOCUMENT_BYTES + 1)
                .read_until(b'\n', &mut self.buffer);
            match read {
                Ok(0) => self.done = true,
                Err(err) => {
                    // A corrupt or truncated compressed stream cannot be resumed.
                    self.done = true;
                    return Some(Err(RecordError::new(
                        origin,
                        format!("cannot read further ({err}); the input is truncated or corrupt"),
                    )));
                }
                Ok(_) if self.buffer.len() as u64 > MAX_DOCUMENT_BYTES => {
                    let skipped = skip_line(&mut self.reader);
                    if !skipped {
                        self.done = true;
                    }
                    return Some(Err(RecordError::new(
                        origin,
                        format!("line longer than {} MiB, skipped", MAX_DOCUMENT_BYTES >> 20),
                    )));
                }
                Ok(_) => {
                    let line = self.buffer.trim_ascii();
                    if line.is_empty() {
                        continue;
                    }
                    return Some(parse_line(line, origin));
                }
            }
        }
        None
    }
}

/// Skips to the next newline; false at end of input or on a read error.
fn skip_line(reader: &mut dyn BufRead) -> bool {
    loop {
        let (consumed, found) = match reader.fill_buf() {
            Ok([]) | Err(_) => return false,
            Ok(buf) => match buf.iter().position(|&b| b == b'\n') {
                Some(at) => (at + 1, true),
                None => (buf.len(), false),
            },
        };
        reader.consume(consumed);
        if found {
            return true;
        }
    }
}

fn parse_line(line: &[u8], origin: Origin) -> Result<RawRecord, RecordError> {
    let text = std::str::from_utf8(line).map_err(|err| {
        RecordError::new(
            origin.clone(),
            format!(
                "invalid UTF-8 at byte {} (JSON lines must be UTF-8)",
                err.valid_up_to()
            ),
        )
    })?;
    let value: Value = serde_json::from_str(text)
        .map_err(|err| RecordError::new(origin.clone(), format!("malformed JSON: {err}")))?;
    record_from_value(value, origin)
}

fn array_records(mut reader: Box<dyn BufRead + Send>, path: String) -> Records {
    let whole = Origin {
        path: path.clone(),
        record: None,
    };
    let parsed = decode::read_capped(&mut reader)
        .map_err(|err| format!("cannot read: {err}"))
        .and_then(|bytes| {
            serde_json::from_slice::<Vec<Value>>(&bytes)
                .map_err(|err| format!("malformed JSON array: {err}"))
        });
    match parsed {
        Err(message) => Box::new(std::iter::once(Err(RecordError::new(whole, message)))),
        Ok(values) => Box::new(values.into_iter().enumerate().map(move |(i, value)| {
            let origin = Origin {
                path: path.clone(),
                record: Some(i as u64 + 1),
            };
            record_from_value(value, origin)
        })),
    }
}

fn record_from_value(value: Value, origin: Origin) -> Result<RawRecord, RecordError> {
    let Value::Object(object) = value else {
        return Err(RecordError::new(
            origin,
            "expected a JSON object with a \"text\" or \"html\" field",
        ));
    };
    let field = |names: &[&str]| names.iter().find_map(|name| string_field(&object, name));
    let body = if let Some(text) = field(&["text", "body", "content", "article"]) {
        Body::Text(text)
    } else if let Some(html) = field(&["html", "content_html", "raw_html"]) {
        if html.contains("<html") || html.contains("<body") {
            Body::HtmlPage(html)
        } else {
            Body::HtmlFragment(html)
        }
    } else {
        return Err(RecordError::new(
            origin,
            "no \"text\" or \"html\" field with article text",
        ));
    };
    Ok(RawRecord {
        origin,
        format: Format::Jsonl,
        body,
        meta: Meta {
            source: field(&["source", "outlet", "site", "publisher"]),
            url: field(&["url", "link"]),
            headline: field(&["title", "headline"]),
            published: field(&[
                "published",
                "date",
                "published_at",
                "publishedAt",
                "pubDate",
            ]),
            language: field(&["language", "lang"]),
            byline: field(&["author", "byline", "authors"]),
            section: field(&["section", "category"]),
            external_id: field(&["id", "guid"]),
        },
    })
}

/// A field as a string: strings as they are, numbers printed, `{"name": …}` objects
/// (news-API sources and authors) by name, arrays of those joined with ", ".
fn string_field(object: &Map<String, Value>, name: &str) -> Option<String> {
    fn as_text(value: &Value) -> Option<String> {
        match value {
            Value::String(s) => Some(s.trim().to_owned()),
            Value::Number(n) => Some(n.to_string()),
            Value::Object(o) => o.get("name").and_then(as_text),
            Value::Array(items) => {
                let parts: Vec<String> = items.iter().filter_map(as_text).collect();
                Some(parts.join(", "))
            }
            _ => None,
        }
    }
    as_text(object.get(name)?).filter(|s| !s.is_empty())
}
