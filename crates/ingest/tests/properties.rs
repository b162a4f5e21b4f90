//! Property tests for the readers and the cleaner.
//!
//! Every reader (text, HTML, JSONL, RSS/Atom/JSON Feed, WARC, and all of them gzip- or
//! zstd-wrapped) is fed arbitrary bytes and generated documents that are then damaged
//! (truncated, bytes flipped, quotes, angle brackets and NULs inserted). Nothing may panic,
//! and every article that comes out must satisfy the invariants the rest of storyline relies
//! on: non-empty NFC text, paragraph spans that tile the `"\n\n"`-separated text, trimmed
//! paragraphs, an id derived from the text; every error names its input and says something.
//!
//! Case counts are modest so the file runs in seconds in a debug build; the fuzz targets in
//! `fuzz/` search the same space for longer.

use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, LazyLock};

use proptest::prelude::*;
use proptest::sample::{Index, select};
use storyline_ingest::clean::{self, CleanOptions};
use storyline_ingest::{
    InputSpec, Options, RecordError, article_id, build_article, dates, read_input,
};
use storyline_model::{Article, Format};
use unicode_normalization::{UnicodeNormalization, is_nfc};

// ---------------------------------------------------------------------------------------
// Running an input and checking what comes out
// ---------------------------------------------------------------------------------------

type Outcome = Vec<Result<Article, RecordError>>;

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        // Failures are reported with their input; no regression files next to the sources.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Reads every record of an in-memory input and builds every article.
fn ingest(name: &str, bytes: &[u8], options: &Options) -> Outcome {
    let spec = InputSpec::Bytes {
        name: name.to_owned(),
        bytes: Arc::from(bytes),
    };
    read_input(&spec, options)
        .take(MAX_ITEMS + 1)
        .map(|record| record.and_then(|raw| build_article(raw, options)))
        .collect()
}

/// More records than any test input can hold: a stream this long does not end.
const MAX_ITEMS: usize = 10_000;

/// Whether every property checks that article text is NFC (`every_article_is_nfc` checks it
/// on its own too; the switch exists to isolate an NFC failure while debugging one).
const CHECK_NFC_EVERYWHERE: bool = true;

/// Ingests and checks every article and error against the invariants.
fn check_input(name: &str, bytes: &[u8], options: &Options) -> Result<Outcome, TestCaseError> {
    check_input_with(name, bytes, options, CHECK_NFC_EVERYWHERE)
}

fn check_input_with(
    name: &str,
    bytes: &[u8],
    options: &Options,
    nfc: bool,
) -> Result<Outcome, TestCaseError> {
    let outcome = ingest(name, bytes, options);
    prop_assert!(
        outcome.len() <= MAX_ITEMS,
        "the record stream does not end; it starts {:?}",
        &outcome[..3]
    );
    for item in &outcome {
        match item {
            Ok(article) => check_article(article, name, nfc)?,
            Err(error) => check_error(error, name)?,
        }
    }
    Ok(outcome)
}

fn check_error(error: &RecordError, name: &str) -> Result<(), TestCaseError> {
    prop_assert!(
        !error.message.trim().is_empty(),
        "empty error message: {error:?}"
    );
    prop_assert_eq!(&error.origin.path, name, "error origin names another input");
    Ok(())
}

fn check_article(article: &Article, name: &str, nfc: bool) -> Result<(), TestCaseError> {
    let text = &article.text;
    prop_assert!(!text.is_empty(), "empty article text: {article:?}");
    if nfc {
        prop_assert!(is_nfc(text), "article text is not NFC: {text:?}");
    }
    check_paragraphs(text, article)?;
    prop_assert_eq!(article.id.len(), 16, "id {:?} is not 16 chars", &article.id);
    prop_assert!(
        article
            .id
            .chars()
            .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)),
        "id {:?} is not lowercase hex",
        &article.id
    );
    prop_assert_eq!(&article.id, &article_id(text), "id is not article_id(text)");
    prop_assert_eq!(
        &article.origin.path,
        name,
        "article origin names another input"
    );
    Ok(())
}

/// Spans in order, non-overlapping, inside the text, each covering exactly one
/// `"\n\n"`-separated piece, none starting or ending with whitespace.
fn check_paragraphs(text: &str, article: &Article) -> Result<(), TestCaseError> {
    let pieces: Vec<&str> = text.split("\n\n").collect();
    prop_assert_eq!(
        article.paragraphs.len(),
        pieces.len(),
        "paragraph spans {:?} do not match the pieces of {:?}",
        &article.paragraphs,
        text
    );
    let chars = text.chars().count();
    let mut previous_end = 0;
    for (span, piece) in article.paragraphs.iter().zip(&pieces) {
        prop_assert!(
            span.start <= span.end && span.end <= chars,
            "span {span:?} outside text of {chars} chars"
        );
        prop_assert!(
            span.start >= previous_end,
            "span {span:?} overlaps or precedes the one ending at {previous_end}"
        );
        previous_end = span.end;
        prop_assert_eq!(
            span.slice(text),
            Some(*piece),
            "span {:?} in {:?}",
            span,
            text
        );
        prop_assert!(!piece.is_empty(), "empty paragraph in {text:?}");
        prop_assert!(
            !piece.starts_with(char::is_whitespace) && !piece.ends_with(char::is_whitespace),
            "paragraph {piece:?} has untrimmed whitespace"
        );
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Generated documents
// ---------------------------------------------------------------------------------------

/// A word, sometimes one that stresses normalisation, quoting or markup.
fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        12 => "[a-zA-Z]{1,10}",
        2 => "[A-Z][a-z]{2,9}",
        1 => "[0-9]{1,4}",
        2 => select(vec![
            "café", "cafe\u{301}", "Zelenskyy’s", "“calmer”", "\"straight", "quote\"",
            "naïve", "Ω", "한국어", "\u{1100}\u{1161}", "Привет", "東京", "x\u{a0}y",
            "(Reuters)", "—", "–", "-", ":", ";", ",", "…", "'", "’", "‘", "“", "”", "«", "»",
            "&", "<b>", "&amp;", "(", ")", "[", "]", "/", "•", "©", "#1", "$5",
            "tab\there", "soft\u{ad}hyphen", "zero\u{200b}width", "\u{feff}bom", "bell\u{7}",
            "line\u{2028}sep", "ｆｕｌｌ", "ﬁne", "Ǆ", "e\u{200b}\u{301}", "a\u{7}\u{308}",
            "o\u{ad}\u{302}", "\u{301}", "\u{1100}\u{feff}\u{1161}",
        ])
        .prop_map(str::to_owned),
    ]
}

fn sentence() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(word(), 1..14),
        select(vec![
            ".", ".", ".", "?", "!", "", ",", ":", "…", ".”", ".\"", " —",
        ]),
    )
        .prop_map(|(words, end)| format!("{}{end}", words.join(" ")))
}

/// A body line: mostly prose, sometimes page furniture, datelines, credits, headlines.
fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        10 => sentence(),
        2 => select(vec![
            "Advertisement", "Share on Facebook", "Published", "on", "May 19, 2025",
            "Subscribe to our newsletter", "Exit mobile version", "•", "* * *",
            "Read more: Floods hit the valley", "5 min read", "© 2025 The Courier",
            "Tags: floods, weather", "Photo: Jane Doe/Getty Images", "Leave a Reply",
            "Click here to read more", "Politics", "Business",
        ])
        .prop_map(str::to_owned),
        2 => (
            select(vec![
                "LISBON (Reuters) - ", "Washington: ", "NEW YORK — ", "PORT MERREN - ",
                "WASHINGTON, March 17 (AP) - ", "Update: ", "KYIV (Reuters) —  ",
                "Oslo: “", "ROME (Reuters) - \u{301}",
            ]),
            sentence(),
        )
            .prop_map(|(dateline, rest)| format!("{dateline}{rest}")),
        1 => select(vec![
            "Credit: This story is based on reporting by Reuters.",
            "(Reporting by Ana Lima in Lisbon; Editing by Tom Hale)",
            "Source: Associated Press",
            "Credits: .",
        ])
        .prop_map(str::to_owned),
        2 => prop::collection::vec("[A-Z][a-z]{1,8}", 2..8).prop_map(|w| w.join(" ")),
        1 => Just(String::new()),
        1 => "[ \t\u{a0}]{0,3}[a-z]{1,8}[ \t]{0,3}",
    ]
}

/// Plain text: lines separated by any newline convention, blank lines or none.
fn text_body() -> impl Strategy<Value = String> {
    prop::collection::vec(
        (
            line(),
            select(vec![
                "\n", "\n\n", "\r\n", "\r\n\r\n", "\r", "\n \n", "\u{2029}",
            ]),
        ),
        1..14,
    )
    .prop_map(|lines| {
        lines
            .into_iter()
            .flat_map(|(line, sep)| [line, sep.to_owned()])
            .collect()
    })
}

fn paragraphs() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(line(), 1..8)
}

fn date_string() -> impl Strategy<Value = String> {
    prop_oneof![
        select(vec![
            "2025-03-17",
            "2025-06-03T08:30:00+02:00",
            "2024-11-05T14:00:00.000Z",
            "Mon, 17 Mar 2025 07:45:00 +0000",
            "Tue, 10 Jun 2003 04:00:00 GMT",
            "March 17, 2025",
            "17 March 2025",
            "2025/03/17",
            "2025-02-30",
            "0001-01-01",
            "yesterday",
            "",
            "9999-12-31T23:59:59Z",
            "2016-12-31T23:59:60Z",
            "1799-12-31",
        ])
        .prop_map(str::to_owned),
        "[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2})?(Z|[+-][0-9]{2}:[0-9]{2})?)?",
    ]
}

fn escape_xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn html_paragraphs(paragraphs: &[String]) -> String {
    paragraphs
        .iter()
        .map(|p| format!("<p>{}</p>", escape_xml(p)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A whole page, or a bare fragment, with assorted metadata.
fn html_doc() -> impl Strategy<Value = String> {
    (
        paragraphs(),
        prop::option::of(sentence()),
        prop::option::of(date_string()),
        0..4u8,
        any::<bool>(),
    )
        .prop_map(|(paragraphs, title, date, layout, json_ld)| {
            let body = html_paragraphs(&paragraphs);
            let title = title.unwrap_or_default();
            let date = date.unwrap_or_default();
            let ld = if json_ld {
                let value = serde_json::json!({
                    "@context": "https://schema.org",
                    "@type": ["NewsArticle"],
                    "headline": title,
                    "datePublished": date,
                    "author": {"@type": "Person", "name": "Jo Writer"},
                });
                format!("<script type=\"application/ld+json\">{value}</script>")
            } else {
                String::new()
            };
            match layout {
                0 => body,
                1 => format!(
                    "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
                     <title>{t} | The Courier</title>\
                     <meta property=\"og:site_name\" content=\"The Courier\">\
                     <meta property=\"article:published_time\" content=\"{d}\">{ld}</head>\
                     <body><nav><a href=\"/\">Home</a></nav><article><h1>{t}</h1>{body}</article>\
                     <footer>© The Courier</footer></body></html>",
                    t = escape_xml(&title),
                    d = escape_xml(&date),
                ),
                2 => format!(
                    "<html><body><div class=\"story\"><time datetime=\"{d}\">x</time>{body}\
                     <ul><li>One</li><li>Two</li></ul><script>var x = \"</p>\";</script></div>\
                     </body></html>",
                    d = escape_xml(&date),
                ),
                _ => format!("<div>{title}<br>{body}</div>"),
            }
        })
}

/// JSONL lines (or a JSON array) of article objects with assorted field spellings.
fn jsonl_doc() -> impl Strategy<Value = String> {
    let record = (
        paragraphs(),
        prop::option::of(sentence()),
        prop::option::of(date_string()),
        0..4u8,
        any::<u32>(),
    )
        .prop_map(|(paragraphs, title, date, shape, id)| {
            let mut object = serde_json::Map::new();
            object.insert("id".into(), serde_json::json!(id));
            match shape {
                0 => object.insert("text".into(), paragraphs.join("\n\n").into()),
                1 => object.insert("html".into(), html_paragraphs(&paragraphs).into()),
                2 => object.insert(
                    "content".into(),
                    format!("<html><body>{}</body></html>", html_paragraphs(&paragraphs)).into(),
                ),
                _ => object.insert("body".into(), paragraphs.join("\n").into()),
            };
            if let Some(title) = title {
                object.insert("title".into(), title.into());
            }
            if let Some(date) = date {
                object.insert("published".into(), date.into());
            }
            object.insert("source".into(), serde_json::json!({"name": "Wire"}));
            object.insert("authors".into(), serde_json::json!(["A", {"name": "B"}, 3]));
            serde_json::Value::Object(object)
        });
    (prop::collection::vec(record, 1..5), any::<bool>()).prop_map(|(records, array)| {
        if array {
            serde_json::to_string_pretty(&records).unwrap()
        } else {
            records
                .iter()
                .map(|r| r.to_string() + "\n")
                .collect::<String>()
        }
    })
}

/// RSS 2.0, Atom or JSON Feed, with the file extension that goes with it.
fn feed_doc() -> impl Strategy<Value = (String, &'static str)> {
    let item = (
        paragraphs(),
        prop::option::of(sentence()),
        prop::option::of(date_string()),
        any::<bool>(),
    );
    (prop::collection::vec(item, 1..4), 0..4u8).prop_map(|(items, kind)| match kind {
        0 | 1 => {
            let items: String = items
                .iter()
                .enumerate()
                .map(|(i, (paragraphs, title, date, cdata))| {
                    let html = html_paragraphs(paragraphs);
                    let description = if *cdata && !html.contains("]]>") {
                        format!("<![CDATA[{html}]]>")
                    } else if kind == 1 {
                        escape_xml(&paragraphs.join("\n\n"))
                    } else {
                        escape_xml(&html)
                    };
                    format!(
                        "<item><title>{}</title><link>https://news.example/{i}</link>\
                         <guid>g{i}</guid><pubDate>{}</pubDate><category>World</category>\
                         <description>{description}</description></item>\n",
                        escape_xml(title.as_deref().unwrap_or("")),
                        escape_xml(date.as_deref().unwrap_or("")),
                    )
                })
                .collect();
            let rss = format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>\
                 <title>The Courier</title><link>https://news.example/</link>\
                 <language>en-GB</language>\n{items}</channel></rss>\n"
            );
            (rss, "rss")
        }
        2 => {
            let entries: String = items
                .iter()
                .enumerate()
                .map(|(i, (paragraphs, title, date, as_text))| {
                    let (kind, content) = if *as_text {
                        ("text", escape_xml(&paragraphs.join("\n\n")))
                    } else {
                        ("html", escape_xml(&html_paragraphs(paragraphs)))
                    };
                    format!(
                        "<entry><title>{}</title><link rel=\"alternate\" \
                         href=\"https://news.example/{i}\"/><id>urn:x:{i}</id>\
                         <published>{}</published><updated>2024-09-12T19:05:00Z</updated>\
                         <author><name>Jo</name></author>\
                         <content type=\"{kind}\">{content}</content></entry>\n",
                        escape_xml(title.as_deref().unwrap_or("")),
                        escape_xml(date.as_deref().unwrap_or("")),
                    )
                })
                .collect();
            let atom = format!(
                "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
                 <feed xmlns=\"http://www.w3.org/2005/Atom\"><title>The Gazette</title>\
                 <id>urn:x</id><updated>2024-09-14T12:00:00Z</updated>\n{entries}</feed>\n"
            );
            (atom, "atom")
        }
        _ => {
            let items: Vec<serde_json::Value> = items
                .iter()
                .enumerate()
                .map(|(i, (paragraphs, title, date, as_text))| {
                    let mut item = serde_json::json!({
                        "id": i.to_string(),
                        "url": format!("https://news.example/{i}"),
                        "authors": [{"name": "Jo"}],
                    });
                    if *as_text {
                        item["content_text"] = paragraphs.join("\n\n").into();
                    } else {
                        item["content_html"] = html_paragraphs(paragraphs).into();
                    }
                    if let Some(title) = title {
                        item["title"] = title.clone().into();
                    }
                    if let Some(date) = date {
                        item["date_published"] = date.clone().into();
                    }
                    item
                })
                .collect();
            let feed = serde_json::json!({
                "version": "https://jsonfeed.org/version/1.1",
                "title": "The Bay News",
                "items": items,
            });
            (serde_json::to_string_pretty(&feed).unwrap(), "json")
        }
    })
}

/// An XML declaration in any of the spellings feeds use: either quote, legacy encodings,
/// `standalone`, spread over lines.
fn xml_declaration() -> impl Strategy<Value = String> {
    (
        select(vec!["1.0", "1.1"]),
        select(vec![
            "UTF-8",
            "utf-8",
            "ISO-8859-1",
            "windows-1252",
            "us-ascii",
            "ISO-8859-15",
        ]),
        prop::option::of(select(vec!["yes", "no"])),
        "[ \t\n]{1,30}",
        select(vec!['"', '\'']),
    )
        .prop_map(|(version, encoding, standalone, space, q)| {
            let standalone = standalone
                .map(|s| format!(" standalone={q}{s}{q}"))
                .unwrap_or_default();
            format!("<?xml version={q}{version}{q}{space}encoding={q}{encoding}{q}{standalone}?>")
        })
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

fn zstd(bytes: &[u8]) -> Vec<u8> {
    zstd::encode_all(bytes, 1).unwrap()
}

/// The block of an HTTP response record: status, headers, and a plain, chunked or
/// gzip-encoded body.
fn http_block(status: u16, content_type: &str, body: &[u8], encoding: u8) -> Vec<u8> {
    let mut head = format!("HTTP/1.1 {status} OK\r\nContent-Type: {content_type}\r\n");
    let body = match encoding {
        1 => {
            head.push_str("Transfer-Encoding: chunked\r\n");
            let mut out = Vec::new();
            for chunk in body.chunks(37) {
                out.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
                out.extend_from_slice(chunk);
                out.extend_from_slice(b"\r\n");
            }
            out.extend_from_slice(b"0\r\n\r\n");
            out
        }
        2 => {
            head.push_str("Content-Encoding: gzip\r\n");
            gzip(body)
        }
        _ => body.to_vec(),
    };
    head.push_str("\r\n");
    let mut block = head.into_bytes();
    block.extend_from_slice(&body);
    block
}

fn warc_record(kind: &str, uri: &str, block: &[u8]) -> Vec<u8> {
    let mut record = format!(
        "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\n\
         WARC-Date: 2024-01-01T00:00:00Z\r\nWARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000000>\r\n\
         Content-Type: application/http; msgtype={kind}\r\nContent-Length: {}\r\n\r\n",
        block.len()
    )
    .into_bytes();
    record.extend_from_slice(block);
    record.extend_from_slice(b"\r\n\r\n");
    record
}

/// WARC records: a warcinfo, then requests and responses (HTML pages, redirects, images);
/// each record is returned separately so callers can gzip them one member each.
fn warc_doc() -> impl Strategy<Value = Vec<Vec<u8>>> {
    let response = (
        html_doc(),
        select(vec![200u16, 200, 200, 301, 404]),
        select(vec![
            "text/html; charset=utf-8",
            "text/html",
            "image/png",
            "text/html; charset=windows-1252",
        ]),
        0..3u8,
        any::<bool>(),
    )
        .prop_map(|(page, status, content_type, encoding, request)| {
            let mut records = Vec::new();
            if request {
                records.push(warc_record(
                    "request",
                    "https://news.example/a",
                    b"GET /a HTTP/1.1\r\nHost: news.example\r\n\r\n",
                ));
            }
            let block = http_block(status, content_type, page.as_bytes(), encoding);
            records.push(warc_record("response", "https://news.example/a", &block));
            records
        });
    prop::collection::vec(response, 1..4).prop_map(|responses| {
        let info = warc_record("warcinfo", "", b"software: storyline-tests\r\n");
        std::iter::once(info)
            .chain(responses.into_iter().flatten())
            .collect()
    })
}

// ---------------------------------------------------------------------------------------
// Damage
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Mutation {
    Truncate(Index),
    Flip(Index, u8),
    Insert(Index, u8),
    Remove(Index),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        1 => any::<Index>().prop_map(Mutation::Truncate),
        2 => (any::<Index>(), 1..=255u8).prop_map(|(at, mask)| Mutation::Flip(at, mask)),
        3 => (
            any::<Index>(),
            select(vec![
                b'"', b'\'', b'<', b'>', b'/', 0, b'&', b';', b'{', b'}', b'[', b']', b',',
                b'\\', b'\n', b'\r', b' ', b':', 0x7f, 0xff, 0xc3, 0xe2, 0x80, 0x1f, 0x8b,
            ]),
        )
            .prop_map(|(at, byte)| Mutation::Insert(at, byte)),
        1 => any::<Index>().prop_map(Mutation::Remove),
    ]
}

fn mutations() -> impl Strategy<Value = Vec<Mutation>> {
    prop_oneof![
        1 => Just(Vec::new()),
        3 => prop::collection::vec(mutation(), 1..6),
    ]
}

fn damage(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for mutation in mutations {
        let len = bytes.len();
        match *mutation {
            Mutation::Truncate(at) if len > 0 => bytes.truncate(at.index(len)),
            Mutation::Flip(at, mask) if len > 0 => bytes[at.index(len)] ^= mask,
            Mutation::Insert(at, byte) => bytes.insert(at.index(len + 1), byte),
            Mutation::Remove(at) if len > 0 => {
                bytes.remove(at.index(len));
            }
            _ => {}
        }
    }
    bytes
}

#[derive(Debug, Clone, Copy)]
enum Wrap {
    Plain,
    Gzip,
    Zstd,
}

fn wrap() -> impl Strategy<Value = Wrap> {
    prop_oneof![2 => Just(Wrap::Plain), 1 => Just(Wrap::Gzip), 1 => Just(Wrap::Zstd)]
}

/// Compresses a document and names it; damage goes before or after compression.
fn prepare(
    base: &str,
    document: Vec<u8>,
    wrap: Wrap,
    mutations: &[Mutation],
    damage_compressed: bool,
) -> (String, Vec<u8>) {
    let document = if damage_compressed {
        document
    } else {
        damage(document, mutations)
    };
    let (name, bytes) = match wrap {
        Wrap::Plain => (base.to_owned(), document),
        Wrap::Gzip => (format!("{base}.gz"), gzip(&document)),
        Wrap::Zstd => (format!("{base}.zst"), zstd(&document)),
    };
    if damage_compressed {
        (name, damage(bytes, mutations))
    } else {
        (name, bytes)
    }
}

fn any_format() -> impl Strategy<Value = Option<Format>> {
    select(vec![
        None,
        None,
        Some(Format::Text),
        Some(Format::Html),
        Some(Format::Jsonl),
        Some(Format::Feed),
        Some(Format::Warc),
    ])
}

fn any_name() -> impl Strategy<Value = &'static str> {
    select(vec![
        "a.txt",
        "a.html",
        "a.jsonl",
        "a.json",
        "a.rss",
        "a.atom",
        "a.xml",
        "a.warc",
        "a.warc.gz",
        "a.jsonl.zst",
        "a",
        "dir/a.bin",
        "-",
    ])
}

/// The fixtures, as more realistic seeds for damage (read at run time so the test does not
/// depend on which fixtures exist).
static FIXTURES: LazyLock<Vec<(String, Vec<u8>)>> = LazyLock::new(|| {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut fixtures: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter(|entry| {
            entry
                .path()
                .extension()
                .is_some_and(|e| e != "md" && e != "expected")
        })
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            std::fs::read(entry.path()).ok().map(|bytes| (name, bytes))
        })
        .collect();
    fixtures.sort();
    fixtures
});

// ---------------------------------------------------------------------------------------
// Properties: the readers
// ---------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn arbitrary_bytes_never_break_a_reader(
        bytes in prop::collection::vec(any::<u8>(), 0..1024),
        name in any_name(),
        format in any_format(),
    ) {
        check_input(name, &bytes, &Options { published: None, format })?;
    }

    #[test]
    fn arbitrary_text_never_breaks_a_reader(
        text in any::<String>(),
        prefix in select(vec!["", "{", "[", "<", "<rss>", "<html>", "WARC/1.0\r\n", "\u{feff}"]),
        name in any_name(),
        format in any_format(),
    ) {
        let bytes = format!("{prefix}{text}").into_bytes();
        check_input(name, &bytes, &Options { published: None, format })?;
    }
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn arbitrary_compressed_bytes_never_break_a_reader(
        bytes in prop::collection::vec(any::<u8>(), 0..512),
        wrap in wrap(),
        mutations in mutations(),
        name in any_name(),
        format in any_format(),
    ) {
        let (_, bytes) = prepare("x", bytes, wrap, &mutations, true);
        check_input(name, &bytes, &Options { published: None, format })?;
    }

    #[test]
    fn arbitrary_compressed_bytes_read_as_warc_end(
        document in prop_oneof![
            prop::collection::vec(any::<u8>(), 0..512),
            warc_doc().prop_map(|records| records.concat()),
        ],
        wrap in prop_oneof![Just(Wrap::Gzip), Just(Wrap::Zstd)],
        mutations in prop::collection::vec(mutation(), 1..6),
    ) {
        let (name, bytes) = prepare("x.warc", document, wrap, &mutations, true);
        check_input(&name, &bytes, &Options { published: None, format: Some(Format::Warc) })?;
    }

    #[test]
    fn damaged_text_documents(
        body in text_body(),
        wrap in wrap(),
        mutations in mutations(),
        damage_compressed in any::<bool>(),
        published in prop::option::of(date_string()),
    ) {
        let (name, bytes) = prepare("story.txt", body.into_bytes(), wrap, &mutations, damage_compressed);
        check_input(&name, &bytes, &Options { published, format: None })?;
    }

    #[test]
    fn damaged_html_documents(
        page in html_doc(),
        wrap in wrap(),
        mutations in mutations(),
        damage_compressed in any::<bool>(),
    ) {
        let (name, bytes) = prepare("page.html", page.into_bytes(), wrap, &mutations, damage_compressed);
        check_input(&name, &bytes, &Options::default())?;
    }

    #[test]
    fn damaged_jsonl_documents(
        lines in jsonl_doc(),
        wrap in wrap(),
        mutations in mutations(),
        damage_compressed in any::<bool>(),
    ) {
        let (name, bytes) = prepare("articles.jsonl", lines.into_bytes(), wrap, &mutations, damage_compressed);
        check_input(&name, &bytes, &Options::default())?;
    }

    #[test]
    fn damaged_feed_documents(
        (feed, extension) in feed_doc(),
        wrap in wrap(),
        mutations in mutations(),
        damage_compressed in any::<bool>(),
    ) {
        let base = format!("feed.{extension}");
        let (name, bytes) = prepare(&base, feed.into_bytes(), wrap, &mutations, damage_compressed);
        check_input(&name, &bytes, &Options::default())?;
    }

    #[test]
    fn damaged_warc_documents(
        records in warc_doc(),
        wrap in wrap(),
        per_record_gzip in any::<bool>(),
        mutations in mutations(),
    ) {
        // Damage inside the compressed stream is `warc_documents_with_damaged_compression`.
        let (name, bytes) = if per_record_gzip {
            // One gzip member per record, as in CC-NEWS.
            let records: Vec<Vec<u8>> = records.into_iter().map(|r| damage(r, &mutations)).collect();
            let bytes: Vec<u8> = records.iter().flat_map(|r| gzip(r)).collect();
            ("crawl.warc.gz".to_owned(), bytes)
        } else {
            prepare("crawl.warc", records.concat(), wrap, &mutations, false)
        };
        check_input(&name, &bytes, &Options::default())?;
    }

    #[test]
    fn warc_documents_with_damaged_compression(
        records in warc_doc(),
        wrap in prop_oneof![Just(Wrap::Gzip), Just(Wrap::Zstd)],
        per_record_gzip in any::<bool>(),
        mutations in prop::collection::vec(mutation(), 1..6),
    ) {
        let (name, bytes) = if per_record_gzip {
            let bytes: Vec<u8> = records.iter().flat_map(|r| gzip(r)).collect();
            ("crawl.warc.gz".to_owned(), damage(bytes, &mutations))
        } else {
            prepare("crawl.warc", records.concat(), wrap, &mutations, true)
        };
        check_input(&name, &bytes, &Options::default())?;
    }

    #[test]
    fn feeds_with_any_xml_declaration(
        (feed, extension) in feed_doc(),
        declaration in xml_declaration(),
        mutations in mutations(),
    ) {
        prop_assume!(extension != "json");
        // Swap the generator's own declaration (the first line) for this one.
        let body = feed.split_once('\n').map_or(feed.as_str(), |(_, rest)| rest);
        let document = format!("{declaration}\n{body}");
        let (name, bytes) = prepare(&format!("feed.{extension}"), document.into_bytes(), Wrap::Plain, &mutations, false);
        check_input(&name, &bytes, &Options::default())?;
    }

    #[test]
    fn every_article_is_nfc(
        document in prop_oneof![
            text_body().prop_map(|d| ("a.txt".to_owned(), d)),
            html_doc().prop_map(|d| ("a.html".to_owned(), d)),
            jsonl_doc().prop_map(|d| ("a.jsonl".to_owned(), d)),
            feed_doc().prop_map(|(d, ext)| (format!("a.{ext}"), d)),
            warc_doc().prop_map(|d| ("a.warc".to_owned(), String::from_utf8_lossy(&d.concat()).into_owned())),
            any::<String>().prop_map(|d| ("a.txt".to_owned(), d)),
        ],
        wrap in wrap(),
        mutations in mutations(),
    ) {
        let (base, document) = document;
        let (name, bytes) = prepare(&base, document.into_bytes(), wrap, &mutations, false);
        check_input_with(&name, &bytes, &Options::default(), true)?;
    }

    #[test]
    fn damaged_fixtures(
        which in any::<Index>(),
        wrap in wrap(),
        mutations in prop::collection::vec(mutation(), 1..8),
        damage_compressed in any::<bool>(),
    ) {
        prop_assume!(!FIXTURES.is_empty());
        let (base, bytes) = FIXTURES[which.index(FIXTURES.len())].clone();
        let (name, bytes) = prepare(&base, bytes, wrap, &mutations, damage_compressed);
        check_input(&name, &bytes, &Options::default())?;
    }

    #[test]
    fn same_bytes_same_articles(
        document in prop_oneof![
            text_body().prop_map(|d| ("a.txt".to_owned(), d)),
            html_doc().prop_map(|d| ("a.html".to_owned(), d)),
            jsonl_doc().prop_map(|d| ("a.jsonl".to_owned(), d)),
            feed_doc().prop_map(|(d, ext)| (format!("a.{ext}"), d)),
            warc_doc().prop_map(|d| ("a.warc".to_owned(), String::from_utf8_lossy(&d.concat()).into_owned())),
        ],
        wrap in wrap(),
        mutations in mutations(),
    ) {
        let (base, document) = document;
        let (name, bytes) = prepare(&base, document.into_bytes(), wrap, &mutations, false);
        let options = Options::default();
        let first = check_input(&name, &bytes, &options)?;
        let second = ingest(&name, &bytes, &options);
        prop_assert_eq!(first, second);
    }
}

// ---------------------------------------------------------------------------------------
// Properties: the cleaner and dates
// ---------------------------------------------------------------------------------------

/// Characters [`clean::normalise`] drops outright (controls other than whitespace,
/// zero-width space, BOM, soft hyphen): losing them may join words.
fn dropped(c: char) -> bool {
    (c.is_control() && !c.is_whitespace()) || matches!(c, '\u{200B}' | '\u{FEFF}' | '\u{00AD}')
}

/// Words (runs of alphanumeric chars) with their counts, after dropping what the cleaner
/// drops and normalising to NFC.
fn words(text: &str) -> HashMap<String, usize> {
    let kept: String = text.chars().filter(|&c| !dropped(c)).collect();
    let nfc: String = kept.nfc().collect();
    let mut counts = HashMap::new();
    for word in nfc
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        *counts.entry(word.to_owned()).or_insert(0) += 1;
    }
    counts
}

fn check_clean(raw: &str, options: CleanOptions<'_>) -> Result<(), TestCaseError> {
    let cleaned = clean::clean(raw, options);
    for paragraph in &cleaned.paragraphs {
        prop_assert!(
            !paragraph.contains("\n\n"),
            "paragraph {paragraph:?} holds a blank line"
        );
    }
    // Everything the cleaner took out is accounted for: kept, removed, or moved to metadata.
    let mut accounted: HashMap<String, usize> = HashMap::new();
    let pieces = cleaned
        .paragraphs
        .iter()
        .chain(cleaned.removed.iter().map(|r| &r.text))
        .chain(&cleaned.headline)
        .chain(&cleaned.section)
        .chain(&cleaned.dateline)
        .chain(&cleaned.credit);
    for piece in pieces {
        for (word, count) in words(piece) {
            *accounted.entry(word).or_insert(0) += count;
        }
    }
    for (word, count) in words(raw) {
        let kept = accounted.get(&word).copied().unwrap_or(0);
        prop_assert!(
            kept >= count,
            "word {word:?} appears {count} times in the input but {kept} times in the output\n\
             input: {raw:?}\noutput: {cleaned:#?}"
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn clean_keeps_every_word_and_no_blank_lines_in_paragraphs(
        raw in prop_oneof![3 => text_body(), 1 => any::<String>()],
        detect_header in any::<bool>(),
        known_headline in prop::option::of(prop_oneof![sentence(), line()]),
    ) {
        check_clean(&raw, CleanOptions { detect_header, known_headline: known_headline.as_deref() })?;
        // The headline also matches when the body repeats it as its first line.
        if let Some(headline) = &known_headline {
            let repeated = format!("{headline}\n{raw}");
            check_clean(&repeated, CleanOptions { detect_header, known_headline: Some(headline) })?;
        }
    }

    #[test]
    fn dates_normalise_is_total_and_idempotent(
        raw in prop_oneof![
            2 => date_string(),
            1 => any::<String>(),
            1 => "[0-9A-Za-z ,:+./T-]{0,40}",
            1 => (date_string(), "[ \t]{0,2}", "[0-9:+ ZT.-]{0,8}").prop_map(|(d, s, t)| format!("{s}{d}{t}")),
        ],
    ) {
        if let Some(normalised) = dates::normalise(&raw) {
            let again = dates::normalise(&normalised);
            prop_assert_eq!(
                again.as_deref(),
                Some(normalised.as_str()),
                "{:?} normalised to {:?}, which does not normalise to itself",
                raw,
                normalised
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// The generators produce articles, so the invariants above are not checked vacuously
// ---------------------------------------------------------------------------------------

#[test]
fn undamaged_documents_of_every_format_give_articles() {
    let paragraphs = vec![
        "LISBON (Reuters) - Dock workers returned to the port on Monday after a pay deal."
            .to_owned(),
        "The union said its members had voted to accept the offer.".to_owned(),
    ];
    let page = format!(
        "<!DOCTYPE html><html><head><title>Strike ends</title></head><body><article>{}</article></body></html>",
        html_paragraphs(&paragraphs)
    );
    let jsonl =
        serde_json::json!({"title": "Strike ends", "text": paragraphs.join("\n\n")}).to_string();
    let rss = format!(
        "<rss version=\"2.0\"><channel><title>C</title><item><title>Strike ends</title>\
         <description>{}</description></item></channel></rss>",
        escape_xml(&html_paragraphs(&paragraphs))
    );
    let warc = warc_record(
        "response",
        "https://news.example/a",
        &http_block(200, "text/html", page.as_bytes(), 1),
    );
    let text = format!("Strike ends\n\n{}", paragraphs.join("\n\n"));
    let inputs: Vec<(&str, Vec<u8>)> = vec![
        ("a.txt", text.clone().into_bytes()),
        ("a.html", page.clone().into_bytes()),
        ("a.jsonl", jsonl.into_bytes()),
        ("a.rss", rss.into_bytes()),
        ("a.warc", warc.clone()),
        ("a.txt.gz", gzip(text.as_bytes())),
        ("a.html.zst", zstd(page.as_bytes())),
        ("a.warc.gz", gzip(&warc)),
    ];
    for (name, bytes) in inputs {
        let outcome = check_input(name, &bytes, &Options::default()).unwrap();
        let articles: Vec<&Article> = outcome.iter().filter_map(|r| r.as_ref().ok()).collect();
        assert_eq!(articles.len(), 1, "{name}: {outcome:#?}");
        assert!(
            articles[0].text.starts_with("Dock workers returned"),
            "{name}: {:?}",
            articles[0].text
        );
        assert_eq!(articles[0].paragraphs.len(), 2, "{name}");
    }
}

// ---------------------------------------------------------------------------------------
// Regressions: minimal inputs for bugs the properties and the fuzzer found
// ---------------------------------------------------------------------------------------

#[test]
fn soft_hyphen_before_combining_mark_stays_nfc() {
    // "o", SOFT HYPHEN, COMBINING CIRCUMFLEX ACCENT, "." — the article text is "o\u{302}.",
    // not its NFC form "ô.". The same with U+200B or U+0007 in place of U+00AD.
    for input in [
        &b"o\xc2\xad\xcc\x82.\n"[..],
        b"e\xe2\x80\x8b\xcc\x81.\n",
        b"a\x07\xcc\x88.\n",
    ] {
        // Enough ordinary text around the control character that the file is not binary.
        let input = [
            &b"The harbour reopened today after repairs to the old wall. "[..],
            input,
        ]
        .concat();
        let outcome = ingest("a.txt", &input, &Options::default());
        let article = outcome[0].as_ref().unwrap();
        assert!(
            is_nfc(&article.text),
            "{input:?} gave non-NFC text {:?}",
            article.text
        );
    }
}

#[test]
fn compressed_warc_read_error_ends_the_stream() {
    // The first 22 bytes of a gzipped WARC record: decompresses to "WARC/1.0\r\nW", then
    // "incomplete deflate stream". Every further `next()` repeats the error.
    let bytes = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03\x0bw\x0cr\xd67\xd43\xe0\xe5\x0a\x07";
    let outcome = ingest("a.warc.gz", bytes, &Options::default());
    assert!(
        outcome.len() <= 2,
        "{} items, starting {:?}",
        outcome.len(),
        &outcome[..outcome.len().min(3)]
    );
}

#[test]
fn long_xml_declaration_with_legacy_encoding_does_not_panic() {
    // Any XML declaration over 64 bytes that names a non-UTF-8 encoding panics inside
    // feed_rs::parser::parse: "set_encoding() called after prefix buffer was drained;
    // encoding can only be changed while the prefix is still active". Feeds pretty-print
    // their declaration over several lines often enough for this to matter.
    let inputs: [&[u8]; 2] = [
        b"<?xml version=\"1.0\"\n      encoding=\"windows-1252\"\n      standalone=\"yes\"?><rss/>",
        b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\" standalone=\"yes\"      ?>\n<rss version=\"2.0\"><channel><item><title>T</title><description>Words here.</description></item></channel></rss>",
    ];
    for input in inputs {
        let outcome = std::panic::catch_unwind(|| ingest("a.rss", input, &Options::default()));
        assert!(
            outcome.is_ok(),
            "panicked on {:?}",
            String::from_utf8_lossy(input)
        );
    }
}
