//! Word shingles: every run of `SHINGLE` consecutive lower-cased words, hashed. Two texts
//! that share most shingles share most of their wording, in order.

use xxhash_rust::xxh3::xxh3_64;

/// Words per shingle. Five words is the usual choice for news near-duplicates: long enough
/// that shared shingles mean copied text, short enough to survive light edits.
pub const SHINGLE: usize = 5;
/// Words looked at per article: bounds the work and memory for very long texts.
const MAX_WORDS: usize = 4096;

/// Hashes of the lower-cased words of `text` (letters and digits), into `out`.
pub fn word_hashes(text: &str, out: &mut Vec<u64>) {
    out.clear();
    let mut buf = String::new();
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(MAX_WORDS)
    {
        buf.clear();
        for c in word.chars() {
            buf.extend(c.to_lowercase());
        }
        out.push(xxh3_64(buf.as_bytes()));
    }
}

/// Sorted, distinct shingle hashes of a word-hash sequence. A text shorter than one shingle
/// is one shingle of all its words; an empty text has none.
pub fn shingles(words: &[u64]) -> Vec<u64> {
    let mut out: Vec<u64> = if words.len() < SHINGLE {
        if words.is_empty() {
            Vec::new()
        } else {
            vec![combine(words)]
        }
    } else {
        words.windows(SHINGLE).map(combine).collect()
    };
    out.sort_unstable();
    out.dedup();
    out
}

fn combine(words: &[u64]) -> u64 {
    words.iter().fold(0x9e37_79b9_7f4a_7c15, |acc: u64, &w| {
        (acc.rotate_left(23) ^ w).wrapping_mul(0xff51_afd7_ed55_8ccd)
    })
}

/// Jaccard similarity and containment (shared over the smaller set) of two sorted sets.
pub fn overlap(a: &[u64], b: &[u64]) -> (f32, f32) {
    if a.is_empty() || b.is_empty() {
        return (0.0, 0.0);
    }
    let (mut i, mut j, mut shared) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let union = a.len() + b.len() - shared;
    (
        shared as f32 / union as f32,
        shared as f32 / a.len().min(b.len()) as f32,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(text: &str) -> Vec<u64> {
        let mut w = Vec::new();
        word_hashes(text, &mut w);
        shingles(&w)
    }

    #[test]
    fn case_and_punctuation_do_not_matter() {
        assert_eq!(
            sh("The river rose three metres overnight, officials said."),
            sh("the river ROSE three metres overnight officials said")
        );
    }

    #[test]
    fn overlap_of_edited_copy() {
        let a = sh("the river rose three metres overnight and officials closed two bridges");
        let b = sh("the river rose three metres overnight and officials closed four bridges");
        let (jaccard, containment) = overlap(&a, &b);
        assert!(jaccard > 0.5 && jaccard < 1.0, "{jaccard}");
        assert!(containment >= jaccard);
        assert_eq!(overlap(&a, &a), (1.0, 1.0));
        assert_eq!(overlap(&a, &[]), (0.0, 0.0));
    }

    #[test]
    fn short_texts_are_one_shingle() {
        assert_eq!(sh("Hello").len(), 1);
        assert!(sh("  ").is_empty());
    }
}
