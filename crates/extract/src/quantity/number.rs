//! Numbers written in digits or words: "14,000", "1.5 billion", "nine", "twenty-five",
//! "two hundred and fifty", "tens of thousands", "dozens".

use crate::time::scan::{Word, lower};

/// A number read from words `[start, end)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Number {
    pub value: f64,
    /// Index of the first word after the number.
    pub end: usize,
    /// "tens of thousands", "dozens": `value` is a lower bound.
    pub vague: bool,
    /// Written in digits.
    pub digits: bool,
}

/// More significant digits than an f64 holds exactly would be invented precision.
const MAX_DIGITS: usize = 15;

fn unit_word(w: &str) -> Option<f64> {
    Some(match w {
        "zero" => 0.0,
        "one" => 1.0,
        "two" => 2.0,
        "three" => 3.0,
        "four" => 4.0,
        "five" => 5.0,
        "six" => 6.0,
        "seven" => 7.0,
        "eight" => 8.0,
        "nine" => 9.0,
        "ten" => 10.0,
        "eleven" => 11.0,
        "twelve" => 12.0,
        "thirteen" => 13.0,
        "fourteen" => 14.0,
        "fifteen" => 15.0,
        "sixteen" => 16.0,
        "seventeen" => 17.0,
        "eighteen" => 18.0,
        "nineteen" => 19.0,
        "twenty" => 20.0,
        "thirty" => 30.0,
        "forty" => 40.0,
        "fifty" => 50.0,
        "sixty" => 60.0,
        "seventy" => 70.0,
        "eighty" => 80.0,
        "ninety" => 90.0,
        _ => return None,
    })
}

fn scale_word(w: &str) -> Option<f64> {
    Some(match w {
        "hundred" => 1e2,
        "thousand" => 1e3,
        "million" => 1e6,
        "billion" => 1e9,
        "trillion" => 1e12,
        _ => return None,
    })
}

/// Plural scale words used alone as vague amounts: "hundreds", "thousands".
fn vague_plural(w: &str) -> Option<f64> {
    Some(match w {
        "tens" => 10.0,
        "dozens" => 24.0,
        "scores" => 40.0,
        "hundreds" => 1e2,
        "thousands" => 1e3,
        "millions" => 1e6,
        "billions" => 1e9,
        _ => return None,
    })
}

/// A word that can start a number written in words.
pub(crate) fn is_number_word(w: &str) -> bool {
    unit_word(w).is_some() || vague_plural(w).is_some()
}

/// Parses digits with thousands separators and a decimal point; `None` for malformed
/// groups ("1,00") or more digits than we can represent exactly.
pub(crate) fn parse_digits(s: &str) -> Option<f64> {
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit() || b == b',') {
        return None;
    }
    if int.contains(',') {
        let mut groups = int.split(',');
        let first = groups.next()?;
        if first.is_empty() || first.len() > 3 || groups.any(|g| g.len() != 3) {
            return None;
        }
    }
    let frac_len = match frac {
        Some(f) if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) => return None,
        Some(f) => f.len(),
        None => 0,
    };
    let significant = int.bytes().filter(u8::is_ascii_digit).count() + frac_len;
    if significant > MAX_DIGITS {
        return None;
    }
    let plain: String = s.chars().filter(|c| *c != ',').collect();
    plain.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Reads a number starting at word `i`.
pub(crate) fn number_at(words: &[Word<'_>], i: usize, buf: &mut String) -> Option<Number> {
    let first = words.get(i)?;
    // Number words are short and ASCII: lower-case them on the stack, not the heap.
    let mut stack = [0u8; 16];
    let w: &str = if first.text.len() <= stack.len() && first.text.is_ascii() {
        let bytes = &mut stack[..first.text.len()];
        bytes.copy_from_slice(first.text.as_bytes());
        bytes.make_ascii_lowercase();
        std::str::from_utf8(bytes).unwrap_or("")
    } else {
        ""
    };
    // Digits, then an optional scale word: "1.5 billion", "14,000".
    if first.text.as_bytes()[0].is_ascii_digit() {
        let mut value = parse_digits(first.text)?;
        let mut end = i + 1;
        if let Some(next) = words.get(end).filter(|n| !n.joined)
            && let Some(scale) = scale_word(lower(next.text, buf))
        {
            value *= scale;
            end += 1;
        }
        return Some(Number {
            value,
            end,
            vague: false,
            digits: true,
        });
    }
    // "tens of thousands", "hundreds of thousands", "dozens", "thousands".
    if let Some(base) = vague_plural(w) {
        let mut end = i + 1;
        let mut value = base;
        if words
            .get(end)
            .is_some_and(|n| n.text.eq_ignore_ascii_case("of"))
            && let Some(more) = words
                .get(end + 1)
                .and_then(|n| vague_plural(lower(n.text, buf)))
            && more >= 100.0
        {
            value *= more;
            end += 2;
        } else if w == "tens" {
            // "tens" alone is not a number.
            return None;
        }
        return Some(Number {
            value,
            end,
            vague: true,
            digits: false,
        });
    }
    // "a dozen", "a hundred", "a thousand".
    if w == "a" || w == "an" {
        let next = words.get(i + 1)?;
        let nw = lower(next.text, buf);
        let value = if nw == "dozen" { 12.0 } else { scale_word(nw)? };
        return Some(Number {
            value,
            end: i + 2,
            vague: false,
            digits: false,
        });
    }
    if w == "dozen" {
        return Some(Number {
            value: 12.0,
            end: i + 1,
            vague: false,
            digits: false,
        });
    }
    // Number words: "two hundred and fifty", "twenty-five", "three million".
    let mut total = 0.0;
    let mut current = 0.0;
    let mut end = i;
    let mut any = false;
    let mut j = i;
    while let Some(word) = words.get(j) {
        let lw = lower(word.text, buf);
        if let Some(v) = unit_word(lw) {
            // "twenty five" / "twenty-five" add up; "five five" does not.
            if any && current % 10.0 != 0.0 {
                break;
            }
            current += v;
        } else if let Some(scale) = scale_word(lw) {
            if !any {
                break;
            }
            if scale == 100.0 {
                current = current.max(1.0) * scale;
            } else {
                total += current.max(1.0) * scale;
                current = 0.0;
            }
        } else if lw == "and" && any {
            // Only inside a number: "two hundred and fifty".
            let next_is_unit = words
                .get(j + 1)
                .is_some_and(|n| unit_word(lower(n.text, buf)).is_some());
            if !next_is_unit {
                break;
            }
            j += 1;
            continue;
        } else {
            break;
        }
        any = true;
        j += 1;
        end = j;
    }
    any.then_some(Number {
        value: total + current,
        end,
        vague: false,
        digits: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::scan::scan;

    fn read(s: &str) -> Option<(f64, bool)> {
        let words = scan(s);
        let mut buf = String::new();
        number_at(&words, 0, &mut buf).map(|n| (n.value, n.vague))
    }

    #[test]
    fn digits_and_words() {
        assert_eq!(read("14,000 troops"), Some((14000.0, false)));
        assert_eq!(read("1.5 billion dollars"), Some((1.5e9, false)));
        assert_eq!(read("nine killed"), Some((9.0, false)));
        assert_eq!(read("twenty-five people"), Some((25.0, false)));
        assert_eq!(read("two hundred and fifty"), Some((250.0, false)));
        assert_eq!(read("three million"), Some((3e6, false)));
        assert_eq!(read("tens of thousands of casualties"), Some((1e4, true)));
        assert_eq!(read("a dozen"), Some((12.0, false)));
        assert_eq!(read("tens"), None);
        assert_eq!(read("1,00"), None);
    }

    #[test]
    fn no_invented_precision() {
        assert_eq!(parse_digits(&"9".repeat(3000)), None);
        assert_eq!(parse_digits("123456789012345"), Some(123456789012345.0));
        assert_eq!(parse_digits("1234567890123456"), None);
    }
}
