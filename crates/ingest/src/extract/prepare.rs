//! One pass over the raw HTML before parsing, with two jobs.
//!
//! 1. **A guard against pathological nesting.** html5ever builds its tree iteratively, but
//!    code that walks the tree afterwards (Readability scoring, serialisation, our own passes
//!    in dependencies) recurses on depth, and 10,000 nested `<div>`s overflow a thread's
//!    stack. Real articles nest a few dozen levels, so tags opened past the limit are dropped
//!    (their text is kept, in order), together with their matching end tags. Tags whose end
//!    tag HTML lets the parser imply (`p`, `li`, `td`...) and void elements do not nest by
//!    themselves and are not counted, so pages full of unclosed `<p>`s are left alone.
//! 2. **Less to parse.** Scripts, style sheets, inline SVG and comments are about half the
//!    bytes of a news page (48 % on wcxb_dev's article pages) and no later step reads them,
//!    so they are cut here instead of being tokenised, built into the tree and then removed
//!    by Readability. JSON-LD scripts stay: [`super::meta`] reads them. Navigation (`<nav>`,
//!    17 % of what is left) and footers go too, as `prune` would remove them after parsing,
//!    and figures and buttons, which the text step skips: each unless it holds an article
//!    marker or is never closed (then the parser and `prune` decide), and a footer also
//!    unless it holds a `<time>` or JSON-LD (where pages put "Last updated"). Links other
//!    than the canonical one and elements whose content is never article text (`<noscript>`,
//!    `<select>`, `<iframe>`, media...) go as well, and runs of whitespace outside `<pre>`
//!    shrink to one character. The page's word count, which decides whether the fallback
//!    extractor runs, is taken in the same pass.
//!
//! Hand-written because it must not build a tree: it is the step that protects the tree
//! builders, and a tokenizer crate would cost what this pass exists to save.

use std::sync::LazyLock;

use memchr::{memchr, memchr3, memmem};

use super::chunk;

/// A page ready for parsing.
pub struct Prepared {
    /// The page with element nesting capped and scripts (except JSON-LD), style sheets,
    /// inline SVG, comments, navigation, footers, figures and buttons removed (as the
    /// module documentation says).
    pub html: String,
    /// About how many words the page shows: runs of letters and digits outside tags,
    /// scripts (JSON-LD may repeat the whole article) and the `<title>`, counted in the same
    /// pass. Character references count as words; it is a measure of size, not a tokenizer.
    pub words: usize,
}

/// [`Prepared`] `html` with element nesting capped at `max_depth`.
pub fn prepare(html: &str, max_depth: usize) -> Prepared {
    let bytes = html.as_bytes();
    let mut out = String::with_capacity(html.len() / 2);
    // Bytes before `copied` are in `out` or were dropped.
    let mut copied = 0;
    // Text from here to the next tag is shown (its words are not counted yet).
    let mut text_from = 0;
    let mut words = 0;
    let mut depth = 0usize;
    let mut dropped = 0usize;
    // Open `<pre>`-like elements, where whitespace is kept as it is.
    let mut preformatted = 0usize;
    // Whether the last tag kept was a block's (start or end) tag: whitespace-only text after
    // it, or before another block's tag, is not shown and is dropped (on article pages 3 of 4
    // text runs between tags are only whitespace, each one a node for every later step).
    let mut after_block = false;
    let mut i = 0;
    while let Some(offset) = memchr(b'<', &bytes[i..]) {
        let start = i + offset;
        let rest = &bytes[start..];
        if rest.starts_with(b"<!--") {
            let end = find(bytes, start + 4, b"-->").map_or(bytes.len(), |end| end + 3);
            let spaces = spaces(preformatted, false, false);
            words += take_text(html, text_from, start, spaces, &mut out, &mut copied);
            out.push_str(&html[copied..start]);
            copied = end;
            text_from = end;
            i = end;
            continue;
        }
        let closing = rest.get(1) == Some(&b'/');
        let name_start = start + 1 + usize::from(closing);
        let name_end = bytes[name_start..]
            .iter()
            .position(|b| !b.is_ascii_alphanumeric())
            .map_or(bytes.len(), |p| name_start + p);
        if name_end == name_start || !bytes[name_start].is_ascii_alphabetic() {
            i = start + 1;
            continue;
        }
        let name = TagName::new(&bytes[name_start..name_end]);
        let tag_end = tag_end(bytes, name_end);
        let self_closing = tag_end >= 2 && bytes[tag_end - 2] == b'/';
        // Past the depth limit a tag is dropped (its text is kept), so it separates nothing:
        // the whitespace beside it must stay.
        let counted = counts(name.as_bytes());
        let drop = if closing {
            counted && dropped > 0
        } else {
            counted && !self_closing && depth >= max_depth
        };
        let block = is_block(name.as_bytes()) && !drop;
        let spaces = spaces(preformatted, after_block, block);
        words += take_text(html, text_from, start, spaces, &mut out, &mut copied);
        if !closing {
            let cut_to = match name.as_bytes() {
                b"script" if !contains_ignore_case(&bytes[name_end..tag_end], b"ld+json") => {
                    Some(element_end(bytes, tag_end, b"script"))
                }
                b"style" => Some(element_end(bytes, tag_end, b"style")),
                // Style sheets, preloads, icons, feeds: only the canonical link is read.
                b"link" if !contains_ignore_case(&bytes[name_end..tag_end], b"canonical") => {
                    Some(tag_end)
                }
                b"svg" if !self_closing => {
                    Some(nested_end(bytes, tag_end, b"svg").unwrap_or(bytes.len()))
                }
                furniture @ (b"nav" | b"footer" | b"figure" | b"button") if !self_closing => {
                    nested_end(bytes, tag_end, furniture).filter(|&end| {
                        let inside = Lowered::new(&bytes[tag_end..end]);
                        let keeps_date = furniture == b"footer" && inside.holds_date();
                        !inside.holds_article() && !keeps_date
                    })
                }
                // Elements whose content is never article text and that no step reads
                // (`<noscript>` holds fallback markup as raw text).
                unread @ (b"noscript" | b"select" | b"iframe" | b"dialog" | b"video" | b"audio"
                | b"object" | b"canvas" | b"map" | b"textarea")
                    if !self_closing =>
                {
                    nested_end(bytes, tag_end, unread)
                        .filter(|&end| !Lowered::new(&bytes[tag_end..end]).holds_article())
                }
                _ => None,
            };
            if let Some(end) = cut_to {
                after_block = false;
                out.push_str(&html[copied..start]);
                copied = end;
                text_from = end;
                i = end;
                continue;
            }
        }
        if matches!(name.as_bytes(), b"pre" | b"listing" | b"xmp" | b"plaintext") {
            preformatted = if closing {
                preformatted.saturating_sub(1)
            } else {
                preformatted + 1
            };
        }
        if counted && (closing || !self_closing) {
            match (closing, drop) {
                (true, true) => dropped -= 1,
                (true, false) => depth = depth.saturating_sub(1),
                (false, true) => dropped += 1,
                (false, false) => depth += 1,
            }
        }
        if drop {
            out.push_str(&html[copied..start]);
            copied = tag_end;
        }
        i = tag_end;
        if !closing && let raw @ (b"script" | b"textarea" | b"title") = name.as_bytes() {
            // Raw text: a `<` inside it is not a tag.
            i = find_end_tag(bytes, i, raw).unwrap_or(bytes.len());
        }
        after_block = block;
        text_from = i;
    }
    let spaces = spaces(preformatted, false, false);
    words += take_text(html, text_from, html.len(), spaces, &mut out, &mut copied);
    out.push_str(&html[copied..]);
    Prepared { html: out, words }
}

/// The words of the shown text `html[from..to]`; outside preformatted elements its runs of
/// whitespace are also shortened to their first character in `out` (after copying what
/// `copied` had not): the parser and everything after it read a run as one space, and on
/// wcxb_dev's article pages the runs (indentation, mostly) were 7.5 % of the bytes left,
/// each line break taking html5ever's slow path.
fn take_text(
    html: &str,
    from: usize,
    to: usize,
    spaces: Spaces,
    out: &mut String,
    copied: &mut usize,
) -> usize {
    let text = &html[from..to];
    let (words, has_run, blank) = count_words(text);
    if blank && spaces == Spaces::DropBlank && !text.is_empty() {
        out.push_str(&html[*copied..from]);
        *copied = to;
    } else if has_run && spaces != Spaces::Keep {
        out.push_str(&html[*copied..from]);
        let bytes = text.as_bytes();
        let mut kept = 0;
        let mut i = 0;
        while i < bytes.len() {
            if is_space(bytes[i]) && bytes.get(i + 1).is_some_and(|&b| is_space(b)) {
                out.push_str(&text[kept..=i]);
                i += 2;
                while bytes.get(i).is_some_and(|&b| is_space(b)) {
                    i += 1;
                }
                kept = i;
            } else {
                i += 1;
            }
        }
        out.push_str(&text[kept..]);
        *copied = to;
    }
    words
}

/// What [`take_text`] does with whitespace.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Spaces {
    /// Inside preformatted text: as it is.
    Keep,
    /// Runs shrink to their first character.
    Shrink,
    /// As `Shrink`, and text that is only whitespace goes: it starts or ends a block, where
    /// it is not shown.
    DropBlank,
}

/// How the text before a tag, a comment or the end is copied: kept inside preformatted
/// elements, dropped when blank beside a block's tag, else shrunk.
fn spaces(preformatted: usize, after_block: bool, before_block: bool) -> Spaces {
    if preformatted > 0 {
        Spaces::Keep
    } else if after_block || before_block {
        Spaces::DropBlank
    } else {
        Spaces::Shrink
    }
}

/// Block-level elements: whitespace between their tags is not shown.
fn is_block(name: &[u8]) -> bool {
    matches!(
        name,
        b"html"
            | b"head"
            | b"body"
            | b"meta"
            | b"title"
            | b"script"
            | b"div"
            | b"p"
            | b"section"
            | b"article"
            | b"main"
            | b"header"
            | b"aside"
            | b"ul"
            | b"ol"
            | b"li"
            | b"dl"
            | b"dt"
            | b"dd"
            | b"h1"
            | b"h2"
            | b"h3"
            | b"h4"
            | b"h5"
            | b"h6"
            | b"table"
            | b"thead"
            | b"tbody"
            | b"tfoot"
            | b"tr"
            | b"td"
            | b"th"
            | b"blockquote"
            | b"form"
            | b"fieldset"
            | b"hr"
            | b"address"
            | b"details"
            | b"summary"
            | b"figcaption"
            | b"hgroup"
            | b"menu"
            | b"br"
            | b"nav"
            | b"footer"
            | b"figure"
            | b"caption"
            | b"colgroup"
            | b"col"
            | b"center"
            | b"legend"
            | b"template"
            | b"noscript"
            | b"style"
            | b"link"
            | b"base"
            | b"option"
            | b"optgroup"
            | b"source"
    )
}

/// HTML's whitespace.
const fn is_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r' | 0x0c)
}

/// The words of `text`, whether it holds a run of two or more whitespace bytes, and whether
/// it is all whitespace.
fn count_words(text: &str) -> (usize, bool, bool) {
    let bytes = text.as_bytes();
    let mut words = 0;
    // Classes of the previous byte, of every pair (has a run), of every byte (blank).
    let mut previous = 0;
    let mut runs = 0;
    let mut all = SPACE;
    let mut i = 0;
    // Eight ASCII bytes at a time where it can, else a byte at a time through a class
    // table, not `chars()`: pages are mostly ASCII, and decoding every character was most
    // of this count's time.
    while i < bytes.len() {
        if let Some(chunk) = chunk::classify(&bytes[i..], chunk::Spaces::Html) {
            let word = chunk.alphanumeric;
            words += chunk::count(word & !chunk::after_same(word, previous & WORD != 0));
            if chunk::after_same(chunk.space, previous & SPACE != 0) != 0 {
                runs |= SPACE;
            }
            if !chunk::all(chunk.space) {
                all = 0;
            }
            previous = if chunk::last(word) {
                WORD
            } else if chunk::last(chunk.space) {
                SPACE
            } else {
                0
            };
            i += 8;
            continue;
        }
        let mut class = BYTE_CLASS[usize::from(bytes[i])];
        let mut len = 1;
        if class == NOT_ASCII {
            let c = text[i..].chars().next().unwrap_or(' ');
            len = c.len_utf8();
            class = if c.is_alphanumeric() { WORD } else { 0 };
        }
        words += usize::from(class & !previous & WORD);
        runs |= class & previous;
        all &= class;
        previous = class;
        i += len;
    }
    (words, runs & SPACE != 0, all & SPACE != 0)
}

const WORD: u8 = 1;
const SPACE: u8 = 2;
const NOT_ASCII: u8 = 4;

/// [`WORD`] for ASCII letters and digits, [`SPACE`] for HTML's whitespace, [`NOT_ASCII`]
/// for the bytes of other characters.
static BYTE_CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let byte = i as u8;
        table[i] = if byte >= 0x80 {
            NOT_ASCII
        } else if byte.is_ascii_alphanumeric() {
            WORD
        } else if is_space(byte) {
            SPACE
        } else {
            0
        };
        i += 1;
    }
    table
};

/// A tag name lowercased into a fixed buffer, so the pass allocates nothing per tag. Names
/// longer than the buffer are kept as a prefix that matches none of the names looked for.
struct TagName {
    buffer: [u8; 16],
    len: usize,
}

impl TagName {
    fn new(raw: &[u8]) -> Self {
        let mut buffer = [0u8; 16];
        let len = raw.len().min(buffer.len());
        for (to, from) in buffer.iter_mut().zip(raw) {
            *to = from.to_ascii_lowercase();
        }
        Self { buffer, len }
    }

    fn as_bytes(&self) -> &[u8] {
        &self.buffer[..self.len]
    }
}

/// Whether an element of this name adds a level of nesting that only its end tag closes.
fn counts(name: &[u8]) -> bool {
    !matches!(
        name,
        b"area"
            | b"base"
            | b"br"
            | b"col"
            | b"embed"
            | b"hr"
            | b"img"
            | b"input"
            | b"link"
            | b"meta"
            | b"source"
            | b"track"
            | b"wbr"
            | b"p"
            | b"li"
            | b"dt"
            | b"dd"
            | b"option"
            | b"optgroup"
            | b"tr"
            | b"td"
            | b"th"
            | b"thead"
            | b"tbody"
            | b"tfoot"
            | b"rb"
            | b"rt"
            | b"rp"
            | b"colgroup"
    )
}

/// The index just past the `>` that ends a tag whose name ends at `from`, skipping quoted
/// attribute values.
fn tag_end(bytes: &[u8], from: usize) -> usize {
    // Jumps from one `>` or quote to the next (a byte loop over attribute values such as
    // `srcset` was a third of this pass).
    let mut i = from;
    while let Some(offset) = memchr3(b'>', b'"', b'\'', &bytes[i..]) {
        let at = i + offset;
        let quote = bytes[at];
        if quote == b'>' {
            return at + 1;
        }
        match memchr(quote, &bytes[at + 1..]) {
            Some(close) => i = at + 1 + close + 1,
            None => break,
        }
    }
    bytes.len()
}

/// Just past the end tag of a raw-text element whose content starts at `from`; the end of
/// the page when it is never closed, as the parser would read it.
fn element_end(bytes: &[u8], from: usize, name: &[u8]) -> usize {
    find_end_tag(bytes, from, name).map_or(bytes.len(), |close| tag_end(bytes, close + 2))
}

/// Just past the end tag that closes an element named `name` whose content starts at
/// `from`, counting nested elements of the same name; `None` when it is never closed.
fn nested_end(bytes: &[u8], from: usize, name: &[u8]) -> Option<usize> {
    let mut open = 1usize;
    let mut i = from;
    while let Some(offset) = memchr(b'<', &bytes[i..]) {
        let at = i + offset;
        let rest = &bytes[at..];
        let closing = rest.get(1) == Some(&b'/');
        let name_at = &rest[1 + usize::from(closing)..];
        if !starts_with_tag(name_at, name) {
            i = at + 1;
            continue;
        }
        let end = tag_end(bytes, at + 1);
        if closing {
            open -= 1;
            if open == 0 {
                return Some(end);
            }
        } else if bytes[end - 2] != b'/' {
            open += 1;
        }
        i = end;
    }
    None
}

/// The markers [`Lowered::holds_article`] looks for (lower case).
const ARTICLE_MARKERS: [&str; 4] = ["<article", "<main", "articlebody", "role=\"main"];

/// The markers [`Lowered::holds_date`] looks for (lower case).
const DATE_MARKERS: [&str; 2] = ["<time", "ld+json"];

/// Markup lower-cased once for the marker searches, each one vectorised search of the copy:
/// a case-insensitive automaton over the markup (the navigation and footers cut, mostly)
/// was 2.4 % of extraction time, and naive case-insensitive searches twice that.
struct Lowered(Vec<u8>);

impl Lowered {
    fn new(markup: &[u8]) -> Lowered {
        Lowered(markup.to_ascii_lowercase())
    }

    /// Whether the markup holds an element that marks the article: the byte-level form of
    /// `prune::is_content_marker`, which must name the same markers (this pass has no tree
    /// to run its checks on).
    fn holds_article(&self) -> bool {
        static MARKERS: LazyLock<Vec<memmem::Finder<'static>>> =
            LazyLock::new(|| finders(ARTICLE_MARKERS.iter().chain(super::prune::CONTENT_CLASSES)));
        self.holds_any(&MARKERS)
    }

    /// Whether the markup holds something [`super::meta`] reads a date from (`<time
    /// datetime>`, JSON-LD): footers often carry the page's "Last updated" time. (Without
    /// this check five wcxb_dev pages lost their date; three more lost one printed in the
    /// footer's text, all of them pages without a reference date.)
    fn holds_date(&self) -> bool {
        static MARKERS: LazyLock<Vec<memmem::Finder<'static>>> =
            LazyLock::new(|| finders(DATE_MARKERS.iter()));
        self.holds_any(&MARKERS)
    }

    fn holds_any(&self, markers: &[memmem::Finder<'_>]) -> bool {
        markers.iter().any(|marker| marker.find(&self.0).is_some())
    }
}

fn finders<'a>(markers: impl Iterator<Item = &'a &'a str>) -> Vec<memmem::Finder<'static>> {
    markers
        .map(|marker| memmem::Finder::new(marker.as_bytes()).into_owned())
        .collect()
}

/// Where `</name` starts (any case, followed by a byte that ends a tag name), from `from` on.
fn find_end_tag(bytes: &[u8], from: usize, name: &[u8]) -> Option<usize> {
    let mut i = from;
    while let Some(offset) = memmem::find(&bytes[i..], b"</") {
        let at = i + offset;
        if bytes[at + 2..].len() >= name.len()
            && bytes[at + 2..at + 2 + name.len()].eq_ignore_ascii_case(name)
            && !bytes
                .get(at + 2 + name.len())
                .is_some_and(|b| b.is_ascii_alphanumeric())
        {
            return Some(at);
        }
        i = at + 2;
    }
    None
}

/// Whether `rest` starts with `tag` (e.g. `<svg`, any case) followed by the end of the name.
fn starts_with_tag(rest: &[u8], tag: &[u8]) -> bool {
    rest.len() > tag.len()
        && rest[..tag.len()].eq_ignore_ascii_case(tag)
        && !rest[tag.len()].is_ascii_alphanumeric()
}

fn contains_ignore_case(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window.eq_ignore_ascii_case(needle))
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    memmem::find(bytes.get(from..)?, needle).map(|p| from + p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(html: &str) -> usize {
        prepare(html, MAX_TEST_DEPTH).words
    }

    const MAX_TEST_DEPTH: usize = 64;

    #[test]
    fn words_outside_tags_scripts_and_title() {
        let html = "<html><head><title>Four words in title</title>\
            <script type=\"application/ld+json\">{\"articleBody\": \"six words of the body\"}</script>\
            </head><body><p class=\"lede words\">Über 3,000 people—in Kyiv.</p>\
            <div>one<br>two</div> a < b<style>p { x: y }</style><!-- not shown --></body></html>";
        // Über, 3, 000, people, in, Kyiv, one, two, a, b.
        assert_eq!(words(html), 10);
        assert_eq!(words("x <p>y</p> <script>var z = '<p>w</p>';</script>"), 2);
        assert_eq!(words(""), 0);
        assert_eq!(words("<p unclosed"), 0);
    }

    proptest::proptest! {
        /// The chunked count is the byte-by-byte one.
        #[test]
        fn word_counts_are_byte_by_byte(
            text in chunk::mixed_text(),
        ) {
            let (mut words, mut runs, mut blank) = (0, false, true);
            let mut previous: Option<char> = None;
            let word = |c: char| c.is_alphanumeric();
            for c in text.chars() {
                words += usize::from(word(c) && !previous.is_some_and(word));
                runs |= is_space_char(c) && previous.is_some_and(is_space_char);
                blank &= is_space_char(c);
                previous = Some(c);
            }
            proptest::prop_assert_eq!(count_words(&text), (words, runs, blank));
        }
    }

    fn is_space_char(c: char) -> bool {
        c.is_ascii() && is_space(c as u8)
    }

    proptest::proptest! {
        /// The marker searches are case-insensitive automata's.
        #[test]
        fn marker_searches_ignore_ascii_case(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "<", "<ARTICLE", "<Main", "articleBody", "role=\"MAIN", "role='main",
                    "Entry-Content", "post-", "body", "story-body", "<TIME", "LD+json", "x", " ",
                    "é", "İ", "<article", "article-", "content",
                ]),
                0..12,
            ),
        ) {
            use aho_corasick::AhoCorasick;
            let markup: String = pieces.concat();
            let automaton = |markers: &[&str]| {
                AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    .build(markers)
                    .expect("fixed patterns build")
            };
            let article: Vec<&str> = ARTICLE_MARKERS
                .iter()
                .chain(crate::extract::prune::CONTENT_CLASSES)
                .copied()
                .collect();
            proptest::prop_assert_eq!(
                Lowered::new(markup.as_bytes()).holds_article(),
                automaton(&article).is_match(&markup)
            );
            proptest::prop_assert_eq!(
                Lowered::new(markup.as_bytes()).holds_date(),
                automaton(&DATE_MARKERS).is_match(&markup)
            );
        }
    }

    #[test]
    fn shallow_pages_keep_their_markup() {
        let html = "<html><body><div><p>One<p>Two</div></body></html>";
        assert_eq!(prepare(html, 4).html, html);
    }

    #[test]
    fn deep_tags_are_dropped_with_their_end_tags() {
        let html = format!("{}text{}<p>after", "<div>".repeat(10), "</div>".repeat(10));
        assert_eq!(
            prepare(&html, 3).html,
            format!("{}text{}<p>after", "<div>".repeat(3), "</div>".repeat(3))
        );
    }

    #[test]
    fn whitespace_beside_dropped_deep_tags_and_in_pre_stays() {
        // The inner divs are past the limit and dropped: "a" and "b" stay two words.
        let html = "<div><div>a</div>\n<div>b</div></div>";
        assert_eq!(prepare(html, 1).html, "<div>a\nb</div>");
        // A comment does not end preformatted text's whitespace early.
        let pre = "<pre>a\n\n  b<!--x--></pre>";
        assert_eq!(prepare(pre, 8).html, "<pre>a\n\n  b</pre>");
    }

    #[test]
    fn scripts_styles_svg_and_comments_are_cut() {
        let html = "<div>a<script>if (a <div) {}</script>b<STYLE>p{}</Style>c\
                    <svg><svg><path/></svg><text>x</text></svg>d<!-- <div> -->e</div>";
        assert_eq!(prepare(html, 2).html, "<div>abcde</div>");
    }

    #[test]
    fn navigation_is_cut_unless_it_holds_the_article_or_is_never_closed() {
        let html = "<body><NAV class=x><nav><a>Home</a></nav><a>News</a></Nav><p>Text</p></body>";
        assert_eq!(prepare(html, 8).html, "<body><p>Text</p></body>");
        let wrapper = "<nav><div><article><p>Text</p></article></div></nav>";
        assert_eq!(prepare(wrapper, 8).html, wrapper);
        let unclosed = "<nav><a>Home</a><p>Text</p>";
        assert_eq!(prepare(unclosed, 8).html, unclosed);
        assert_eq!(
            prepare("<navigation>x</navigation>", 8).html,
            "<navigation>x</navigation>"
        );
    }

    #[test]
    fn footers_figures_and_buttons_are_cut_unless_they_hold_the_article_or_a_date() {
        let html = "<body><p>Text</p><figure><img src=a.jpg><figcaption>Photo: Agency</figcaption>\
                    </figure><BUTTON>Share</BUTTON><footer><a>About us</a></footer></body>";
        assert_eq!(prepare(html, 8).html, "<body><p>Text</p></body>");
        assert_eq!(prepare(html, 8).words, 1);
        for kept in [
            "<footer><time datetime=\"2025-03-17\">17 March</time></footer>",
            r#"<footer><script type="application/ld+json">{"datePublished": "2025"}</script></footer>"#,
            "<footer><div class=\"entry-content\"><p>Text</p></div></footer>",
            "<figure><article><p>Text</p></article></figure>",
            "<footer><p>Never closed",
        ] {
            assert_eq!(prepare(kept, 8).html, kept);
        }
    }

    #[test]
    fn whitespace_runs_shrink_outside_preformatted_text() {
        let html = "<div>\n    <p>One  two\t\n three</p>\n\n<pre>  a\n\n  b</pre>  <b>c</b>\
                    \r\n  <i>d</i> <p> e </p>\r\n</div>";
        // Whitespace between inline tags stays (one character); next to a block's tag it
        // goes; inside `<pre>` it is kept.
        assert_eq!(
            prepare(html, 8).html,
            "<div><p>One two\tthree</p><pre>  a\n\n  b</pre> <b>c</b>\r<i>d</i><p> e </p></div>"
        );
        // The title and JSON-LD are left as they are.
        let head = "<title>A  B</title><script type=\"application/ld+json\">{\"a\":  1}</script>";
        assert_eq!(prepare(head, 8).html, head);
    }

    #[test]
    fn json_ld_stays() {
        let html = r#"<head><script type="application/ld+json">{"a":"</div>"}</script></head>"#;
        assert_eq!(prepare(html, 4).html, html);
    }

    #[test]
    fn unclosed_script_runs_to_the_end() {
        assert_eq!(prepare("<p>a<script>var b = '<p>';", 4).html, "<p>a");
    }

    proptest::proptest! {
        /// Tag soup from the pieces the pass treats specially: it never panics (every cut
        /// falls on a character boundary), only ever removes, and keeps text the same
        /// bytes in the same order.
        #[test]
        fn tag_soup_only_loses_bytes(pieces in proptest::collection::vec(
            proptest::sample::select(vec![
                "<script>", "</script>", "<script type=\"application/ld+json\">", "<STYLE>",
                "</style >", "<svg>", "</svg>", "<svg/>", "<!--", "-->", "<div>", "</div>",
                "<p>", "<textarea>", "</textarea>", "<a href='x>", "\"", "'", ">", "<", "</",
                "é", "日本", "text ",
            ]),
            0..40,
        ), depth in 1usize..6) {
            let html: String = pieces.concat();
            let out = prepare(&html, depth).html;
            proptest::prop_assert!(out.len() <= html.len());
            let mut rest = html.as_bytes().iter();
            proptest::prop_assert!(
                out.bytes().all(|b| rest.any(|&h| h == b)),
                "{out:?} is not a subsequence of {html:?}"
            );
        }
    }

    #[test]
    fn end_tag_names_must_end() {
        // `</scripts>` does not close a script; `</script >` does.
        let html = "x<script>a</scripts>b</script >y";
        assert_eq!(prepare(html, 4).html, "xy");
    }
}
