//! A guard against pathological nesting, applied to the raw HTML before parsing.
//!
//! html5ever builds its tree iteratively, but code that walks the tree afterwards
//! (Readability scoring, serialisation, our own passes in dependencies) recurses on depth,
//! and 10,000 nested `<div>`s overflow a thread's stack. Real articles nest a few dozen
//! levels, so tags opened past the limit are dropped (their text is kept, in order), together
//! with their matching end tags. Tags whose end tag HTML lets the parser imply (`p`, `li`,
//! `td`...) and void elements do not nest by themselves and are not counted, so pages full of
//! unclosed `<p>`s are left alone.

use std::borrow::Cow;

/// `html` with element nesting capped at `max_depth`; borrowed when no tag was dropped.
pub fn limit_depth(html: &str, max_depth: usize) -> Cow<'_, str> {
    let bytes = html.as_bytes();
    let mut out: Option<String> = None;
    // Bytes before `copied` are already in `out` (or need no copy while `out` is None).
    let mut copied = 0;
    let mut depth = 0usize;
    let mut dropped = 0usize;
    let mut i = 0;
    while let Some(offset) = memchr_lt(&bytes[i..]) {
        let start = i + offset;
        let rest = &bytes[start..];
        if rest.starts_with(b"<!--") {
            i = find(bytes, start + 4, b"-->").map_or(bytes.len(), |end| end + 3);
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
        let tag_end = tag_end(bytes, name_end);
        let name = html[name_start..name_end].to_ascii_lowercase();
        let self_closing = tag_end >= 2 && bytes[tag_end - 2] == b'/';
        let mut drop = false;
        if closing {
            if counts(&name) {
                if dropped > 0 {
                    dropped -= 1;
                    drop = true;
                } else {
                    depth = depth.saturating_sub(1);
                }
            }
        } else if counts(&name) && !self_closing {
            if depth >= max_depth {
                dropped += 1;
                drop = true;
            } else {
                depth += 1;
            }
        }
        if drop {
            let out = out.get_or_insert_with(|| String::with_capacity(html.len()));
            out.push_str(&html[copied..start]);
            copied = tag_end;
        }
        i = tag_end;
        if !closing && matches!(name.as_str(), "script" | "style" | "textarea" | "title") {
            // Raw text: a `<` inside it is not a tag.
            let close = format!("</{name}");
            i = find_ignore_case(bytes, i, close.as_bytes()).unwrap_or(bytes.len());
        }
    }
    match out {
        None => Cow::Borrowed(html),
        Some(mut out) => {
            out.push_str(&html[copied..]);
            Cow::Owned(out)
        }
    }
}

/// Whether an element of this name adds a level of nesting that only its end tag closes.
fn counts(name: &str) -> bool {
    !matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "source"
            | "track"
            | "wbr"
            | "p"
            | "li"
            | "dt"
            | "dd"
            | "option"
            | "optgroup"
            | "tr"
            | "td"
            | "th"
            | "thead"
            | "tbody"
            | "tfoot"
            | "rb"
            | "rt"
            | "rp"
            | "colgroup"
    )
}

fn memchr_lt(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == b'<')
}

/// The index just past the `>` that ends a tag whose name ends at `from`, skipping quoted
/// attribute values.
fn tag_end(bytes: &[u8], from: usize) -> usize {
    let mut quote = None;
    for (offset, &b) in bytes[from..].iter().enumerate() {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'>' => return from + offset + 1,
            None => {}
        }
    }
    bytes.len()
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

fn find_ignore_case(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
        .map(|p| from + p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shallow_pages_are_borrowed() {
        let html = "<html><body><div><p>One<p>Two</div><!-- <div> --></body></html>";
        assert!(matches!(limit_depth(html, 4), Cow::Borrowed(_)));
    }

    #[test]
    fn deep_tags_are_dropped_with_their_end_tags() {
        let html = format!("{}text{}<p>after", "<div>".repeat(10), "</div>".repeat(10));
        let limited = limit_depth(&html, 3);
        assert_eq!(
            limited,
            format!("{}text{}<p>after", "<div>".repeat(3), "</div>".repeat(3))
        );
    }

    #[test]
    fn script_text_is_not_tags() {
        let html = "<div><script>if (a <div) {}</script></div><div>x</div>";
        assert!(matches!(limit_depth(html, 2), Cow::Borrowed(_)));
    }
}
