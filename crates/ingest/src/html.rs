//! HTML: main text through dom_smoothie (a Readability.js port), metadata from `<title>`,
//! OpenGraph and article meta tags, JSON-LD `NewsArticle`, `<time>` and `<link rel=canonical>`.

use std::sync::LazyLock;

use ego_tree::iter::Edge;
use scraper::{ElementRef, Html, Node, Selector};
use serde_json::Value;

use crate::Meta;

/// Main text and metadata pulled out of a whole page.
pub struct Page {
    /// Paragraphs separated by blank lines, ready for [`crate::clean::clean`].
    pub text: String,
    pub meta: Meta,
}

pub fn extract_page(html: &str, url: Option<&str>) -> Page {
    let document = Html::parse_document(html);
    let mut meta = page_metadata(&document);
    if meta.url.is_none() {
        meta.url = url.map(str::to_owned);
    }
    let base_url = meta
        .url
        .as_deref()
        .filter(|u| u.starts_with("http://") || u.starts_with("https://"));
    let config = dom_smoothie::Config {
        max_elements_to_parse: 200_000,
        ..Default::default()
    };
    let readable = dom_smoothie::Readability::new(html, base_url, Some(config))
        .ok()
        .and_then(|mut r| r.parse().ok())
        .map(|article| fragment_to_text(&article.content))
        .filter(|text| !text.trim().is_empty());
    let text = readable.unwrap_or_else(|| body_text(&document));
    Page { text, meta }
}

/// Block-level text of an HTML fragment: one paragraph per block element, separated by a
/// blank line; `<br>` becomes a line break. Scripts, styles, figures and forms are dropped.
pub fn fragment_to_text(fragment: &str) -> String {
    let document = Html::parse_fragment(fragment);
    let mut out = TextBuilder::default();
    out.walk(document.root_element());
    out.finish()
}

/// The text of `<body>` without page chrome: the fallback when Readability finds nothing.
fn body_text(document: &Html) -> String {
    static BODY: LazyLock<Selector> = LazyLock::new(|| Selector::parse("body").unwrap());
    let mut out = TextBuilder {
        skip_chrome: true,
        ..TextBuilder::default()
    };
    match document.select(&BODY).next() {
        Some(body) => out.walk(body),
        None => out.walk(document.root_element()),
    }
    out.finish()
}

#[derive(Default)]
struct TextBuilder {
    paragraphs: Vec<String>,
    current: String,
    /// Also skip navigation, headers, footers and asides (whole-page fallback only).
    skip_chrome: bool,
}

impl TextBuilder {
    /// Walks the tree iteratively (never recursively: pages nest thousands deep).
    fn walk(&mut self, root: ElementRef<'_>) {
        let mut skipping: Option<ego_tree::NodeId> = None;
        for edge in root.traverse() {
            match edge {
                Edge::Open(node) => {
                    if skipping.is_some() {
                        continue;
                    }
                    match node.value() {
                        Node::Text(text) => self.push_text(text),
                        Node::Element(element) => {
                            let name = element.name();
                            if self.is_skipped(name) {
                                skipping = Some(node.id());
                            } else if name == "br" {
                                self.current.push('\n');
                            } else if is_block(name) {
                                self.break_paragraph();
                            }
                        }
                        _ => {}
                    }
                }
                Edge::Close(node) => {
                    if skipping == Some(node.id()) {
                        skipping = None;
                    } else if skipping.is_none()
                        && let Node::Element(element) = node.value()
                        && is_block(element.name())
                    {
                        self.break_paragraph();
                    }
                }
            }
        }
    }

    fn is_skipped(&self, name: &str) -> bool {
        matches!(
            name,
            "script"
                | "style"
                | "noscript"
                | "template"
                | "iframe"
                | "svg"
                | "canvas"
                | "figure"
                | "figcaption"
                | "form"
                | "button"
                | "select"
                | "textarea"
                | "object"
                | "video"
                | "audio"
                | "head"
        ) || (self.skip_chrome && matches!(name, "nav" | "header" | "footer" | "aside" | "menu"))
    }

    fn push_text(&mut self, text: &str) {
        for (i, piece) in text.split_whitespace().enumerate() {
            let needs_space = i > 0
                || text.starts_with(char::is_whitespace)
                    && !self.current.is_empty()
                    && !self.current.ends_with([' ', '\n']);
            if needs_space && !self.current.ends_with([' ', '\n']) {
                self.current.push(' ');
            }
            self.current.push_str(piece);
        }
        if text.ends_with(char::is_whitespace) && !self.current.is_empty() {
            self.current.push(' ');
        }
    }

    fn break_paragraph(&mut self) {
        let paragraph = self.current.trim();
        if !paragraph.is_empty() {
            self.paragraphs.push(paragraph.to_owned());
        }
        self.current.clear();
    }

    fn finish(mut self) -> String {
        self.break_paragraph();
        self.paragraphs.join("\n\n")
    }
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "section"
            | "article"
            | "main"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "li"
            | "ul"
            | "ol"
            | "dl"
            | "dt"
            | "dd"
            | "blockquote"
            | "pre"
            | "table"
            | "tr"
            | "td"
            | "th"
            | "header"
            | "footer"
            | "aside"
            | "nav"
            | "address"
            | "hr"
            | "details"
            | "summary"
    )
}

macro_rules! selector {
    ($css:expr) => {{
        static SELECTOR: LazyLock<Selector> =
            LazyLock::new(|| Selector::parse($css).expect("valid selector"));
        &*SELECTOR
    }};
}

/// Metadata from the page head and markup, most specific source first.
fn page_metadata(document: &Html) -> Meta {
    let ld = json_ld_article(document);
    let meta = |keys: &[&str]| -> Option<String> {
        keys.iter().find_map(|key| {
            document
                .select(selector!("meta[content]"))
                .find(|m| {
                    let attr = |a| m.value().attr(a).map(|v| v.eq_ignore_ascii_case(key));
                    attr("property") == Some(true)
                        || attr("name") == Some(true)
                        || attr("itemprop") == Some(true)
                })
                .and_then(|m| m.value().attr("content"))
                .map(|c| c.trim().to_owned())
                .filter(|c| !c.is_empty())
        })
    };
    let title_tag = document
        .select(selector!("title"))
        .next()
        .map(|t| t.text().collect::<String>().trim().to_owned())
        .filter(|t| !t.is_empty());
    let site = meta(&["og:site_name", "application-name"]).or(ld.publisher.clone());
    let headline = ld
        .headline
        .clone()
        .or_else(|| meta(&["og:title", "twitter:title"]))
        .or_else(|| title_tag.map(|t| strip_site_suffix(&t, site.as_deref())));
    let time_tag = || {
        document
            .select(selector!("time[datetime]"))
            .next()
            .and_then(|t| t.value().attr("datetime"))
            .map(|d| d.trim().to_owned())
    };
    let published = ld
        .published
        .clone()
        .or_else(|| {
            meta(&[
                "article:published_time",
                "og:article:published_time",
                "datePublished",
                "pubdate",
                "publishdate",
                "publish-date",
                "date",
                "dc.date.issued",
                "dc.date",
                "dcterms.created",
                "parsely-pub-date",
                "sailthru.date",
            ])
        })
        .or_else(time_tag);
    let author = ld
        .author
        .clone()
        .or_else(|| meta(&["author", "article:author", "byl"]).filter(|a| !a.starts_with("http")));
    let canonical = document
        .select(selector!("link[rel=canonical][href]"))
        .next()
        .and_then(|l| l.value().attr("href"))
        .map(str::to_owned);
    let lang = document
        .root_element()
        .value()
        .attr("lang")
        .map(str::to_owned);
    Meta {
        source: site,
        url: canonical.or_else(|| meta(&["og:url"])).or(ld.url.clone()),
        headline,
        published,
        language: lang.or(ld.language.clone()),
        byline: author,
        section: ld.section.clone().or_else(|| meta(&["article:section"])),
        external_id: None,
    }
}

/// "Council backs plan | The Valley Courier" -> "Council backs plan".
fn strip_site_suffix(title: &str, site: Option<&str>) -> String {
    for separator in [" | ", " - ", " — ", " – ", " :: "] {
        if let Some((head, tail)) = title.rsplit_once(separator) {
            let is_site = site.is_some_and(|s| tail.trim().eq_ignore_ascii_case(s.trim()))
                || tail.split_whitespace().count() <= 4 && head.split_whitespace().count() >= 3;
            if is_site {
                return head.trim().to_owned();
            }
        }
    }
    title.to_owned()
}

#[derive(Default)]
struct LdArticle {
    headline: Option<String>,
    published: Option<String>,
    author: Option<String>,
    publisher: Option<String>,
    section: Option<String>,
    language: Option<String>,
    url: Option<String>,
}

const ARTICLE_TYPES: &[&str] = &[
    "NewsArticle",
    "Article",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "BackgroundNewsArticle",
    "ReviewNewsArticle",
    "BlogPosting",
    "LiveBlogPosting",
    "Report",
];

/// The first JSON-LD object typed as an article (looking inside arrays and `@graph`).
fn json_ld_article(document: &Html) -> LdArticle {
    for script in document.select(selector!("script[type='application/ld+json']")) {
        let raw: String = script.text().collect();
        let raw = raw
            .trim()
            .trim_start_matches("<!--")
            .trim_end_matches("-->");
        let Ok(value) = serde_json::from_str::<Value>(raw) else {
            continue;
        };
        let mut stack = vec![&value];
        while let Some(value) = stack.pop() {
            match value {
                Value::Array(items) => stack.extend(items.iter().rev()),
                Value::Object(object) => {
                    if let Some(graph) = object.get("@graph") {
                        stack.push(graph);
                    }
                    if is_article_type(object.get("@type")) {
                        return ld_fields(object);
                    }
                }
                _ => {}
            }
        }
    }
    LdArticle::default()
}

fn is_article_type(value: Option<&Value>) -> bool {
    match value {
        Some(Value::String(t)) => ARTICLE_TYPES.contains(&t.as_str()),
        Some(Value::Array(types)) => types.iter().any(|t| is_article_type(Some(t))),
        _ => false,
    }
}

fn ld_fields(object: &serde_json::Map<String, Value>) -> LdArticle {
    fn text(value: Option<&Value>) -> Option<String> {
        match value? {
            Value::String(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
            Value::Object(o) => text(o.get("name")).or_else(|| text(o.get("@id"))),
            Value::Array(items) => {
                let names: Vec<String> = items.iter().filter_map(|i| text(Some(i))).collect();
                (!names.is_empty()).then(|| names.join(", "))
            }
            _ => None,
        }
    }
    LdArticle {
        headline: text(object.get("headline")).or_else(|| text(object.get("name"))),
        published: text(object.get("datePublished")).or_else(|| text(object.get("dateCreated"))),
        author: text(object.get("author")),
        publisher: object
            .get("publisher")
            .and_then(|p| text(p.get("name")).or_else(|| text(Some(p)))),
        section: text(object.get("articleSection")),
        language: text(object.get("inLanguage")),
        url: text(object.get("url")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragment_paragraphs_and_entities() {
        let text = fragment_to_text(
            "<p>First &ldquo;quoted&rdquo; <em>words</em>.</p><figure><img><figcaption>Caption</figcaption></figure>\
             <ul><li>One</li><li>Two</li></ul><script>var x;</script><p>Last<br>line</p>",
        );
        assert_eq!(text, "First “quoted” words.\n\nOne\n\nTwo\n\nLast\nline");
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let html = format!(
            "{}deep text{}",
            "<div>".repeat(20_000),
            "</div>".repeat(20_000)
        );
        assert!(fragment_to_text(&html).contains("deep text"));
    }

    #[test]
    fn title_suffixes() {
        assert_eq!(
            strip_site_suffix(
                "Council backs plan in tight vote | The Valley Courier",
                None
            ),
            "Council backs plan in tight vote"
        );
        assert_eq!(
            strip_site_suffix("Rock - Paper", Some("Scissors")),
            "Rock - Paper"
        );
    }
}
