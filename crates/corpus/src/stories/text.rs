//! Words for story features: lower-cased, stop words dropped, plurals folded, with the
//! capitalised words inside sentences marked as names (a cheap stand-in for entity mentions
//! that works on any English text, including headline-only input).

/// One content word of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Word<'t> {
    /// The word as written.
    pub raw: &'t str,
    /// Capitalised inside a sentence that is not itself in title case (or first in its
    /// sentence and followed by such a word, as in "Lindsay Lohan checked in").
    pub name: bool,
    /// Only white space separates it from the previous word of its sentence, so two
    /// adjacent name words belong to one name ("Tara Reid", not "Rock , Jon").
    pub joined: bool,
    /// Number of its sentence in the text, from 0.
    pub sentence: u32,
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

/// Months and weekdays are capitalised but are dates, not names.
const CALENDAR: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// Whether `word` (as written) names a month (the first 24 calendar words).
pub fn is_month(word: &str) -> bool {
    word.len() <= 9 && CALENDAR[..24].iter().any(|c| c.eq_ignore_ascii_case(word))
}

/// Whether `word` (as written) names a month or a weekday.
pub fn is_calendar_word(word: &str) -> bool {
    word.len() <= 9 && CALENDAR.iter().any(|c| c.eq_ignore_ascii_case(word))
}

/// Content words of `text`, sentence by sentence. `title` says the text is a headline, whose
/// capitals mark style rather than names. A number keeps its decimal point or thousands
/// separator ("6.1", "35,000"): the value is what tells two events apart.
pub fn words<'t>(text: &'t str, title: bool, mut emit: impl FnMut(Word<'t>)) {
    // (word, joined to the previous one)
    let mut sentence: Vec<(&'t str, bool)> = Vec::with_capacity(64);
    let mut number = 0u32;
    let mut start: Option<usize> = None;
    let mut ends_sentence = false;
    // Only white space since the last word.
    let mut clean_gap = true;
    let bytes = text.as_bytes();
    for (i, c) in text.char_indices() {
        if c.is_alphanumeric() {
            if start.is_none() {
                start = Some(i);
            }
            continue;
        }
        if let Some(s) = start {
            let inside_number = matches!(c, '.' | ',')
                && bytes[s].is_ascii_digit()
                && bytes.get(i - 1).is_some_and(u8::is_ascii_digit)
                && bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
            if inside_number {
                continue;
            }
            start = None;
            sentence.push((&text[s..i], clean_gap));
            clean_gap = true;
        }
        if c == '\n' {
            // A line break always ends a sentence (paragraphs, and one sentence per line
            // in tokenised corpora), whatever follows it.
            flush(&mut sentence, &mut number, title, &mut emit);
            ends_sentence = false;
        } else if matches!(c, '.' | '!' | '?') {
            ends_sentence = true;
            clean_gap = false;
        } else if c.is_whitespace() && ends_sentence {
            flush(&mut sentence, &mut number, title, &mut emit);
            ends_sentence = false;
        } else if !c.is_whitespace() {
            ends_sentence = false;
            clean_gap = false;
        }
    }
    if let Some(s) = start {
        sentence.push((&text[s..], clean_gap));
    }
    flush(&mut sentence, &mut number, title, &mut emit);
}

fn capitalised(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_uppercase)
}

fn flush<'t>(
    sentence: &mut Vec<(&'t str, bool)>,
    number: &mut u32,
    title: bool,
    emit: &mut impl FnMut(Word<'t>),
) {
    if sentence.is_empty() {
        return;
    }
    // A sentence whose content words are mostly capitalised is a headline or a label: its
    // capitals are style, not names. Function words ("of", "with") are left out of the
    // count because title case keeps them lower-case.
    let (mut content, mut caps) = (0usize, 0usize);
    for (w, _) in sentence.iter() {
        if w.len() >= 2 && !is_stop_word_raw(w) {
            content += 1;
            caps += usize::from(capitalised(w));
        }
    }
    let title_case = title || (content >= 3 && caps * 4 >= content * 3);
    let name_like = |w: &str| capitalised(w) && !is_calendar_word(w);
    for (i, &(w, joined)) in sentence.iter().enumerate() {
        let name = !title_case
            && name_like(w)
            && (i > 0
                // The first word is capitalised anyway: a name only when a name follows
                // it directly and it is not a function word ("The", "After").
                || (w.len() >= 2
                    && !is_stop_word_raw(w)
                    && sentence
                        .get(1)
                        .is_some_and(|&(next, j)| j && name_like(next))));
        emit(Word {
            raw: w,
            name,
            joined: i > 0 && joined,
            sentence: *number,
        });
    }
    sentence.clear();
    *number += 1;
}

/// The lower-cased, plural-folded form of `raw`, or `None` for words that carry no topic
/// (stop words, one letter, numbers that are not years and shorter than three digits).
pub fn term(raw: &str, buf: &mut String) -> Option<()> {
    buf.clear();
    for c in raw.chars() {
        buf.extend(c.to_lowercase());
    }
    if buf.starts_with(|c: char| c.is_ascii_digit()) {
        // "35,000" and "35000" are one value.
        buf.retain(|c| c != ',');
        if buf.bytes().all(|b| b.is_ascii_digit()) {
            return (buf.len() >= 3).then_some(());
        }
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
    fn line_breaks_end_sentences_and_punctuation_ends_names() {
        let names = |text: &str| -> Vec<String> {
            let mut out = Vec::new();
            words(text, false, |w| {
                if w.name {
                    out.push(format!("{}{}", if w.joined { "+" } else { "" }, w.raw));
                }
            });
            out
        };
        // "Lindsay" opens a sentence but a name follows it; "The" and "However" do not
        // count, nor does the month; commas keep "Reid", "Rock" and "Jon" apart. A `+`
        // marks a word joined to the one before.
        let text = "Lindsay Lohan checked in .\nThe Post said so on Friday\nHowever , Reid , \
            the actress , met Chris Rock , Jon Stewart and others in May at home .";
        assert_eq!(
            names(text),
            [
                "Lindsay", "+Lohan", "+Post", "Reid", "+Chris", "+Rock", "Jon", "+Stewart"
            ]
        );
        let mut sentences = Vec::new();
        words("One two.\nThree", false, |w| sentences.push(w.sentence));
        assert_eq!(sentences, [0, 0, 1]);
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
        assert!(term("35,000", &mut buf).is_some());
        assert_eq!(buf, "35000");
    }
}
