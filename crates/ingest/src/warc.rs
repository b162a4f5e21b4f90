//! WARC 1.0/1.1 (plain or gzip, as Common Crawl's CC-NEWS): each HTML `response` an article.
//!
//! Hand-written rather than the `warc` crate because a reader of web archives must survive
//! their damage: after a malformed record it resynchronises on the next `WARC/` line,
//! reports truncated records with their number, skips non-HTML and oversized records
//! without buffering them, and never allocates from an untrusted Content-Length.

use std::io::{self, BufRead, Read};

use storyline_model::{Format, Origin};

use crate::decode::{self, MAX_DOCUMENT_BYTES};
use crate::{Body, Meta, RawRecord, RecordError, Records};

const MAX_HEADER_BYTES: usize = 1 << 20;

pub fn records(reader: Box<dyn BufRead + Send>, path: String) -> Records {
    Box::new(WarcRecords {
        reader,
        path,
        record: 0,
        done: false,
        html_found: false,
    })
}

struct WarcRecords {
    reader: Box<dyn BufRead + Send>,
    path: String,
    record: u64,
    done: bool,
    html_found: bool,
}

/// Why a record header could not be read: a malformed one is skipped (the reader resyncs on
/// the next `WARC/` line); an unreadable stream ends the input.
enum HeaderError {
    Malformed(String),
    Unreadable(String),
}

struct Header {
    fields: Vec<(String, String)>,
}

impl Header {
    fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

// One Step exists at a time and is moved once per record; boxing would only add an allocation.
#[allow(clippy::large_enum_variant)]
enum Step {
    Yield(Result<RawRecord, RecordError>),
    Skip,
    End,
}

impl Iterator for WarcRecords {
    type Item = Result<RawRecord, RecordError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            match self.step() {
                Step::Yield(item) => return Some(item),
                Step::Skip => {}
                Step::End => {
                    self.done = true;
                    if !self.html_found && self.record > 0 {
                        return Some(Err(RecordError::new(
                            self.origin(None),
                            format!("{} WARC records, none an HTML response", self.record),
                        )));
                    }
                }
            }
        }
        None
    }
}

impl WarcRecords {
    fn origin(&self, record: Option<u64>) -> Origin {
        Origin {
            path: self.path.clone(),
            record,
        }
    }

    fn fail(&mut self, message: String, fatal: bool) -> Step {
        if fatal {
            self.done = true;
        }
        // Record numbers are 1-based; a failure before the first record names the file.
        let record = Some(self.record).filter(|&r| r > 0);
        Step::Yield(Err(RecordError::new(self.origin(record), message)))
    }

    fn step(&mut self) -> Step {
        let header = match self.read_header() {
            Ok(Some(header)) => header,
            Ok(None) => return Step::End,
            Err(err) => return self.fail(err, false),
        };
        let Some(length) = header
            .get("Content-Length")
            .and_then(|v| v.trim().parse::<u64>().ok())
        else {
            return self.fail(
                "WARC record without a valid Content-Length; skipped".into(),
                false,
            );
        };
        let is_response = header
            .get("WARC-Type")
            .is_some_and(|t| t.trim().eq_ignore_ascii_case("response"));
        if !is_response || length > MAX_DOCUMENT_BYTES {
            if let Err(err) = skip_exactly(&mut self.reader, length) {
                return self.fail(format!("truncated WARC record: {err}"), true);
            }
            if is_response {
                return self.fail(
                    format!("response of {length} bytes is too large for one article; skipped"),
                    false,
                );
            }
            return Step::Skip;
        }
        let mut block = Vec::with_capacity(length.min(1 << 20) as usize);
        match (&mut self.reader).take(length).read_to_end(&mut block) {
            Ok(n) if n as u64 == length => {}
            Ok(n) => {
                return self.fail(
                    format!("truncated WARC record: Content-Length {length}, only {n} bytes left"),
                    true,
                );
            }
            Err(err) => return self.fail(format!("cannot read WARC record: {err}"), true),
        }
        let url = header.get("WARC-Target-URI").map(|u| u.trim().to_owned());
        match http_html(&block) {
            Ok(Some(html)) => {
                self.html_found = true;
                Step::Yield(Ok(RawRecord {
                    origin: self.origin(Some(self.record)),
                    format: Format::Warc,
                    body: Body::HtmlPage(html),
                    meta: Meta {
                        url,
                        ..Meta::default()
                    },
                }))
            }
            Ok(None) => Step::Skip,
            Err(message) => {
                self.html_found = true;
                self.fail(message, false)
            }
        }
    }

    /// Reads the next record's header block; `Ok(None)` at a clean end of input. Garbage
    /// before a `WARC/` line is skipped and reported once. When the stream itself fails
    /// (truncated or corrupt compression fails again on every read) the input ends here.
    fn read_header(&mut self) -> Result<Option<Header>, String> {
        let header = self.read_header_lines();
        if let Err(HeaderError::Unreadable(_)) = &header {
            self.done = true;
        }
        header.map_err(|err| match err {
            HeaderError::Malformed(message) | HeaderError::Unreadable(message) => message,
        })
    }

    fn read_header_lines(&mut self) -> Result<Option<Header>, HeaderError> {
        let mut line = Vec::new();
        let mut skipped_garbage = 0usize;
        loop {
            line.clear();
            let n = read_line(&mut self.reader, &mut line)
                .map_err(|e| HeaderError::Unreadable(format!("cannot read: {e}")))?;
            if n == 0 {
                if skipped_garbage > 0 {
                    self.record += 1;
                    return Err(HeaderError::Malformed(format!(
                        "{skipped_garbage} bytes of data outside any WARC record at end of input"
                    )));
                }
                return Ok(None);
            }
            if line.starts_with(b"WARC/") {
                break;
            }
            skipped_garbage += line.trim_ascii().len();
        }
        self.record += 1;
        let mut fields = Vec::new();
        let mut total = line.len();
        loop {
            line.clear();
            let n = read_line(&mut self.reader, &mut line)
                .map_err(|e| HeaderError::Unreadable(format!("cannot read WARC header: {e}")))?;
            if n == 0 {
                return Err(HeaderError::Unreadable(
                    "truncated WARC header: input ends before the blank line".into(),
                ));
            }
            total += n;
            if total > MAX_HEADER_BYTES {
                return Err(HeaderError::Malformed(
                    "WARC header larger than 1 MiB; skipped".into(),
                ));
            }
            let text = String::from_utf8_lossy(line.trim_ascii_end());
            if text.is_empty() {
                break;
            }
            match text.split_once(':') {
                Some((name, value)) => {
                    fields.push((name.trim().to_owned(), value.trim().to_owned()))
                }
                None => {
                    return Err(HeaderError::Malformed(format!(
                        "malformed WARC header line {text:?}"
                    )));
                }
            }
        }
        // Garbage before an intact record is dropped without an error: the record itself is
        // whole, and only trailing garbage (no record after it) is worth reporting.
        Ok(Some(Header { fields }))
    }
}

fn read_line(reader: &mut dyn BufRead, line: &mut Vec<u8>) -> io::Result<usize> {
    reader.take(MAX_HEADER_BYTES as u64).read_until(b'\n', line)
}

fn skip_exactly(reader: &mut dyn BufRead, length: u64) -> io::Result<()> {
    let copied = io::copy(&mut reader.take(length), &mut io::sink())?;
    if copied < length {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            format!("Content-Length {length}, only {copied} bytes left"),
        ));
    }
    Ok(())
}

/// The decoded HTML page inside an HTTP response block; `Ok(None)` for responses that are
/// not successful HTML pages (redirects, images, robots.txt), which are not articles.
fn http_html(block: &[u8]) -> Result<Option<String>, String> {
    let (head_len, sep) = match find(block, b"\r\n\r\n") {
        Some(at) => (at, 4),
        None => match find(block, b"\n\n") {
            Some(at) => (at, 2),
            None => return Err("HTTP response without a header/body separator".into()),
        },
    };
    let head = String::from_utf8_lossy(&block[..head_len]);
    let mut lines = head.lines();
    let status: u16 = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|code| code.parse().ok())
        .ok_or("HTTP response without a status line")?;
    let mut content_type = None;
    let mut content_encoding = None;
    let mut chunked = false;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim().to_ascii_lowercase();
        match name.trim().to_ascii_lowercase().as_str() {
            "content-type" => content_type = Some(value),
            "content-encoding" => content_encoding = Some(value),
            "transfer-encoding" => chunked = value.contains("chunked"),
            _ => {}
        }
    }
    let is_html = content_type.as_deref().is_none_or(|t| t.contains("html"));
    if !(200..300).contains(&status) || !is_html {
        return Ok(None);
    }
    let mut body = block[head_len + sep..].to_vec();
    if chunked {
        body = dechunk(&body).ok_or("malformed chunked HTTP body")?;
    }
    match content_encoding.as_deref() {
        None | Some("identity") | Some("") => {}
        Some("gzip") | Some("x-gzip") => {
            body = inflate(flate2::read::MultiGzDecoder::new(&body[..]), "gzip")?;
        }
        Some("deflate") => body = inflate(flate2::read::ZlibDecoder::new(&body[..]), "deflate")?,
        Some(other) => return Err(format!("unsupported HTTP Content-Encoding {other:?}")),
    }
    let declared = content_type
        .as_deref()
        .and_then(|t| t.split("charset=").nth(1))
        .map(|c| c.trim_matches(['"', '\'', ' ', ';']).to_owned())
        .or_else(|| decode::declared_html_charset(&body));
    Ok(Some(
        decode::decode(&body, declared.as_deref()).text.into_owned(),
    ))
}

/// A content-encoded HTTP body, decoded up to the single-document cap.
fn inflate(decoder: impl Read, encoding: &str) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    decoder
        .take(MAX_DOCUMENT_BYTES)
        .read_to_end(&mut out)
        .map_err(|e| format!("corrupt {encoding} HTTP body: {e}"))?;
    Ok(out)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn dechunk(mut body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(body.len());
    loop {
        let line_end = find(body, b"\r\n")?;
        let size_text = std::str::from_utf8(&body[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        body = &body[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(body.get(..size)?);
        body = body.get(size + 2..)?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dechunks_http_bodies() {
        assert_eq!(
            dechunk(b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n").unwrap(),
            b"hello world"
        );
        assert_eq!(dechunk(b"ff\r\nshort"), None);
    }

    #[test]
    fn only_successful_html_responses_are_pages() {
        let page =
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html>hi</html>";
        assert_eq!(http_html(page).unwrap().as_deref(), Some("<html>hi</html>"));
        let redirect = b"HTTP/1.1 301 Moved\r\nLocation: /x\r\n\r\n";
        assert_eq!(http_html(redirect).unwrap(), None);
        let image = b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG";
        assert_eq!(http_html(image).unwrap(), None);
        assert!(http_html(b"garbage").is_err());
    }
}
