//! Lemmas: a table learned from UD English-EWT (lower-cased form and UPOS → the form's most
//! frequent lemma), with English inflection rules for words the table lacks.
//!
//! Looking a word up:
//!
//! 1. The table, keyed by the lower-cased form (curly apostrophes read as straight ones) and
//!    the UPOS tag: irregulars (`children` → `child`, `went` → `go`, `better` → `good`),
//!    pronouns (`me` → `I`), clitics (`n't` → `not`, `'s` AUX → `be`) and proper-noun
//!    spellings all come from here.
//! 2. Otherwise proper nouns keep their form, and other words are lower-cased (except `I`)
//!    and, by UPOS, stripped of regular inflection: NOUN plurals (`-s`, `-es`, `-ies`,
//!    `-ves`, `-men`), VERB and AUX `-s`, `-ed`, `-ing` (undoubling `stopped` → `stop`,
//!    restoring a final e `taking` → `take`), ADJ and ADV comparatives and superlatives. When
//!    a rule has several candidate stems, one the table knows as a lemma of that part of
//!    speech wins (`focuses` → `focus`, not `focuse`).

use std::borrow::Cow;
use std::io::{self, Read, Write};
use std::path::Path;

use hashbrown::{HashMap, HashSet};

use crate::conllu::Sentence;
use crate::pos::{Accuracy, UPOS, upos_index};

const HEADER: &str = "# storyline lemma table v1: UPOS, lower-cased form, lemma";

/// A lemmatiser: the learned table plus rules. `Lemmatizer::default()` has rules only.
#[derive(Default)]
pub struct Lemmatizer {
    /// Per UPOS (index into [`UPOS`]): lower-cased form → lemma.
    tables: Vec<HashMap<Box<str>, Box<str>>>,
    /// Lemmas the table gives verbs and auxiliaries, nouns, adjectives and adverbs: the
    /// dictionary that picks among a rule's candidate stems.
    verbs: HashSet<Box<str>>,
    nouns: HashSet<Box<str>>,
    adjectives: HashSet<Box<str>>,
}

impl Lemmatizer {
    /// Learns the table from gold lemmas: for each lower-cased form and UPOS, the most
    /// frequent lemma (ties go to the lemma that sorts first, so training is deterministic).
    pub fn train(sentences: &[Sentence]) -> Lemmatizer {
        let mut counts: HashMap<(usize, String), HashMap<&str, u32>> = HashMap::new();
        for word in sentences.iter().flat_map(|s| &s.words) {
            let Some(upos) = upos_index(&word.upos) else {
                continue;
            };
            if word.lemma.is_empty() || (word.lemma == "_" && word.form != "_") {
                continue;
            }
            *counts
                .entry((upos, key(&word.form).into_owned()))
                .or_default()
                .entry(word.lemma.as_str())
                .or_default() += 1;
        }
        let mut lemmatizer = Lemmatizer::default();
        for ((upos, form), lemmas) in counts {
            let best = lemmas
                .into_iter()
                .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(a.0)))
                .map(|(lemma, _)| lemma)
                .unwrap_or_default();
            lemmatizer.insert(upos, &form, best);
        }
        lemmatizer
    }

    fn insert(&mut self, upos: usize, form: &str, lemma: &str) {
        if self.tables.len() < UPOS.len() {
            self.tables.resize_with(UPOS.len(), HashMap::default);
        }
        self.tables[upos].insert(form.into(), lemma.into());
        let known = match UPOS[upos] {
            "VERB" | "AUX" => &mut self.verbs,
            "NOUN" => &mut self.nouns,
            "ADJ" | "ADV" => &mut self.adjectives,
            _ => return,
        };
        known.insert(lemma.to_lowercase().into());
    }

    /// Entries in the table.
    pub fn len(&self) -> usize {
        self.tables.iter().map(HashMap::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The lemma of `form` tagged `upos`.
    pub fn lemma<'a>(&'a self, form: &'a str, upos: &str) -> Cow<'a, str> {
        let Some(class) = upos_index(upos) else {
            return lower_case(form);
        };
        let mut buffer = [0u8; 64];
        let key = stack_key(form, &mut buffer);
        if let Some(lemma) = self.tables.get(class).and_then(|t| t.get(&*key)) {
            return Cow::Borrowed(lemma);
        }
        let upos = UPOS[class];
        if matches!(upos, "NOUN" | "VERB" | "AUX" | "ADJ" | "ADV")
            && let Some(hyphen) = form.rfind('-')
            && hyphen > 0
            && hyphen + 1 < form.len()
        {
            // A hyphenated word as our tokeniser keeps it: inflection is on the last part
            // (`half-baked` → `half-bake`, `mothers-in-law` stays).
            let (head, tail) = form.split_at(hyphen + 1);
            let lemma = self.lemma(tail, upos);
            if lemma == tail && !form.chars().any(char::is_uppercase) {
                return Cow::Borrowed(form);
            }
            return Cow::Owned(format!("{}{lemma}", head.to_lowercase()));
        }
        match upos {
            "PROPN" => self.proper_noun(form, &key),
            "PUNCT" | "SYM" => Cow::Borrowed(form),
            "PRON" if form == "I" => Cow::Borrowed(form),
            "NUM" => number(form),
            "NOUN" => self.rule(form, &key, noun_candidates, &self.nouns, true),
            "VERB" | "AUX" => self.rule(form, &key, verb_candidates, &self.verbs, true),
            "ADJ" => self.rule(form, &key, comparative_candidates, &self.adjectives, true),
            "ADV" => self.rule(form, &key, comparative_candidates, &self.adjectives, false),
            _ => lower_case(form),
        }
    }

    /// A proper noun the table lacks keeps its form, except that long all-capital names are
    /// written in title case (`MIRAMAR` → `Miramar`, as EWT does; `NASA` stays) and plural
    /// names of things take the singular when the table knows it as a noun (`Partners` →
    /// `Partner`, but `Williams` stays).
    fn proper_noun<'a>(&self, form: &'a str, key: &str) -> Cow<'a, str> {
        let letters = form.chars().filter(|c| c.is_alphabetic()).count();
        if letters > 4 && form.chars().all(|c| c.is_alphabetic() && c.is_uppercase()) {
            let mut chars = form.chars();
            let first = chars.next().into_iter();
            return Cow::Owned(first.chain(chars.flat_map(char::to_lowercase)).collect());
        }
        if form.ends_with('s') && form.chars().next().is_some_and(char::is_uppercase) {
            let candidates = noun_candidates(key);
            if let Some(found) = candidates.iter().find(|c| self.nouns.contains(c.as_str())) {
                // Keep the form's capital: the candidate is lower case ASCII.
                let mut out = String::with_capacity(found.len());
                out.push_str(&form[..1]);
                out.push_str(&found[1..]);
                return Cow::Owned(out);
            }
        }
        Cow::Borrowed(form)
    }

    /// Applies an inflection rule to the lower-cased `key`: a candidate the table knows as a
    /// lemma wins; otherwise the rule's own default (the first candidate), if `guess`.
    fn rule<'a>(
        &self,
        form: &'a str,
        key: &str,
        candidates: fn(&str) -> Vec<String>,
        known: &HashSet<Box<str>>,
        guess: bool,
    ) -> Cow<'a, str> {
        if known.contains(key) {
            return lower_case(form);
        }
        let candidates = candidates(key);
        if let Some(found) = candidates.iter().find(|c| known.contains(c.as_str())) {
            return Cow::Owned(found.clone());
        }
        match candidates.into_iter().next() {
            Some(first) if guess && first != NO_DEFAULT => Cow::Owned(first),
            _ => lower_case(form),
        }
    }

    /// Writes the table as zstd-compressed TSV (`UPOS form lemma`, sorted).
    pub fn save(&self, path: impl AsRef<Path>) -> io::Result<()> {
        let mut rows: Vec<(&str, &str, &str)> = Vec::with_capacity(self.len());
        for (class, table) in self.tables.iter().enumerate() {
            for (form, lemma) in table {
                rows.push((UPOS[class], form, lemma));
            }
        }
        rows.sort_unstable();
        let mut text = String::with_capacity(rows.len() * 24);
        text.push_str(HEADER);
        text.push('\n');
        for (upos, form, lemma) in rows {
            text.push_str(upos);
            text.push('\t');
            text.push_str(form);
            text.push('\t');
            text.push_str(lemma);
            text.push('\n');
        }
        let path = path.as_ref();
        let mut file = std::fs::File::create(path)?;
        file.write_all(&zstd::encode_all(text.as_bytes(), 19)?)?;
        file.sync_all()
    }

    pub fn load(path: impl AsRef<Path>) -> io::Result<Lemmatizer> {
        let path = path.as_ref();
        let bytes = std::fs::read(path)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
        Lemmatizer::from_bytes(&bytes)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))
    }

    /// Reads a table written by [`Lemmatizer::save`] (zstd-compressed or plain TSV).
    pub fn from_bytes(bytes: &[u8]) -> io::Result<Lemmatizer> {
        let invalid = |what: String| io::Error::new(io::ErrorKind::InvalidData, what);
        let mut text = String::new();
        if bytes.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            zstd::stream::read::Decoder::new(bytes)?.read_to_string(&mut text)?;
        } else {
            text = String::from_utf8(bytes.to_vec())
                .map_err(|_| invalid("lemma table is not UTF-8".into()))?;
        }
        let mut lines = text.lines().enumerate();
        match lines.next() {
            Some((_, first)) if first == HEADER => {}
            _ => return Err(invalid("not a storyline lemma table (bad header)".into())),
        }
        let mut lemmatizer = Lemmatizer::default();
        for (index, line) in lines {
            if line.is_empty() {
                continue;
            }
            let mut fields = line.split('\t');
            let (Some(upos), Some(form), Some(lemma), None) =
                (fields.next(), fields.next(), fields.next(), fields.next())
            else {
                return Err(invalid(format!("line {}: expected 3 fields", index + 1)));
            };
            let Some(class) = upos_index(upos) else {
                return Err(invalid(format!(
                    "line {}: unknown UPOS {upos:?}",
                    index + 1
                )));
            };
            lemmatizer.insert(class, form, lemma);
        }
        Ok(lemmatizer)
    }
}

/// Lemma accuracy on `sentences` with their gold UPOS tags: overall, and on the words the
/// table does not know (where the rules decide).
pub fn evaluate(lemmatizer: &Lemmatizer, sentences: &[Sentence]) -> (Accuracy, Accuracy) {
    let mut all = Accuracy::default();
    let mut unseen = Accuracy::default();
    for word in sentences.iter().flat_map(|s| &s.words) {
        let right = lemmatizer.lemma(&word.form, &word.upos) == word.lemma;
        all.total += 1;
        all.correct += usize::from(right);
        let known = upos_index(&word.upos)
            .and_then(|c| lemmatizer.tables.get(c))
            .is_some_and(|t| t.contains_key(&*key(&word.form)));
        if !known {
            unseen.total += 1;
            unseen.correct += usize::from(right);
        }
    }
    (all, unseen)
}

/// The table key: lower case, curly apostrophes and quotes as straight ones.
fn key(form: &str) -> Cow<'_, str> {
    if form
        .bytes()
        .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
    {
        return Cow::Borrowed(form);
    }
    Cow::Owned(
        form.chars()
            .map(|c| match c {
                '\u{2018}' | '\u{2019}' | '\u{201b}' | '\u{2032}' => '\'',
                '\u{201c}' | '\u{201d}' | '\u{201f}' => '"',
                c => c,
            })
            .flat_map(char::to_lowercase)
            .collect(),
    )
}

/// [`key`] without allocating for short ASCII words.
fn stack_key<'a>(form: &'a str, buffer: &'a mut [u8; 64]) -> Cow<'a, str> {
    if form.is_ascii() && form.len() <= buffer.len() && form.bytes().any(|b| b.is_ascii_uppercase())
    {
        let out = &mut buffer[..form.len()];
        out.copy_from_slice(form.as_bytes());
        out.make_ascii_lowercase();
        return Cow::Borrowed(std::str::from_utf8(out).unwrap_or(form));
    }
    key(form)
}

/// Numbers: thousands separators go (`12,000` → `12000`, as in EWT); words are lower-cased.
fn number(form: &str) -> Cow<'_, str> {
    let b = form.as_bytes();
    let grouped = b.first().is_some_and(u8::is_ascii_digit)
        && b.contains(&b',')
        && form.split('.').next().is_some_and(|whole| {
            let mut groups = whole.split(',');
            groups.next().is_some_and(|g| {
                (1..=3).contains(&g.len()) && g.bytes().all(|c| c.is_ascii_digit())
            }) && groups.all(|g| g.len() == 3 && g.bytes().all(|c| c.is_ascii_digit()))
        })
        && form
            .split_once('.')
            .is_none_or(|(_, decimals)| decimals.bytes().all(|c| c.is_ascii_digit()));
    if grouped {
        Cow::Owned(form.replace(',', ""))
    } else {
        lower_case(form)
    }
}

/// Whether inflection rules apply: plain words (letters, inner hyphens and apostrophes),
/// not addresses, file names or numbers.
fn is_plain_word(w: &str) -> bool {
    w.is_ascii()
        && w.bytes().any(|b| b.is_ascii_alphabetic())
        && w.bytes()
            .all(|b| b.is_ascii_alphabetic() || b == b'-' || b == b'\'')
}

fn lower_case(form: &str) -> Cow<'_, str> {
    if form.chars().any(char::is_uppercase) {
        Cow::Owned(form.to_lowercase())
    } else {
        Cow::Borrowed(form)
    }
}

fn is_vowel(c: u8) -> bool {
    matches!(c, b'a' | b'e' | b'i' | b'o' | b'u')
}

/// Groups of vowels ("y" after a consonant counts): a rough syllable count.
fn syllables(word: &[u8]) -> usize {
    let mut count = 0;
    let mut previous = false;
    for (i, &c) in word.iter().enumerate() {
        let vowel = is_vowel(c) || (c == b'y' && i > 0 && !is_vowel(word[i - 1]));
        if vowel && !previous {
            count += 1;
        }
        previous = vowel;
    }
    count
}

/// Whether a stem left by removing `-ing`, `-ed`, `-er` or `-est` lost a final e
/// (`tak` → `take`, `creat` → `create`, `handl` → `handle`, `giv` → `give`).
fn needs_e(stem: &str) -> bool {
    let b = stem.as_bytes();
    let n = b.len();
    if n < 2 || !b.iter().all(u8::is_ascii_lowercase) {
        return false;
    }
    let (c2, c1) = (b[n - 2], b[n - 1]);
    if stem.ends_with("iat") || stem.ends_with("uat") || stem.ends_with("creat") {
        // negotiat-ed, evaluat-ing, creat-ed.
        return true;
    }
    if is_vowel(c1) {
        // continu-ing, argu-ed; agre-ed, fre-ed.
        return c1 == b'u' || (c1 == b'e' && c2 != b'e');
    }
    match (c2, c1) {
        (_, b'v') => return true,
        (b's', b's') | (b'z', b'z') => return false,
        (_, b's' | b'z' | b'c') => return true,
        (b'd' | b'r', b'g') => return true,
        (b'b' | b'c' | b'd' | b'f' | b'g' | b'k' | b'p' | b't' | b'z', b'l') => return true,
        _ => {}
    }
    if n == 2 && is_vowel(c2) && !matches!(c1, b'x' | b'y') {
        // ag-ed, ow-ed.
        return true;
    }
    if n >= 3 && is_vowel(c2) && !is_vowel(b[n - 3]) {
        // Consonant-vowel-consonant at the end.
        if matches!(c1, b'w' | b'x' | b'y') {
            return false;
        }
        if syllables(b) == 1 {
            // Had the base been "hop", the inflection would double: "hopping".
            return true;
        }
        return matches!(
            (c2, c1),
            (b'a', b't')
                | (b'u', b't')
                | (b'o', b't')
                | (b'i', b'r')
                | (b'u', b'r')
                | (b'i', b'n')
                | (b'i', b'd')
                | (b'u', b'd')
                | (b'o', b'd')
                | (b'a', b'g')
                | (b'o', b'k')
                | (b'a', b'k')
                | (b'u', b'm')
                | (b'o', b'm')
                | (b'u', b'l')
                | (b'a', b'r')
        );
    }
    false
}

/// A stem ending in a doubled consonant that inflection doubled (`stopp` → `stop`).
fn undouble(stem: &str) -> Option<String> {
    let b = stem.as_bytes();
    let n = b.len();
    if n >= 3
        && b[n - 1] == b[n - 2]
        && matches!(
            b[n - 1],
            b'b' | b'd' | b'g' | b'k' | b'm' | b'n' | b'p' | b'r' | b't'
        )
    {
        return Some(stem[..n - 1].to_owned());
    }
    // travell-ing, controll-ed: only after two or more syllables (tell-ing keeps its l).
    if n >= 5 && b[n - 1] == b'l' && b[n - 2] == b'l' && syllables(&b[..n - 2]) >= 2 {
        return Some(stem[..n - 1].to_owned());
    }
    None
}

/// Candidate bases for a stem left by removing `-ing` or `-ed`, the likeliest first.
fn stem_candidates(stem: &str, out: &mut Vec<String>) {
    if stem.ends_with("ick") && syllables(stem.as_bytes()) >= 2 {
        // mimick-ing, panick-ed (but kick-ing).
        out.push(stem[..stem.len() - 1].to_owned());
        out.push(stem.to_owned());
        return;
    }
    if let Some(single) = undouble(stem) {
        out.push(single);
        out.push(stem.to_owned());
        return;
    }
    let with_e = format!("{stem}e");
    if needs_e(stem) {
        out.push(with_e);
        out.push(stem.to_owned());
    } else {
        out.push(stem.to_owned());
        out.push(with_e);
    }
}

fn has_vowel(s: &str) -> bool {
    let b = s.as_bytes();
    b.iter().any(|&c| is_vowel(c)) || (b.len() > 1 && b[1..].contains(&b'y'))
}

/// Candidate lemmas of a verb form, the rule's default first; empty if not inflected.
fn verb_candidates(w: &str) -> Vec<String> {
    let mut out = Vec::new();
    let n = w.len();
    if !is_plain_word(w) {
        return out;
    }
    if let Some(stem) = w.strip_suffix("ies") {
        out.push(if n > 4 {
            format!("{stem}y")
        } else {
            format!("{stem}ie")
        });
    } else if let Some(stem) = w.strip_suffix("ied") {
        out.push(if n > 4 {
            format!("{stem}y")
        } else {
            format!("{stem}ie")
        });
    } else if let Some(stem) = w
        .strip_suffix("ing")
        .filter(|s| s.len() >= 2 && has_vowel(s))
    {
        stem_candidates(stem, &mut out);
    } else if let Some(stem) = w
        .strip_suffix("ed")
        .filter(|s| s.len() >= 2 && has_vowel(s))
    {
        stem_candidates(stem, &mut out);
    } else if w.ends_with("sses")
        || w.ends_with("shes")
        || w.ends_with("ches")
        || w.ends_with("xes")
        || w.ends_with("zzes")
        || w.ends_with("oes")
    {
        out.push(w[..n - 2].to_owned());
        out.push(w[..n - 1].to_owned());
    } else if w.ends_with("ses") {
        out.push(w[..n - 1].to_owned());
        out.push(w[..n - 2].to_owned());
    } else if n > 2
        && w.ends_with('s')
        && !w.ends_with("ss")
        && !w.ends_with("us")
        && !w.ends_with("is")
        && !w.ends_with("'s")
    {
        out.push(w[..n - 1].to_owned());
    }
    out
}

/// Candidate lemmas of a noun form, the rule's default first; empty if not plural-looking.
fn noun_candidates(w: &str) -> Vec<String> {
    let mut out = Vec::new();
    let n = w.len();
    if !is_plain_word(w) || n < 3 {
        return out;
    }
    if let Some(stem) = w.strip_suffix("ies") {
        if n > 4 {
            out.push(format!("{stem}y"));
        }
        out.push(format!("{stem}ie"));
    } else if let Some(stem) = w.strip_suffix("ves") {
        if stem.ends_with('l') || stem.ends_with("ea") || stem.ends_with("ie") {
            out.push(format!("{stem}f"));
            out.push(format!("{stem}ve"));
        } else {
            out.push(format!("{stem}ve"));
            out.push(format!("{stem}f"));
            out.push(format!("{stem}fe"));
        }
    } else if w.ends_with("men") && n > 3 {
        out.push(format!("{}man", &w[..n - 3]));
    } else if w.ends_with("sses")
        || w.ends_with("shes")
        || w.ends_with("xes")
        || w.ends_with("zzes")
        || (w.ends_with("ches") && !w.ends_with("aches"))
        || w.ends_with("oes")
    {
        out.push(w[..n - 2].to_owned());
        out.push(w[..n - 1].to_owned());
    } else if w.ends_with("ses") {
        out.push(w[..n - 1].to_owned());
        out.push(w[..n - 2].to_owned());
    } else if n > 3
        && w.ends_with('s')
        && !w.ends_with("ss")
        && !w.ends_with("us")
        && !w.ends_with("is")
        && !w.ends_with("ous")
        && !w.ends_with("'s")
    {
        out.push(w[..n - 1].to_owned());
    }
    out
}

/// Candidate lemmas of a comparative or superlative. Only the safe patterns (`-ier`,
/// `-iest`, a doubled consonant: `happier`, `bigger`) are a default; plain stripping
/// (`larger` → `large`) is offered for the table's check only, behind [`NO_DEFAULT`].
fn comparative_candidates(w: &str) -> Vec<String> {
    let mut out = Vec::new();
    if !is_plain_word(w) {
        return out;
    }
    let stem = w
        .strip_suffix("est")
        .or_else(|| w.strip_suffix("er"))
        .filter(|s| s.len() >= 2 && has_vowel(s));
    let Some(stem) = stem else {
        return out;
    };
    if let Some(base) = stem.strip_suffix('i') {
        out.push(format!("{base}y"));
    } else if let Some(single) = undouble(stem) {
        out.push(single);
    } else {
        // No safe default: "proper", "honest" and "former" are not comparatives.
        out.push(NO_DEFAULT.to_owned());
    }
    let with_e = format!("{stem}e");
    if needs_e(stem) {
        out.push(with_e);
        out.push(stem.to_owned());
    } else {
        out.push(stem.to_owned());
        out.push(with_e);
    }
    out
}

/// A first candidate that means "keep the form unless the table knows a candidate".
const NO_DEFAULT: &str = "\u{0}";

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> Lemmatizer {
        Lemmatizer::default()
    }

    #[test]
    fn inflection_rules() {
        let l = rules();
        let cases = [
            ("running", "VERB", "run"),
            ("studies", "NOUN", "study"),
            ("studies", "VERB", "study"),
            ("studied", "VERB", "study"),
            ("stopped", "VERB", "stop"),
            ("taking", "VERB", "take"),
            ("making", "VERB", "make"),
            ("created", "VERB", "create"),
            ("handled", "VERB", "handle"),
            ("giving", "VERB", "give"),
            ("used", "VERB", "use"),
            ("visiting", "VERB", "visit"),
            ("opened", "VERB", "open"),
            ("walked", "VERB", "walk"),
            ("telling", "VERB", "tell"),
            ("travelling", "VERB", "travel"),
            ("agreed", "VERB", "agree"),
            ("continuing", "VERB", "continue"),
            ("watches", "VERB", "watch"),
            ("makes", "VERB", "make"),
            ("died", "VERB", "die"),
            ("aged", "VERB", "age"),
            ("mimicking", "VERB", "mimic"),
            ("kicking", "VERB", "kick"),
            ("attacked", "VERB", "attack"),
            ("bigger", "ADJ", "big"),
            ("happier", "ADJ", "happy"),
            ("proper", "ADJ", "proper"),
            ("honest", "ADJ", "honest"),
            ("boxes", "NOUN", "box"),
            ("churches", "NOUN", "church"),
            ("classes", "NOUN", "class"),
            ("cases", "NOUN", "case"),
            ("wolves", "NOUN", "wolf"),
            ("executives", "NOUN", "executive"),
            ("women", "NOUN", "woman"),
            ("status", "NOUN", "status"),
            ("analysis", "NOUN", "analysis"),
            ("gas", "NOUN", "gas"),
            ("Dogs", "NOUN", "dog"),
            ("Running", "VERB", "run"),
            ("Smiths", "PROPN", "Smiths"),
            ("MIRAMAR", "PROPN", "Miramar"),
            ("NASA", "PROPN", "NASA"),
            ("12,000", "NUM", "12000"),
            ("1,234.5", "NUM", "1234.5"),
            ("7,5", "NUM", "7,5"),
            ("Two", "NUM", "two"),
            ("alt.animals.rabbits", "NOUN", "alt.animals.rabbits"),
            ("cats.doc", "NOUN", "cats.doc"),
            ("half-baked", "ADJ", "half-baked"),
            ("half-baked", "VERB", "half-bake"),
            ("E-mails", "NOUN", "e-mail"),
            ("Trump-Putin", "PROPN", "Trump-Putin"),
            ("I", "PRON", "I"),
            ("The", "DET", "the"),
            (",", "PUNCT", ","),
        ];
        for (form, upos, lemma) in cases {
            assert_eq!(l.lemma(form, upos), lemma, "{form} {upos}");
        }
    }

    fn word(form: &str, lemma: &str, upos: &str) -> crate::conllu::Word {
        crate::conllu::Word {
            form: form.into(),
            lemma: lemma.into(),
            upos: upos.into(),
            ..Default::default()
        }
    }

    fn table() -> Lemmatizer {
        let sentence = Sentence {
            words: vec![
                word("children", "child", "NOUN"),
                word("went", "go", "VERB"),
                word("me", "I", "PRON"),
                word("larger", "large", "ADJ"),
                word("large", "large", "ADJ"),
                word("focus", "focus", "VERB"),
                word("Americans", "American", "PROPN"),
                word("n't", "not", "PART"),
                word("better", "good", "ADJ"),
                word("better", "good", "ADJ"),
                word("better", "well", "ADJ"),
                word("hope", "hope", "VERB"),
                word("hop", "hop", "VERB"),
                word("partner", "partner", "NOUN"),
            ],
            ..Default::default()
        };
        Lemmatizer::train(&[sentence])
    }

    #[test]
    fn table_then_rules() {
        let l = table();
        assert_eq!(l.lemma("children", "NOUN"), "child");
        assert_eq!(l.lemma("Children", "NOUN"), "child");
        assert_eq!(l.lemma("went", "VERB"), "go");
        assert_eq!(l.lemma("me", "PRON"), "I");
        assert_eq!(l.lemma("Americans", "PROPN"), "American");
        assert_eq!(l.lemma("AMERICANS", "PROPN"), "American");
        assert_eq!(l.lemma("Partners", "PROPN"), "Partner");
        assert_eq!(l.lemma("Williams", "PROPN"), "Williams");
        assert_eq!(l.lemma("n’t", "PART"), "not", "curly apostrophe");
        assert_eq!(l.lemma("better", "ADJ"), "good", "most frequent lemma");
        // The table's lemmas choose among the rules' candidates.
        assert_eq!(l.lemma("focuses", "VERB"), "focus");
        assert_eq!(l.lemma("focused", "VERB"), "focus");
        assert_eq!(l.lemma("largest", "ADJ"), "large");
        assert_eq!(l.lemma("hoping", "VERB"), "hope");
        assert_eq!(l.lemma("hopping", "VERB"), "hop");
        // Unknown words: rules.
        assert_eq!(l.lemma("stopped", "VERB"), "stop");
        assert_eq!(l.lemma("children", "VERB"), "children");
    }

    #[test]
    fn saves_and_loads() {
        let l = table();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lemma.tsv.zst");
        l.save(&path).unwrap();
        let loaded = Lemmatizer::load(&path).unwrap();
        assert_eq!(loaded.len(), l.len());
        assert_eq!(loaded.lemma("children", "NOUN"), "child");
        assert_eq!(loaded.lemma("focuses", "VERB"), "focus");
        let again = dir.path().join("again.tsv.zst");
        loaded.save(&again).unwrap();
        assert_eq!(
            std::fs::read(&path).unwrap(),
            std::fs::read(&again).unwrap()
        );

        assert!(Lemmatizer::from_bytes(b"nonsense").is_err());
        let bad = format!("{HEADER}\nNOUN\tdogs\n");
        let e = Lemmatizer::from_bytes(bad.as_bytes()).err().unwrap();
        assert!(e.to_string().contains("line 2"), "{e}");
        let bad = format!("{HEADER}\nNOPE\tdogs\tdog\n");
        assert!(Lemmatizer::from_bytes(bad.as_bytes()).is_err());
    }
}
