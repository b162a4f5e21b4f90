//! The article container's HTML to plain paragraphs, without line-level furniture.

use super::meta::date_in_text;
use crate::clean::boilerplate_rule;

/// Paragraphs of `content` (the container Readability chose) separated by blank lines.
/// Drops the headline when the body repeats it and paragraphs that are page furniture (the
/// same whole-line rules as [`crate::clean`]).
///
/// Short link-only paragraphs ("Check price", "Read full review") look like furniture but
/// are kept: on wcxb_dev, dropping them lost more (product names in roundup lists and
/// tables are links) than it gained.
pub fn article_text(content: &str, title: Option<&str>) -> String {
    let text = crate::html::fragment_to_text(content);
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
