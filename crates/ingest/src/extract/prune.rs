//! Page furniture removed before Readability scores the page.
//!
//! Readability keeps whatever sits inside the winning container, and on news pages that
//! container often also holds share bars, captions, "related" rails, newsletter boxes and
//! author bios. These are recognised by what the markup says they are — the element's tag,
//! ARIA role, or words in its `class` / `id` — never by site. Class words are matched whole
//! (split on `-`, `_`, spaces), so `ad` matches `ad-slot` but not `header`.

use dom_query::{Document, NodeRef};

/// Elements that are never article text.
const JUNK_TAGS: &str = "nav, aside, footer, form, button, select, textarea, iframe, noscript, \
    dialog, figcaption, template, svg, canvas, video, audio, object, embed, [hidden], \
    [role=navigation], [role=complementary], [role=contentinfo], [role=banner], \
    [role=dialog], [role=alertdialog], [aria-hidden=true]";

/// Whole class/id words that name furniture.
const JUNK_WORDS: &[&str] = &[
    "share",
    "shares",
    "sharing",
    "sharebar",
    "social",
    "socials",
    "related",
    "recommended",
    "recommendations",
    "newsletter",
    "newsletters",
    "subscribe",
    "subscription",
    "signup",
    "cookie",
    "cookies",
    "consent",
    "gdpr",
    "comment",
    "comments",
    "commentlist",
    "disqus",
    "ad",
    "ads",
    "advert",
    "adverts",
    "advertisement",
    "advertising",
    "adslot",
    "dfp",
    "sponsored",
    "promo",
    "tags",
    "tagcloud",
    "breadcrumb",
    "breadcrumbs",
    "navbar",
    "navigation",
    "sidebar",
    "caption",
    "credit",
    "credits",
    "byline",
    "bio",
    "authorbox",
    "popup",
    "modal",
    "toolbar",
    "pagination",
    "trending",
];

/// Class/id substrings for furniture that is usually written as one word.
const JUNK_SUBSTRINGS: &[&str] = &[
    "sharedaddy",
    "addtoany",
    "sharethis",
    "author-box",
    "author-bio",
    "about-author",
    "authorbio",
    "related-posts",
    "relatedposts",
    "read-more",
    "readmore",
    "more-stories",
    "wp-caption-text",
    "post-tags",
    "tag-cloud",
    "tagcloud",
    "cookie-banner",
    "newsletter",
];

/// Removes furniture from `document`. `html`, `body`, `main` and `article` elements are never
/// removed: WordPress and others put category and tag names (`category-ads`, `tag-cookies`)
/// into the class list of the article itself.
pub fn remove_junk(document: &Document) {
    document.select(JUNK_TAGS).remove();
    for node in document.select("[class], [id]").nodes() {
        if is_junk(node) {
            node.remove_from_parent();
        }
    }
}

fn is_junk(node: &NodeRef<'_>) -> bool {
    let Some(name) = node.node_name() else {
        return false;
    };
    if matches!(
        &*name,
        "html" | "body" | "main" | "article" | "p" | "h1" | "h2" | "h3"
    ) {
        return false;
    }
    let mut label = String::new();
    for attr in ["class", "id"] {
        if let Some(value) = node.attr(attr) {
            label.push_str(&value);
            label.push(' ');
        }
    }
    label.make_ascii_lowercase();
    label
        .split_ascii_whitespace()
        // Category and tag names of the post, not the element's role.
        .filter(|class| {
            ![
                "category-",
                "tag-",
                "status-",
                "format-",
                "type-",
                "has-",
                "is-",
            ]
            .iter()
            .any(|prefix| class.starts_with(prefix))
        })
        .any(|class| {
            JUNK_SUBSTRINGS.iter().any(|s| class.contains(s))
                || class
                    .split(|c: char| !c.is_ascii_alphanumeric())
                    .any(|word| JUNK_WORDS.contains(&word))
        })
}
