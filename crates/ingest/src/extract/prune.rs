//! Page furniture removed before Readability scores the page.
//!
//! Readability keeps whatever sits inside the winning container, and on news pages that
//! container often also holds share bars, captions, "related" rails, newsletter boxes and
//! author bios. These are recognised by what the markup says they are — the element's tag,
//! ARIA role, or words in its `class` / `id` — never by site. Class words are matched whole
//! (split on `-`, `_`, spaces), so `ad` matches `ad-slot` but not `header`.

use dom_query::{Document, NodeRef};

/// Elements that are never article text. Deliberately short: `aside` and `form` were tried
/// and cost more than they gained on wcxb_dev (pull quotes live in `aside`, and ASP.NET
/// pages wrap the whole page in one `form`); figures and captions are dropped by the text
/// converter instead, which keeps tables.
const JUNK_TAGS: &str = "nav, footer, dialog, [hidden], [role=navigation], [role=contentinfo], \
    [role=dialog], [role=alertdialog]";

/// Elements that mark the article body; they and their ancestors are never removed, so a
/// wrapper named for its layout (`content-sidebar-wrap`, `modal-content`) keeps its article.
/// `prepare::holds_article` looks for the same markers in bytes: change both together.
const CONTENT_MARKERS: &str = "article, main, [role=main], [itemprop=articleBody], \
    [class*=entry-content], [class*=post-content], [class*=article-body], \
    [class*=article-content], [class*=story-body], [class*=post-body]";

/// A matching element is removed only when it holds less than 1/10 of the page's text:
/// furniture is small, while a large match is a layout wrapper (`with-sidebar`,
/// `body-ad-wrapper`) around the article. Without this guard the class rules lost 0.007 F1.
const MAX_SHARE_DIVISOR: usize = 10;

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
    "toc",
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
    "table-of-contents",
    "ez-toc",
];

/// Removes furniture from `document`. `html`, `body`, `main` and `article` elements are never
/// removed by class: WordPress and others put category and tag names (`category-ads`,
/// `tag-cookies`) into the class list of the article itself.
pub fn remove_junk(document: &Document) {
    document.select(JUNK_TAGS).remove();
    let mut protected = std::collections::HashSet::new();
    for marker in document.select(CONTENT_MARKERS).nodes() {
        protected.insert(marker.id);
        protected.extend(marker.ancestors_it(None).map(|a| a.id));
    }
    let page_chars = document
        .select("body")
        .nodes()
        .first()
        .map_or(0, |body| body.normalized_char_count());
    for node in document.select("[class], [id]").nodes() {
        if !protected.contains(&node.id)
            && is_junk(node)
            && node.normalized_char_count() * MAX_SHARE_DIVISOR < page_chars
        {
            node.remove_from_parent();
        }
    }
}

fn is_junk(node: &NodeRef<'_>) -> bool {
    let Some(name) = node.node_name() else {
        return false;
    };
    if matches!(&*name, "html" | "body" | "main" | "article" | "h1") {
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
