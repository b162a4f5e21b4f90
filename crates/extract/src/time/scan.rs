//! A small word scanner shared by the time and quantity finders.
//!
//! The language layer's tokens keep hyphenated words whole ("30-day", "mid-March") and
//! split numbers the way treebanks do; the grammars here want the parts of a hyphenated
//! word, numbers with their separators ("14,000", "10:35", "12/31/2025") and abbreviations
//! with their period ("Sept.", "a.m."). So they scan the text themselves, once, and use the
//! layer's tokens only for parts of speech.

/// One word or punctuation mark, with byte and code-point offsets.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Word<'t> {
    pub text: &'t str,
    /// Byte offsets into the text.
    pub start: usize,
    pub end: usize,
    /// Code-point offsets into the text.
    pub cstart: usize,
    pub cend: usize,
    /// Joined to the previous word by a hyphen ("30-day" → "30", "day"(joined)).
    pub joined: bool,
}

impl Word<'_> {
    pub fn is_punct(&self) -> bool {
        !self
            .text
            .chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric())
    }

    pub fn is_capitalised(&self) -> bool {
        self.text.chars().next().is_some_and(char::is_uppercase)
    }

    pub fn is_digits(&self) -> bool {
        !self.text.is_empty() && self.text.bytes().all(|b| b.is_ascii_digit())
    }
}

/// Abbreviations that keep their final period.
const ABBREVIATIONS: &[&str] = &[
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mon",
    "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun", "approx", "no", "mr", "mrs",
    "ms", "dr", "st", "gen", "gov", "sen", "rep", "lt", "col", "sgt", "vs", "est",
];

/// Splits `text` into words and single punctuation marks.
pub(crate) fn scan(text: &str) -> Vec<Word<'_>> {
    let bytes = text.as_bytes();
    let mut words: Vec<Word<'_>> = Vec::with_capacity(text.len() / 5);
    let mut chars = text.char_indices().peekable();
    let mut cpos = 0usize; // code-point offset of the next char from `chars`
    let mut joined = false;
    while let Some((start, c)) = chars.next() {
        let cstart = cpos;
        cpos += 1;
        if c.is_whitespace() {
            joined = false;
            continue;
        }
        if !c.is_alphanumeric() {
            // A hyphen between two word characters joins them.
            let prev_word = words
                .last()
                .is_some_and(|w| w.end == start && !w.is_punct());
            let next_alnum = chars.peek().is_some_and(|(_, n)| n.is_alphanumeric());
            if (c == '-' || c == '–') && prev_word && next_alnum {
                joined = true;
                continue;
            }
            // "’s" and "'s" as one word, so "Monday’s" is "Monday" + "’s".
            if (c == '\'' || c == '’')
                && prev_word
                && chars.peek().is_some_and(|(_, n)| *n == 's' || *n == 'S')
            {
                let mut look = chars.clone();
                look.next();
                if !look.peek().is_some_and(|(_, n)| n.is_alphanumeric()) {
                    let (s_at, _) = chars.next().unwrap_or((start, c));
                    cpos += 1;
                    let end = s_at + 1;
                    words.push(Word {
                        text: &text[start..end],
                        start,
                        end,
                        cstart,
                        cend: cpos,
                        joined: false,
                    });
                    continue;
                }
            }
            words.push(Word {
                text: &text[start..start + c.len_utf8()],
                start,
                end: start + c.len_utf8(),
                cstart,
                cend: cpos,
                joined: false,
            });
            joined = false;
            continue;
        }
        // A word: alphanumerics, with '.', ',', ':' and '/' inside it when they are
        // followed by an alphanumeric (and, for ',', ':' and '/', between digits).
        let mut end = start + c.len_utf8();
        let mut last = c;
        while let Some(&(at, n)) = chars.peek() {
            if n.is_alphanumeric() {
                chars.next();
                cpos += 1;
                end = at + n.len_utf8();
                last = n;
                continue;
            }
            if matches!(n, '.' | ',' | ':' | '/') {
                let after = bytes.get(at + 1).copied().unwrap_or(b' ');
                let ok = match n {
                    '.' => after.is_ascii_alphanumeric(),
                    _ => last.is_ascii_digit() && after.is_ascii_digit(),
                };
                if ok {
                    chars.next();
                    cpos += 1;
                    end = at + 1;
                    last = n;
                    continue;
                }
                // Keep the period of "Sept." and "a.m.".
                if n == '.' {
                    let body = &text[start..end];
                    let lower = body.to_ascii_lowercase();
                    if body.contains('.') || ABBREVIATIONS.contains(&lower.as_str()) {
                        chars.next();
                        cpos += 1;
                        end = at + 1;
                    }
                }
            }
            break;
        }
        words.push(Word {
            text: &text[start..end],
            start,
            end,
            cstart,
            cend: cpos,
            joined,
        });
        joined = false;
    }
    words
}

/// `word` lower-cased into `buf` (ASCII only; other letters are kept as they are, which
/// is enough for an English lexicon).
pub(crate) fn lower<'b>(word: &str, buf: &'b mut String) -> &'b str {
    buf.clear();
    buf.push_str(word);
    buf.make_ascii_lowercase();
    buf.as_str()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<&str> {
        scan(s).iter().map(|w| w.text).collect()
    }

    #[test]
    fn numbers_abbreviations_and_hyphens() {
        assert_eq!(
            texts("On Sept. 7, 14,000 troops at 10:35 a.m. in a 30-day truce."),
            [
                "On", "Sept.", "7", ",", "14,000", "troops", "at", "10:35", "a.m.", "in", "a",
                "30", "day", "truce", "."
            ]
        );
        let words = scan("a 30-day truce");
        assert!(words[2].joined && !words[1].joined);
    }

    #[test]
    fn possessives_and_code_points() {
        let words = scan("Zé’s Monday’s call");
        assert_eq!(
            words.iter().map(|w| w.text).collect::<Vec<_>>(),
            ["Zé", "’s", "Monday", "’s", "call"]
        );
        assert_eq!((words[2].cstart, words[2].cend), (5, 11));
        assert_eq!((words[4].cstart, words[4].cend), (14, 18));
    }
}
