//! Part-of-speech tagging: a greedy left-to-right UPOS tagger on the averaged perceptron
//! (after Collins 2002 and Honnibal's "A good part-of-speech tagger in about 200 lines of
//! Python"), trained on UD English-EWT.
//!
//! Each word is tagged from hashed features of the word (form, lower case, prefixes,
//! suffixes, shape, digit/hyphen/capital flags, position), of its neighbours two either side,
//! and of the two tags already chosen to its left. Two lexicons learned from the training
//! data travel in the model's metadata: a *tag dictionary* of frequent, unambiguous words,
//! tagged directly without scoring, and *ambiguity classes* (the set of tags each known word
//! takes), features of the word and its neighbours.
//!
//! Two training devices make the tagger better on words it has not seen, which is most of
//! what separates taggers on EWT:
//!
//! - **Jackknifed lexicons.** While training, each sentence sees tag dictionary and
//!   ambiguity classes built from the *other* folds of the training data, so that a rare
//!   word looks as it will on new text (unknown, or with a partial class) instead of
//!   carrying its own gold tag. (+0.3 points on dev.)
//! - **Hidden rare words.** Words seen at most once in the other folds lose the features
//!   naming them half the time, so that the spelling and context features learn to carry
//!   unknown words.
//!
//! Our tokeniser's conventions differ from EWT's in two ways, both handled here: it keeps
//! hyphenated words whole ("30-day", "Trump-Putin") where EWT splits them, so training also
//! shows the tagger joined versions of EWT's hyphenated words (see [`join_hyphenated`]) and
//! the part after the last hyphen is a feature; and it keeps curly quotes and apostrophes,
//! which features read as straight ones (’ → ', “ ” → ").

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;
use std::io;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use hashbrown::HashMap;
use serde::Serialize;
use serde_json::json;

use crate::conllu::{self, Sentence};
use crate::lemma::{self, Lemmatizer};
use crate::ner::Clusters;
use crate::perceptron::{Features, Model, Trainer};

/// The 17 universal part-of-speech tags, in the order of the tagger's classes.
pub const UPOS: [&str; 17] = [
    "ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART", "PRON", "PROPN",
    "PUNCT", "SCONJ", "SYM", "VERB", "X",
];

/// Index of a UPOS tag in [`UPOS`].
pub fn upos_index(tag: &str) -> Option<usize> {
    UPOS.iter().position(|t| *t == tag)
}

/// File name of the shipped tagger model (in `models/`).
pub const MODEL_FILE: &str = "pos-ewt.model";
/// File name of the shipped lemma table (in `models/`).
pub const LEMMA_FILE: &str = "lemma-ewt.tsv.zst";

/// Version of the feature set; a model trained with another version is refused.
const FEATURES_VERSION: u64 = 1;

/// Accuracy: items right out of all items.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Accuracy {
    pub correct: usize,
    pub total: usize,
}

impl Accuracy {
    pub fn ratio(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            self.correct as f64 / self.total as f64
        }
    }

    fn count(&mut self, right: bool) {
        self.total += 1;
        self.correct += usize::from(right);
    }
}

impl fmt::Display for Accuracy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:.2}% ({}/{})",
            self.ratio() * 100.0,
            self.correct,
            self.total
        )
    }
}

/// Training settings. The defaults are the ones the shipped model was trained with.
#[derive(Clone, Debug, Serialize)]
pub struct TrainOptions {
    /// Passes over the training data.
    pub iterations: usize,
    /// Seed of the shuffle and of the other random choices (which words to hide, split or
    /// joined hyphenated words).
    pub seed: u64,
    /// Averaged weights smaller than this in magnitude are dropped from the model.
    pub min_weight: f32,
    /// Words (case kept) seen at least this often...
    pub tagdict_min_count: u32,
    /// ...with one tag at least this share of the time are tagged from the dictionary.
    pub tagdict_min_share: f64,
    /// Training sentences see lexicons built from the other folds (0 or 1: from all data).
    pub lexicon_folds: usize,
    /// Words seen at most this often (in the other folds)...
    pub rare_max_count: u32,
    /// ...lose the features naming them this share of the time.
    pub rare_hide_share: f64,
    /// Also train on EWT's hyphenated words joined, as our tokeniser keeps them (each pass
    /// picks the split or the joined version of such a sentence at random).
    pub join_hyphens: bool,
    /// After each pass, also score dev with averaged weights. The trainer's averages can be
    /// taken only once, so this retrains from the start for every pass (quadratic cost);
    /// without it the per-pass dev figure uses the current, unaveraged weights only.
    pub average_each_iteration: bool,
    /// Word clusters for features (a `clusters.*` file, see [`Clusters`]); default
    /// `<out_dir>/clusters.tsv.zst` when it exists (the recogniser's, which the pipeline
    /// hands to the tagger at run time).
    pub clusters: Option<std::path::PathBuf>,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            iterations: 8,
            seed: 2016,
            min_weight: 0.0,
            tagdict_min_count: 20,
            tagdict_min_share: 0.99,
            lexicon_folds: 5,
            rare_max_count: 1,
            rare_hide_share: 0.5,
            join_hyphens: true,
            average_each_iteration: true,
            clusters: None,
        }
    }
}

/// One training pass.
#[derive(Clone, Debug, Serialize)]
pub struct IterationReport {
    pub iteration: usize,
    /// Accuracy on the training data during the pass (online, before each update).
    pub train: Accuracy,
    /// Dev accuracy with the current (unaveraged) weights after the pass.
    pub dev_current: Accuracy,
    /// Dev accuracy with the weights averaged up to this pass, when asked for.
    pub dev_averaged: Option<Accuracy>,
}

/// What training did and how well the result tags dev.
#[derive(Clone, Debug, Serialize)]
pub struct TrainReport {
    pub iterations: Vec<IterationReport>,
    /// Dev accuracy of the final (averaged, pruned) model, with gold tokens.
    pub dev: Accuracy,
    /// The same on dev words not seen in training.
    pub dev_unknown: Accuracy,
    /// Dev accuracy on words our tokeniser keeps whole ("30-day"): dev with hyphenated
    /// words joined, counting only the joined words.
    pub dev_joined_hyphens: Accuracy,
    pub train_sentences: usize,
    pub train_words: usize,
    pub features: usize,
    pub tagdict_words: usize,
    pub ambiguity_words: usize,
    pub seconds: f64,
}

impl fmt::Display for TrainReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "trained on {} sentences ({} words) in {:.1} s",
            self.train_sentences, self.train_words, self.seconds
        )?;
        for it in &self.iterations {
            write!(
                f,
                "  iteration {:2}: train {}  dev (current weights) {}",
                it.iteration, it.train, it.dev_current
            )?;
            if let Some(averaged) = it.dev_averaged {
                write!(f, "  dev (averaged) {averaged}")?;
            }
            writeln!(f)?;
        }
        writeln!(f, "dev UPOS accuracy: {}", self.dev)?;
        writeln!(f, "  on words unseen in training: {}", self.dev_unknown)?;
        writeln!(
            f,
            "  on joined hyphenated words: {}",
            self.dev_joined_hyphens
        )?;
        write!(
            f,
            "{} features, {} tag-dictionary words, {} ambiguity classes",
            self.features, self.tagdict_words, self.ambiguity_words
        )
    }
}

/// The lexicons learned from training data (stored in the model's metadata).
#[derive(Default)]
struct Lexicon {
    /// Normalised form (case kept) → class, for frequent unambiguous words.
    tagdict: HashMap<Box<str>, u8>,
    /// Normalised lower-case form → bit set of the classes the word takes.
    ambiguity: HashMap<Box<str>, u32>,
    /// Training only: how often each normalised lower-case form was seen.
    counts: HashMap<Box<str>, u32>,
    /// Word clusters from unlabelled text (the recogniser's), for words EWT never showed.
    clusters: Option<Arc<Clusters>>,
}

impl Lexicon {
    fn build<'s>(sentences: impl Iterator<Item = &'s Sentence>, options: &TrainOptions) -> Lexicon {
        let mut cased: HashMap<String, [u32; 17]> = HashMap::new();
        let mut lower: HashMap<String, [u32; 17]> = HashMap::new();
        let mut buffer = String::new();
        for word in sentences.flat_map(|s| &s.words) {
            let class = class_of(&word.upos);
            buffer.clear();
            push_normalized(&mut buffer, &word.form, false);
            cased.entry_ref(buffer.as_str()).or_insert([0; 17])[class] += 1;
            buffer.clear();
            push_normalized(&mut buffer, &word.form, true);
            lower.entry_ref(buffer.as_str()).or_insert([0; 17])[class] += 1;
        }
        let mut lexicon = Lexicon::default();
        for (form, counts) in cased {
            let total: u32 = counts.iter().sum();
            let (class, &best) = counts
                .iter()
                .enumerate()
                .max_by_key(|&(i, c)| (c, std::cmp::Reverse(i)))
                .unwrap_or((0, &0));
            if total >= options.tagdict_min_count
                && f64::from(best) >= options.tagdict_min_share * f64::from(total)
            {
                lexicon.tagdict.insert(form.into(), class as u8);
            }
        }
        for (form, counts) in lower {
            let mask = counts
                .iter()
                .enumerate()
                .filter(|&(_, &c)| c > 0)
                .fold(0u32, |mask, (class, _)| mask | 1 << class);
            let form: Box<str> = form.into();
            lexicon.counts.insert(form.clone(), counts.iter().sum());
            lexicon.ambiguity.insert(form, mask);
        }
        lexicon
    }

    /// The metadata form: maps sorted by key, so the same lexicon writes the same bytes.
    fn to_json(&self) -> serde_json::Value {
        let tagdict: BTreeMap<&str, &str> = self
            .tagdict
            .iter()
            .map(|(k, &v)| (&**k, UPOS[v as usize]))
            .collect();
        let ambiguity: BTreeMap<&str, u32> =
            self.ambiguity.iter().map(|(k, &v)| (&**k, v)).collect();
        json!({"tagdict": tagdict, "ambiguity": ambiguity})
    }

    /// Reads the lexicons from model metadata; `classes` are the model's class names.
    fn from_json(meta: &serde_json::Value, classes: &[String]) -> Lexicon {
        let mut lexicon = Lexicon::default();
        let upos_to_class: Vec<Option<u8>> = UPOS
            .iter()
            .map(|t| classes.iter().position(|c| c == t).map(|i| i as u8))
            .collect();
        if let Some(map) = meta.pointer("/lexicon/tagdict").and_then(|v| v.as_object()) {
            for (form, tag) in map {
                if let Some(class) = tag
                    .as_str()
                    .and_then(|t| classes.iter().position(|c| c == t))
                {
                    lexicon.tagdict.insert(form.as_str().into(), class as u8);
                }
            }
        }
        if let Some(map) = meta
            .pointer("/lexicon/ambiguity")
            .and_then(|v| v.as_object())
        {
            for (form, mask) in map {
                let Some(mask) = mask.as_u64() else { continue };
                // Bits are UPOS indices; store them as the model's class indices.
                let mut classes_mask = 0u32;
                for (upos, class) in upos_to_class.iter().enumerate() {
                    if mask & (1 << upos) != 0
                        && let Some(class) = class
                    {
                        classes_mask |= 1 << class;
                    }
                }
                lexicon.ambiguity.insert(form.as_str().into(), classes_mask);
            }
        }
        lexicon
    }
}

fn class_of(upos: &str) -> usize {
    upos_index(upos).unwrap_or(UPOS.len() - 1)
}

/// Maps curly quotes and apostrophes (and a few look-alikes) to the straight ones EWT uses.
fn normalize_char(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}' | '\u{2032}' | '`' => '\'',
        '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{201f}' | '\u{2033}' | '\u{00ab}'
        | '\u{00bb}' => '"',
        c => c,
    }
}

fn push_normalized(out: &mut String, word: &str, lower: bool) {
    if word.is_ascii() && !word.contains('`') {
        if lower {
            out.extend(word.bytes().map(|b| b.to_ascii_lowercase() as char));
        } else {
            out.push_str(word);
        }
        return;
    }
    for c in word.chars().map(normalize_char) {
        if lower {
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
}

/// Word shape: X for upper case, x for lower case, d for digits, other characters as they
/// are; runs longer than four are cut to four ("Xxxxx" for "London", "dddd" for "2016").
/// With `short`, every run is cut to one ("Xx", "d", "X.X.").
fn push_shape(out: &mut String, word: &str, short: bool) {
    let limit = if short { 1 } else { 4 };
    let mut last = '\0';
    let mut run = 0;
    for c in word.chars() {
        let s = if c.is_ascii_digit() || (!c.is_ascii() && c.is_numeric()) {
            'd'
        } else if c.is_uppercase() {
            'X'
        } else if c.is_alphabetic() {
            'x'
        } else {
            normalize_char(c)
        };
        if s == last {
            run += 1;
        } else {
            last = s;
            run = 1;
        }
        if run <= limit {
            out.push(s);
        }
    }
}

fn prefix(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

fn suffix(s: &str, n: usize) -> &str {
    match s.char_indices().rev().nth(n - 1) {
        Some((i, _)) => &s[i..],
        None => s,
    }
}

const HAS_DIGIT: u8 = 1;
const HAS_HYPHEN: u8 = 2;
const INIT_CAP: u8 = 4;
const ALL_CAPS: u8 = 8;
const HAS_UPPER: u8 = 16;
/// At least two letters.
const WORDLIKE: u8 = 32;

/// One word, prepared for feature extraction: ranges into [`Scratch::text`].
#[derive(Clone)]
struct Token {
    norm: Range<u32>,
    lower: Range<u32>,
    shape: Range<u32>,
    short: Range<u32>,
    /// The part after the last hyphen of a hyphenated word (inside `lower`), else empty.
    after_hyphen: Range<u32>,
    /// The word's cluster ids as `level:id` strings separated by [`CLUSTER_SEPARATOR`].
    clusters: Range<u32>,
    /// The ambiguity class as 8 hex digits ("--------" for unknown words).
    ambiguity: [u8; 8],
    dict: Option<u8>,
    flags: u8,
    /// Training only: leave out the features naming this word, as if it were unknown.
    hide: bool,
}

const UNKNOWN_CLASS: [u8; 8] = *b"--------";

const CLUSTER_SEPARATOR: char = '\x1e';

fn hex_mask(mask: u32) -> [u8; 8] {
    let digits = b"0123456789abcdef";
    let mut out = [0u8; 8];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = digits[((mask >> (28 - 4 * i)) & 0xf) as usize];
    }
    out
}

/// How a sentence is capitalised: "lower" (no capitals at all), "caps" (all capitals),
/// "title" (most words capitalised, as in headlines) or "normal".
fn sentence_case(tokens: &[Token]) -> &'static str {
    let (mut words, mut lower, mut caps, mut initial) = (0, 0, 0, 0);
    for token in tokens.iter().filter(|t| t.flags & WORDLIKE != 0) {
        words += 1;
        if token.flags & HAS_UPPER == 0 {
            lower += 1;
        }
        if token.flags & ALL_CAPS != 0 {
            caps += 1;
        } else if token.flags & INIT_CAP != 0 {
            initial += 1;
        }
    }
    if words == 0 {
        "none"
    } else if lower == words {
        "lower"
    } else if caps == words {
        "caps"
    } else if words >= 3 && (initial + caps) * 10 >= words * 6 {
        "title"
    } else {
        "normal"
    }
}

/// Reused buffers for tagging one sentence.
#[derive(Default)]
struct Scratch {
    /// The words' normalised forms, lower-case forms and shapes, end to end.
    text: String,
    tokens: Vec<Token>,
    /// How the sentence is capitalised ([`sentence_case`]).
    case: &'static str,
    features: Features,
    scores: Vec<f32>,
    /// Classes chosen so far.
    classes: Vec<u8>,
}

const PAD_BEFORE: [&str; 2] = ["-START-", "-START2-"];
const PAD_AFTER: [&str; 2] = ["-END-", "-END2-"];

impl Scratch {
    fn push(&mut self, f: impl FnOnce(&mut String)) -> Range<u32> {
        let start = self.text.len() as u32;
        f(&mut self.text);
        start..self.text.len() as u32
    }

    /// `found`: the words' [`Clusters::get`] results, when the caller has them already.
    fn prepare<S: AsRef<str>>(
        &mut self,
        words: &[S],
        found: Option<&[Option<&[u16]>]>,
        lexicon: &Lexicon,
    ) {
        self.text.clear();
        self.tokens.clear();
        for (k, word) in words.iter().enumerate() {
            let word = word.as_ref();
            let norm = self.push(|t| push_normalized(t, word, false));
            let lower = self.push(|t| push_normalized(t, word, true));
            let shape = self.push(|t| push_shape(t, word, false));
            let short = self.push(|t| push_shape(t, word, true));
            let mut flags = 0;
            let (mut letters, mut uppers) = (0, 0);
            for (i, c) in word.chars().enumerate() {
                if c.is_ascii_digit() {
                    flags |= HAS_DIGIT;
                } else if c == '-' {
                    flags |= HAS_HYPHEN;
                } else if c.is_alphabetic() {
                    letters += 1;
                    if c.is_uppercase() {
                        uppers += 1;
                        flags |= HAS_UPPER;
                        if i == 0 {
                            flags |= INIT_CAP;
                        }
                    }
                }
            }
            if letters >= 2 {
                flags |= WORDLIKE;
                if uppers == letters {
                    flags |= ALL_CAPS;
                }
            }
            let lower_str = &self.text[lower.start as usize..lower.end as usize];
            let after_hyphen = match lower_str.rfind('-') {
                Some(i) if i > 0 && i + 1 < lower_str.len() => {
                    lower.start + i as u32 + 1..lower.end
                }
                _ => lower.end..lower.end,
            };
            let ambiguity = lexicon
                .ambiguity
                .get(lower_str)
                .map_or(UNKNOWN_CLASS, |&m| hex_mask(m));
            let dict = lexicon
                .tagdict
                .get(&self.text[norm.start as usize..norm.end as usize])
                .copied();
            let clusters = match &lexicon.clusters {
                Some(clusters) => {
                    self.push(
                        |t| match found.map_or_else(|| clusters.get(word), |f| f[k]) {
                            Some(ids) => {
                                for label in clusters.labels_of(ids) {
                                    t.push_str(label);
                                    t.push(CLUSTER_SEPARATOR);
                                }
                            }
                            None => t.push_str("none"),
                        },
                    )
                }
                None => 0..0,
            };
            self.tokens.push(Token {
                norm,
                lower,
                shape,
                short,
                after_hyphen,
                clusters,
                ambiguity,
                dict,
                flags,
                hide: false,
            });
        }
        self.case = sentence_case(&self.tokens);
    }

    /// Features of word `i`, given the classes of the two words before it.
    fn extract(&mut self, i: usize, p1: &str, p2: &str) {
        let text = self.text.as_str();
        let get = |r: &Range<u32>| &text[r.start as usize..r.end as usize];
        let tokens = &self.tokens;
        let n = tokens.len();
        let inside = |j: isize| j >= 0 && (j as usize) < n;
        let lower_at = |j: isize| -> &str {
            if j < 0 {
                PAD_BEFORE[(-j - 1) as usize]
            } else if j as usize >= n {
                PAD_AFTER[j as usize - n]
            } else {
                get(&tokens[j as usize].lower)
            }
        };
        let short_at = |j: isize| -> &str {
            if inside(j) {
                get(&tokens[j as usize].short)
            } else {
                "^"
            }
        };
        let ambiguity_at = |j: isize| -> &str {
            if inside(j) {
                std::str::from_utf8(&tokens[j as usize].ambiguity).unwrap_or("")
            } else {
                "^"
            }
        };
        let token = &tokens[i];
        let named = !token.hide;
        let i = i as isize;
        let norm = get(&token.norm);
        let lower = get(&token.lower);
        let short = get(&token.short);
        let (lm2, lm1, lp1, lp2) = (
            lower_at(i - 2),
            lower_at(i - 1),
            lower_at(i + 1),
            lower_at(i + 2),
        );
        let s3 = suffix(lower, 3);
        let a0 = if named {
            ambiguity_at(i)
        } else {
            std::str::from_utf8(&UNKNOWN_CLASS).unwrap_or("")
        };
        let (ap1, ap2) = (ambiguity_at(i + 1), ambiguity_at(i + 2));

        let f = &mut self.features;
        f.clear();
        f.add("b", "");
        // The word itself.
        if named {
            f.add("w", norm);
            f.add("lw", lower);
        }
        f.add("p1", prefix(norm, 1));
        f.add("p2", prefix(lower, 2));
        f.add("p3", prefix(lower, 3));
        f.add("s1", suffix(lower, 1));
        f.add("s2", suffix(lower, 2));
        f.add("s3", s3);
        f.add("s4", suffix(lower, 4));
        f.add("sh", get(&token.shape));
        f.add2("sc|sh", self.case, short);
        for (flag, name) in [
            (HAS_DIGIT, "fd"),
            (HAS_HYPHEN, "fh"),
            (HAS_UPPER, "fu"),
            (ALL_CAPS, "fa"),
        ] {
            if token.flags & flag != 0 {
                f.add(name, "");
            }
        }
        if i == 0 {
            f.add("first", short);
            f.add2("first|sc", short, self.case);
        }
        if i as usize == n - 1 {
            f.add("last", "");
        }
        if !token.after_hyphen.is_empty() {
            let part = get(&token.after_hyphen);
            f.add("hl", part);
            f.add("hs3", suffix(part, 3));
        }
        // Neighbours.
        f.add("lw-1", lm1);
        f.add("lw-2", lm2);
        f.add("lw+1", lp1);
        f.add("lw+2", lp2);
        f.add("s3-1", suffix(lm1, 3));
        f.add("s3+1", suffix(lp1, 3));
        f.add("sh-1", short_at(i - 1));
        f.add("sh+1", short_at(i + 1));
        f.add2("lw+1|lw+2", lp1, lp2);
        f.add2("lw-2|lw-1", lm2, lm1);
        f.add2("s3|s3+1", s3, suffix(lp1, 3));
        f.add2("s3-1|s3", suffix(lm1, 3), s3);
        // Tags to the left.
        f.add("t-1", p1);
        f.add2("t-2|t-1", p2, p1);
        f.add2("t-1|s3", p1, s3);
        // Ambiguity classes.
        f.add("a", a0);
        f.add("a+1", ap1);
        f.add("a+2", ap2);
        f.add2("t-1|a", p1, a0);
        f.add2("a|a+1", a0, ap1);
        if named {
            f.add2("t-1|lw", p1, lower);
            f.add2("lw-1|lw", lm1, lower);
            f.add2("lw|lw+1", lower, lp1);
            f.add2("lw|a+1", lower, ap1);
        }
        // Word clusters of the word and its neighbours.
        for (j, name) in [(0, "c"), (-1, "c-1"), (1, "c+1")] {
            if inside(i + j) {
                let ids = get(&tokens[(i + j) as usize].clusters);
                for id in ids.split(CLUSTER_SEPARATOR).filter(|id| !id.is_empty()) {
                    f.add(name, id);
                }
            }
        }
    }

    /// One greedy left-to-right pass over the prepared sentence, leaving its classes in
    /// `self.classes`. `choose` picks a class from the keys (and may learn from them).
    fn pass<N: AsRef<str>>(
        &mut self,
        names: &[N],
        mut choose: impl FnMut(usize, &[u64], &mut Vec<f32>) -> usize,
    ) {
        self.classes.clear();
        for i in 0..self.tokens.len() {
            let class = match self.tokens[i].dict {
                Some(class) => class as usize,
                None => {
                    let p1 = previous(&self.classes, names, i, 1);
                    let p2 = previous(&self.classes, names, i, 2);
                    self.extract(i, p1, p2);
                    choose(i, self.features.keys(), &mut self.scores)
                }
            };
            self.classes.push(class as u8);
        }
    }
}

fn previous<'n, N: AsRef<str>>(classes: &[u8], names: &'n [N], i: usize, back: usize) -> &'n str {
    if i >= back {
        names[classes[i - back] as usize].as_ref()
    } else {
        PAD_BEFORE[back - 1 - i]
    }
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// A trained UPOS tagger. `&Tagger` can be shared between threads; the buffers are per
/// thread.
pub struct Tagger {
    model: Model,
    /// The UPOS tag of each class (`X` for a class outside UPOS).
    upos: Vec<&'static str>,
    lexicon: Lexicon,
}

impl Tagger {
    /// Wraps a model trained by [`train`] (its lexicons are in its metadata).
    pub fn from_model(model: Model) -> Tagger {
        let upos = model.classes().iter().map(|c| UPOS[class_of(c)]).collect();
        let lexicon = Lexicon::from_json(model.meta(), model.classes());
        Tagger {
            model,
            upos,
            lexicon,
        }
    }

    /// Loads a model file written by [`train_from_files`]; refuses models that are not UPOS
    /// taggers with this feature set.
    pub fn load(path: impl AsRef<Path>) -> io::Result<Tagger> {
        let path = path.as_ref();
        let model = Model::load(path)?;
        let meta = model.meta();
        if meta.get("task").and_then(|v| v.as_str()) != Some("upos")
            || meta.get("features_version").and_then(|v| v.as_u64()) != Some(FEATURES_VERSION)
        {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "{}: not a UPOS tagger model with features version {FEATURES_VERSION}",
                    path.display()
                ),
            ));
        }
        Ok(Tagger::from_model(model))
    }

    pub fn model(&self) -> &Model {
        &self.model
    }

    /// Whether the model was trained with word clusters (then give it the same ones with
    /// [`Tagger::with_clusters`]; without them it tags, but less accurately).
    pub fn needs_clusters(&self) -> bool {
        self.model
            .meta()
            .get("clusters")
            .is_some_and(|c| !c.is_null())
    }

    pub fn with_clusters(mut self, clusters: Option<Arc<Clusters>>) -> Tagger {
        self.lexicon.clusters = clusters;
        self
    }

    /// UPOS tags for a sentence's words.
    pub fn tag(&self, words: &[&str]) -> Vec<&'static str> {
        let mut out = Vec::with_capacity(words.len());
        self.tag_into(words, &mut out);
        out
    }

    /// UPOS tags for a sentence's words, written into `out` (cleared first). Allocates
    /// nothing once the thread's buffers have grown to the longest sentence.
    pub fn tag_into<S: AsRef<str>>(&self, words: &[S], out: &mut Vec<&'static str>) {
        self.tag_into_with_clusters(words, None, out);
    }

    /// [`Tagger::tag_into`] with each word's [`Clusters::get`] result from the tagger's
    /// clusters (the pipeline looks words up once for the tagger and the recogniser).
    pub fn tag_into_with_clusters<S: AsRef<str>>(
        &self,
        words: &[S],
        clusters: Option<&[Option<&[u16]>]>,
        out: &mut Vec<&'static str>,
    ) {
        out.clear();
        SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
            Ok(mut scratch) => self.run(&mut scratch, words, clusters, out),
            Err(_) => self.run(&mut Scratch::default(), words, clusters, out),
        });
    }

    fn run<S: AsRef<str>>(
        &self,
        scratch: &mut Scratch,
        words: &[S],
        clusters: Option<&[Option<&[u16]>]>,
        out: &mut Vec<&'static str>,
    ) {
        scratch.prepare(words, clusters, &self.lexicon);
        scratch.pass(self.model.classes(), |_, keys, scores| {
            self.model.predict(keys, scores)
        });
        out.extend(scratch.classes.iter().map(|&c| self.upos[c as usize]));
    }
}

/// UPOS accuracy of `tagger` on `sentences`, with their own (gold) tokens.
pub fn evaluate(tagger: &Tagger, sentences: &[Sentence]) -> Accuracy {
    let mut accuracy = Accuracy::default();
    let mut tags = Vec::new();
    let mut forms: Vec<&str> = Vec::new();
    for sentence in sentences {
        forms.clear();
        forms.extend(sentence.words.iter().map(|w| w.form.as_str()));
        tagger.tag_into(&forms, &mut tags);
        for (word, tag) in sentence.words.iter().zip(&tags) {
            accuracy.count(word.upos == *tag);
        }
    }
    accuracy
}

/// Accuracy on the words for which `select` holds.
fn evaluate_where(
    tagger: &Tagger,
    sentences: impl Iterator<Item = Sentence>,
    select: impl Fn(&conllu::Word) -> bool,
) -> Accuracy {
    let mut accuracy = Accuracy::default();
    for sentence in sentences {
        let tags = tagger.tag(&sentence.forms());
        for (word, tag) in sentence.words.iter().zip(&tags) {
            if select(word) {
                accuracy.count(word.upos == *tag);
            }
        }
    }
    accuracy
}

/// The sentence as our tokeniser would cut it, if it has hyphenated words EWT splits
/// (`30 - day` written without spaces becomes one word `30-day`); `None` otherwise. A joined
/// word takes the tag of its syntactic head within the span (`30-day`: NOUN, from `day`;
/// `well-known`: the tag of `known`).
pub fn join_hyphenated(sentence: &Sentence) -> Option<Sentence> {
    let words = &sentence.words;
    let joinable = |a: usize| {
        let (x, hyphen, y) = (&words[a], &words[a + 1], &words[a + 2]);
        hyphen.form == "-"
            && !x.space_after
            && !hyphen.space_after
            && x.multiword.is_none()
            && y.multiword.is_none()
            && x.form.chars().last().is_some_and(char::is_alphanumeric)
            && y.form.chars().next().is_some_and(char::is_alphanumeric)
    };
    let mut out = Vec::with_capacity(words.len());
    let mut i = 0;
    let mut changed = false;
    while i < words.len() {
        let mut end = i;
        while end + 2 < words.len() && joinable(end) {
            end += 2;
        }
        if end == i {
            out.push(words[i].clone());
            i += 1;
            continue;
        }
        changed = true;
        // IDs are 1-based: words i..=end have IDs i+1..=end+1.
        let inside = |h: usize| (i + 1..=end + 1).contains(&h);
        let head = (i..=end)
            .rev()
            .step_by(2)
            .find(|&k| words[k].head.is_none_or(|h| !inside(h)))
            .unwrap_or(end);
        let mut word = words[head].clone();
        word.form = words[i..=end].iter().map(|w| w.form.as_str()).collect();
        word.lemma = words[i..=end].iter().map(|w| w.lemma.as_str()).collect();
        word.space_after = words[end].space_after;
        word.head = None;
        word.multiword = None;
        out.push(word);
        i = end + 1;
    }
    changed.then(|| Sentence {
        id: sentence.id.clone(),
        text: sentence.text.clone(),
        words: out,
        multiword: Vec::new(),
    })
}

/// A small deterministic generator (SplitMix64).
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// A training sentence, its joined version if it has hyphenated words, and their classes.
struct Item<'a> {
    split: &'a Sentence,
    joined: Option<Sentence>,
    truth: Vec<u8>,
    joined_truth: Vec<u8>,
}

fn fold_of(index: usize, folds: usize) -> usize {
    index % folds
}

/// Trains the perceptron. `each_pass` is called after every pass over the data with its
/// number, the trainer and the online train accuracy.
fn train_weights(
    items: &[Item],
    lexicon: &Lexicon,
    options: &TrainOptions,
    mut each_pass: impl FnMut(usize, &Trainer, Accuracy),
) -> Trainer {
    let folds = options.lexicon_folds;
    let fold_lexicons: Vec<Lexicon> = if folds > 1 {
        (0..folds)
            .map(|fold| {
                let others = items
                    .iter()
                    .enumerate()
                    .filter(|&(i, _)| fold_of(i, folds) != fold)
                    .map(|(_, item)| item.split);
                Lexicon {
                    clusters: lexicon.clusters.clone(),
                    ..Lexicon::build(others, options)
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut trainer = Trainer::new(UPOS.iter().map(|s| s.to_string()).collect());
    let mut rng = SplitMix64(options.seed);
    let mut order: Vec<usize> = (0..items.len()).collect();
    let mut scratch = Scratch::default();
    let mut forms: Vec<&str> = Vec::new();
    for iteration in 1..=options.iterations {
        for i in (1..order.len()).rev() {
            order.swap(i, rng.below(i + 1));
        }
        let mut accuracy = Accuracy::default();
        for &s in &order {
            let item = &items[s];
            let (sentence, truth) = match &item.joined {
                Some(joined) if rng.next() & 1 == 1 => (joined, &item.joined_truth),
                _ => (item.split, &item.truth),
            };
            let lexicon = if folds > 1 {
                &fold_lexicons[fold_of(s, folds)]
            } else {
                lexicon
            };
            forms.clear();
            forms.extend(sentence.words.iter().map(|w| w.form.as_str()));
            scratch.prepare(&forms, None, lexicon);
            if options.rare_hide_share > 0.0 {
                for token in &mut scratch.tokens {
                    let lower = &scratch.text[token.lower.start as usize..token.lower.end as usize];
                    let count = lexicon.counts.get(lower).copied().unwrap_or(0);
                    token.hide =
                        count <= options.rare_max_count && rng.unit() < options.rare_hide_share;
                }
            }
            scratch.pass(&UPOS, |i, keys, scores| {
                let guess = trainer.predict(keys, scores);
                trainer.update(truth[i] as usize, guess, keys);
                guess
            });
            for (guess, truth) in scratch.classes.iter().zip(truth) {
                accuracy.count(guess == truth);
            }
        }
        each_pass(iteration, &trainer, accuracy);
    }
    trainer
}

/// Trains a tagger on `train`, reporting accuracy on `dev` after each pass. Deterministic:
/// the same data and options give the same model, byte for byte. Words whose UPOS is not one
/// of the 17 are trained as `X`.
pub fn train(
    train: &[Sentence],
    dev: &[Sentence],
    options: &TrainOptions,
    clusters: Option<Arc<Clusters>>,
) -> (Tagger, TrainReport) {
    let started = Instant::now();
    let classes = |s: &Sentence| s.words.iter().map(|w| class_of(&w.upos) as u8).collect();
    let items: Vec<Item> = train
        .iter()
        .map(|split| {
            let joined = options
                .join_hyphens
                .then(|| join_hyphenated(split))
                .flatten();
            Item {
                split,
                truth: classes(split),
                joined_truth: joined.as_ref().map(classes).unwrap_or_default(),
                joined,
            }
        })
        .collect();
    let lexicon = Lexicon {
        clusters,
        ..Lexicon::build(train.iter(), options)
    };
    let mut averaged = Vec::new();
    if options.average_each_iteration {
        for n in 1..options.iterations {
            let shorter = TrainOptions {
                iterations: n,
                ..options.clone()
            };
            let trainer = train_weights(&items, &lexicon, &shorter, |_, _, _| {});
            let tagger = finish(trainer, &lexicon, &shorter, train, &[]);
            averaged.push(evaluate(&tagger, dev));
        }
    }
    let mut iterations = Vec::new();
    let mut scratch = Scratch::default();
    let mut forms: Vec<&str> = Vec::new();
    let trainer = train_weights(&items, &lexicon, options, |iteration, trainer, train| {
        let mut dev_current = Accuracy::default();
        for sentence in dev {
            forms.clear();
            forms.extend(sentence.words.iter().map(|w| w.form.as_str()));
            scratch.prepare(&forms, None, &lexicon);
            scratch.pass(&UPOS, |_, keys, scores| trainer.predict(keys, scores));
            for (word, &class) in sentence.words.iter().zip(&scratch.classes) {
                dev_current.count(UPOS[class as usize] == word.upos);
            }
        }
        iterations.push(IterationReport {
            iteration,
            train,
            dev_current,
            dev_averaged: averaged.get(iteration - 1).copied(),
        });
    });
    let tagger = finish(trainer, &lexicon, options, train, &iterations);
    let dev_accuracy = evaluate(&tagger, dev);
    if options.average_each_iteration
        && let Some(last) = iterations.last_mut()
    {
        last.dev_averaged = Some(dev_accuracy);
    }
    let dev_unknown = evaluate_where(&tagger, dev.iter().cloned(), |w| {
        let mut lower = String::new();
        push_normalized(&mut lower, &w.form, true);
        !lexicon.ambiguity.contains_key(lower.as_str())
    });
    let joined = dev.iter().filter_map(join_hyphenated);
    let dev_joined_hyphens = evaluate_where(&tagger, joined, |w| {
        w.form.len() > 1 && w.form.contains('-') && w.head.is_none()
    });
    let report = TrainReport {
        iterations,
        dev: dev_accuracy,
        dev_unknown,
        dev_joined_hyphens,
        train_sentences: train.len(),
        train_words: train.iter().map(|s| s.words.len()).sum(),
        features: tagger.model.feature_count(),
        tagdict_words: lexicon.tagdict.len(),
        ambiguity_words: lexicon.ambiguity.len(),
        seconds: started.elapsed().as_secs_f64(),
    };
    (tagger, report)
}

/// Averages the weights into a tagger, with the lexicons and settings in the model's metadata.
fn finish(
    trainer: Trainer,
    lexicon: &Lexicon,
    options: &TrainOptions,
    train: &[Sentence],
    iterations: &[IterationReport],
) -> Tagger {
    let meta = json!({
        "task": "upos",
        "features_version": FEATURES_VERSION,
        "trained_on": {
            "data": "UD English-EWT r2.16 train (CC BY-SA 4.0)",
            "sentences": train.len(),
            "words": train.iter().map(|s| s.words.len()).sum::<usize>(),
        },
        "options": options,
        "iterations": iterations,
        "lexicon": lexicon.to_json(),
        "clusters": lexicon.clusters.as_ref().map(|c| json!({
            "levels": c.levels(),
            "words": c.len(),
        })),
    });
    Tagger::from_model(trainer.finish(meta, options.min_weight))
        .with_clusters(lexicon.clusters.clone())
}

/// What [`train_from_files`] did.
#[derive(Clone, Debug, Serialize)]
pub struct TrainFilesReport {
    pub pos: TrainReport,
    /// Lemma accuracy on dev with gold UPOS.
    pub lemma_dev: Accuracy,
    /// The same on (form, UPOS) pairs the table lacks, where the rules decide.
    pub lemma_dev_unseen: Accuracy,
    /// Lemma accuracy on dev with the tagger's UPOS (gold tokens).
    pub lemma_dev_predicted_upos: Accuracy,
    pub lemma_entries: usize,
    pub model_path: std::path::PathBuf,
    pub model_bytes: u64,
    pub lemma_path: std::path::PathBuf,
    pub lemma_bytes: u64,
    /// Tagging speed on dev (one thread, this build).
    pub tokens_per_second: f64,
}

impl fmt::Display for TrainFilesReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.pos)?;
        writeln!(
            f,
            "tagging speed: {:.0} tokens/s (one thread)",
            self.tokens_per_second
        )?;
        writeln!(f, "lemma accuracy on dev (gold UPOS): {}", self.lemma_dev)?;
        writeln!(f, "  on pairs not in the table: {}", self.lemma_dev_unseen)?;
        writeln!(
            f,
            "lemma accuracy on dev (predicted UPOS): {}",
            self.lemma_dev_predicted_upos
        )?;
        writeln!(
            f,
            "wrote {} ({} bytes)",
            self.model_path.display(),
            self.model_bytes
        )?;
        write!(
            f,
            "wrote {} ({} entries, {} bytes)",
            self.lemma_path.display(),
            self.lemma_entries,
            self.lemma_bytes
        )
    }
}

/// Trains the tagger and the lemma table on a CoNLL-U training file, scores them on a dev
/// file, and writes [`MODEL_FILE`] and [`LEMMA_FILE`] into `out_dir` (created if needed).
/// [`TrainOptions::default`] are the settings of the shipped model.
pub fn train_from_files(
    train_path: impl AsRef<Path>,
    dev_path: impl AsRef<Path>,
    out_dir: impl AsRef<Path>,
    options: &TrainOptions,
) -> io::Result<TrainFilesReport> {
    let train_set = conllu::read(train_path)?;
    let dev = conllu::read(dev_path)?;
    let out_dir = out_dir.as_ref();
    std::fs::create_dir_all(out_dir)?;

    let clusters_path = options
        .clusters
        .clone()
        .unwrap_or_else(|| out_dir.join("clusters.tsv.zst"));
    let clusters = if clusters_path.is_file() {
        let clusters = Clusters::load(&clusters_path).map_err(io::Error::other)?;
        Some(Arc::new(clusters))
    } else if options.clusters.is_some() {
        return Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!("{}: no such clusters file", clusters_path.display()),
        ));
    } else {
        None
    };
    let (tagger, pos) = train(&train_set, &dev, options, clusters);
    let model_path = out_dir.join(MODEL_FILE);
    tagger.model().save(&model_path)?;

    let lemmatizer = Lemmatizer::train(&train_set);
    let lemma_path = out_dir.join(LEMMA_FILE);
    lemmatizer.save(&lemma_path)?;
    let (lemma_dev, lemma_dev_unseen) = lemma::evaluate(&lemmatizer, &dev);

    // Speed, and lemmas from predicted tags: the pipeline as it runs on new text.
    let sentences: Vec<Vec<&str>> = dev.iter().map(Sentence::forms).collect();
    let mut tags = Vec::new();
    let mut lemma_dev_predicted_upos = Accuracy::default();
    for (sentence, forms) in dev.iter().zip(&sentences) {
        tagger.tag_into(forms, &mut tags);
        for (word, tag) in sentence.words.iter().zip(&tags) {
            lemma_dev_predicted_upos.count(lemmatizer.lemma(&word.form, tag) == word.lemma);
        }
    }
    let started = Instant::now();
    let mut tokens = 0;
    for _ in 0..3 {
        for forms in &sentences {
            tagger.tag_into(forms, &mut tags);
            tokens += tags.len();
        }
    }
    let tokens_per_second = tokens as f64 / started.elapsed().as_secs_f64();

    Ok(TrainFilesReport {
        pos,
        lemma_dev,
        lemma_dev_unseen,
        lemma_dev_predicted_upos,
        lemma_entries: lemmatizer.len(),
        model_bytes: std::fs::metadata(&model_path)?.len(),
        model_path,
        lemma_bytes: std::fs::metadata(&lemma_path)?.len(),
        lemma_path,
        tokens_per_second,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conllu::Word;

    fn sentence(tagged: &str) -> Sentence {
        let words = tagged
            .split_whitespace()
            .map(|pair| {
                let (form, upos) = pair.rsplit_once('/').unwrap();
                Word {
                    form: form.into(),
                    lemma: form.to_lowercase(),
                    upos: upos.into(),
                    space_after: true,
                    ..Default::default()
                }
            })
            .collect();
        Sentence {
            words,
            ..Default::default()
        }
    }

    fn toy() -> Vec<Sentence> {
        [
            "The/DET dog/NOUN barks/VERB ./PUNCT",
            "A/DET cat/NOUN sleeps/VERB ./PUNCT",
            "The/DET council/NOUN voted/VERB on/ADP Monday/PROPN ./PUNCT",
            "Dogs/NOUN bark/VERB loudly/ADV ./PUNCT",
            "She/PRON does/AUX n't/PART know/VERB ./PUNCT",
            "I/PRON saw/VERB the/DET big/ADJ dog/NOUN in/ADP Paris/PROPN ./PUNCT",
            "They/PRON said/VERB \"/PUNCT yes/INTJ \"/PUNCT ./PUNCT",
            "The/DET old/ADJ man/NOUN walked/VERB home/ADV ./PUNCT",
        ]
        .iter()
        .map(|s| sentence(s))
        .collect()
    }

    fn toy_options() -> TrainOptions {
        TrainOptions {
            iterations: 10,
            lexicon_folds: 0,
            rare_hide_share: 0.0,
            average_each_iteration: false,
            ..TrainOptions::default()
        }
    }

    #[test]
    fn learns_a_toy_set() {
        let data = toy();
        let (tagger, report) = train(&data, &data, &toy_options(), None);
        assert_eq!(report.iterations.len(), 10);
        assert_eq!(report.dev.total, 43);
        assert_eq!(report.dev.correct, report.dev.total, "{report}");
        assert_eq!(
            tagger.tag(&["The", "cat", "barks", "."]),
            ["DET", "NOUN", "VERB", "PUNCT"]
        );
        // Curly quotes and apostrophes read as straight ones.
        assert_eq!(
            tagger.tag(&["She", "does", "n’t", "know", "."]),
            tagger.tag(&["She", "does", "n't", "know", "."])
        );
        assert_eq!(
            tagger.tag(&["They", "said", "“", "yes", "”", "."])[2..5],
            ["PUNCT", "INTJ", "PUNCT"]
        );
        assert!(tagger.tag(&[]).is_empty());
    }

    #[test]
    fn odd_words_do_not_break_the_tagger() {
        let (tagger, _) = train(&toy(), &[], &toy_options(), None);
        let long = "x".repeat(10_000);
        let words = [
            "", " ", "-", "--", "’", "ÉCOLE", "東京", "a-", "-a", "1-2-3", &long, "🙂",
        ];
        assert_eq!(tagger.tag(&words).len(), words.len());
    }

    proptest::proptest! {
        #[test]
        fn tags_any_words(words in proptest::collection::vec(".{0,12}", 0..20)) {
            let tagger = TOY.with(|t| t.clone());
            let words: Vec<&str> = words.iter().map(String::as_str).collect();
            proptest::prop_assert_eq!(tagger.tag(&words).len(), words.len());
        }
    }

    thread_local! {
        static TOY: std::rc::Rc<Tagger> = std::rc::Rc::new(train(&toy(), &[], &toy_options(), None).0);
    }

    #[test]
    fn training_is_deterministic_and_models_round_trip() {
        let data = toy();
        let options = TrainOptions {
            lexicon_folds: 2,
            rare_hide_share: 0.5,
            average_each_iteration: true,
            iterations: 3,
            ..TrainOptions::default()
        };
        let (a, report) = train(&data, &data, &options, None);
        assert!(report.iterations.iter().all(|it| it.dev_averaged.is_some()));
        let (b, _) = train(&data, &data, &options, None);
        let dir = tempfile::tempdir().unwrap();
        let (pa, pb) = (dir.path().join("a.model"), dir.path().join("b.model"));
        a.model().save(&pa).unwrap();
        b.model().save(&pb).unwrap();
        assert_eq!(std::fs::read(&pa).unwrap(), std::fs::read(&pb).unwrap());
        let loaded = Tagger::load(&pa).unwrap();
        for s in &data {
            assert_eq!(loaded.tag(&s.forms()), a.tag(&s.forms()));
        }
        // A perceptron model that is not a tagger is refused.
        let other = Trainer::new(vec!["A".into()]).finish(json!({"task": "ner"}), 0.0);
        let po = dir.path().join("other.model");
        other.save(&po).unwrap();
        assert!(Tagger::load(&po).is_err());
    }

    #[test]
    fn joins_hyphenated_words_like_our_tokeniser() {
        let mut s = sentence("a/DET 30/NUM -/PUNCT day/NOUN period/NOUN ./PUNCT");
        for (i, head) in [5, 4, 4, 5, 0, 5].into_iter().enumerate() {
            s.words[i].head = Some(head);
        }
        s.words[1].space_after = false;
        s.words[2].space_after = false;
        let joined = join_hyphenated(&s).unwrap();
        let forms: Vec<&str> = joined.words.iter().map(|w| w.form.as_str()).collect();
        assert_eq!(forms, ["a", "30-day", "period", "."]);
        assert_eq!(joined.words[1].upos, "NOUN");
        // With spaces around the hyphen, nothing is joined.
        s.words[2].space_after = true;
        assert!(join_hyphenated(&s).is_none());
    }

    #[test]
    fn word_shapes_and_affixes() {
        let mut out = String::new();
        push_shape(&mut out, "London", false);
        out.push(' ');
        push_shape(&mut out, "U.S.", true);
        out.push(' ');
        push_shape(&mut out, "2016-17", true);
        assert_eq!(out, "Xxxxx X.X. d-d");
        assert_eq!(suffix("café", 3), "afé");
        assert_eq!(prefix("ab", 3), "ab");
        let mut norm = String::new();
        push_normalized(&mut norm, "Don’t “X”", true);
        assert_eq!(norm, "don't \"x\"");
    }

    fn shipped(file: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../models")
            .join(file)
    }

    /// The shipped tagger as the pipeline loads it: with the recogniser's word clusters.
    fn shipped_tagger() -> Tagger {
        let tagger = Tagger::load(shipped(MODEL_FILE)).unwrap();
        let recognizer = crate::ner::Recognizer::load(
            &shipped(crate::ner::MODEL_FILE),
            &shipped(crate::ner::GAZETTEER_FILE),
        )
        .unwrap();
        assert!(tagger.needs_clusters());
        tagger.with_clusters(recognizer.clusters().cloned().map(Arc::new))
    }

    #[test]
    fn shipped_model_tags_a_sentence() {
        let tagger = shipped_tagger();
        assert_eq!(
            tagger.tag(&["The", "council", "voted", "on", "Monday", "."]),
            ["DET", "NOUN", "VERB", "ADP", "PROPN", "PUNCT"]
        );
        // Our tokeniser's forms: curly apostrophes, split clitics, hyphenated words whole.
        assert_eq!(
            tagger.tag(&["I", "do", "n’t", "know", "."]),
            ["PRON", "AUX", "PART", "VERB", "PUNCT"]
        );
        let tags = tagger.tag(&["They", "signed", "a", "30-day", "deal", "."]);
        assert!(matches!(tags[3], "ADJ" | "NOUN"), "{tags:?}");
    }

    #[test]
    fn shipped_lemma_table() {
        let lemmatizer = Lemmatizer::load(shipped(LEMMA_FILE)).unwrap();
        assert_eq!(lemmatizer.lemma("children", "NOUN"), "child");
        assert_eq!(lemmatizer.lemma("went", "VERB"), "go");
        assert_eq!(lemmatizer.lemma("voted", "VERB"), "vote");
        assert_eq!(lemmatizer.lemma("Trump", "PROPN"), "Trump");
    }

    fn ewt() -> std::path::PathBuf {
        std::env::var_os("STORYLINE_EWT_DIR")
            .map(Into::into)
            .unwrap_or_else(|| {
                Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/ud_english_ewt")
            })
    }

    /// Trains the shipped models:
    /// `cargo test --release -p storyline-nlp -- --ignored train_pos_model --nocapture`
    /// (data from `$STORYLINE_EWT_DIR` or `../shared/data/ud_english_ewt`; models to
    /// `$STORYLINE_MODELS_DIR` or `models/`).
    #[test]
    #[ignore]
    fn train_pos_model() {
        let out = std::env::var_os("STORYLINE_MODELS_DIR")
            .map(Into::into)
            .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models"));
        let data = ewt();
        let report = train_from_files(
            data.join("en_ewt-ud-train.conllu"),
            data.join("en_ewt-ud-dev.conllu"),
            &out,
            &TrainOptions::default(),
        )
        .unwrap();
        println!("{report}");
    }

    /// Tagging speed of the shipped model on EWT dev:
    /// `cargo test --release -p storyline-nlp -- --ignored tagging_speed --nocapture`
    #[test]
    #[ignore]
    fn tagging_speed() {
        let tagger = shipped_tagger();
        let dev = conllu::read(ewt().join("en_ewt-ud-dev.conllu")).unwrap();
        let sentences: Vec<Vec<&str>> = dev.iter().map(Sentence::forms).collect();
        let mut tags = Vec::new();
        let started = Instant::now();
        let mut tokens = 0;
        for _ in 0..10 {
            for forms in &sentences {
                tagger.tag_into(forms, &mut tags);
                tokens += tags.len();
            }
        }
        let seconds = started.elapsed().as_secs_f64();
        println!(
            "{tokens} tokens in {seconds:.3} s: {:.0} tokens/s; dev accuracy {}",
            tokens as f64 / seconds,
            evaluate(&tagger, &dev)
        );
    }
}
