//! Byte classes of eight ASCII bytes at once, for the counts that read every character of
//! a page (its words before parsing, its characters before pruning, the words of the
//! extracted text): a byte at a time, those loops were 3.5 % of extraction time. Written
//! by hand: the SIMD search crates (`memchr`, `aho-corasick`) find bytes, they do not count
//! runs of byte classes.
//!
//! Each mask has the high bit of a byte set where the byte is in the class (bit 8·i + 7
//! for the i-th byte of the chunk, little-endian).

const HIGH: u64 = 0x8080_8080_8080_8080;

const fn splat(byte: u8) -> u64 {
    0x0101_0101_0101_0101 * byte as u64
}

/// Bytes of `v` in `low..=high`; every byte of `v` must be ASCII (below 0x80), so no sum
/// carries into the next byte.
fn in_range(v: u64, low: u8, high: u8) -> u64 {
    v.wrapping_add(splat(0x80 - low)) & !v.wrapping_add(splat(0x7f - high)) & HIGH
}

/// The classes of one chunk of ASCII bytes.
#[derive(Clone, Copy)]
pub struct Chunk {
    /// Whitespace bytes (of the caller's set).
    pub space: u64,
    /// ASCII letters and digits.
    pub alphanumeric: u64,
}

/// Which whitespace set a count uses.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Spaces {
    /// HTML's: space, tab, line feed, form feed, carriage return.
    Html,
    /// `char::is_whitespace` on ASCII: HTML's and the vertical tab.
    Unicode,
}

/// The classes of the eight bytes at the start of `bytes`, when there are eight and all
/// are ASCII and none is a control character other than whitespace (the callers then
/// take a byte at a time).
pub fn classify(bytes: &[u8], spaces: Spaces) -> Option<Chunk> {
    let v = u64::from_le_bytes(bytes.get(..8)?.try_into().ok()?);
    if v & HIGH != 0 {
        return None;
    }
    let controls = !v.wrapping_add(splat(0x60)) & HIGH;
    let low_spaces = match spaces {
        // 9..=13 but the vertical tab (11).
        Spaces::Html => in_range(v, 9, 10) | in_range(v, 12, 13),
        Spaces::Unicode => in_range(v, 9, 13),
    };
    if controls & !low_spaces != 0 {
        return None;
    }
    let space = low_spaces | in_range(v, b' ', b' ');
    let alphanumeric = in_range(v | splat(0x20), b'a', b'z') | in_range(v, b'0', b'9');
    Some(Chunk {
        space,
        alphanumeric,
    })
}

/// The bytes of `mask` whose previous byte is in `mask` too (`before`: the byte before the
/// chunk is).
pub fn after_same(mask: u64, before: bool) -> u64 {
    mask & ((mask << 8) | (u64::from(before) << 7))
}

/// Whether the last byte of the chunk is in `mask`.
pub fn last(mask: u64) -> bool {
    mask >> 63 != 0
}

/// Bytes in `mask`.
pub fn count(mask: u64) -> usize {
    mask.count_ones() as usize
}

/// The bytes not in `mask`.
pub fn not(mask: u64) -> u64 {
    !mask & HIGH
}

/// Whether every byte is in `mask`.
pub fn all(mask: u64) -> bool {
    mask == HIGH
}

/// One step of a walk over a text's whitespace (`char::is_whitespace`).
#[derive(Clone, Copy)]
pub enum Step {
    /// Eight ASCII bytes at once: the mask of their whitespace bytes.
    Chunk(u64),
    /// One character, and whether it is whitespace.
    Char(bool),
}

/// Walks `text` eight ASCII bytes at a time where it can, a character at a time elsewhere
/// (the counts built on it are property-tested against `chars()`).
pub fn whitespace_steps(text: &str) -> impl Iterator<Item = Step> + '_ {
    let bytes = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        if i >= bytes.len() {
            return None;
        }
        if let Some(chunk) = classify(&bytes[i..], Spaces::Unicode) {
            i += 8;
            return Some(Step::Chunk(chunk.space));
        }
        let byte = bytes[i];
        let space = if byte.is_ascii() {
            i += 1;
            (byte as char).is_whitespace()
        } else {
            let c = text[i..].chars().next().unwrap_or(' ');
            i += c.len_utf8();
            c.is_whitespace()
        };
        Some(Step::Char(space))
    })
}

/// Texts mixing ASCII and Unicode whitespace, control bytes, words and non-ASCII letters,
/// for the property tests of the counts built on this module (each against its
/// character-by-character definition).
#[cfg(test)]
pub fn mixed_text() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::strategy::Strategy;
    proptest::collection::vec(
        proptest::sample::select(vec![
            " ",
            "  ",
            "\t",
            "\n",
            "\x0b",
            "\x0c",
            "\r",
            "\x01",
            "\x1c",
            "a",
            "Z",
            "9",
            "-",
            "_",
            "word ",
            "longer words here",
            "\u{a0}",
            "\u{3000}",
            "\u{2028}",
            "\u{85}",
            "é",
            "日本",
            "\u{200b}",
        ]),
        0..40,
    )
    .prop_map(|pieces| pieces.concat())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_are_the_byte_tests() {
        for first in 0u8..0x80 {
            // Every byte value in every position, beside a spread of others.
            for position in 0..8 {
                let mut bytes = *b"a 9\tZ\r_~";
                bytes[position] = first;
                for spaces in [Spaces::Html, Spaces::Unicode] {
                    let is_space = |b: u8| match spaces {
                        Spaces::Html => matches!(b, b' ' | b'\t' | b'\n' | 0x0c | b'\r'),
                        Spaces::Unicode => (b as char).is_whitespace(),
                    };
                    let controls = bytes.iter().any(|&b| b < 0x20 && !is_space(b));
                    let Some(chunk) = classify(&bytes, spaces) else {
                        assert!(controls, "{bytes:?}");
                        continue;
                    };
                    assert!(!controls, "{bytes:?}");
                    for (i, &b) in bytes.iter().enumerate() {
                        let bit = 1u64 << (8 * i + 7);
                        assert_eq!(chunk.space & bit != 0, is_space(b), "{b:#x}");
                        assert_eq!(chunk.alphanumeric & bit != 0, b.is_ascii_alphanumeric());
                    }
                }
            }
        }
        assert!(classify(b"short", Spaces::Html).is_none());
        assert!(classify("caf\u{e9} ok".as_bytes(), Spaces::Html).is_none());
    }
}
