//! Main text and metadata from a news web page.
//!
//! One parse of the page (html5ever through `dom_query`) serves every step:
//! 1. [`meta`] reads title, authors, dates, site, canonical URL, language, section and tags
//!    from JSON-LD, OpenGraph and other meta tags, `<time>`, visible date elements and the URL;
//! 2. [`prune`] removes page furniture that Readability scoring keeps too often on news pages
//!    (captions, share bars, related links, newsletter and cookie prompts, comments, author
//!    boxes, ad labels, tag clouds, navigation) before scoring, so it never reaches the body;
//! 3. `dom_smoothie` (a Readability.js port) picks the article container;
//! 4. [`text`] turns that container into paragraphs and drops the line-level junk that lives
//!    inside article containers (reading-time lines, "Advertisement", "Share this"), and the
//!    headline when the body repeats it;
//! 5. when that leaves almost nothing ([`FALLBACK_BELOW_WORDS`]) or a small part of a page
//!    full of text ([`FALLBACK_BELOW_SHARE`]), the `trafilatura` crate (a port of
//!    go-trafilatura: CSS rules, paragraph scoring, jusText) gets the same prepared page, and
//!    its content, through the same [`text`] step, wins when it is clearly longer.
//!
//! Extraction never panics on bad input and never recurses on the depth of the page: the
//! page is flattened past [`MAX_DEPTH`] levels before any tree walk, and scripts, styles
//! and inline SVG never reach the parser (see [`prepare`]).

mod chunk;
pub mod meta;
mod prepare;
mod prune;
mod text;
mod walk;

use dom_query::Document;

pub use meta::PageMeta;

/// Element nesting deeper than this is flattened before parsing; no real article nests this
/// deep, and the tree code of our dependencies recurses on depth.
pub const MAX_DEPTH: usize = 256;

/// Below this many words the Readability result is taken for a miss (a news article
/// rarely has fewer) and the fallback extractor is tried. On wcxb_dev's 709 article pages
/// 5 are below it, and the fallback recovers 4 that Readability had empty or held only a
/// menu (article F1 0.9365 → 0.9409).
pub const FALLBACK_BELOW_WORDS: usize = 100;

/// The fallback is also tried when the Readability text holds less than this share of the
/// words the page shows: Readability may have taken one section of a long guide. On
/// wcxb_dev's article pages this tries 20 more pages (2.8%) and takes the fallback's text on
/// 6 (article F1 0.9409 → 0.943); a fifth was chosen over a sixth or a quarter (same or lower).
pub const FALLBACK_BELOW_SHARE: f64 = 0.2;

/// Readability's result is long enough at this many characters (else it retries with
/// looser cleaning, up to four attempts, and keeps the longest).
const CHAR_THRESHOLD: usize = 2_000;

/// ... or at this share of the characters the page's body holds after [`prune`] (outside
/// the elements it removes whole): a page that shows less than [`CHAR_THRESHOLD`] cannot
/// reach it, and every attempt ran only to keep the longest. wcxb_dev, article (all pages)
/// F1: none 0.9446 (0.8721), 0.8 → 0.9447, 0.7 → 0.9448 (0.8722), 0.6 → 0.9449 (0.8723:
/// 16 pages change, 11 better), 0.5 → 0.9450 (0.8722: 17 change, 10 better), 0.3 → 0.9448.
const THRESHOLD_PAGE_SHARE: f64 = 0.6;

/// Which extractor produced [`Extraction::text`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Extractor {
    /// dom_smoothie's Readability with our furniture removal (almost every page).
    #[default]
    Readability,
    /// The `trafilatura` crate, after Readability found almost nothing.
    Trafilatura,
}

impl Extractor {
    pub fn name(self) -> &'static str {
        match self {
            Extractor::Readability => "readability",
            Extractor::Trafilatura => "trafilatura",
        }
    }
}

/// What [`extract`] found in a page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extraction {
    /// The article body: paragraphs separated by a blank line; empty when there is none.
    pub text: String,
    pub meta: PageMeta,
    /// Why `text` is empty, when it is.
    pub empty_reason: Option<&'static str>,
    pub extractor: Extractor,
}

/// Extracts the main text and metadata of one HTML page. `url` is where the page came from,
/// used when the page names no canonical URL and for the URL date pattern.
pub fn extract(html: &str, url: Option<&str>) -> Extraction {
    let prepared = prepare::prepare(html, MAX_DEPTH);
    let mut extraction = readability(&prepared.html, url);
    let title = extraction.meta.title.clone();
    with_fallback(&mut extraction, prepared.words, || {
        fallback_text(&prepared.html, title.as_deref())
    });
    meta::finish(&mut extraction.meta, &extraction.text);
    extraction
}

/// A paragraph this long is running text, not a menu, a form or a list of links.
const RUNNING_TEXT_WORDS: usize = 25;

/// Replaces a Readability text of fewer than [`FALLBACK_BELOW_WORDS`] words, or of less than
/// [`FALLBACK_BELOW_SHARE`] of the `page_words`, by the fallback's, when that is clearly
/// longer (half as long again) and holds running text (on a sign-in page the fallback
/// returns the menu and the form's labels).
fn with_fallback(
    extraction: &mut Extraction,
    page_words: usize,
    fallback: impl FnOnce() -> Option<String>,
) {
    let words = word_count(&extraction.text);
    if words >= FALLBACK_BELOW_WORDS && words as f64 >= FALLBACK_BELOW_SHARE * page_words as f64 {
        return;
    }
    let better = |text: &String| {
        2 * word_count(text) > 3 * words
            && text
                .split("\n\n")
                .any(|paragraph| word_count(paragraph) >= RUNNING_TEXT_WORDS)
    };
    if let Some(text) = fallback().filter(better) {
        extraction.text = text;
        extraction.empty_reason = None;
        extraction.extractor = Extractor::Trafilatura;
    }
}

/// `text.split_whitespace().count()`, eight ASCII bytes at a time where it can: decoding
/// every character made this count 1 % of extraction time.
fn word_count(text: &str) -> usize {
    let mut words = 0;
    let mut in_word = false;
    for step in chunk::whitespace_steps(text) {
        match step {
            chunk::Step::Chunk(space) => {
                let word = chunk::not(space);
                words += chunk::count(word & !chunk::after_same(word, in_word));
                in_word = chunk::last(word);
            }
            chunk::Step::Char(space) => {
                words += usize::from(!space && !in_word);
                in_word = !space;
            }
        }
    }
    words
}

/// The `trafilatura` crate's main content of the prepared page, as our paragraphs. A panic
/// inside the crate is caught so that one odd page costs only its fallback.
fn fallback_text(prepared: &str, title: Option<&str>) -> Option<String> {
    // Only the content is used (`meta` has the dates): its date search was 6 % of all
    // extraction time on wcxb_dev articles. Comment sections are pruned up front instead
    // of extracted on their own (6 % of the fallback's time; wcxb_dev: one article page
    // better, 0.65 → 0.69, one forum page worse, 0.89 → 0.82; all pages 0.87232 → 0.87233).
    let options = trafilatura::Options::default()
        .with_html_date_mode(trafilatura::HtmlDateMode::Disabled)
        .with_exclude_comments(true);
    let content = std::panic::catch_unwind(|| trafilatura::extract(prepared, &options))
        .ok()?
        .ok()?
        .content_html;
    Some(text::article_text(&content, title)).filter(|text| !text.is_empty())
}

/// The element dom_smoothie puts the article in (`Article::content` is its HTML).
const ARTICLE_ROOT: &str = "#readability-page-1";

/// Steps 1–4: metadata (but for what the text gives), furniture removal, Readability,
/// paragraphs.
fn readability(prepared: &str, url: Option<&str>) -> Extraction {
    let document = Document::from(prepared);
    let meta = meta::page_meta(&document, url);
    let page_chars = prune::remove_junk(&document);
    let config = dom_smoothie::Config {
        max_elements_to_parse: 200_000,
        // The page's JSON-LD was read by `meta`, with more fields than Readability keeps.
        disable_json_ld: true,
        // Readability retries with looser cleaning while the result is shorter than this.
        // The default (500 characters) stops at a partial container on long news pages;
        // measured on wcxb_dev articles: 500 → F1 0.929, 1,000 → 0.933, 2,000 → 0.934,
        // 3,000 → 0.934; fewer or more top candidates (3, 10) did not help. On a page that
        // shows little text no attempt can reach it, and all four ran: see
        // [`THRESHOLD_PAGE_SHARE`].
        char_threshold: CHAR_THRESHOLD.min((page_chars as f64 * THRESHOLD_PAGE_SHARE) as usize),
        // Nodes scoring below this skip Readability's link-density adjustment, the costliest
        // step of its scoring. wcxb_dev articles (all pages): 5 (default) → F1 0.9354 (0.8403),
        // 10 → 0.9358, 20 → 0.9363, 30 → 0.9365 (0.8445), 50 → 0.9364, 100 → 0.9345.
        min_score_to_adjust: 30.0,
        ..Default::default()
    };
    // After `parse`, the Readability's document holds the article under its own root
    // element; it is walked in place rather than serialised and parsed again.
    // No URL: Readability would only make the article's links absolute, and the text keeps
    // no links.
    let readability = dom_smoothie::Readability::with_document(document, None, Some(config))
        .ok()
        .and_then(|mut readability| readability.parse().is_ok().then_some(readability));
    let root = readability.as_ref().and_then(|readability| {
        readability
            .doc
            .select_single(ARTICLE_ROOT)
            .nodes()
            .first()
            .copied()
    });
    let Some(root) = root else {
        return Extraction {
            meta,
            empty_reason: Some("no article found: no block of the page reads as running text"),
            ..Extraction::default()
        };
    };
    let text = text::node_text(root, meta.title.as_deref());
    let empty_reason = text
        .is_empty()
        .then_some("no article found: the best candidate block held only page furniture");
    Extraction {
        text,
        meta,
        empty_reason,
        extractor: Extractor::Readability,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `n` words, in paragraphs of at most 30.
    fn words(n: usize) -> String {
        let words = vec!["harbour"; n];
        let paragraphs: Vec<String> = words.chunks(30).map(|p| p.join(" ")).collect();
        paragraphs.join("\n\n")
    }

    fn readability_result(text: String) -> Extraction {
        Extraction {
            empty_reason: text.is_empty().then_some("no article found"),
            text,
            ..Extraction::default()
        }
    }

    #[test]
    fn the_fallback_runs_only_below_the_word_floor_and_wins_only_when_clearly_longer() {
        let mut enough = readability_result(words(FALLBACK_BELOW_WORDS));
        with_fallback(&mut enough, FALLBACK_BELOW_WORDS, || {
            panic!("not asked for a long text")
        });
        assert_eq!(enough.extractor, Extractor::Readability);

        let mut empty = readability_result(String::new());
        with_fallback(&mut empty, 0, || Some(words(30)));
        assert_eq!(empty.extractor, Extractor::Trafilatura);
        assert_eq!(empty.text, words(30));
        assert_eq!(empty.empty_reason, None);

        let mut short = readability_result(words(40));
        with_fallback(&mut short, 0, || Some(words(55)));
        assert_eq!(
            (short.extractor, short.text),
            (Extractor::Readability, words(40))
        );
        let mut short = readability_result(words(40));
        with_fallback(&mut short, 0, || Some(words(61)));
        assert_eq!(
            (short.extractor, short.text),
            (Extractor::Trafilatura, words(61))
        );

        let mut nothing = readability_result(String::new());
        with_fallback(&mut nothing, 0, || None);
        assert_eq!(nothing.extractor, Extractor::Readability);
        assert!(nothing.empty_reason.is_some());

        // A long page of which Readability kept a small part.
        let mut part = readability_result(words(150));
        with_fallback(&mut part, 5 * 150, || panic!("a fifth is not a small part"));
        with_fallback(&mut part, 5 * 150 + 1, || Some(words(300)));
        assert_eq!(
            (part.extractor, part.text),
            (Extractor::Trafilatura, words(300))
        );

        // A menu is no article, however long.
        let mut menu = readability_result(String::new());
        with_fallback(&mut menu, 0, || Some(vec!["Home"; 80].join("\n\n")));
        assert_eq!(
            (menu.extractor, menu.text.as_str()),
            (Extractor::Readability, "")
        );
    }

    proptest::proptest! {
        #[test]
        fn word_counts_are_split_whitespaces(
            text in chunk::mixed_text(),
        ) {
            proptest::prop_assert_eq!(word_count(&text), text.split_whitespace().count());
        }
    }

    #[test]
    fn the_fallback_gives_our_paragraphs() {
        let paragraph = "The council voted on Tuesday to extend the harbour wall by forty metres, \
            after two winters of storms flooded the old fish market and closed the ferry landing.";
        let page = format!(
            "<html><head><title>Harbour wall to grow</title></head><body>\
             <nav><a href='/'>Home</a> <a href='/news'>News</a></nav>\
             <article><h1>Harbour wall to grow</h1><p>{paragraph}</p><p>{paragraph}</p>\
             <p>{paragraph}</p></article><footer>Copyright 2026</footer></body></html>"
        );
        let text = fallback_text(&page, Some("Harbour wall to grow")).expect("a text");
        assert_eq!(text, [paragraph; 3].join("\n\n"));
    }
}
