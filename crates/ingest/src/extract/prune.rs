//! Page furniture removed before Readability scores the page.
//!
//! Readability keeps whatever sits inside the winning container, and on news pages that
//! container often also holds share bars, captions, "related" rails, newsletter boxes and
//! author bios. These are recognised by what the markup says they are — the element's tag,
//! ARIA role, or words in its `class` / `id` — never by site. Class words are matched whole
//! (split on `-`, `_`, spaces), so `ad` matches `ad-slot` but not `header`.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind};

use dom_query::{Attr as Attribute, Document, NodeData, NodeRef};

use super::chunk;
use super::walk::{Walk, walk_elements, walk_nodes};

/// Elements that are never article text (`nav`, `footer`, `dialog`, `[hidden]` and these ARIA
/// roles). Deliberately short: `aside` and `form` were tried and cost more than they gained
/// on wcxb_dev (pull quotes live in `aside`, and ASP.NET pages wrap the whole page in one
/// `form`); figures are cut before parsing (`prepare.rs`) and the text converter drops
/// captions, which keeps tables.
fn is_junk_element(name: &str, attrs: &[Attribute]) -> bool {
    matches!(name, "nav" | "footer" | "dialog")
        || attrs.iter().any(|attr| match &*attr.name.local {
            "hidden" => true,
            "role" => matches!(
                &*attr.value,
                "navigation" | "contentinfo" | "dialog" | "alertdialog"
            ),
            _ => false,
        })
}

/// Elements that mark the article body (`article`, `main`, `[role=main]`,
/// `[itemprop=articleBody]`, and classes containing [`CONTENT_CLASSES`]); they and their
/// ancestors are never removed, so a wrapper named for its layout (`content-sidebar-wrap`,
/// `modal-content`) keeps its article. `prepare::Lowered::holds_article` looks for the same markers
/// in bytes: change both together.
fn is_content_marker(name: &str, attrs: &[Attribute]) -> bool {
    matches!(name, "article" | "main")
        || attrs.iter().any(|attr| match &*attr.name.local {
            "role" => &*attr.value == "main",
            "itemprop" => &*attr.value == "articleBody",
            "class" => has_content_class(&attr.value),
            _ => false,
        })
}

/// Class substrings that mark the article body (matched case-sensitively, as CSS `[class*=…]`).
pub(super) const CONTENT_CLASSES: &[&str] = &[
    "entry-content",
    "post-content",
    "article-body",
    "article-content",
    "story-body",
    "post-body",
];

/// A matching element is removed only when it holds less than 1/10 of the page's text:
/// furniture is small, while a large match is a layout wrapper (`with-sidebar`,
/// `body-ad-wrapper`) around the article. Without this guard the class rules lost 0.007 F1.
const MAX_SHARE_DIVISOR: usize = 10;

/// Whole class/id words that name furniture (a `match`: looked up for every word of every
/// class on the page).
fn is_junk_word(word: &[u8]) -> bool {
    matches!(
        word,
        b"share"
            | b"shares"
            | b"sharing"
            | b"sharebar"
            | b"social"
            | b"socials"
            | b"related"
            | b"recommended"
            | b"recommendations"
            | b"newsletter"
            | b"newsletters"
            | b"subscribe"
            | b"subscription"
            | b"signup"
            | b"cookie"
            | b"cookies"
            | b"consent"
            | b"gdpr"
            | b"comment"
            | b"comments"
            | b"commentlist"
            | b"disqus"
            | b"ad"
            | b"ads"
            | b"advert"
            | b"adverts"
            | b"advertisement"
            | b"advertising"
            | b"adslot"
            | b"dfp"
            | b"sponsored"
            | b"promo"
            | b"tags"
            | b"tagcloud"
            | b"breadcrumb"
            | b"breadcrumbs"
            | b"navbar"
            | b"navigation"
            | b"sidebar"
            | b"caption"
            | b"credit"
            | b"credits"
            | b"byline"
            | b"bio"
            | b"authorbox"
            | b"toc"
            | b"popup"
            | b"modal"
            | b"toolbar"
            | b"pagination"
            | b"trending"
    )
}

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

// Every class word of a page is looked up: one automaton instead of a search per
// substring (those searches were most of `remove_junk`'s time), built as a DFA because the
// words are short: the default automaton with its prefilter cost about a thousand
// instructions a word.
static JUNK_SUBSTRING_FINDER: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .kind(Some(AhoCorasickKind::DFA))
        .prefilter(false)
        .build(JUNK_SUBSTRINGS)
        .expect("fixed patterns build")
});

/// Whether a class attribute contains one of [`CONTENT_CLASSES`]. Each of them is two words
/// joined by a `-`, so only the dashes of the value are looked at: an automaton over every
/// class attribute of the page cost 4 % of extraction time.
fn has_content_class(value: &str) -> bool {
    static PARTS: LazyLock<Vec<(&str, &str)>> = LazyLock::new(|| {
        CONTENT_CLASSES
            .iter()
            .filter_map(|marker| marker.split_once('-'))
            .collect()
    });
    memchr::memchr_iter(b'-', value.as_bytes()).any(|dash| {
        let (before, after) = (&value[..dash], &value[dash + 1..]);
        PARTS
            .iter()
            .any(|(head, tail)| after.starts_with(tail) && before.ends_with(head))
    })
}

/// Removes furniture from `document`. `html`, `body`, `main` and `article` elements are never
/// removed by class: WordPress and others put category and tag names (`category-ads`,
/// `tag-cookies`) into the class list of the article itself.
///
/// Walks over the tree instead of CSS selectors: selector matching over every element
/// was 15 % of extraction time. Returns the characters of the body outside the junk
/// elements (`nav`, `footer`, dialogs...), as `NodeRef::normalized_char_count` counts them.
pub fn remove_junk(document: &Document) -> usize {
    // One walk finds the junk elements, the article markers outside them and counts the
    // characters of the body without them, as `char_count` of the body after the removal
    // would (a second pass over the body was 1.6 % of extraction time). Text nodes come in
    // page order, and every one after the body's start tag is inside the body (the parser
    // puts text after `</body>` into it). Markers and their ancestors: a few dozen nodes,
    // looked up for every element.
    let mut junk = Vec::new();
    let mut protected = Vec::new();
    let in_body = std::cell::Cell::new(false);
    let mut counter = CharCounter::default();
    walk_nodes(
        document.root(),
        |node, name, attrs| {
            if is_junk_element(name, attrs) {
                junk.push(node);
                return Walk::Over;
            }
            if name == "body" {
                in_body.set(true);
            }
            if is_content_marker(name, attrs) {
                protected.push(node.id);
                protected.extend(node.ancestors_it(None).map(|a| a.id));
            }
            Walk::Into
        },
        |text| {
            if in_body.get() {
                counter.add(text);
            }
        },
    );
    for node in junk {
        node.remove_from_parent();
    }
    protected.sort_unstable();
    protected.dedup();
    let page_chars = counter.total();
    walk_elements(document.root(), |node, name, attrs| {
        if protected.binary_search(&node.id).is_err()
            && is_junk_label(name, attrs)
            && char_count(node) * MAX_SHARE_DIVISOR < page_chars
        {
            return Walk::Remove;
        }
        Walk::Into
    });
    page_chars
}

/// Whether the element's class or id words name furniture, in any ASCII case.
fn is_junk_label(name: &str, attrs: &[Attribute]) -> bool {
    if matches!(name, "html" | "body" | "main" | "article" | "h1") {
        return false;
    }
    attrs
        .iter()
        .filter(|attr| matches!(&*attr.name.local, "class" | "id"))
        .any(|attr| is_junk_value(&attr.value))
}

/// [`is_junk_label`] for one `class` or `id` value, read in place (copying and lower-casing
/// the values first was a third of this check).
fn is_junk_value(value: &str) -> bool {
    // No substring spans a space, so one search of the whole value rules out every class
    // on most elements (a search per class word was a third of this check).
    let has_substring = JUNK_SUBSTRING_FINDER.is_match(value);
    value.split_ascii_whitespace().any(|class| {
        // Class words are split on bytes: a non-ASCII character only separates words, as
        // it did split on characters, and the words looked for are ASCII. The prefix test
        // comes last: few classes name furniture at all.
        ((has_substring && JUNK_SUBSTRING_FINDER.is_match(class))
            || class
                .as_bytes()
                .split(|b| !b.is_ascii_alphanumeric())
                .any(is_junk_word_any_case))
            && !is_post_label(class)
    })
}

/// [`is_junk_word`] in any ASCII case (lower-cased on the stack: no junk word is longer).
fn is_junk_word_any_case(word: &[u8]) -> bool {
    let mut lower = [0u8; 16];
    if word.len() > lower.len() {
        return false;
    }
    for (to, from) in lower.iter_mut().zip(word) {
        *to = from.to_ascii_lowercase();
    }
    is_junk_word(&lower[..word.len()])
}

/// Category and tag names of the post, not the element's role.
fn is_post_label(class: &str) -> bool {
    [
        "category-",
        "tag-",
        "status-",
        "format-",
        "type-",
        "has-",
        "is-",
    ]
    .iter()
    .any(|prefix| {
        class
            .as_bytes()
            .get(..prefix.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(prefix.as_bytes()))
    })
}

/// What `NodeRef::normalized_char_count` gives (the characters of the text under `node`,
/// a run of whitespace counted as one, none at the end), counted a byte at a time where the
/// text is ASCII: decoding every character made that count 1.8 % of extraction time here.
fn char_count(node: NodeRef<'_>) -> usize {
    let mut counter = CharCounter::default();
    for node in std::iter::once(node).chain(node.descendants_it()) {
        node.query(|tree_node| {
            if let NodeData::Text { contents } = &tree_node.data {
                counter.add(contents);
            }
        });
    }
    counter.total()
}

/// [`char_count`] over text nodes handed to it in page order.
struct CharCounter {
    count: usize,
    last_was_whitespace: bool,
}

impl Default for CharCounter {
    fn default() -> Self {
        Self {
            count: 0,
            last_was_whitespace: true,
        }
    }
}

impl CharCounter {
    fn add(&mut self, text: &str) {
        self.count += text_char_count(text, self.last_was_whitespace);
        // As dom_query does: an empty text node ends no whitespace.
        self.last_was_whitespace = text.ends_with(char::is_whitespace);
    }

    fn total(&self) -> usize {
        self.count - usize::from(self.last_was_whitespace && self.count > 0)
    }
}

/// Characters of `text`, a whitespace that follows a whitespace (or starts the text after
/// one, `after_whitespace`) not counted. Eight ASCII bytes at a time where it can.
fn text_char_count(text: &str, after_whitespace: bool) -> usize {
    let mut count = 0;
    let mut previous = after_whitespace;
    for step in chunk::whitespace_steps(text) {
        match step {
            chunk::Step::Chunk(space) => {
                count += 8 - chunk::count(chunk::after_same(space, previous));
                previous = chunk::last(space);
            }
            chunk::Step::Char(whitespace) => {
                count += usize::from(!(previous && whitespace));
                previous = whitespace;
            }
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_classes_are_found_where_a_substring_search_finds_them() {
        // The dash check relies on every marker having a dash.
        assert!(CONTENT_CLASSES.iter().all(|marker| marker.contains('-')));
        for value in [
            "entry-content",
            "wrap post-content clearfix",
            "article-body-inner",
            "xarticle-contents",
            "story--body",
            "entry content",
            "post-bodyguard",
            "content-sidebar-wrap",
            "-body",
            "",
            "é-post-body",
        ] {
            let expected = CONTENT_CLASSES.iter().any(|marker| value.contains(marker));
            assert_eq!(has_content_class(value), expected, "{value:?}");
        }
    }

    proptest::proptest! {
        /// The chunked count is the character-by-character one.
        #[test]
        fn text_char_counts_are_char_by_char(
            text in chunk::mixed_text(),
            after in proptest::bool::ANY,
        ) {
            let mut expected = 0;
            let mut previous = after;
            for c in text.chars() {
                expected += usize::from(!(previous && c.is_whitespace()));
                previous = c.is_whitespace();
            }
            proptest::prop_assert_eq!(text_char_count(&text, after), expected);
        }
    }

    proptest::proptest! {
        /// The label check matches the one it replaced (a search per class, prefixes
        /// first, words split on characters).
        #[test]
        fn junk_labels_are_the_per_class_checks(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    " ", "-", "_", "é", "Share", "ad", "ads", "header", "tag-", "category-",
                    "is-", "cookies", "sharedaddy", "read-more", "wp-caption-text", "x",
                    "post", "content", "newsletter", "Related", "toc", "TAG-", "SHAREDADDY",
                    "Read-More", "Is-", "recommendationsx",
                ]),
                0..12,
            ),
            id in proptest::sample::select(vec!["", "main-ad", "story", "TOC"]),
        ) {
            let class: String = pieces.concat();
            let document = Document::from(format!(
                "<div class=\"{class}\" id=\"{id}\">x</div>"
            ));
            let node = document.select("div").nodes()[0];
            let element = node.element_ref().expect("an element");
            let got = is_junk_label(&element.name.local, &element.attrs);
            let mut expected_label = format!("{class} {id} ");
            expected_label.make_ascii_lowercase();
            let expected = expected_label
                .split_ascii_whitespace()
                .filter(|class| !is_post_label(class))
                .any(|class| {
                    JUNK_SUBSTRINGS.iter().any(|s| class.contains(s))
                        || class
                            .split(|c: char| !c.is_ascii_alphanumeric())
                            .any(|word| is_junk_word(word.as_bytes()))
                });
            proptest::prop_assert_eq!(got, expected, "{}", expected_label);
        }
    }

    #[test]
    fn char_counts_are_dom_querys() {
        for page in [
            "<p>a  b</p>",
            "<div> x <b>y </b>\u{a0}\u{a0}z\u{3000}<i></i> </div>\t",
            "<p>Ünïcödé\u{85}\u{2028} text\x0b\x0c end </p><p></p>",
            "",
            "   ",
        ] {
            let document = Document::from(page);
            for node in std::iter::once(document.root()).chain(document.root().descendants_it()) {
                assert_eq!(char_count(node), node.normalized_char_count(), "{page}");
            }
        }
    }
}
