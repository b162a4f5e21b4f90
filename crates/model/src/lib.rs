//! storyline's data model: an [`Article`] (cleaned, immutable text plus metadata) and the
//! [`Document`], its public JSON interchange form with stand-off annotation layers.
//!
//! Invariants every crate relies on:
//! - `Article::text` never changes after cleaning; every annotation is a [`Span`] into it.
//! - Offsets are Unicode **code-point** offsets (Python `str` indices), half-open `[start, end)`.
//! - Field names in the JSON form are stable: fields may be added, never renamed.
//!
//! This crate holds types and span helpers only, no pipeline logic.

use serde::{Deserialize, Serialize};

mod event;
mod quote;
mod time;

pub use event::{Claim, Dispute, Event, EventStatus, EventType, Participant};
pub use quote::{Quote, QuoteKind, Speaker, TextSpan};
pub use time::{CountType, Quantity, TimeAnchor, TimeExpression, TimexType};

/// A half-open range `[start, end)` of code points in an article's `text`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end, "span start {start} after end {end}");
        Span { start, end }
    }

    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// The text this span covers; `None` when it falls outside `text`.
    pub fn slice<'t>(&self, text: &'t str) -> Option<&'t str> {
        let index = CharIndex::new(text);
        let (start, end) = (index.byte(self.start)?, index.byte(self.end)?);
        text.get(start..end)
    }
}

/// Converts between byte offsets (what Rust string APIs use) and code-point offsets (what
/// Document JSON uses). Built once per text; lookups are O(log n).
pub struct CharIndex {
    /// Byte offset of every char boundary, plus `text.len()` at the end.
    boundaries: Vec<usize>,
}

impl CharIndex {
    pub fn new(text: &str) -> Self {
        let mut boundaries: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
        boundaries.push(text.len());
        CharIndex { boundaries }
    }

    /// Code-point offset of a byte offset that lies on a char boundary.
    pub fn char_at_byte(&self, byte: usize) -> Option<usize> {
        self.boundaries.binary_search(&byte).ok()
    }

    /// Byte offset of a code-point offset (`chars == len` gives the end of the text).
    pub fn byte(&self, chars: usize) -> Option<usize> {
        self.boundaries.get(chars).copied()
    }

    /// Converts a byte range into a code-point [`Span`].
    pub fn span(&self, bytes: std::ops::Range<usize>) -> Option<Span> {
        Some(Span::new(
            self.char_at_byte(bytes.start)?,
            self.char_at_byte(bytes.end)?,
        ))
    }
}

/// The words of `text`: maximal runs of non-whitespace, exactly as `str::split_whitespace`
/// gives them, but scanning ASCII byte by byte (several times faster on news text, where
/// word counting and id hashing run over every article).
pub fn words(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let mut i = 0;
    // (is whitespace, length) of the char at byte `at`.
    let class = move |at: usize| -> (bool, usize) {
        let b = bytes[at];
        if b.is_ascii() {
            (b.is_ascii_whitespace() || b == 0x0b, 1)
        } else {
            let c = text[at..].chars().next().expect("on a char boundary");
            (c.is_whitespace(), c.len_utf8())
        }
    };
    std::iter::from_fn(move || {
        while i < bytes.len() {
            let (space, len) = class(i);
            if !space {
                break;
            }
            i += len;
        }
        if i == bytes.len() {
            return None;
        }
        let start = i;
        while i < bytes.len() {
            let (space, len) = class(i);
            if space {
                break;
            }
            i += len;
        }
        Some(&text[start..i])
    })
}

/// Why cleaning took a piece of text out of the body. Kept with the text so nothing is lost.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RemovalReason {
    /// Page furniture: ad labels, share prompts, comment forms, navigation.
    Boilerplate,
    /// The headline line, moved to `Article::headline`.
    Headline,
    /// A section label above the headline, moved to `Article::section`.
    Section,
    /// The dateline at the start of the lede, moved to `Article::dateline`.
    Dateline,
    /// A credit line, moved to `Article::credit`.
    Credit,
    /// A byline, moved to `Article::byline`.
    Byline,
}

/// One piece of text removed by cleaning.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Removed {
    pub text: String,
    pub reason: RemovalReason,
    /// The rule that fired (e.g. `ad_label`, `comment_prompt`), for debugging the cleaner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
}

/// The input format an article was read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Text,
    Html,
    Jsonl,
    Feed,
    Warc,
}

impl Format {
    pub fn as_str(&self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Html => "html",
            Format::Jsonl => "jsonl",
            Format::Feed => "feed",
            Format::Warc => "warc",
        }
    }
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "text" => Ok(Format::Text),
            "html" => Ok(Format::Html),
            "jsonl" => Ok(Format::Jsonl),
            "feed" => Ok(Format::Feed),
            "warc" => Ok(Format::Warc),
            other => Err(format!("unknown format {other:?}")),
        }
    }
}

/// Where an article came from: the input path (or `-`) and, for multi-record inputs, the
/// 1-based record number (JSONL line, feed item, WARC record).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Origin {
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<u64>,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.record {
            Some(record) => write!(f, "{}:{record}", self.path),
            None => f.write_str(&self.path),
        }
    }
}

/// A cleaned article: metadata plus the immutable body text that annotations point into.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Article {
    /// Stable id derived from the normalised body text (see `storyline_ingest::article_id`).
    pub id: String,
    /// The input's own id (JSONL `id`, feed item guid), kept for cross-reference.
    pub external_id: Option<String>,
    /// Outlet or source name when known, else the input's file name.
    pub source: String,
    pub url: Option<String>,
    pub headline: Option<String>,
    pub dateline: Option<String>,
    pub byline: Option<String>,
    pub section: Option<String>,
    pub credit: Option<String>,
    /// ISO 8601 date (`2025-03-17`) or RFC 3339 date-time; `None` when unknown, never guessed.
    pub published: Option<String>,
    /// ISO 639-1 code when detected with confidence.
    pub language: Option<String>,
    /// Cleaned body: paragraphs separated by one blank line (`"\n\n"`), NFC-normalised.
    pub text: String,
    /// Paragraph spans into `text`.
    pub paragraphs: Vec<Span>,
    /// What cleaning removed or moved to metadata, in input order.
    pub removed: Vec<Removed>,
    pub format: Format,
    pub origin: Origin,
}

impl Article {
    /// An article that is only text (evaluation sentences, tests): no metadata, one
    /// paragraph, plain-text format.
    pub fn from_text(id: &str, text: &str) -> Article {
        Article {
            id: id.to_owned(),
            external_id: None,
            source: id.to_owned(),
            url: None,
            headline: None,
            dateline: None,
            byline: None,
            section: None,
            credit: None,
            published: None,
            language: None,
            text: text.to_owned(),
            paragraphs: vec![Span::new(0, text.chars().count())],
            removed: Vec::new(),
            format: Format::Text,
            origin: Origin {
                path: id.to_owned(),
                record: None,
            },
        }
    }

    /// Words in the body (whitespace-separated), as `storyline articles` reports them.
    pub fn word_count(&self) -> usize {
        words(&self.text).count()
    }
}

/// A token of the body with its part of speech (Universal POS) and lemma.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TokenAnnotation {
    pub start: usize,
    pub end: usize,
    pub pos: String,
    pub lemma: String,
}

/// The CoNLL-2003 entity classes under clearer names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum EntityType {
    Person,
    Org,
    Place,
    Misc,
}

impl EntityType {
    pub const ALL: [EntityType; 4] = [
        EntityType::Person,
        EntityType::Org,
        EntityType::Place,
        EntityType::Misc,
    ];

    /// storyline's name: PERSON, ORG, PLACE, MISC.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityType::Person => "PERSON",
            EntityType::Org => "ORG",
            EntityType::Place => "PLACE",
            EntityType::Misc => "MISC",
        }
    }

    /// The CoNLL-2003 name: PER, ORG, LOC, MISC.
    pub fn conll_name(self) -> &'static str {
        match self {
            EntityType::Person => "PER",
            EntityType::Org => "ORG",
            EntityType::Place => "LOC",
            EntityType::Misc => "MISC",
        }
    }

    /// From either naming (PER/PERSON, LOC/PLACE, ORG, MISC).
    pub fn parse(name: &str) -> Option<EntityType> {
        match name {
            "PER" | "PERSON" => Some(EntityType::Person),
            "ORG" => Some(EntityType::Org),
            "LOC" | "PLACE" => Some(EntityType::Place),
            "MISC" => Some(EntityType::Misc),
            _ => None,
        }
    }
}

impl std::fmt::Display for EntityType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A mention of a named entity in the body.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EntityMention {
    pub start: usize,
    pub end: usize,
    #[serde(rename = "type")]
    pub kind: EntityType,
    pub text: String,
    /// The resolved entity's id, once entity resolution has run.
    pub entity: Option<String>,
}

/// The annotation layers over an article's text, in pipeline order. Layers produced by
/// later stages are empty until those stages run.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Annotations {
    pub sentences: Vec<Span>,
    pub tokens: Vec<TokenAnnotation>,
    pub entities: Vec<EntityMention>,
    pub quotes: Vec<Quote>,
    pub times: Vec<TimeExpression>,
    pub quantities: Vec<Quantity>,
    pub events: Vec<Event>,
    /// Statements framed as claims or disputed within the article.
    #[serde(default)]
    pub claims: Vec<Claim>,
}

/// Document JSON (DESIGN.md §3): an article with its annotation layers, flattened into one
/// object.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Document {
    #[serde(flatten)]
    pub article: Article,
    #[serde(flatten)]
    pub annotations: Annotations,
}

impl From<Article> for Document {
    fn from(article: Article) -> Self {
        Document {
            article,
            annotations: Annotations::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_count_code_points_not_bytes() {
        let text = "Zelenskyy’s “calmer” tone";
        let index = CharIndex::new(text);
        let start = text.find('“').unwrap();
        let end = text.find('”').unwrap() + '”'.len_utf8();
        let span = index.span(start..end).unwrap();
        assert_eq!(span, Span::new(12, 20));
        assert_eq!(span.slice(text), Some("“calmer”"));
        assert_eq!(
            index.char_at_byte(start + 1),
            None,
            "inside a multi-byte char"
        );
        assert_eq!(Span::new(0, 99).slice(text), None);
    }

    #[test]
    fn words_split_like_split_whitespace() {
        for text in [
            "",
            "  ",
            "one",
            " The  council\tmet.\n\nIt voted\u{a0}twice\u{2003}— “yes”. ",
            "\u{85}x\u{3000}y\u{b}z",
        ] {
            let expected: Vec<&str> = text.split_whitespace().collect();
            assert_eq!(words(text).collect::<Vec<_>>(), expected, "{text:?}");
        }
    }

    #[test]
    fn document_json_flattens_article_fields() {
        let article = Article {
            id: "abc".into(),
            external_id: None,
            source: "wire".into(),
            url: None,
            headline: Some("H".into()),
            dateline: None,
            byline: None,
            section: None,
            credit: None,
            published: Some("2025-03-17".into()),
            language: Some("en".into()),
            text: "Body.".into(),
            paragraphs: vec![Span::new(0, 5)],
            removed: vec![Removed {
                text: "Advertisement".into(),
                reason: RemovalReason::Boilerplate,
                rule: Some("ad_label".into()),
            }],
            format: Format::Text,
            origin: Origin {
                path: "a.txt".into(),
                record: None,
            },
        };
        let json = serde_json::to_value(Document::from(article.clone())).unwrap();
        assert_eq!(json["id"], "abc");
        assert_eq!(json["published"], "2025-03-17");
        assert_eq!(json["removed"][0]["reason"], "boilerplate");
        assert_eq!(json["sentences"], serde_json::json!([]));
        assert!(
            json["section"].is_null(),
            "absent metadata is an explicit null"
        );
        let back: Document = serde_json::from_value(json).unwrap();
        assert_eq!(back.article, article);
    }
}
