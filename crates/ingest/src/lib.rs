//! Reading news articles from any pile of inputs into cleaned [`Article`]s.
//!
//! Two steps, split so the expensive one runs in parallel:
//! 1. [`read_input`] streams [`RawRecord`]s out of one input (a file, or stdin): it undoes
//!    compression, picks the format by content ([`sniff`]), decodes the charset and splits
//!    multi-record formats (JSONL lines, feed items, WARC responses). Cheap and sequential.
//! 2. [`build_article`] turns one raw record into an [`Article`]: main-text extraction for
//!    HTML, cleaning ([`clean`]), publication date, language, id. Pure, so callers run it
//!    with rayon over a batch.
//!
//! Errors name the input and record ([`RecordError`]); a bad record never stops the stream.

pub mod clean;
pub mod dates;
pub mod decode;
pub mod extract;
mod feed;
mod html;
mod inputs;
mod jsonl;
mod lang;
pub mod sniff;
mod warc;

use std::io::BufRead;

use storyline_model::{Article, Format, Origin, Span};

pub use inputs::{InputSpec, expand_inputs};

/// Settings that apply to every record of an ingest or annotate run.
#[derive(Debug, Default, Clone)]
pub struct Options {
    /// Publication date for inputs that carry none (normalised with [`dates::normalise`]).
    /// Metadata found in the input wins over it.
    pub published: Option<String>,
    /// Skip content sniffing and read every input as this format.
    pub format: Option<Format>,
}

/// A record read from an input, before cleaning.
#[derive(Debug, Clone, PartialEq)]
pub struct RawRecord {
    pub origin: Origin,
    pub format: Format,
    pub body: Body,
    pub meta: Meta,
}

/// The unprocessed body of a record.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// Plain text, lines as in the input.
    Text(String),
    /// A whole web page: main-text extraction picks the article out of it.
    HtmlPage(String),
    /// An HTML fragment that is all article (feed item content, a JSONL `html` field).
    HtmlFragment(String),
}

/// Metadata carried by the input itself.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Meta {
    pub source: Option<String>,
    pub url: Option<String>,
    pub headline: Option<String>,
    /// Raw date string as found; normalised in [`build_article`].
    pub published: Option<String>,
    pub language: Option<String>,
    pub byline: Option<String>,
    pub section: Option<String>,
    /// The input's own id for the article (JSONL `id`, feed item guid).
    pub external_id: Option<String>,
}

/// A failure to read one input or one record of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordError {
    pub origin: Origin,
    pub message: String,
}

impl RecordError {
    pub fn new(origin: Origin, message: impl Into<String>) -> Self {
        RecordError {
            origin,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for RecordError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.origin, self.message)
    }
}

impl std::error::Error for RecordError {}

/// The stream of records in one input.
pub type Records = Box<dyn Iterator<Item = Result<RawRecord, RecordError>> + Send>;

/// Opens one input and streams its records. Failing to open or recognise the input is the
/// stream's single error item, so callers handle every failure in one place.
pub fn read_input(spec: &InputSpec, options: &Options) -> Records {
    let path = spec.display_name();
    let whole = Origin {
        path: path.clone(),
        record: None,
    };
    let reader = match spec.open() {
        Ok(reader) => reader,
        Err(err) => return single_error(whole, format!("cannot read: {err}")),
    };
    let mut reader = match decode::decompress(reader) {
        Ok(reader) => reader,
        Err(err) => return single_error(whole, format!("cannot read: {err}")),
    };
    let head = match reader.fill_buf() {
        Ok(head) => head,
        Err(err) => return single_error(whole, format!("cannot read: {err}")),
    };
    if head.iter().all(u8::is_ascii_whitespace) {
        return single_error(whole, "empty file: no article in it");
    }
    let format = options
        .format
        .or_else(|| sniff::sniff(head, spec.extension().as_deref()));
    let Some(format) = format else {
        return single_error(
            whole,
            "binary data, not an article (expected text, HTML, a feed, JSONL or WARC)",
        );
    };
    match format {
        Format::Jsonl => jsonl::records(reader, path),
        Format::Warc => warc::records(reader, path),
        Format::Feed => one_document(reader, whole, |bytes, origin| {
            feed::records(bytes, &origin.path)
        }),
        Format::Html => one_document(reader, whole, |bytes, origin| {
            let text = decode::decode(&bytes, decode::declared_html_charset(&bytes).as_deref());
            Ok(vec![RawRecord {
                origin,
                format: Format::Html,
                body: Body::HtmlPage(text.text.into_owned()),
                meta: Meta::default(),
            }])
        }),
        Format::Text => one_document(reader, whole, |bytes, origin| {
            if decode::looks_binary(&bytes) {
                return Err(RecordError::new(
                    origin,
                    "binary data, not an article (expected text, HTML, a feed, JSONL or WARC)",
                ));
            }
            let text = decode::decode(&bytes, None);
            Ok(vec![RawRecord {
                origin,
                format: Format::Text,
                body: Body::Text(text.text.into_owned()),
                meta: Meta::default(),
            }])
        }),
    }
}

fn single_error(origin: Origin, message: impl Into<String>) -> Records {
    Box::new(std::iter::once(Err(RecordError::new(origin, message))))
}

/// Reads a whole single-document input (capped in size) and parses it into records.
fn one_document(
    mut reader: Box<dyn BufRead + Send + '_>,
    origin: Origin,
    parse: impl FnOnce(Vec<u8>, Origin) -> Result<Vec<RawRecord>, RecordError>,
) -> Records {
    let result = decode::read_capped(&mut reader)
        .map_err(|err| RecordError::new(origin.clone(), format!("cannot read: {err}")))
        .and_then(|bytes| parse(bytes, origin));
    match result {
        Ok(records) => Box::new(records.into_iter().map(Ok)),
        Err(err) => Box::new(std::iter::once(Err(err))),
    }
}

/// Cleans a raw record into an article. Fails when nothing of the article is left.
///
/// A panic inside a dependency (HTML parsing of hostile pages) becomes this record's error:
/// one bad page must not end a batch.
pub fn build_article(raw: RawRecord, options: &Options) -> Result<Article, RecordError> {
    let origin = raw.origin.clone();
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| build(raw, options))).unwrap_or_else(
        |_| {
            Err(RecordError::new(
                origin,
                "internal error while extracting this record (a bug; please report it); skipped",
            ))
        },
    )
}

fn build(raw: RawRecord, options: &Options) -> Result<Article, RecordError> {
    let RawRecord {
        origin,
        format,
        body,
        mut meta,
    } = raw;
    let (body_text, detect_header) = match body {
        Body::Text(text) => (text, format == Format::Text),
        Body::HtmlPage(page) => {
            let page = html::extract_page(&page, meta.url.as_deref());
            if let Some(reason) = page.empty_reason {
                return Err(RecordError::new(origin, reason));
            }
            meta.fill_from(page.meta);
            (page.text, false)
        }
        Body::HtmlFragment(fragment) => (html::fragment_to_text(&fragment), false),
    };
    let cleaned = clean::clean(
        &body_text,
        clean::CleanOptions {
            detect_header,
            known_headline: meta.headline.as_deref(),
        },
    );
    if cleaned.paragraphs.is_empty() {
        let reason = if cleaned.removed.is_empty() {
            "no article text found".to_owned()
        } else {
            format!(
                "no article text left after cleaning ({} lines removed as boilerplate or metadata)",
                cleaned.removed.len()
            )
        };
        return Err(RecordError::new(origin, reason));
    }

    let text = cleaned.paragraphs.join("\n\n");
    let paragraphs = paragraph_spans(&cleaned.paragraphs);
    let published = meta
        .published
        .as_deref()
        .and_then(dates::normalise)
        .or(cleaned.published.clone())
        .or_else(|| options.published.clone());
    let language =
        lang::detect(&text).or_else(|| meta.language.as_deref().and_then(lang::from_tag));
    let source = tidy(meta.source).unwrap_or_else(|| default_source(&origin.path));
    Ok(Article {
        id: article_id(&text),
        external_id: meta.external_id,
        source,
        url: meta.url,
        headline: tidy(meta.headline).or(cleaned.headline),
        dateline: cleaned.dateline,
        byline: tidy(meta.byline).or(cleaned.byline),
        section: tidy(meta.section).or(cleaned.section),
        credit: cleaned.credit,
        published,
        language,
        text,
        paragraphs,
        removed: cleaned.removed,
        format,
        origin,
    })
}

impl Meta {
    /// Takes values from `other` where `self` has none.
    fn fill_from(&mut self, other: Meta) {
        let Meta {
            source,
            url,
            headline,
            published,
            language,
            byline,
            section,
            external_id,
        } = other;
        self.source = self.source.take().or(source);
        self.url = self.url.take().or(url);
        self.headline = self.headline.take().or(headline);
        self.published = self.published.take().or(published);
        self.language = self.language.take().or(language);
        self.byline = self.byline.take().or(byline);
        self.section = self.section.take().or(section);
        self.external_id = self.external_id.take().or(external_id);
    }
}

/// Metadata text normalised like the body (NFC, one line, single spaces); empty becomes none.
fn tidy(value: Option<String>) -> Option<String> {
    value
        .map(|v| clean::normalise(&v).replace('\n', " "))
        .filter(|v| !v.is_empty())
}

/// The file name without directories, for articles whose input names no outlet.
fn default_source(path: &str) -> String {
    std::path::Path::new(path)
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_owned())
}

/// Code-point spans of paragraphs joined with "\n\n".
fn paragraph_spans(paragraphs: &[String]) -> Vec<Span> {
    let mut start = 0;
    paragraphs
        .iter()
        .map(|paragraph| {
            let end = start + paragraph.chars().count();
            let span = Span::new(start, end);
            start = end + 2;
            span
        })
        .collect()
}

/// The stable article id: the first 64 bits of BLAKE3 over the body text, lower-cased
/// (character by character) with every run of whitespace made one space, in hex. The same
/// story re-ingested, re-encoded or re-wrapped gets the same id; metadata (headline, date,
/// URL) does not enter it, so one text arriving from a feed and a page is stored once.
pub fn article_id(text: &str) -> String {
    let mut normalised: Vec<u8> = Vec::with_capacity(text.len());
    for word in storyline_model::words(text) {
        if !normalised.is_empty() {
            normalised.push(b' ');
        }
        if word.is_ascii() {
            normalised.extend(word.bytes().map(|b| b.to_ascii_lowercase()));
        } else {
            for lower in word.chars().flat_map(char::to_lowercase) {
                normalised.extend_from_slice(lower.encode_utf8(&mut [0; 4]).as_bytes());
            }
        }
    }
    let hash = blake3::hash(&normalised);
    hash.as_bytes()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_ignores_case_and_whitespace_but_not_words() {
        let a = article_id("The council met.\n\nIt voted.");
        assert_eq!(a, article_id("the  council met. it VOTED."));
        assert_eq!(
            article_id("Ünïcode\u{a0}words"),
            article_id("üNÏCODE words")
        );
        assert_ne!(a, article_id("The council met. It did not vote."));
        assert_eq!(a.len(), 16);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
    }

    #[test]
    fn paragraph_spans_are_code_points() {
        let paragraphs = vec!["Café “ok”.".to_owned(), "Next.".to_owned()];
        let text = paragraphs.join("\n\n");
        let spans = paragraph_spans(&paragraphs);
        assert_eq!(spans, [Span::new(0, 10), Span::new(12, 17)]);
        assert_eq!(spans[1].slice(&text), Some("Next."));
    }
}
