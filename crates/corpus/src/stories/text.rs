//! Words for story features: lower-cased, stop words dropped, plurals folded, with the
//! capitalised words inside sentences marked as names (a cheap stand-in for entity mentions
//! that works on any English text, including headline-only input).

/// One content word of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Word<'t> {
    /// The word as written.
    pub raw: &'t str,
    /// Capitalised inside a sentence that is not itself in title case.
    pub name: bool,
}

/// Function words that carry no topic. A general English list, not tuned to any corpus.
const STOP_WORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "me",
    "more",
    "most",
    "my",
    "myself",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "same",
    "she",
    "should",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
    "yours",
    "yourself",
    "said",
    "says",
    "say",
    "told",
    "according",
    "new",
    "one",
    "two",
    "like",
    "may",
    "might",
    "must",
    "many",
    "much",
    "us",
    "mr",
    "mrs",
    "ms",
    "http",
    "https",
    "www",
    "com",
    "html",
    "htm",
    "php",
    "news",
    "article",
    "published",
    "updated",
    "am",
    "pm",
    "et",
    "edt",
    "est",
    "gmt",
    "utc",
    "yet",
    "still",
    "even",
    "well",
    "back",
    "get",
    "got",
    "made",
    "make",
];

/// Whether `lower` (already lower-cased) is a stop word.
pub fn is_stop_word(lower: &str) -> bool {
    static SET: std::sync::OnceLock<hashbrown::HashSet<&'static str>> = std::sync::OnceLock::new();
    SET.get_or_init(|| STOP_WORDS.iter().copied().collect())
        .contains(lower)
}

/// `is_stop_word` for a word as written, lower-casing only when needed.
fn is_stop_word_raw(word: &str) -> bool {
    if word.bytes().all(|b| b.is_ascii_lowercase()) {
        is_stop_word(word)
    } else {
        is_stop_word(&word.to_lowercase())
    }
}

/// Content words of `text`, sentence by sentence. `title` says the text is a headline, whose
/// capitals mark style rather than names.
pub fn words<'t>(text: &'t str, title: bool, mut emit: impl FnMut(Word<'t>)) {
    let mut sentence: Vec<&'t str> = Vec::with_capacity(64);
    let mut start: Option<usize> = None;
    let mut ends_sentence = false;
    for (i, c) in text.char_indices() {
        if c.is_alphanumeric() {
            if start.is_none() {
                start = Some(i);
            }
            continue;
        }
        if let Some(s) = start.take() {
            sentence.push(&text[s..i]);
        }
        if matches!(c, '.' | '!' | '?' | '\n') {
            ends_sentence = true;
        } else if c.is_whitespace() && ends_sentence {
            flush(&mut sentence, title, &mut emit);
            ends_sentence = false;
        } else if !c.is_whitespace() {
            ends_sentence = false;
        }
    }
    if let Some(s) = start {
        sentence.push(&text[s..]);
    }
    flush(&mut sentence, title, &mut emit);
}

fn flush<'t>(sentence: &mut Vec<&'t str>, title: bool, emit: &mut impl FnMut(Word<'t>)) {
    let capitalised = |w: &str| w.chars().next().is_some_and(char::is_uppercase);
    // A sentence whose content words are mostly capitalised is a headline or a label: its
    // capitals are style, not names. Function words ("of", "with") are left out of the
    // count because title case keeps them lower-case.
    let content: Vec<&str> = sentence
        .iter()
        .copied()
        .filter(|w| w.len() >= 2 && !is_stop_word_raw(w))
        .collect();
    let caps = content.iter().filter(|w| capitalised(w)).count();
    let title_case = title || (content.len() >= 3 && caps * 4 >= content.len() * 3);
    for (i, w) in sentence.iter().enumerate() {
        let name = !title_case && i > 0 && capitalised(w);
        emit(Word { raw: w, name });
    }
    sentence.clear();
}

/// The lower-cased, plural-folded form of `raw`, or `None` for words that carry no topic
/// (stop words, one letter, numbers that are not years and shorter than three digits).
pub fn term(raw: &str, buf: &mut String) -> Option<()> {
    buf.clear();
    for c in raw.chars() {
        buf.extend(c.to_lowercase());
    }
    let digits = buf.bytes().all(|b| b.is_ascii_digit());
    if digits {
        return (buf.len() >= 3).then_some(());
    }
    if buf.chars().count() < 2 || is_stop_word(buf) {
        return None;
    }
    fold_plural(buf);
    Some(())
}

/// "talks" → "talk", "ceasefires" → "ceasefire", "countries" → "country"; leaves "press",
/// "us", "news" and short words alone. Enough to join singular and plural mentions.
fn fold_plural(word: &mut String) {
    let len = word.len();
    if len <= 3 || !word.is_ascii() {
        return;
    }
    if word.ends_with("ies") && len > 4 {
        word.truncate(len - 3);
        word.push('y');
    } else if word.ends_with('s') && !word.ends_with("ss") && !word.ends_with("us") {
        word.truncate(len - 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(text: &str, title: bool) -> Vec<(String, bool)> {
        let mut out = Vec::new();
        words(text, title, |w| out.push((w.raw.to_string(), w.name)));
        out
    }

    #[test]
    fn capitals_inside_sentences_are_names() {
        let got = collect("The mayor met Ann Lee. Rain fell in Oslo.", false);
        let names: Vec<&str> = got
            .iter()
            .filter(|(_, n)| *n)
            .map(|(w, _)| w.as_str())
            .collect();
        assert_eq!(names, ["Ann", "Lee", "Oslo"]);
    }

    #[test]
    fn title_case_sentences_have_no_names() {
        let got = collect("Storm Hits Coastal Town After Long Drought", false);
        assert!(got.iter().all(|(_, n)| !n));
    }

    #[test]
    fn terms_fold_plurals_and_drop_stop_words() {
        let mut buf = String::new();
        assert!(term("The", &mut buf).is_none());
        assert!(term("42", &mut buf).is_none());
        assert!(term("2013", &mut buf).is_some());
        assert_eq!(buf, "2013");
        assert!(term("Talks", &mut buf).is_some());
        assert_eq!(buf, "talk");
        assert!(term("countries", &mut buf).is_some());
        assert_eq!(buf, "country");
        assert!(term("press", &mut buf).is_some());
        assert_eq!(buf, "press");
    }
}
