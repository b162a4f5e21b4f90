//! The article container's HTML to plain paragraphs, without line-level furniture.

use dom_query::{NodeData, NodeRef};

use super::meta::date_in_text;
use crate::clean::boilerplate_rule;
use crate::html::TextBuilder;

/// Paragraphs of `content` (the container Readability chose) separated by blank lines.
/// Drops the headline when the body repeats it and paragraphs that are page furniture (the
/// same whole-line rules as [`crate::clean`]).
///
/// Short link-only paragraphs ("Check price", "Read full review") look like furniture but
/// are kept: on wcxb_dev, dropping them lost more (product names in roundup lists and
/// tables are links) than it gained.
pub fn article_text(content: &str, title: Option<&str>) -> String {
    without_furniture(&crate::html::fragment_to_text(content), title)
}

/// [`article_text`] of a node of a parsed page, walked in place.
pub fn node_text(root: NodeRef<'_>, title: Option<&str>) -> String {
    let mut out = TextBuilder::default();
    // (node, whether its children were visited): iterative, pages nest deep.
    let mut stack = vec![(root, false)];
    while let Some((node, closing)) = stack.pop() {
        if closing {
            if let Some(element) = node.element_ref() {
                out.close(&element.name.local);
            }
            continue;
        }
        let opened = node.query_or(false, |tree_node| match &tree_node.data {
            NodeData::Text { contents } => {
                out.text(contents);
                false
            }
            NodeData::Element(element) => out.open(&element.name.local),
            _ => false,
        });
        if opened {
            stack.push((node, true));
            stack.extend(node.children_it(true).map(|child| (child, false)));
        }
    }
    without_furniture(&out.finish(), title)
}

/// `text`'s paragraphs without a repeated headline and line-level furniture.
fn without_furniture(text: &str, title: Option<&str>) -> String {
    let title = title.map(normalised);
    let mut kept: Vec<&str> = Vec::new();
    for paragraph in text.split("\n\n") {
        if kept.is_empty() && title.as_deref() == Some(normalised(paragraph).as_str()) {
            continue;
        }
        if boilerplate_rule(paragraph).is_some() || is_meta_line(paragraph) {
            continue;
        }
        kept.push(paragraph);
    }
    kept.join("\n\n")
}

/// A short line that carries the byline or dates rather than article text:
/// "By · 11 February 2023 · Updated 14 February" (Readability lifts the author's name out
/// of such lines and leaves the rest).
fn is_meta_line(paragraph: &str) -> bool {
    if paragraph.split_whitespace().count() > 12 || date_in_text(paragraph).is_none() {
        return false;
    }
    let lower = paragraph.to_lowercase();
    ["by ", "published", "updated", "posted", "last updated"]
        .iter()
        .any(|start| lower.starts_with(start))
        || paragraph.contains(['·', '•', '|'])
}

fn normalised(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}
