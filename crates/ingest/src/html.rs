//! HTML for ingest: whole pages through [`crate::extract`], and an iterative HTML → paragraphs
//! converter shared by fragments (feed items, JSONL `html` fields) and the extractor.

use ego_tree::iter::Edge;
use scraper::{Html, Node};

use crate::Meta;

/// Main text and metadata pulled out of a whole page.
pub struct Page {
    /// Paragraphs separated by blank lines, ready for [`crate::clean::clean`]; empty when
    /// the page holds no article.
    pub text: String,
    pub meta: Meta,
    /// Why `text` is empty, when it is.
    pub empty_reason: Option<&'static str>,
}

/// Main text and metadata of a whole page through [`crate::extract`].
pub fn extract_page(html: &str, url: Option<&str>) -> Page {
    let extraction = crate::extract::extract(html, url);
    let page = extraction.meta;
    let byline = (!page.authors.is_empty()).then(|| page.authors.join(", "));
    Page {
        text: extraction.text,
        meta: Meta {
            source: page.site_name,
            url: page.url,
            headline: page.title,
            published: page.published,
            language: page.language,
            byline,
            section: page.section,
            external_id: None,
        },
        empty_reason: extraction.empty_reason,
    }
}

/// Block-level text of an HTML fragment: one paragraph per block element, separated by a
/// blank line; `<br>` becomes a line break. Scripts, styles, figures and forms are dropped.
pub fn fragment_to_text(fragment: &str) -> String {
    let document = Html::parse_fragment(fragment);
    let mut out = TextBuilder::default();
    // Walked iteratively (never recursively: pages nest thousands deep).
    let mut skipping: Option<ego_tree::NodeId> = None;
    for edge in document.root_element().traverse() {
        match edge {
            Edge::Open(node) if skipping.is_none() => match node.value() {
                Node::Text(text) => out.text(text),
                Node::Element(element) if !out.open(element.name()) => skipping = Some(node.id()),
                _ => {}
            },
            Edge::Open(_) => {}
            Edge::Close(node) => {
                if skipping == Some(node.id()) {
                    skipping = None;
                } else if skipping.is_none()
                    && let Node::Element(element) = node.value()
                {
                    out.close(element.name());
                }
            }
        }
    }
    out.finish()
}

/// Paragraphs from a walk over a tree: the walker reports elements opening and closing and
/// text in document order, and skips the subtree of an element [`TextBuilder::open`]
/// refuses. Shared by [`fragment_to_text`] and the extractor, which walks Readability's tree
/// in place instead of serialising and parsing it again.
#[derive(Default)]
pub(crate) struct TextBuilder {
    paragraphs: Vec<String>,
    current: String,
}

impl TextBuilder {
    /// An element opens; `false` when its content is not text (scripts, figures, forms…)
    /// and must be skipped, end tag included.
    pub(crate) fn open(&mut self, name: &str) -> bool {
        if is_skipped(name) {
            return false;
        }
        if name == "br" {
            self.current.push('\n');
        } else if is_block(name) {
            self.break_paragraph();
        }
        true
    }

    /// An element that [`TextBuilder::open`] accepted closes.
    pub(crate) fn close(&mut self, name: &str) {
        if is_block(name) {
            self.break_paragraph();
        }
    }
}

fn is_skipped(name: &str) -> bool {
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
    )
}

impl TextBuilder {
    pub(crate) fn text(&mut self, text: &str) {
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
        // Adjacent text nodes (a walked tree may hold them) must not double the space.
        if text.ends_with(char::is_whitespace)
            && !self.current.is_empty()
            && !self.current.ends_with(' ')
        {
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

    pub(crate) fn finish(mut self) -> String {
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
}
