//! The news-aware tokeniser: text in, [`Token`]s (byte ranges into that text) out.
//!
//! Conventions follow the Penn Treebank and UD English-EWT where the tagger (trained on EWT) and
//! the recogniser (trained on CoNLL-2003) would notice, and news usage elsewhere:
//!
//! - Whitespace (`char::is_whitespace`) is never part of a token; every other character belongs to
//!   exactly one token.
//! - Abbreviations keep their period: a built-in list ("Mr.", "Gov.", "Jan.", "Inc.", "No."
//!   before a number, AP state abbreviations), single letters ("Henry E. Hale") and short
//!   letter groups with inner periods ("U.S.", "e.g.", "a.m.", "Ph.D."). Any other word-final
//!   period is its own token, and so is a period that ends a paragraph, even after an
//!   abbreviation ("in the U.S" "." as in the Treebank: that period ends the sentence too).
//!   "Inc.." is "Inc." ".".
//! - Numbers stay whole: "14,000", "3.5", "10:42", "2025-03-17", "24/7", "21st", "+1", "1990's".
//!   Currency symbols, "%" and a minus sign are tokens of their own ("$" "1.2", "50" "%", "-"
//!   "5"), and so is "am"/"pm" after a time ("5" "pm"), as in EWT.
//! - Hyphenated words stay whole ("Trump-Putin", "30-day", "U.S.-led"). EWT splits some hyphens;
//!   we deliberately do not, because the parts of a hyphenated compound are rarely useful alone
//!   to the later layers (entities, quantities) and whole compounds are easier to map back.
//! - Clitics split as in the Treebank: "do" "n't", "ca" "n't", "wo" "n't", "Trump" "'s", "we"
//!   "'re", "officials" "'", with straight or curly apostrophes; "O'Brien" and "rock'n'roll" stay
//!   whole.
//! - Quotes, brackets and dashes are tokens; runs of "." "!" "?" "-" (and a few separators such as
//!   "***") are one token ("...", "?!", "--").
//! - URLs ("http://", "https://", "www.") and e-mail addresses are one token, without trailing
//!   punctuation; "#hashtags", "@mentions" and common emoticons (":-)") are one token.
//! - Text in scripts written without spaces falls back to one token per run of letters of one
//!   script (Thai, Hiragana, Katakana, ...), and one token per character for CJK ideographs.
//!   Combining marks, joiners and emoji modifiers stay with the character before them.
//!
//! Hand-written rather than built from regular expressions or a segmentation crate, for three
//! reasons. Offsets: tokens are byte ranges into the immutable article text, so the tokeniser
//! must never normalise, drop or re-join anything, which rules out tokenisers that return
//! strings. News conventions: the decisions above depend on context on both sides of a
//! character (a period between digits, an apostrophe before "t", "No." only before a number),
//! which is awkward as regular expressions without look-behind and not what Unicode word
//! boundaries (UAX #29) do. Speed: one left-to-right pass with an ASCII fast path, every
//! look-ahead bounded by a constant or consumed by the token it finds, so time is linear in
//! the input even for megabytes without a space.

use crate::Token;

/// Splits `text` into tokens, in order, non-overlapping, on character boundaries.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut scanner = Scanner {
        text,
        bytes: text.as_bytes(),
        out: Vec::with_capacity(text.len() / 5 + 1),
        next_at: text.bytes().position(|b| b == b'@').unwrap_or(usize::MAX),
    };
    scanner.run();
    scanner.out
}

/// Abbreviations (without their period) that keep the period. Case-sensitive. "No", "Nos" and
/// "no" are handled separately: they keep it only before a number.
const ABBREVIATIONS: &[&str] = &[
    // Titles and ranks.
    "Mr", "Mrs", "Ms", "Messrs", "Mmes", "Dr", "Drs", "Prof", "Profs", "Gen", "Gens", "Gov", "Govs",
    "Sen", "Sens", "Rep", "Reps", "Rev", "Hon", "Pres", "Sgt", "Lt", "Col", "Capt", "Cmdr", "Adm",
    "Maj", "Cpl", "Pvt", "Brig", "Supt", "Insp", "Det", "Atty", "Amb", "Fr", "Jr", "Sr", "St",
    "Mt", "Ft", // Companies and addresses.
    "Inc", "Corp", "Co", "Cos", "Ltd", "INC", "CORP", "LTD", "Sts", "Bros", "Assn", "Dept", "Univ",
    "Ave", "Blvd", "Rd", "Hwy", // Months and days.
    "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "Tue",
    "Tues", "Wed", "Thu", "Thur", "Thurs", "Fri", // Latin and reference.
    "etc", "vs", "cf", "al", "approx", "est", "Fig", "Figs", "Vol", "Vols", "pp",
    // AP state abbreviations.
    "Ala", "Ariz", "Ark", "Calif", "Colo", "Conn", "Del", "Fla", "Ga", "Ill", "Ind", "Kan", "Kans",
    "Ky", "La", "Md", "Mass", "Mich", "Minn", "Miss", "Mo", "Mont", "Neb", "Nebr", "Nev", "Okla",
    "Ore", "Pa", "Tenn", "Tex", "Va", "Vt", "Wash", "Wis", "Wyo",
];

/// Abbreviations that precede a name or number and so never end a sentence ("Mr.", "Gen.",
/// "No."). Used by the sentence splitter; `word` is without its period.
pub(crate) fn is_title(word: &str) -> bool {
    matches!(
        word,
        "Mr" | "Mrs"
            | "Ms"
            | "Messrs"
            | "Mmes"
            | "Dr"
            | "Drs"
            | "Prof"
            | "Profs"
            | "Gen"
            | "Gens"
            | "Gov"
            | "Govs"
            | "Sen"
            | "Sens"
            | "Rep"
            | "Reps"
            | "Rev"
            | "Hon"
            | "Pres"
            | "Sgt"
            | "Lt"
            | "Col"
            | "Capt"
            | "Cmdr"
            | "Adm"
            | "Maj"
            | "Cpl"
            | "Pvt"
            | "Brig"
            | "Supt"
            | "Insp"
            | "Det"
            | "Atty"
            | "Amb"
            | "Fr"
            | "No"
            | "Nos"
            | "no"
            | "Vol"
            | "Vols"
            | "Fig"
            | "Figs"
            | "pp"
    )
}

/// Coarse script classes: letters of different classes never share a token.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Script {
    /// Digits and other numbers: join any script.
    Common,
    Latin,
    Greek,
    Cyrillic,
    Armenian,
    Hebrew,
    Arabic,
    /// One of the Brahmic blocks U+0900..U+0DFF, by block.
    Indic(u8),
    Thai,
    Lao,
    Tibetan,
    Myanmar,
    Georgian,
    Ethiopic,
    Khmer,
    Hangul,
    Hiragana,
    Katakana,
    /// CJK ideographs: one token per character.
    Han,
    Other,
}

fn script(c: char) -> Script {
    let u = c as u32;
    if c.is_numeric() && !c.is_alphabetic() {
        return Script::Common;
    }
    match u {
        0..=0x2AF => Script::Latin,
        // Spacing modifier letters (ʼ ʻ ˈ) are used with several scripts.
        0x2B0..=0x2FF => Script::Common,
        0x370..=0x3FF | 0x1F00..=0x1FFF => Script::Greek,
        0x400..=0x52F | 0x1C80..=0x1C8F | 0x2DE0..=0x2DFF | 0xA640..=0xA69F => Script::Cyrillic,
        0x530..=0x58F => Script::Armenian,
        0x590..=0x5FF | 0xFB1D..=0xFB4F => Script::Hebrew,
        0x600..=0x6FF | 0x750..=0x77F | 0x8A0..=0x8FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => {
            Script::Arabic
        }
        0x900..=0xDFF => Script::Indic(((u - 0x900) >> 7) as u8),
        0xE00..=0xE7F => Script::Thai,
        0xE80..=0xEFF => Script::Lao,
        0xF00..=0xFFF => Script::Tibetan,
        0x1000..=0x109F => Script::Myanmar,
        0x10A0..=0x10FF | 0x1C90..=0x1CBF => Script::Georgian,
        0x1100..=0x11FF | 0x3130..=0x318F | 0xA960..=0xA97F | 0xAC00..=0xD7FF => Script::Hangul,
        0x1200..=0x139F => Script::Ethiopic,
        0x1780..=0x17FF => Script::Khmer,
        0x1D00..=0x1DBF | 0x1E00..=0x1EFF | 0x2C60..=0x2C7F | 0xA720..=0xA7FF | 0xAB30..=0xAB6F => {
            Script::Latin
        }
        0xFF21..=0xFF3A | 0xFF41..=0xFF5A => Script::Latin,
        0x3040..=0x309F => Script::Hiragana,
        0x30A0..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F => Script::Katakana,
        0x3005..=0x3007 | 0x3021..=0x3029 | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF => {
            Script::Han
        }
        0x20000..=0x323AF => Script::Han,
        _ => Script::Other,
    }
}

/// Whether a character of script `next` may continue a token whose letters so far are `cur`.
fn compatible(cur: Script, next: Script) -> bool {
    next != Script::Han && (cur == next || cur == Script::Common || next == Script::Common)
}

/// Characters that are not letters or digits but belong to the character before them: combining
/// marks, the vowel signs and viramas of Brahmic and South-East Asian scripts, zero-width
/// (non-)joiners, variation selectors, emoji modifiers and tags, the soft hyphen.
fn is_joiner(c: char) -> bool {
    let u = c as u32;
    if u < 0x300 {
        return u == 0xAD;
    }
    if c.is_alphanumeric() {
        return false;
    }
    match u {
        0x300..=0x36F | 0x483..=0x489 | 0x591..=0x5BD | 0x5BF | 0x5C1..=0x5C2 | 0x5C4..=0x5C5 => {
            true
        }
        0x5C7 | 0x610..=0x61A | 0x64B..=0x65F | 0x670 | 0x6D6..=0x6DC | 0x6DF..=0x6E4 => true,
        0x6E7..=0x6E8 | 0x6EA..=0x6ED => true,
        // Brahmic, Thai, Lao, Tibetan, Myanmar: everything that is not a letter, a digit or
        // one of these punctuation marks and symbols is a mark.
        0x900..=0x109F | 0x1780..=0x17FF => !matches!(
            u,
            0x964..=0x965
                | 0x970
                | 0x9F2..=0x9F3
                | 0xAF1
                | 0xBF3..=0xBFA
                | 0xDF4
                | 0xE3F
                | 0xE4F
                | 0xE5A..=0xE5B
                | 0xF01..=0xF17
                | 0xF1A..=0xF1F
                | 0xF34
                | 0xF36
                | 0xF38
                | 0xF3A..=0xF3D
                | 0xF85
                | 0xFBE..=0xFFF
                | 0x104A..=0x104F
                | 0x17D4..=0x17DA
                | 0x17DB
        ),
        0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x200C..=0x200D | 0x20D0..=0x20FF => true,
        0x302A..=0x302F | 0x3099..=0x309A | 0xFE00..=0xFE0F | 0xFE20..=0xFE2F => true,
        0x1F3FB..=0x1F3FF | 0xE0020..=0xE007F | 0xE0100..=0xE01EF => true,
        _ => false,
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_joiner(c)
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}'
}

fn is_hyphen(c: char) -> bool {
    c == '-' || c == '\u{2010}' || c == '\u{2011}'
}

/// Characters whose runs are one token: "--", "***", "===", "___", "~~", "###", "++", "<<".
/// Runs of "." "!" "?" are one token too, mixed ("...", "?!").
fn is_run_char(b: u8) -> bool {
    matches!(
        b,
        b'-' | b'*' | b'=' | b'_' | b'~' | b'#' | b'+' | b'<' | b'>' | b'`'
    )
}

/// Lower-cased clitic after an apostrophe, if `s` (the letters after it) is one.
fn is_clitic(s: &str) -> bool {
    s.eq_ignore_ascii_case("s")
        || s.eq_ignore_ascii_case("m")
        || s.eq_ignore_ascii_case("d")
        || s.eq_ignore_ascii_case("ll")
        || s.eq_ignore_ascii_case("ve")
        || s.eq_ignore_ascii_case("re")
}

struct Scanner<'t> {
    text: &'t str,
    bytes: &'t [u8],
    out: Vec<Token>,
    /// Byte position of the next '@' at or after the last position asked about, or `usize::MAX`
    /// when there is none: e-mail checks only run with an '@' close ahead.
    next_at: usize,
}

impl Scanner<'_> {
    fn char_at(&self, i: usize) -> Option<char> {
        self.text.get(i..).and_then(|s| s.chars().next())
    }

    fn char_before(&self, i: usize) -> Option<char> {
        self.text[..i].chars().next_back()
    }

    fn emit(&mut self, start: usize, end: usize) {
        debug_assert!(start < end);
        self.out.push(Token { start, end });
    }

    fn run(&mut self) {
        let len = self.bytes.len();
        let mut i = 0;
        while i < len {
            let b = self.bytes[i];
            if b < 0x80 {
                match b {
                    b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C => i += 1,
                    b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' => i = self.word_start(i),
                    _ => i = self.punct(i, b as char),
                }
            } else {
                let c = self.char_at(i).expect("char boundary");
                if c.is_whitespace() {
                    i += c.len_utf8();
                } else if is_word_char(c) {
                    i = self.word_start(i);
                } else {
                    i = self.punct(i, c);
                }
            }
        }
    }

    /// A token starting with a letter or digit: a URL, an e-mail address or a word.
    fn word_start(&mut self, i: usize) -> usize {
        let b = self.bytes[i];
        let after_word = self.char_before(i).is_some_and(is_word_char);
        if !after_word && b.is_ascii_alphanumeric() {
            if matches!(b, b'h' | b'H' | b'w' | b'W' | b'f' | b'F')
                && let Some(end) = self.url(i)
            {
                self.emit(i, end);
                return end;
            }
            if let Some(end) = self.email(i) {
                self.emit(i, end);
                return end;
            }
        }
        self.word(i, i)
    }

    /// A URL starting at `i`, returning its end without trailing punctuation.
    fn url(&self, i: usize) -> Option<usize> {
        let rest = &self.bytes[i..];
        let starts = |p: &[u8]| rest.len() > p.len() && rest[..p.len()].eq_ignore_ascii_case(p);
        let prefix = if starts(b"https://") {
            8
        } else if starts(b"http://") {
            7
        } else if starts(b"ftp://") {
            6
        } else if starts(b"www.") && rest[4].is_ascii_alphanumeric() {
            4
        } else {
            return None;
        };
        let mut end = i + prefix;
        let mut open = 0usize;
        let mut close = 0usize;
        while let Some(c) = self.char_at(end) {
            if c.is_whitespace()
                || c.is_control()
                || matches!(c, '"' | '<' | '>' | '“' | '”' | '‘' | '’' | '«' | '»' | '…')
            {
                break;
            }
            match c {
                '(' | '[' => open += 1,
                ')' | ']' => close += 1,
                _ => {}
            }
            end += c.len_utf8();
        }
        // Trailing punctuation belongs to the sentence; a closing bracket stays when it
        // closes one opened inside the URL.
        loop {
            let last = self.bytes[end - 1];
            match last {
                b'.' | b',' | b';' | b':' | b'!' | b'?' | b'\'' => end -= 1,
                b')' | b']' if close > open => {
                    close -= 1;
                    end -= 1;
                }
                _ => break,
            }
        }
        (end > i + prefix).then_some(end)
    }

    /// An e-mail address starting at `i`: local part of at most 64 bytes, a domain of at most
    /// 255 with at least one dot and a final label of two or more letters.
    fn email(&mut self, i: usize) -> Option<usize> {
        if self.next_at < i {
            self.next_at = self.bytes[i..]
                .iter()
                .position(|&b| b == b'@')
                .map_or(usize::MAX, |k| i + k);
        }
        let at = self.next_at;
        if at == usize::MAX || at - i > 64 {
            return None;
        }
        let local = &self.bytes[i..at];
        if !local
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-'))
        {
            return None;
        }
        let domain_start = at + 1;
        let mut end = domain_start;
        while end < self.bytes.len()
            && end - domain_start <= 255
            && (self.bytes[end].is_ascii_alphanumeric() || matches!(self.bytes[end], b'.' | b'-'))
        {
            end += 1;
        }
        if end - domain_start > 255 {
            return None;
        }
        while end > domain_start && matches!(self.bytes[end - 1], b'.' | b'-') {
            end -= 1;
        }
        let domain = &self.bytes[domain_start..end];
        let dot = domain.iter().rposition(|&b| b == b'.')?;
        let tld = &domain[dot + 1..];
        (dot > 0 && tld.len() >= 2 && tld.iter().all(u8::is_ascii_alphabetic)).then_some(end)
    }

    /// Scans a word that starts at `start`, continuing from `from` (after a leading "." of a
    /// number such as ".5"); emits it (and a split-off clitic) and returns where scanning
    /// stopped.
    fn word(&mut self, start: usize, from: usize) -> usize {
        let bytes = self.bytes;
        let len = bytes.len();
        let mut i = from;
        let mut cur = Script::Common;
        // The last letter or digit consumed.
        let mut last = '\0';
        let mut inner_period = false;
        loop {
            // A run of word characters of one script.
            while i < len {
                let b = bytes[i];
                if b < 0x80 {
                    if b.is_ascii_digit() {
                        last = b as char;
                        i += 1;
                        continue;
                    }
                    if b.is_ascii_alphabetic() {
                        if cur != Script::Latin {
                            if cur != Script::Common {
                                self.emit(start, i);
                                return i;
                            }
                            cur = Script::Latin;
                        }
                        last = b as char;
                        i += 1;
                        continue;
                    }
                    break;
                }
                let c = self.char_at(i).expect("char boundary");
                if is_joiner(c) {
                    i += c.len_utf8();
                    continue;
                }
                if !c.is_alphanumeric() {
                    break;
                }
                let s = script(c);
                if s == Script::Han {
                    if i == start {
                        // An ideograph is a token by itself, with any marks after it.
                        i += c.len_utf8();
                        while let Some(m) = self.char_at(i).filter(|&m| is_joiner(m)) {
                            i += m.len_utf8();
                        }
                    }
                    self.emit(start, i);
                    return i;
                }
                if !compatible(cur, s) {
                    self.emit(start, i);
                    return i;
                }
                if s != Script::Common {
                    cur = s;
                }
                last = c;
                i += c.len_utf8();
            }
            if i >= len || i == start {
                break;
            }
            // A connector inside the word?
            let c = self.char_at(i).expect("char boundary");
            let after = i + c.len_utf8();
            let next = self.char_at(after);
            let continues = |n: Option<char>| {
                n.is_some_and(|n| n.is_alphanumeric() && compatible(cur, script(n)))
            };
            let digit_after = next.is_some_and(|n| n.is_ascii_digit());
            let go_on = match c {
                _ if is_hyphen(c) => continues(next),
                '.' => {
                    if last.is_numeric() {
                        digit_after
                    } else if last.is_alphabetic() && next.is_some_and(char::is_alphabetic) {
                        // "U.S", "a.m", "Amazon.com", but not "deal.The" (a missing space).
                        let n = next.unwrap();
                        let split = n.is_uppercase()
                            && self
                                .char_at(after + n.len_utf8())
                                .is_some_and(char::is_lowercase);
                        let ok = !split && continues(next);
                        inner_period |= ok;
                        ok
                    } else {
                        false
                    }
                }
                ',' | ':' | '/' => last.is_ascii_digit() && digit_after,
                '&' => last.is_ascii_uppercase() && next.is_some_and(|n| n.is_ascii_uppercase()),
                '_' => continues(next),
                _ if is_apostrophe(c) => {
                    // Letters after the apostrophe, up to four.
                    let mut r = after;
                    while r < len && r - after < 4 && bytes[r].is_ascii_alphabetic() {
                        r += 1;
                    }
                    let boundary = self.char_at(r).is_none_or(|n| !is_word_char(n));
                    let suffix = &self.text[after..r];
                    if boundary
                        && suffix.eq_ignore_ascii_case("s")
                        && self.text[start..i].bytes().all(|b| b.is_ascii_digit())
                    {
                        // "the 1990's", "80's": a plural, one token as in EWT.
                        self.emit(start, r);
                        return r;
                    }
                    if boundary
                        && suffix.eq_ignore_ascii_case("t")
                        && matches!(bytes[i - 1], b'n' | b'N')
                    {
                        // "do" "n't", "ca" "n't", "wo" "n't".
                        if i - 1 > start {
                            self.emit(start, i - 1);
                            self.emit(i - 1, r);
                            return r;
                        }
                        true
                    } else if boundary && is_clitic(suffix) {
                        self.emit(start, i);
                        self.emit(i, r);
                        return r;
                    } else {
                        // "O'Brien", "rock'n'roll"; a final apostrophe is a token of its own.
                        continues(next)
                    }
                }
                _ => false,
            };
            if go_on {
                i = after;
                continue;
            }
            // A period that belongs to the word: an abbreviation or an initial.
            // "Inc.." is "Inc." and "."; "etc..." is "etc" and "...".
            let periods = bytes[i..]
                .iter()
                .take(3)
                .take_while(|&&b| b == b'.')
                .count();
            if c == '.'
                && periods <= 2
                && self.keeps_period(start, i, inner_period)
                && (periods == 2 || !self.ends_paragraph(i + 1))
            {
                i += 1;
                // "U.S.-led"
                if self.char_at(i).is_some_and(is_hyphen) {
                    let h = self.char_at(i).unwrap();
                    if continues(self.char_at(i + h.len_utf8())) {
                        i += h.len_utf8();
                        continue;
                    }
                }
            }
            break;
        }
        self.emit_word(start, i);
        i
    }

    /// Emits a finished word, splitting a clock time from its "am" or "pm" ("5pm", "7:30PM")
    /// as EWT does.
    fn emit_word(&mut self, start: usize, end: usize) {
        let w = &self.bytes[start..end];
        if w.len() >= 3 && w[0].is_ascii_digit() {
            let (num, suffix) = w.split_at(w.len() - 2);
            if (suffix.eq_ignore_ascii_case(b"am") || suffix.eq_ignore_ascii_case(b"pm"))
                && num.iter().all(|&b| b.is_ascii_digit() || b == b':')
            {
                self.emit(start, end - 2);
                self.emit(end - 2, end);
                return;
            }
        }
        self.emit(start, end);
    }

    /// Whether only closing quotes or brackets and then a line break or the end of the text
    /// follow `i`: a period there ends a paragraph, so it is a token of its own even after an
    /// abbreviation ("in the U.S" "." as in the Treebank and EWT).
    fn ends_paragraph(&self, i: usize) -> bool {
        let mut chars = self.text[i..].chars();
        for c in chars.by_ref().take(16) {
            match c {
                '\n' | '\r' | '\u{2028}' | '\u{2029}' | '\u{85}' => return true,
                '"' | '\'' | ')' | ']' | '”' | '’' | '»' => {}
                _ if c.is_whitespace() => {}
                _ => return false,
            }
        }
        chars.next().is_none()
    }

    /// Whether the word `start..period` keeps the period at `period`.
    fn keeps_period(&self, start: usize, period: usize, inner_period: bool) -> bool {
        let word = &self.text[start..period];
        let mut chars = word.chars();
        let first = chars.next().unwrap_or('\0');
        if chars.next().is_none() {
            // An initial: one letter of a script that writes initials this way.
            return first.is_alphabetic()
                && matches!(
                    script(first),
                    Script::Latin | Script::Greek | Script::Cyrillic
                );
        }
        if inner_period {
            // "U.S", "e.g", "a.m", "Ph.D": short groups of letters.
            return word.split('.').all(|part| {
                let n = part.chars().count();
                (1..=2).contains(&n) && part.chars().all(char::is_alphabetic)
            });
        }
        if matches!(word, "No" | "Nos" | "no") {
            let rest = &self.bytes[period + 1..];
            let k = rest
                .iter()
                .take(4)
                .position(|&b| b != b' ')
                .unwrap_or(rest.len());
            return rest.get(k).is_some_and(u8::is_ascii_digit);
        }
        word.len() <= 6 && ABBREVIATIONS.contains(&word)
    }

    /// An emoticon at `i` (":)", ":-(", ";)", ":D", "<3"), followed by a space, the end or
    /// punctuation.
    fn emoticon(&self, i: usize) -> Option<usize> {
        const EMOTICONS: &[&str] = &[
            ":-)", ":-(", ";-)", ":-D", ":-P", ":-p", ":'(", ":)", ":(", ";)", ":D", ":P", ":p",
            "<3",
        ];
        let rest = &self.text[i..];
        let e = EMOTICONS.iter().find(|e| rest.starts_with(**e))?;
        let end = i + e.len();
        let boundary = self
            .char_at(end)
            .is_none_or(|n| n.is_whitespace() || matches!(n, '.' | ',' | '!' | '?' | ')'));
        boundary.then_some(end)
    }

    /// A token starting with a character that is not a letter or digit.
    fn punct(&mut self, i: usize, c: char) -> usize {
        let bytes = self.bytes;
        let len = bytes.len();
        let clen = c.len_utf8();
        let next = self.char_at(i + clen);
        if matches!(c, ':' | ';' | '<')
            && let Some(end) = self.emoticon(i)
        {
            self.emit(i, end);
            return end;
        }
        match c {
            '.' if next.is_some_and(|n| n.is_ascii_digit())
                && !self.char_before(i).is_some_and(char::is_alphanumeric) =>
            {
                // ".5"
                return self.word(i, i + 1);
            }
            '#' | '@'
                if next.is_some_and(|n| {
                    n.is_alphabetic() || n == '_' || (c == '@' && n.is_ascii_digit())
                }) =>
            {
                // "#Ukraine", "@user": letters, digits, underscores, marks.
                let mut end = i + 1;
                while let Some(n) = self.char_at(end).filter(|&n| is_word_char(n) || n == '_') {
                    end += n.len_utf8();
                }
                self.emit(i, end);
                return end;
            }
            '+' if next.is_some_and(|n| n.is_ascii_digit())
                && !self
                    .char_before(i)
                    .is_some_and(|p| is_word_char(p) || matches!(p, ')' | ']' | '%')) =>
            {
                // A number with a plus sign ("+1", "+44" in phone numbers, as in EWT). A minus
                // stays a token of its own, as EWT has it.
                return self.word(i, i + clen);
            }
            '!' | '?' | '.' => {
                // "...", "?!", "!!!", ".?"
                let mut end = i + 1;
                while end < len && matches!(bytes[end], b'!' | b'?' | b'.') {
                    end += 1;
                }
                self.emit(i, end);
                return end;
            }
            '…' => {
                let mut end = i + clen;
                while self.text[end..].starts_with('…') {
                    end += clen;
                }
                self.emit(i, end);
                return end;
            }
            _ if is_apostrophe(c) => {
                // A clitic after a word that kept its period ("U.S.'s"), or a decade ("'90s").
                let after = i + clen;
                let mut r = after;
                while r < len && r - after < 4 && bytes[r].is_ascii_alphanumeric() {
                    r += 1;
                }
                let boundary = self.char_at(r).is_none_or(|n| !is_word_char(n));
                let suffix = &self.text[after..r];
                let attached = self
                    .char_before(i)
                    .is_some_and(|p| is_word_char(p) || p == '.');
                // "'72", "'90s" (not after a word: "officials'90s" is no decade).
                let sb = suffix.as_bytes();
                let decade = !attached
                    && sb.len() >= 2
                    && sb[..2].iter().all(u8::is_ascii_digit)
                    && (sb.len() == 2 || (sb.len() == 3 && sb[2] == b's'));
                if boundary && ((attached && is_clitic(suffix)) || decade) {
                    self.emit(i, r);
                    return r;
                }
                if c == '\'' && next == Some('\'') {
                    // '' as a quotation mark, as the Treebank writes it.
                    self.emit(i, i + 2);
                    return i + 2;
                }
            }
            _ if c.is_ascii() && is_run_char(c as u8) => {
                let mut end = i + 1;
                while end < len && bytes[end] == c as u8 {
                    end += 1;
                }
                self.emit(i, end);
                return end;
            }
            _ => {}
        }
        // One character, with what attaches to it: combining marks, emoji modifiers, a
        // zero-width joiner and the character it joins, the second of a flag's two regional
        // indicators.
        let mut end = i + clen;
        if ('\u{1F1E6}'..='\u{1F1FF}').contains(&c)
            && next.is_some_and(|n| ('\u{1F1E6}'..='\u{1F1FF}').contains(&n))
        {
            end += 4;
        }
        while let Some(m) = self.char_at(end).filter(|&m| is_joiner(m)) {
            end += m.len_utf8();
            if m == '\u{200D}'
                && let Some(e) = self
                    .char_at(end)
                    .filter(|e| !e.is_whitespace() && !e.is_alphanumeric())
            {
                end += e.len_utf8();
            }
        }
        self.emit(i, end);
        end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(text: &str) -> Vec<&str> {
        tokenize(text).iter().map(|t| t.text(text)).collect()
    }

    #[track_caller]
    fn check(text: &str, expected: &[&str]) {
        assert_eq!(toks(text), expected, "tokens of {text:?}");
    }

    #[test]
    fn empty_and_whitespace() {
        check("", &[]);
        check(" \n\t\u{a0}\u{2003} ", &[]);
        check("word", &["word"]);
    }

    #[test]
    fn abbreviations_and_initials() {
        check(
            "the U.S. and the U.K. did",
            &["the", "U.S.", "and", "the", "U.K.", "did"],
        );
        check("Henry E. Hale", &["Henry", "E.", "Hale"]);
        check(
            "Mr. Smith and Dr. Jones met Gov. Abbott, Sen. Cruz",
            &[
                "Mr.", "Smith", "and", "Dr.", "Jones", "met", "Gov.", "Abbott", ",", "Sen.", "Cruz",
            ],
        );
        check(
            "on Jan. 5 at St. Paul",
            &["on", "Jan.", "5", "at", "St.", "Paul"],
        );
        check(
            "Acme Inc. and Foo Corp.,",
            &["Acme", "Inc.", "and", "Foo", "Corp.", ","],
        );
        check(
            "at 3 p.m. or 9 a.m.,",
            &["at", "3", "p.m.", "or", "9", "a.m.", ","],
        );
        check(
            "e.g. this, i.e. that",
            &["e.g.", "this", ",", "i.e.", "that"],
        );
        check("a Ph.D. student", &["a", "Ph.D.", "student"]);
        check("U.S.-led talks", &["U.S.-led", "talks"]);
        check("in Austin, Texas.", &["in", "Austin", ",", "Texas", "."]);
        // At the end of a paragraph the period is also the sentence's, so it is split off.
        check(
            "delivery in the U.S.",
            &["delivery", "in", "the", "U.S", "."],
        );
        check("in the U.S.\n\nNext", &["in", "the", "U.S", ".", "Next"]);
        check("in the U.S.” He", &["in", "the", "U.S.", "”", "He"]);
        check(
            "the U.S. The next day",
            &["the", "U.S.", "The", "next", "day"],
        );
    }

    #[test]
    fn no_before_a_number() {
        check(
            "No. 10 Downing St. is",
            &["No.", "10", "Downing", "St.", "is"],
        );
        check(
            "the answer is No. Then",
            &["the", "answer", "is", "No", ".", "Then"],
        );
    }

    #[test]
    fn sentence_final_period() {
        check("reached a deal.", &["reached", "a", "deal", "."]);
        check("in 2024. Then", &["in", "2024", ".", "Then"]);
        check("the deal.The end", &["the", "deal", ".", "The", "end"]);
        check("visit Amazon.com.", &["visit", "Amazon.com", "."]);
    }

    #[test]
    fn numbers() {
        check("14,000 troops", &["14,000", "troops"]);
        check(
            "5000 and 3.5 and 1,000",
            &["5000", "and", "3.5", "and", "1,000"],
        );
        check("$1.2 billion", &["$", "1.2", "billion"]);
        check("€40,000", &["€", "40,000"]);
        check("£5", &["£", "5"]);
        check("a 30-day truce", &["a", "30-day", "truce"]);
        check(
            "on 2025-03-17 at 10:42",
            &["on", "2025-03-17", "at", "10:42"],
        );
        check("50% of", &["50", "%", "of"]);
        check("the 21st century", &["the", "21st", "century"]);
        check("24/7 and 9/11", &["24/7", "and", "9/11"]);
        check("up .5 point", &["up", ".5", "point"]);
        check("1,000,000.", &["1,000,000", "."]);
        check("(1) and 2,", &["(", "1", ")", "and", "2", ","]);
        check("the 1990s", &["the", "1990s"]);
        check("at 5pm or 7:30PM", &["at", "5", "pm", "or", "7:30", "PM"]);
        check("call +1 212-848-8400", &["call", "+1", "212-848-8400"]);
        check(
            "from -5 to 1:30 -2:30",
            &["from", "-", "5", "to", "1:30", "-", "2:30"],
        );
    }

    #[test]
    fn hyphenated_words() {
        check(
            "Trump-Putin face-to-face junior-level Russian-speaking",
            &[
                "Trump-Putin",
                "face-to-face",
                "junior-level",
                "Russian-speaking",
            ],
        );
        check("COVID-19 cases", &["COVID-19", "cases"]);
        check("well -- maybe", &["well", "--", "maybe"]);
        check("end- and", &["end", "-", "and"]);
    }

    #[test]
    fn clitics() {
        check("don't", &["do", "n't"]);
        check("can't", &["ca", "n't"]);
        check("won't", &["wo", "n't"]);
        check("ain't", &["ai", "n't"]);
        check("DON'T", &["DO", "N'T"]);
        check("Trump's plan", &["Trump", "'s", "plan"]);
        check(
            "they've we're I'm she'll he'd",
            &[
                "they", "'ve", "we", "'re", "I", "'m", "she", "'ll", "he", "'d",
            ],
        );
        check("IT'S", &["IT", "'S"]);
    }

    #[test]
    fn clitics_with_curly_apostrophes() {
        check("don’t", &["do", "n’t"]);
        check("can’t", &["ca", "n’t"]);
        check("Trump’s", &["Trump", "’s"]);
        check(
            "they’ve we’re I’m she’ll he’d",
            &[
                "they", "’ve", "we", "’re", "I", "’m", "she", "’ll", "he", "’d",
            ],
        );
    }

    #[test]
    fn possessives_and_names() {
        check(
            "the officials' statement",
            &["the", "officials", "'", "statement"],
        );
        check(
            "the officials’ statement",
            &["the", "officials", "’", "statement"],
        );
        check("O'Brien and O’Neill", &["O'Brien", "and", "O’Neill"]);
        check("rock'n'roll", &["rock'n'roll"]);
        check("the U.S.'s role", &["the", "U.S.", "'s", "role"]);
        check("the '90s", &["the", "'90s"]);
        check(
            "in September of '72,",
            &["in", "September", "of", "'72", ","],
        );
        check("the 1990's and 80's", &["the", "1990's", "and", "80's"]);
    }

    #[test]
    fn quotes() {
        check(
            "“It needs to happen soon,” Rubio said.",
            &[
                "“", "It", "needs", "to", "happen", "soon", ",", "”", "Rubio", "said", ".",
            ],
        );
        check(
            "\"Stop,\" he said",
            &["\"", "Stop", ",", "\"", "he", "said"],
        );
        check("‘no’ vote", &["‘", "no", "’", "vote"]);
        check("'no' vote", &["'", "no", "'", "vote"]);
    }

    #[test]
    fn dashes_ellipses_brackets() {
        check("talks—and more", &["talks", "—", "and", "more"]);
        check("2019–2020", &["2019", "–", "2020"]);
        check(
            "wait… what... now....",
            &["wait", "…", "what", "...", "now", "...."],
        );
        check(
            "[Putin] (the leader) {x}",
            &["[", "Putin", "]", "(", "the", "leader", ")", "{", "x", "}"],
        );
        check("Really?! Yes!!!", &["Really", "?!", "Yes", "!!!"]);
        check("format.? ok..? no", &["format", ".?", "ok", "..?", "no"]);
        check("``Yes,'' he said", &["``", "Yes", ",", "''", "he", "said"]);
        check("A++ <<File>>", &["A", "++", "<<", "File", ">>"]);
        check("great :) and :-( ok", &["great", ":)", "and", ":-(", "ok"]);
        check("Note:Do", &["Note", ":", "Do"]);
        check("a; b: c", &["a", ";", "b", ":", "c"]);
    }

    #[test]
    fn urls_emails_hashtags() {
        check(
            "see https://example.com/a?b=c&d=e.",
            &["see", "https://example.com/a?b=c&d=e", "."],
        );
        check("(www.reuters.com)", &["(", "www.reuters.com", ")"]);
        check(
            "at https://en.wikipedia.org/wiki/Foo_(bar), then",
            &["at", "https://en.wikipedia.org/wiki/Foo_(bar)", ",", "then"],
        );
        check("“http://x.org/a”", &["“", "http://x.org/a", "”"]);
        check(
            "mail jane.doe+news@example.co.uk.",
            &["mail", "jane.doe+news@example.co.uk", "."],
        );
        check(
            "#Ukraine and @user_1!",
            &["#Ukraine", "and", "@user_1", "!"],
        );
        check("# 1", &["#", "1"]);
        check("a @ b", &["a", "@", "b"]);
        check("AT&T and S&P", &["AT&T", "and", "S&P"]);
        check("and/or", &["and", "/", "or"]);
        check("###", &["###"]);
    }

    #[test]
    fn other_scripts() {
        check(
            "中华人民共和国",
            &["中", "华", "人", "民", "共", "和", "国"],
        );
        check(
            "東京タワーへ行く",
            &["東", "京", "タワー", "へ", "行", "く"],
        );
        check("สวัสดีครับ", &["สวัสดีครับ"]);
        check("Путин и Трамп.", &["Путин", "и", "Трамп", "."]);
        check("В. Путин", &["В.", "Путин"]);
        check("Kyivкиїв", &["Kyiv", "київ"]);
        check("नमस्ते दुनिया", &["नमस्ते", "दुनिया"]);
        check("مرحبا بالعالم؟", &["مرحبا", "بالعالم", "؟"]);
        check("10月", &["10", "月"]);
        check("Citroën naïve Hawaiʻi", &["Citroën", "naïve", "Hawaiʻi"]);
        check("e\u{301}te\u{301}", &["e\u{301}te\u{301}"]);
    }

    #[test]
    fn symbols_and_controls() {
        check("👍🏽 ok 🇺🇸", &["👍🏽", "ok", "🇺🇸"]);
        check("👩\u{200D}💻", &["👩\u{200D}💻"]);
        check("a\u{0}b\u{1}", &["a", "\u{0}", "b", "\u{1}"]);
        check("x\u{1c}y", &["x", "\u{1c}", "y"]);
        check("\u{301}a", &["\u{301}a"]);
    }

    #[test]
    fn long_run_without_spaces_is_linear() {
        let text: String = "ab.c,d'e-f@g#h中".repeat(50_000);
        let start = std::time::Instant::now();
        let tokens = tokenize(&text);
        assert!(!tokens.is_empty());
        assert!(start.elapsed().as_secs() < 5);
    }
}
