//! The article container's HTML to plain paragraphs, without line-level furniture.

use std::collections::HashSet;
use std::sync::LazyLock;

use dom_query::{NodeData, NodeRef};
use regex::Regex;

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

/// `text`'s paragraphs without a repeated headline, line-level furniture, a second copy of
/// a long paragraph, and a closing list of other articles.
fn without_furniture(text: &str, title: Option<&str>) -> String {
    let title = title.map(normalised);
    let paragraphs = paragraphs(text);
    let mut kept: Vec<&str> = Vec::new();
    let mut kept_words = 0;
    let mut long_paragraphs_seen = HashSet::new();
    // Paragraphs from this index on are all teasers: only a heading just before them can
    // end the article (found once from the end, not by looking ahead from every heading).
    let teasers_from = paragraphs
        .iter()
        .rposition(|paragraph| !is_teaser(paragraph))
        .map_or(0, |last_text| last_text + 1);
    for (index, &paragraph) in paragraphs.iter().enumerate() {
        if kept.is_empty() && title.as_deref() == Some(normalised(paragraph).as_str()) {
            continue;
        }
        if index + 1 >= teasers_from
            && kept_words >= OTHER_ARTICLES_AFTER_WORDS
            && is_other_articles_heading(paragraph)
        {
            break;
        }
        if boilerplate_rule(paragraph).is_some() || is_meta_line(paragraph) {
            continue;
        }
        // The converter has already collapsed whitespace, so copies are equal as strings.
        if has_words(paragraph, REPEAT_MIN_WORDS) && !long_paragraphs_seen.insert(paragraph) {
            continue;
        }
        // Words are counted only as far as the threshold they are compared with.
        if kept_words < OTHER_ARTICLES_AFTER_WORDS {
            kept_words += paragraph
                .split_whitespace()
                .take(OTHER_ARTICLES_AFTER_WORDS)
                .count();
        }
        kept.push(paragraph);
    }
    kept.join("\n\n")
}

/// `text.split("\n\n")`, with a vectorised search for the separator (the generic string
/// search was half of this module's own time).
fn paragraphs(text: &str) -> Vec<&str> {
    let mut paragraphs = Vec::new();
    let mut start = 0;
    for at in memchr::memmem::find_iter(text.as_bytes(), b"\n\n") {
        paragraphs.push(&text[start..at]);
        start = at + 2;
    }
    paragraphs.push(&text[start..]);
    paragraphs
}

/// A paragraph this long that the container holds twice is one copy too many: pages that
/// carry the article for two layouts. Shorter repeats are kept, since table cells ("Yes") and
/// list labels repeat in articles. wcxb_dev, article (all pages) F1 by threshold: none
/// 0.9437 (0.8704), 8 words 0.9439, 16 0.9439, 20 0.9441, 30 0.9443 (0.8714), 40 0.9438,
/// 60 0.9437 (0.8706).
const REPEAT_MIN_WORDS: usize = 30;

/// A heading for other articles ("Also in the news", "Related stories") ends the article when
/// it comes after this many words of text and everything after it reads as teasers.
const OTHER_ARTICLES_AFTER_WORDS: usize = 100;

/// What follows a heading for other articles: short headlines, or an excerpt cut with "…".
/// A paragraph of running text means the heading was an inline box and the article goes on.
fn is_teaser(paragraph: &str) -> bool {
    let end = paragraph.trim_end();
    end.ends_with("...") || end.ends_with('…') || !has_words(paragraph, 25)
}

/// Whether `paragraph` has at least `n` words, without counting past `n`. ASCII whitespace
/// is enough for a length test and saves decoding every character.
fn has_words(paragraph: &str, n: usize) -> bool {
    paragraph.split_ascii_whitespace().nth(n - 1).is_some()
}

/// A whole line that introduces links to other articles. Wider than the `engagement_widget`
/// boilerplate rule (which drops only the line), since here the teasers after it must follow.
fn is_other_articles_heading(paragraph: &str) -> bool {
    static HEADING: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"^(related( articles| stories| posts| coverage| content| news| reading)?|you (may|might) (also )?(like|enjoy|be interested in)|recommended( for you| stories| reading| articles)?|read next|more (stories|news|articles|headlines|to read)|more from .{1,40}|popular (now|stories)|latest (news|stories|posts|articles)|most (read|popular|viewed|shared|commented|recent)|trending( now| stories)?|also in (the )?news|in other news|top stories|editor'?s picks?|don'?t miss|must read|you may have missed)\W*$",
        )
        .expect("valid regex")
    });
    paragraph.len() < 60 && HEADING.is_match(&paragraph.trim().to_lowercase())
}

/// A short line that carries the byline or dates rather than article text:
/// "By · 11 February 2023 · Updated 14 February" (Readability lifts the author's name out
/// of such lines and leaves the rest).
fn is_meta_line(paragraph: &str) -> bool {
    // More than 12 words: the count stops at the thirteenth.
    if paragraph.split_whitespace().nth(12).is_some() || date_in_text(paragraph).is_none() {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_are_split_on_blank_lines() {
        for text in [
            "", "a", "a\n\nb", "a\n\n\nb", "\n\n\n\n", "a\nb\n\n", "\n\na",
        ] {
            assert_eq!(
                paragraphs(text),
                text.split("\n\n").collect::<Vec<_>>(),
                "{text:?}"
            );
        }
    }

    /// A paragraph of `n` words of running text.
    fn running(n: usize) -> String {
        (0..n)
            .map(|i| format!("word{i}"))
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn closing_list_of_other_articles_is_cut() {
        let body = [running(60), running(70)].join("\n\n");
        let teasers = [
            "Also in the news",
            "Council approves the new harbour budget after a long debate that ran late into the night and left two members...",
            "Front Page",
        ]
        .join("\n\n");
        let text = without_furniture(&format!("{body}\n\n{teasers}"), None);
        assert_eq!(text, body);
    }

    #[test]
    fn inline_related_box_before_more_article_text_is_kept() {
        let text = [running(120), "Related stories".into(), running(40)].join("\n\n");
        let kept = without_furniture(&text, None);
        assert!(kept.ends_with(&running(40)), "{kept}");
    }

    #[test]
    fn heading_too_early_is_not_an_ending() {
        let text = [running(30), "Related".into(), "Short headline".into()].join("\n\n");
        assert!(without_furniture(&text, None).ends_with("Short headline"));
    }

    #[test]
    fn a_long_paragraph_repeated_is_kept_once_but_short_repeats_stay() {
        let long = running(40);
        let text = [long.clone(), "Yes".into(), long.clone(), "Yes".into()].join("\n\n");
        assert_eq!(
            without_furniture(&text, None),
            format!("{long}\n\nYes\n\nYes")
        );
    }
}
