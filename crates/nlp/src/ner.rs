//! Named-entity recognition: PERSON, ORG, PLACE and MISC (the CoNLL-2003 classes under
//! storyline's names) by an averaged perceptron over BIO tags (BILOU is an option), decoded
//! greedily left to right with the tag-sequence constraints enforced, in two passes over each
//! document. Training uses the gold previous tags as history.
//!
//! Features follow Ratinov & Roth (2009), "Design challenges and misconceptions in named
//! entity recognition": the word and its lower-cased form, word shape, prefixes and suffixes,
//! a ±2 context window, the two previous tags (gold in training, predicted at run time),
//! capitalisation, the sentence-initial flag, gazetteer matches, word clusters induced from
//! unlabelled text, and non-local features. The second pass sees the first pass's tags: its
//! own neighbourhood, and how the other occurrences of the same word in the document were
//! labelled (the "context aggregation" and "extended prediction history" of that paper). The
//! second pass is trained on first-pass output produced by cross-validation (jackknifing), so
//! it learns how far to trust first-pass labels on unseen text.
//!
//! All-caps headlines get the lower-cased word features and document-level case evidence
//! (whether the word appears capitalised or lower case in running text elsewhere).

use std::collections::BTreeMap;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use hashbrown::HashMap;
use serde::{Deserialize, Serialize};

use crate::conll::{self, ConllEval, Document, EvalReport, Format, Scheme};
use crate::gazetteer::{self, Gazetteer};
use crate::perceptron::{Features, Model, Trainer, sequence_differences, viterbi};

pub use storyline_model::EntityType;

/// An entity mention: tokens `start..end` (half-open) of one sentence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct EntitySpan {
    pub start: usize,
    pub end: usize,
    pub kind: EntityType,
}

/// Errors loading, training or evaluating.
#[derive(Debug, thiserror::Error)]
pub enum NerError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{path}: {message}")]
    Format { path: PathBuf, message: String },
    #[error(transparent)]
    Conll(#[from] conll::ConllError),
    #[error(transparent)]
    Gazetteer(#[from] gazetteer::GazetteerError),
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> NerError + '_ {
    move |source| NerError::Io {
        path: path.to_owned(),
        source,
    }
}

// ---------------------------------------------------------------------------------------
// Tags

/// The CoNLL types in class order.
const TYPES: [&str; 4] = ["PER", "ORG", "LOC", "MISC"];

/// Class names for a scheme: "O" first, then the prefixes of each type.
fn class_names(scheme: Scheme) -> Vec<String> {
    let prefixes: &[&str] = match scheme {
        Scheme::Bilou => &["B", "I", "L", "U"],
        Scheme::Bio | Scheme::Iob1 => &["B", "I"],
    };
    let mut out = vec!["O".to_owned()];
    for kind in TYPES {
        for prefix in prefixes {
            out.push(format!("{prefix}-{kind}"));
        }
    }
    out
}

/// What the decoder needs to know about each class.
#[derive(Clone)]
struct TagSet {
    scheme: Scheme,
    names: Vec<String>,
    /// Prefix letter (b'O', b'B', b'I', b'L', b'U') and type index per class.
    info: Vec<(u8, u8)>,
    /// [`TagSet::allowed`] for every (previous class or start, class, last), made once:
    /// Viterbi asks it for every pair at every token.
    table: Vec<bool>,
}

impl TagSet {
    fn new(scheme: Scheme, names: Vec<String>) -> TagSet {
        let info = names
            .iter()
            .map(|name| match name.split_once('-') {
                Some((prefix, kind)) => (
                    prefix.as_bytes()[0],
                    TYPES.iter().position(|t| *t == kind).unwrap_or(0) as u8,
                ),
                None => (b'O', 0),
            })
            .collect();
        let mut tags = TagSet {
            scheme,
            names,
            info,
            table: Vec::new(),
        };
        let k = tags.names.len();
        let prevs = (0..k).map(Some).chain([None]);
        let table = prevs
            .flat_map(|p| (0..k).flat_map(move |c| [(p, c, false), (p, c, true)]))
            .map(|(p, c, last)| tags.allowed(p, c, last))
            .collect();
        tags.table = table;
        tags
    }

    /// [`TagSet::allowed`], from the table.
    fn allows(&self, prev: Option<usize>, cur: usize, last: bool) -> bool {
        let k = self.names.len();
        self.table[(prev.unwrap_or(k) * k + cur) * 2 + usize::from(last)]
    }

    /// Can class `cur` follow class `prev` (`None`: sentence start)? `last`: `cur` ends the
    /// sentence.
    fn allowed(&self, prev: Option<usize>, cur: usize, last: bool) -> bool {
        let (cp, ct) = self.info[cur];
        let (pp, pt) = prev.map(|p| self.info[p]).unwrap_or((b'O', 0));
        match self.scheme {
            Scheme::Bilou => {
                let inside = matches!(pp, b'B' | b'I');
                let ok = if inside {
                    matches!(cp, b'I' | b'L') && ct == pt
                } else {
                    matches!(cp, b'O' | b'B' | b'U')
                };
                ok && !(last && matches!(cp, b'B' | b'I'))
            }
            _ => cp != b'I' || (matches!(pp, b'B' | b'I') && ct == pt),
        }
    }

    /// The best allowed class.
    fn best(&self, scores: &[f32], prev: Option<usize>, last: bool) -> usize {
        let mut best = None;
        for (class, &score) in scores.iter().enumerate() {
            if !self.allowed(prev, class, last) {
                continue;
            }
            match best {
                Some((_, s)) if s >= score => {}
                _ => best = Some((class, score)),
            }
        }
        best.map(|(c, _)| c).unwrap_or(0)
    }

    fn spans(&self, classes: &[usize]) -> Vec<EntitySpan> {
        let tags: Vec<&str> = classes.iter().map(|&c| self.names[c].as_str()).collect();
        conll::spans_from_tags(&tags, self.scheme)
            .into_iter()
            .filter_map(|c| {
                Some(EntitySpan {
                    start: c.start,
                    end: c.end,
                    kind: EntityType::parse(&c.kind)?,
                })
            })
            .collect()
    }

    /// Gold classes for a sentence tagged in IOB1/BIO.
    fn gold(&self, tags: &[String]) -> Vec<usize> {
        let converted = conll::tags_from_spans(tags.len(), &conll::chunks(tags), self.scheme);
        converted
            .iter()
            .map(|t| self.names.iter().position(|n| n == t).unwrap_or(0))
            .collect()
    }
}

// ---------------------------------------------------------------------------------------
// Word features

/// Word shape: upper-case letters become X, lower-case x, digits d, other characters stay;
/// runs longer than four are cut to four ("Zelenskyy" → "Xxxxx").
fn shape(word: &str) -> String {
    let mut out = String::new();
    let mut last = '\0';
    let mut run = 0;
    for c in word.chars() {
        let s = if c.is_uppercase() {
            'X'
        } else if c.is_lowercase() {
            'x'
        } else if c.is_numeric() {
            'd'
        } else {
            c
        };
        if s == last {
            run += 1;
        } else {
            run = 1;
            last = s;
        }
        if run <= 4 {
            out.push(s);
        }
    }
    out
}

/// Short shape: every run is one character ("Xx", "X.X.", "d-d-d"). Made from the long
/// [`shape`], which the recogniser needs anyway.
fn short_shape(long: &str) -> String {
    let mut out = String::new();
    for c in long.chars() {
        if !out.ends_with(c) {
            out.push(c);
        }
    }
    out
}

/// Lower case with digits folded to 0.
fn normalise(word: &str) -> String {
    word.chars()
        .flat_map(char::to_lowercase)
        .map(|c| if c.is_ascii_digit() { '0' } else { c })
        .collect()
}

/// `word.to_lowercase()`, borrowed when that would copy it unchanged (ASCII without
/// capitals, most words): the document statistics look every word up by it.
fn lowercase(word: &str) -> std::borrow::Cow<'_, str> {
    if word
        .bytes()
        .any(|b| b.is_ascii_uppercase() || !b.is_ascii())
    {
        word.to_lowercase().into()
    } else {
        word.into()
    }
}

fn is_all_caps_sentence<S: AsRef<str>>(words: &[S]) -> bool {
    let mut letters = 0;
    for w in words {
        let w = w.as_ref();
        if w.chars().any(char::is_lowercase) {
            return false;
        }
        if w.chars().any(char::is_uppercase) {
            letters += 1;
        }
    }
    letters >= 2
}

fn capitalised(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

/// Universal POS for Penn Treebank tags (to train with CoNLL's POS column and run with a
/// UPOS tagger).
pub fn ptb_to_upos(tag: &str) -> &'static str {
    match tag {
        "NN" | "NNS" => "NOUN",
        "NNP" | "NNPS" => "PROPN",
        "VB" | "VBD" | "VBG" | "VBN" | "VBP" | "VBZ" => "VERB",
        "MD" => "AUX",
        "JJ" | "JJR" | "JJS" => "ADJ",
        "RB" | "RBR" | "RBS" | "WRB" => "ADV",
        "IN" => "ADP",
        "DT" | "PDT" | "WDT" => "DET",
        "PRP" | "PRP$" | "WP" | "WP$" | "EX" => "PRON",
        "CD" => "NUM",
        "CC" => "CCONJ",
        "RP" | "TO" | "POS" => "PART",
        "UH" => "INTJ",
        "SYM" | "$" | "#" => "SYM",
        "FW" | "LS" => "X",
        _ => "PUNCT",
    }
}

// ---------------------------------------------------------------------------------------
// Word clusters

/// Word clusters induced from unlabelled text, at several granularities (one cluster id per
/// level), used as features for words the labelled data never showed.
#[derive(Clone, Default)]
pub struct Clusters {
    levels: Vec<String>,
    words: HashMap<String, Vec<u16>>,
    /// `level:id` for every level and id, made once: feature values without formatting.
    labels: Vec<Vec<Box<str>>>,
}

impl Clusters {
    pub fn levels(&self) -> &[String] {
        &self.levels
    }

    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    pub fn new(levels: Vec<String>, words: HashMap<String, Vec<u16>>) -> Clusters {
        let mut labels: Vec<Vec<Box<str>>> = vec![Vec::new(); levels.len()];
        for ids in words.values() {
            for (level, &id) in ids.iter().enumerate() {
                let known = &mut labels[level];
                while known.len() <= id as usize {
                    known.push(format!("{}:{}", levels[level], known.len()).into());
                }
            }
        }
        Clusters {
            levels,
            words,
            labels,
        }
    }

    /// The word's clusters as `level:id` feature values (see [`Clusters::get`]).
    pub fn labels(&self, word: &str) -> Option<impl Iterator<Item = &str>> {
        Some(self.labels_of(self.get(word)?))
    }

    /// Cluster ids found by [`Clusters::get`] as `level:id` feature values.
    pub fn labels_of<'c>(&'c self, ids: &'c [u16]) -> impl Iterator<Item = &'c str> {
        ids.iter()
            .zip(&self.labels)
            .map(|(&id, labels)| &*labels[id as usize])
    }

    /// The word's clusters: the word as written, else its title-case and lower-case forms
    /// (so headline capitals find "Brussels").
    pub fn get(&self, word: &str) -> Option<&[u16]> {
        if let Some(c) = self.words.get(word) {
            return Some(c);
        }
        let lower = word.to_lowercase();
        if word.chars().any(char::is_uppercase) {
            let mut chars = lower.chars();
            if let Some(first) = chars.next() {
                let title: String = first.to_uppercase().chain(chars).collect();
                if let Some(c) = self.words.get(&title) {
                    return Some(c);
                }
            }
        }
        self.words.get(&lower).map(Vec::as_slice)
    }

    /// Text form: a header line `#levels<TAB>name...`, then `word<TAB>id<TAB>id...`, sorted.
    pub fn to_text(&self) -> String {
        let mut out = format!("#levels\t{}\n", self.levels.join("\t"));
        let mut words: Vec<(&String, &Vec<u16>)> = self.words.iter().collect();
        words.sort();
        for (word, ids) in words {
            out.push_str(word);
            for id in ids {
                out.push('\t');
                out.push_str(&id.to_string());
            }
            out.push('\n');
        }
        out
    }

    pub fn from_text(text: &str) -> Result<Clusters, String> {
        let mut lines = text.lines();
        let header = lines.next().ok_or("empty cluster file")?;
        let levels: Vec<String> = header
            .strip_prefix("#levels\t")
            .ok_or("cluster file must start with #levels")?
            .split('\t')
            .map(str::to_owned)
            .collect();
        let mut words = HashMap::new();
        for (n, line) in lines.enumerate() {
            let mut fields = line.split('\t');
            let word = fields.next().unwrap_or("");
            let ids: Vec<u16> = fields
                .map(|f| f.parse::<u16>())
                .collect::<Result<_, _>>()
                .map_err(|e| format!("cluster line {}: {e}", n + 2))?;
            if word.is_empty() || ids.len() != levels.len() {
                return Err(format!(
                    "cluster line {}: expected word and {} ids",
                    n + 2,
                    levels.len()
                ));
            }
            words.insert(word.to_owned(), ids);
        }
        Ok(Clusters::new(levels, words))
    }

    pub fn save(&self, path: &Path) -> Result<(), NerError> {
        let bytes = zstd::encode_all(self.to_text().as_bytes(), 19).map_err(io_error(path))?;
        std::fs::write(path, bytes).map_err(io_error(path))
    }

    pub fn load(path: &Path) -> Result<Clusters, NerError> {
        let bytes = std::fs::read(path).map_err(io_error(path))?;
        let mut text = String::new();
        zstd::stream::read::Decoder::new(&bytes[..])
            .and_then(|mut d| d.read_to_string(&mut text))
            .map_err(io_error(path))?;
        Clusters::from_text(&text).map_err(|message| NerError::Format {
            path: path.to_owned(),
            message,
        })
    }
}

// ---------------------------------------------------------------------------------------
// Feature extraction

/// Which feature groups a model uses (stored in the model file).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct FeatureConfig {
    pub gazetteer: bool,
    pub clusters: bool,
    pub document_case: bool,
    pub pos: bool,
    /// Sequence model: each pass is trained as a structured perceptron and decoded by
    /// first-order Viterbi, with a transition model over (previous tag, tag) pairs instead
    /// of the greedy passes' tag-history features. Model files without the field were
    /// trained greedily and decode greedily.
    #[serde(default)]
    pub structured: bool,
}

impl Default for FeatureConfig {
    fn default() -> Self {
        FeatureConfig {
            gazetteer: true,
            clusters: true,
            document_case: true,
            pos: false,
            // +0.75 F1 on dev over greedy decoding of locally trained passes (93.03
            // against 92.28, seed 1; seeds 2 and 3: 93.40, 93.17).
            structured: true,
        }
    }
}

/// Per-token facts computed once per sentence. The word and its cluster labels are borrowed
/// (from the sentence and the loaded clusters): owning them cost an allocation per string.
struct TokenInfo<'a> {
    word: &'a str,
    norm: String,
    shape: String,
    short_shape: String,
    gaz: Vec<String>,
    clusters: Vec<&'a str>,
    doc_case: &'static str,
    pos: Option<String>,
    /// Context aggregation: the words around other occurrences in the document.
    context: Vec<String>,
}

struct SentenceInfo<'a> {
    tokens: Vec<TokenInfo<'a>>,
    headline: bool,
}

/// Everything the features need from outside the sentence.
struct Resources<'a> {
    gazetteer: Option<&'a Gazetteer>,
    clusters: Option<&'a Clusters>,
    config: &'a FeatureConfig,
}

/// Document-wide evidence about each lower-cased word: how often it is capitalised
/// mid-sentence in running text and how often lower case, and the words around each of its
/// capitalised occurrences (for context aggregation).
#[derive(Default)]
struct DocStats {
    case: HashMap<String, (u32, u32)>,
    /// (sentence, token, previous word, next word) of every capitalised occurrence.
    contexts: HashMap<String, Vec<(usize, usize, String, String)>>,
}

fn document_stats<S: AsRef<str>>(sentences: &[Vec<S>]) -> DocStats {
    let mut stats = DocStats::default();
    for (s, words) in sentences.iter().enumerate() {
        let headline = is_all_caps_sentence(words);
        for (i, w) in words.iter().enumerate() {
            let w = w.as_ref();
            if !w.chars().any(char::is_alphabetic) {
                continue;
            }
            if !w.chars().any(char::is_uppercase) {
                stats.case.entry_ref(&*lowercase(w)).or_default().1 += 1;
            } else if i > 0 && !headline && capitalised(w) && w.chars().any(char::is_lowercase) {
                stats.case.entry_ref(&*lowercase(w)).or_default().0 += 1;
            }
            if capitalised(w) {
                let list = stats.contexts.entry_ref(&*lowercase(w)).or_default();
                if list.len() < 32 {
                    let prev = if i > 0 {
                        normalise(words[i - 1].as_ref())
                    } else {
                        "<s>".into()
                    };
                    let next = words
                        .get(i + 1)
                        .map(|w| normalise(w.as_ref()))
                        .unwrap_or("</s>".into());
                    list.push((s, i, prev, next));
                }
            }
        }
    }
    stats
}

/// `found` holds the words' [`Clusters::get`] results when the caller has looked them up
/// already (the pipeline does it once for the tagger and the recogniser).
fn sentence_info<'a, S: AsRef<str>>(
    words: &'a [S],
    pos: Option<&[S]>,
    found: Option<&[Option<&'a [u16]>]>,
    doc: &DocStats,
    sentence: usize,
    res: &Resources<'a>,
) -> SentenceInfo<'a> {
    let headline = is_all_caps_sentence(words);
    let gaz = match (res.config.gazetteer, res.gazetteer) {
        (true, Some(g)) => g.token_features(words),
        _ => vec![Vec::new(); words.len()],
    };
    let tokens = words
        .iter()
        .zip(gaz)
        .enumerate()
        .map(|(i, (w, gaz))| {
            let word = w.as_ref();
            let lower = lowercase(word);
            let own_cap =
                i > 0 && !headline && capitalised(word) && word.chars().any(char::is_lowercase);
            let own_lower = !word.chars().any(char::is_uppercase);
            let doc_case = if !res.config.document_case || !word.chars().any(char::is_alphabetic) {
                ""
            } else {
                let (cap, low) = doc.case.get(&*lower).copied().unwrap_or((0, 0));
                let cap = cap.saturating_sub(u32::from(own_cap));
                let low = low.saturating_sub(u32::from(own_lower));
                match (cap > 0, low > 0) {
                    (true, true) => "both",
                    (true, false) => "cap",
                    (false, true) => "low",
                    (false, false) => "none",
                }
            };
            let clusters = match (res.config.clusters, res.clusters) {
                (true, Some(c)) => match found.map_or_else(|| c.get(word), |found| found[i]) {
                    Some(ids) => c.labels_of(ids).collect(),
                    None => vec!["none"],
                },
                _ => Vec::new(),
            };
            let mut context = Vec::new();
            if capitalised(word)
                && let Some(list) = doc.contexts.get(&*lower)
            {
                for (s2, i2, prev, next) in list {
                    if (*s2, *i2) == (sentence, i) {
                        continue;
                    }
                    // `concat` rather than `format!`: the formatting machinery cost more than the copy.
                    context.push(["L", prev].concat());
                    context.push(["R", next].concat());
                }
                context.sort_unstable();
                context.dedup();
            }
            let long_shape = shape(word);
            TokenInfo {
                context,
                word,
                norm: normalise(word),
                short_shape: short_shape(&long_shape),
                shape: long_shape,
                gaz,
                clusters,
                doc_case,
                pos: pos.and_then(|p| p.get(i)).map(|p| p.as_ref().to_owned()),
            }
        })
        .collect();
    SentenceInfo { tokens, headline }
}

/// First-pass labels seen from one token: its own and its neighbours' tags, and how the
/// other occurrences of its word in the document were labelled.
struct PassOneView<'t> {
    /// Class names of the first pass, per token of the sentence (borrowed from the tag set).
    tags: Vec<&'t str>,
    /// Per token: the majority label (type or "O") of the word's other occurrences in the
    /// document, the types among them, and the majority among earlier occurrences only.
    majority: Vec<Option<&'static str>>,
    types: Vec<Vec<&'static str>>,
    history: Vec<Option<&'static str>>,
}

const TYPE_OR_O: [&str; 5] = ["PER", "ORG", "LOC", "MISC", "O"];

/// Builds the pass-one views for a document from its first-pass classes.
fn pass_one_views<'t, S: AsRef<str>>(
    sentences: &[Vec<S>],
    classes: &[Vec<usize>],
    tags: &'t TagSet,
) -> Vec<PassOneView<'t>> {
    // For each lower-cased word: list of (sentence, token, label index in TYPE_OR_O).
    let mut occurrences: HashMap<String, Vec<(usize, usize, usize)>> = HashMap::new();
    for (s, (words, cls)) in sentences.iter().zip(classes).enumerate() {
        for (i, (w, &c)) in words.iter().zip(cls).enumerate() {
            let w = w.as_ref();
            if !w.chars().any(char::is_alphabetic) {
                continue;
            }
            let (prefix, kind) = tags.info[c];
            let label = if prefix == b'O' { 4 } else { kind as usize };
            occurrences
                .entry_ref(&*lowercase(w))
                .or_default()
                .push((s, i, label));
        }
    }
    let majority_of = |counts: &[u32; 5]| -> Option<&'static str> {
        let total: u32 = counts.iter().sum();
        if total == 0 {
            return None;
        }
        let best = (0..5)
            .max_by_key(|&k| (counts[k], usize::MAX - k))
            .unwrap_or(4);
        Some(TYPE_OR_O[best])
    };
    let mut views = Vec::with_capacity(sentences.len());
    for (s, (words, cls)) in sentences.iter().zip(classes).enumerate() {
        let mut view = PassOneView {
            tags: cls.iter().map(|&c| tags.names[c].as_str()).collect(),
            majority: Vec::with_capacity(words.len()),
            types: Vec::with_capacity(words.len()),
            history: Vec::with_capacity(words.len()),
        };
        for (i, w) in words.iter().enumerate() {
            let w = w.as_ref();
            let mut all = [0u32; 5];
            let mut before = [0u32; 5];
            if w.chars().any(char::is_alphabetic)
                && let Some(list) = occurrences.get(&*lowercase(w))
            {
                for &(s2, i2, label) in list {
                    if (s2, i2) == (s, i) {
                        continue;
                    }
                    all[label] += 1;
                    if (s2, i2) < (s, i) {
                        before[label] += 1;
                    }
                }
            }
            view.majority.push(majority_of(&all));
            view.types.push(
                (0..4)
                    .filter(|&k| all[k] > 0)
                    .map(|k| TYPE_OR_O[k])
                    .collect(),
            );
            view.history.push(majority_of(&before));
        }
        views.push(view);
    }
    views
}

/// Features that do not depend on the tags being decoded.
fn static_features(sentence: &SentenceInfo, i: usize, f: &mut Features) {
    let t = &sentence.tokens;
    let n = t.len();
    let tok = &t[i];
    let at = |j: isize| -> Option<&TokenInfo> {
        let k = i as isize + j;
        if k < 0 || k >= n as isize {
            None
        } else {
            Some(&t[k as usize])
        }
    };
    let norm_at = |j: isize| {
        at(j)
            .map(|t| t.norm.as_str())
            .unwrap_or(if j < 0 { "<s>" } else { "</s>" })
    };
    let shape_at = |j: isize| {
        at(j)
            .map(|t| t.short_shape.as_str())
            .unwrap_or(if j < 0 { "<s>" } else { "</s>" })
    };

    f.add("bias", "");
    f.add("w", tok.word);
    f.add("n", &tok.norm);
    f.add("sh", &tok.shape);
    f.add("ss", &tok.short_shape);
    // Affixes of 1-4 characters of words longer than that, sliced at char boundaries.
    let chars = tok.norm.chars().count();
    for k in 1..=4usize.min(chars.saturating_sub(1)) {
        let prefix_end = tok
            .norm
            .char_indices()
            .nth(k)
            .map_or(tok.norm.len(), |(b, _)| b);
        let suffix_start = tok.norm.char_indices().nth(chars - k).map_or(0, |(b, _)| b);
        f.add("p", &tok.norm[..prefix_end]);
        f.add("s", &tok.norm[suffix_start..]);
    }
    if i == 0 {
        f.add("first", &tok.short_shape);
        f.add("first|n", &tok.norm);
    }
    if sentence.headline {
        f.add("hl", "");
        f.add("hl|n", &tok.norm);
    }
    if tok.word.contains('-') {
        f.add("hyph", &tok.short_shape);
    }
    // Context window.
    f.add("n-1", norm_at(-1));
    f.add("n-2", norm_at(-2));
    f.add("n+1", norm_at(1));
    f.add("n+2", norm_at(2));
    f.add2("n-1|n", norm_at(-1), &tok.norm);
    f.add2("n|n+1", &tok.norm, norm_at(1));
    f.add("ss-1", shape_at(-1));
    f.add("ss+1", shape_at(1));
    f.add2("ss-1|ss", shape_at(-1), &tok.short_shape);
    f.add2("ss|ss+1", &tok.short_shape, shape_at(1));
    // The same key as add2("ss-1|ss|ss+1", "{ss-1}|{ss}", ss+1), without the string.
    f.add_with(|key| {
        key.extend_from_slice(b"ss-1|ss|ss+1\x1f");
        key.extend_from_slice(shape_at(-1).as_bytes());
        key.push(b'|');
        key.extend_from_slice(tok.short_shape.as_bytes());
        key.push(0x1f);
        key.extend_from_slice(shape_at(1).as_bytes());
    });
    f.add2("n-1|ss", norm_at(-1), &tok.short_shape);
    f.add2("ss|n+1", &tok.short_shape, norm_at(1));
    if n == 1 {
        f.add("alone", &tok.short_shape);
    }
    f.add("w-1", at(-1).map(|t| t.word).unwrap_or("<s>"));
    f.add("w+1", at(1).map(|t| t.word).unwrap_or("</s>"));
    f.add("ss-2", shape_at(-2));
    f.add("ss+2", shape_at(2));
    // Gazetteers: this token and its neighbours.
    for g in &tok.gaz {
        f.add("g", g);
        f.add2("g|ss", g, &tok.short_shape);
    }
    if let Some(prev) = at(-1) {
        for g in &prev.gaz {
            f.add("g-1", g);
        }
    }
    if let Some(next) = at(1) {
        for g in &next.gaz {
            f.add("g+1", g);
        }
    }
    // Clusters.
    for c in &tok.clusters {
        f.add("c", c);
    }
    for (j, name) in [(-1isize, "c-1"), (1, "c+1")] {
        if let Some(other) = at(j) {
            for c in &other.clusters {
                f.add(name, c);
            }
        }
    }
    for c in &tok.context {
        f.add("ca", c);
    }
    // How often the word is capitalised in running text, where its own case says nothing.
    if (i == 0 || sentence.headline)
        && let Some(c) = tok.clusters.iter().find(|c| c.starts_with("case:"))
    {
        f.add2("case|start", c, &tok.short_shape);
    }
    // Document case evidence.
    if !tok.doc_case.is_empty() {
        f.add("dc", tok.doc_case);
        f.add2("dc|ss", tok.doc_case, &tok.short_shape);
        if i == 0 || sentence.headline {
            f.add2("dc|start", tok.doc_case, &tok.short_shape);
        }
    }
    // Parts of speech, when the model was trained with them and they are given.
    if let Some(pos) = &tok.pos {
        f.add("pos", pos);
        f.add2("pos|ss", pos, &tok.short_shape);
        f.add(
            "pos-1",
            at(-1).and_then(|t| t.pos.as_deref()).unwrap_or("<s>"),
        );
        f.add(
            "pos+1",
            at(1).and_then(|t| t.pos.as_deref()).unwrap_or("</s>"),
        );
    }
}

/// Second pass only: the first pass's labels around the token and for its word elsewhere in
/// the document.
fn pass_one_features(sentence: &SentenceInfo, i: usize, view: &PassOneView, f: &mut Features) {
    let tok = &sentence.tokens[i];
    let n = sentence.tokens.len();
    let tag_at = |j: isize| {
        let k = i as isize + j;
        if k < 0 || k >= n as isize {
            "-"
        } else {
            view.tags[k as usize]
        }
    };
    f.add("p1", tag_at(0));
    f.add("p1-1", tag_at(-1));
    f.add("p1+1", tag_at(1));
    f.add2("p1-1|p1", tag_at(-1), tag_at(0));
    f.add2("p1|p1+1", tag_at(0), tag_at(1));
    f.add2("p1|ss", tag_at(0), &tok.short_shape);
    if let Some(m) = view.majority[i] {
        f.add("agg", m);
        f.add2("agg|ss", m, &tok.short_shape);
        f.add2("agg|p1", m, tag_at(0));
    }
    for kind in &view.types[i] {
        f.add("aggT", kind);
    }
    if let Some(h) = view.history[i] {
        f.add("hist", h);
    }
}

/// Features of the tags decoded so far (greedy passes).
fn tag_features(sentence: &SentenceInfo, i: usize, prev1: &str, prev2: &str, f: &mut Features) {
    let tok = &sentence.tokens[i];
    f.add("t-1", prev1);
    f.add2("t-2|t-1", prev2, prev1);
    f.add2("t-1|n", prev1, &tok.norm);
    f.add2("t-1|ss", prev1, &tok.short_shape);
}

// ---------------------------------------------------------------------------------------
// Decoding

/// Static feature keys for every token of a sentence, flattened.
struct SentenceKeys {
    offsets: Vec<usize>,
    keys: Vec<u64>,
}

impl SentenceKeys {
    /// The keys `each` adds for every token of a sentence of `n` tokens (`Features` is cleared
    /// before each token).
    fn build(n: usize, f: &mut Features, mut each: impl FnMut(usize, &mut Features)) -> Self {
        let mut offsets = Vec::with_capacity(n + 1);
        offsets.push(0);
        let mut keys = Vec::new();
        for i in 0..n {
            f.clear();
            each(i, f);
            keys.extend_from_slice(f.keys());
            offsets.push(keys.len());
        }
        SentenceKeys { offsets, keys }
    }

    /// The first pass's features.
    fn new(sentence: &SentenceInfo, f: &mut Features) -> SentenceKeys {
        Self::build(sentence.tokens.len(), f, |i, f| {
            static_features(sentence, i, f)
        })
    }

    /// The second pass's features: the first pass's plus its labels, without computing the
    /// shared part again.
    fn with_pass_one(
        &self,
        sentence: &SentenceInfo,
        view: &PassOneView,
        f: &mut Features,
    ) -> SentenceKeys {
        Self::build(sentence.tokens.len(), f, |i, f| {
            f.extend(self.token(i));
            pass_one_features(sentence, i, view, f);
        })
    }

    /// The second pass's own features only: what [`SentenceKeys::with_pass_one`] adds.
    fn pass_one_only(
        sentence: &SentenceInfo,
        view: &PassOneView,
        f: &mut Features,
    ) -> SentenceKeys {
        Self::build(sentence.tokens.len(), f, |i, f| {
            pass_one_features(sentence, i, view, f)
        })
    }

    fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    fn token(&self, i: usize) -> &[u64] {
        &self.keys[self.offsets[i]..self.offsets[i + 1]]
    }
}

/// One pass of the recogniser: a model over the token's own features and, for a structured
/// pass, a model of the tag transitions.
///
/// The transition model's classes are (previous tag, tag) pairs and its features the
/// token's word and shape: one lookup gives a weight for every pair, where conjunctions of
/// the previous tag with the word would cost a lookup for each previous tag.
struct Pass {
    tokens: Model,
    pairs: Option<Model>,
}

/// A [`Pass`] being trained.
struct PassTrainer {
    tokens: Trainer,
    pairs: Option<Trainer>,
}

impl PassTrainer {
    fn new(tags: &TagSet, structured: bool) -> PassTrainer {
        PassTrainer {
            tokens: Trainer::new(tags.names.clone()),
            pairs: structured.then(|| Trainer::new(pair_names(tags))),
        }
    }

    fn finish(self, min_weight: f32) -> Pass {
        Pass {
            tokens: self.tokens.finish(serde_json::Value::Null, min_weight),
            pairs: self
                .pairs
                .map(|pairs| pairs.finish(serde_json::Value::Null, min_weight)),
        }
    }
}

impl Pass {
    fn prune(&mut self, min_weight: f32) {
        self.tokens.prune(min_weight);
        if let Some(pairs) = &mut self.pairs {
            pairs.prune(min_weight);
        }
    }

    fn feature_count(&self) -> usize {
        self.tokens.feature_count() + self.pairs.as_ref().map_or(0, Model::feature_count)
    }
}

/// Transition classes: `prev>tag` for every previous tag and the sentence start (`<s>`,
/// last), in the order [`pair_class`] numbers them.
fn pair_names(tags: &TagSet) -> Vec<String> {
    let prevs = tags.names.iter().map(String::as_str).chain(["<s>"]);
    prevs
        .flat_map(|p| tags.names.iter().map(move |c| format!("{p}>{c}")))
        .collect()
}

fn pair_class(k: usize, prev: Option<usize>, class: usize) -> usize {
    prev.unwrap_or(k) * k + class
}

/// The transition model's features of token `i`: a bias (the transition itself), the word
/// and the short shape.
fn pair_features(sentence: &SentenceInfo, i: usize, f: &mut Features) {
    let tok = &sentence.tokens[i];
    f.clear();
    f.add("t", "");
    f.add("t|n", &tok.norm);
    f.add("t|ss", &tok.short_shape);
}

/// How a sentence is decoded: with a trained pass, or while training (greedy passes learn
/// token by token, structured passes from the whole sentence).
enum Mode<'a> {
    Predict(&'a Pass),
    Train(&'a mut PassTrainer, &'a [usize]),
    /// A structured pass whose token scores were computed beforehand: token `i`'s `k`
    /// scores start at `scores[i * stride]`.
    Scored {
        pairs: &'a Model,
        scores: &'a [f32],
        stride: usize,
    },
}

/// Greedy left-to-right decoding under the tag-sequence constraints.
fn decode_sentence(
    sentence: &SentenceInfo,
    keys: &SentenceKeys,
    tags: &TagSet,
    mut mode: Mode,
) -> Vec<usize> {
    let n = sentence.tokens.len();
    let mut out: Vec<usize> = Vec::with_capacity(n);
    let mut dynamic = Features::default();
    let mut all: Vec<u64> = Vec::new();
    let mut scores = Vec::new();
    for i in 0..n {
        let prev1 = if i >= 1 {
            tags.names[out[i - 1]].as_str()
        } else {
            "<s>"
        };
        let prev2 = if i >= 2 {
            tags.names[out[i - 2]].as_str()
        } else {
            "<s>"
        };
        dynamic.clear();
        tag_features(sentence, i, prev1, prev2, &mut dynamic);
        all.clear();
        all.extend_from_slice(keys.token(i));
        all.extend_from_slice(dynamic.keys());
        let prev = if i >= 1 { Some(out[i - 1]) } else { None };
        let guess = match &mut mode {
            Mode::Train(trainer, gold) => {
                trainer.tokens.predict(&all, &mut scores);
                let guess = tags.best(&scores, prev, i + 1 == n);
                trainer.tokens.update(gold[i], guess, &all);
                // The history is the gold tags: training a local classifier with the true
                // previous tags worked clearly better here (+0.8 F1 on dev) than learning
                // from its own predictions.
                gold[i]
            }
            Mode::Predict(pass) => {
                pass.tokens.predict(&all, &mut scores);
                tags.best(&scores, prev, i + 1 == n)
            }
            Mode::Scored { .. } => unreachable!("precomputed scores are for structured passes"),
        };
        out.push(guess);
    }
    out
}

/// Decodes a sentence greedily or, for a structured pass, by Viterbi.
fn decode(sentence: &SentenceInfo, keys: &SentenceKeys, tags: &TagSet, mode: Mode) -> Vec<usize> {
    let structured = match &mode {
        Mode::Predict(pass) => pass.pairs.is_some(),
        Mode::Train(trainer, _) => trainer.pairs.is_some(),
        Mode::Scored { .. } => true,
    };
    if structured {
        viterbi_sentence(sentence, keys, tags, mode)
    } else {
        decode_sentence(sentence, keys, tags, mode)
    }
}

/// First-order Viterbi decoding under the tag-sequence constraints: class `c` after class
/// `p` scores the token's own features for `c` plus its transition features for (`p`, `c`).
/// Training (a structured perceptron) decodes with the current weights and, when the best
/// sequence is not the gold one, moves weight from the predicted to the gold classes and
/// transitions at every token where they differ; one step of the average per sentence.
fn viterbi_sentence(
    sentence: &SentenceInfo,
    keys: &SentenceKeys,
    tags: &TagSet,
    mut mode: Mode,
) -> Vec<usize> {
    let n = sentence.tokens.len();
    let k = tags.names.len();
    let mut pair_keys = Features::default();
    let out = viterbi(
        n,
        k,
        |i, token_scores, pair_scores| {
            pair_features(sentence, i, &mut pair_keys);
            match &mode {
                Mode::Predict(pass) => {
                    pass.tokens.predict(keys.token(i), token_scores);
                    let pairs = pass.pairs.as_ref().expect("a structured pass");
                    pairs.predict(pair_keys.keys(), pair_scores);
                }
                Mode::Train(trainer, _) => {
                    trainer.tokens.predict(keys.token(i), token_scores);
                    let pairs = trainer.pairs.as_ref().expect("a structured pass");
                    pairs.predict(pair_keys.keys(), pair_scores);
                }
                Mode::Scored {
                    pairs,
                    scores,
                    stride,
                } => {
                    token_scores.clear();
                    token_scores.extend_from_slice(&scores[i * stride..][..k]);
                    pairs.predict(pair_keys.keys(), pair_scores);
                }
            }
        },
        |prev, c, last| tags.allows(prev, c, last),
    );
    if let Mode::Train(trainer, gold) = &mut mode {
        let pairs = trainer.pairs.as_mut().expect("a structured pass");
        trainer.tokens.tick();
        pairs.tick();
        sequence_differences(gold, &out, |i, class, _| {
            let gold_prev = i.checked_sub(1).map(|j| gold[j]);
            let out_prev = i.checked_sub(1).map(|j| out[j]);
            if class {
                trainer.tokens.add(gold[i], keys.token(i), 1.0);
                trainer.tokens.add(out[i], keys.token(i), -1.0);
            }
            pair_features(sentence, i, &mut pair_keys);
            pairs.add(pair_class(k, gold_prev, gold[i]), pair_keys.keys(), 1.0);
            pairs.add(pair_class(k, out_prev, out[i]), pair_keys.keys(), -1.0);
        });
    }
    out
}

// ---------------------------------------------------------------------------------------
// The recogniser

const MODEL_MAGIC: &[u8; 8] = b"STLNER01";

#[derive(Serialize, Deserialize)]
struct ModelHeader {
    version: u32,
    scheme: String,
    config: FeatureConfig,
    /// (name, byte length) of each section, in file order.
    sections: Vec<(String, u64)>,
    meta: serde_json::Value,
}

/// What [`Recognizer::decode_stacked`] reads: both passes' token models in one table, and
/// each pass's transition model.
#[derive(Clone, Copy)]
struct StackedPasses<'a> {
    tokens: &'a Model,
    pairs1: &'a Model,
    pairs2: &'a Model,
}

/// A trained entity recogniser: first- and second-pass models, their word clusters, and the
/// gazetteer.
pub struct Recognizer {
    pass1: Pass,
    pass2: Option<Pass>,
    /// Both structured passes' token models stacked into one table ([`Model::stacked`]),
    /// built on first use: the second pass reads every first-pass feature again, so one
    /// lookup per feature serves both passes. Only used when both passes are structured.
    both_passes: OnceLock<Model>,
    tags: TagSet,
    config: FeatureConfig,
    clusters: Option<Clusters>,
    gazetteer: Option<Gazetteer>,
    meta: serde_json::Value,
}

fn scheme_name(scheme: Scheme) -> &'static str {
    match scheme {
        Scheme::Bilou => "BILOU",
        Scheme::Bio => "BIO",
        Scheme::Iob1 => "IOB1",
    }
}

fn model_bytes(model: &Model, scratch: &Path) -> io::Result<Vec<u8>> {
    model.save(scratch)?;
    let bytes = std::fs::read(scratch);
    let _ = std::fs::remove_file(scratch);
    bytes
}

impl Recognizer {
    /// Loads a model file and a gazetteer file (see [`crate::gazetteer`]).
    pub fn load(model_path: &Path, gazetteer_path: &Path) -> Result<Recognizer, NerError> {
        let bytes = std::fs::read(model_path).map_err(io_error(model_path))?;
        let gazetteer = Gazetteer::load(gazetteer_path)?;
        Recognizer::from_parts(&bytes, Some(gazetteer)).map_err(|message| NerError::Format {
            path: model_path.to_owned(),
            message,
        })
    }

    /// From the bytes of a model file and a loaded gazetteer (`None` only for models trained
    /// without one).
    pub fn from_parts(model: &[u8], gazetteer: Option<Gazetteer>) -> Result<Recognizer, String> {
        let rest = model
            .strip_prefix(MODEL_MAGIC)
            .ok_or("not a storyline NER model (bad magic number)")?;
        if rest.len() < 4 {
            return Err("model file is truncated".into());
        }
        let header_len = u32::from_le_bytes(rest[..4].try_into().unwrap()) as usize;
        let rest = &rest[4..];
        if rest.len() < header_len {
            return Err("model file is truncated".into());
        }
        let header: ModelHeader = serde_json::from_slice(&rest[..header_len])
            .map_err(|e| format!("bad model header: {e}"))?;
        let mut body = &rest[header_len..];
        let mut sections = BTreeMap::new();
        for (name, len) in &header.sections {
            let len = *len as usize;
            if body.len() < len {
                return Err(format!("model file is truncated in section {name}"));
            }
            sections.insert(name.clone(), &body[..len]);
            body = &body[len..];
        }
        let scheme = match header.scheme.as_str() {
            "BILOU" => Scheme::Bilou,
            "BIO" => Scheme::Bio,
            other => return Err(format!("unknown tag scheme {other}")),
        };
        let model = |name: &str| -> Result<Option<Model>, String> {
            sections
                .get(name)
                .map(|bytes| Model::from_bytes(bytes).map_err(|e| format!("{name}: {e}")))
                .transpose()
        };
        // A structured pass has its transition model in `<pass>-pairs`.
        let pass = |name: &str| -> Result<Option<Pass>, String> {
            let Some(tokens) = model(name)? else {
                return Ok(None);
            };
            let pairs = model(&format!("{name}-pairs"))?;
            if pairs.is_some() != header.config.structured {
                return Err(format!(
                    "{name}: transition model does not match the config"
                ));
            }
            Ok(Some(Pass { tokens, pairs }))
        };
        let pass1 = pass("pass1")?.ok_or("no pass1 section")?;
        let pass2 = pass("pass2")?;
        let clusters = match sections.get("clusters") {
            Some(bytes) => {
                let mut text = String::new();
                zstd::stream::read::Decoder::new(*bytes)
                    .and_then(|mut d| d.read_to_string(&mut text))
                    .map_err(|e| format!("clusters: {e}"))?;
                Some(Clusters::from_text(&text)?)
            }
            None => None,
        };
        let names = pass1.tokens.classes().to_vec();
        if names != class_names(scheme) {
            return Err("model classes do not match its tag scheme".into());
        }
        let tags = TagSet::new(scheme, names);
        let pairs = [Some(&pass1), pass2.as_ref()]
            .into_iter()
            .flatten()
            .filter_map(|pass| pass.pairs.as_ref());
        for pairs in pairs {
            if pairs.classes() != pair_names(&tags) {
                return Err("transition classes do not match its tag scheme".into());
            }
        }
        if header.config.gazetteer && gazetteer.is_none() {
            return Err("this model needs a gazetteer".into());
        }
        Ok(Recognizer {
            pass1,
            pass2,
            both_passes: OnceLock::new(),
            tags,
            config: header.config,
            clusters,
            gazetteer,
            meta: header.meta,
        })
    }

    /// Writes the model file (the gazetteer is saved separately).
    pub fn save(&self, path: &Path) -> Result<(), NerError> {
        let scratch = path.with_extension("part");
        let mut sections: Vec<(String, Vec<u8>)> = Vec::new();
        let passes = [("pass1", Some(&self.pass1)), ("pass2", self.pass2.as_ref())];
        for (name, pass) in passes {
            let Some(pass) = pass else { continue };
            let bytes = model_bytes(&pass.tokens, &scratch).map_err(io_error(path))?;
            sections.push((name.into(), bytes));
            if let Some(pairs) = &pass.pairs {
                let bytes = model_bytes(pairs, &scratch).map_err(io_error(path))?;
                sections.push((format!("{name}-pairs"), bytes));
            }
        }
        if let Some(clusters) = &self.clusters {
            let bytes =
                zstd::encode_all(clusters.to_text().as_bytes(), 19).map_err(io_error(path))?;
            sections.push(("clusters".into(), bytes));
        }
        let header = ModelHeader {
            version: 1,
            scheme: scheme_name(self.tags.scheme).into(),
            config: self.config.clone(),
            sections: sections
                .iter()
                .map(|(name, bytes)| (name.clone(), bytes.len() as u64))
                .collect(),
            meta: self.meta.clone(),
        };
        let header = serde_json::to_vec(&header).map_err(|e| io_error(path)(e.into()))?;
        let mut file = std::fs::File::create(path).map_err(io_error(path))?;
        let mut write = || -> io::Result<()> {
            file.write_all(MODEL_MAGIC)?;
            file.write_all(&(header.len() as u32).to_le_bytes())?;
            file.write_all(&header)?;
            for (_, bytes) in &sections {
                file.write_all(bytes)?;
            }
            file.sync_all()
        };
        write().map_err(io_error(path))
    }

    /// Drops weights smaller than `min_weight` from both passes (see [`Model::prune`]).
    pub fn prune(&mut self, min_weight: f32) {
        self.pass1.prune(min_weight);
        if let Some(pass2) = &mut self.pass2 {
            pass2.prune(min_weight);
        }
        self.both_passes = OnceLock::new();
    }

    /// What training recorded: data, settings, dev scores.
    pub fn meta(&self) -> &serde_json::Value {
        &self.meta
    }

    /// The word clusters the model carries (the tagger uses them too).
    pub fn clusters(&self) -> Option<&Clusters> {
        self.clusters.as_ref()
    }

    pub fn config(&self) -> &FeatureConfig {
        &self.config
    }

    fn resources(&self) -> Resources<'_> {
        Resources {
            gazetteer: self.gazetteer.as_ref(),
            clusters: self.clusters.as_ref(),
            config: &self.config,
        }
    }

    /// Entities in a document given as tokenised sentences, optionally with UPOS tags (used
    /// when the model was trained with them). Returns one list of spans per sentence.
    pub fn recognize_document(
        &self,
        sentences: &[Vec<&str>],
        upos: Option<&[Vec<&str>]>,
    ) -> Vec<Vec<EntitySpan>> {
        self.recognize_document_with_clusters(sentences, upos, None)
    }

    /// [`Recognizer::recognize_document`] with each word's [`Clusters::get`] result, per
    /// sentence, from the recogniser's own [`Recognizer::clusters`].
    pub fn recognize_document_with_clusters(
        &self,
        sentences: &[Vec<&str>],
        upos: Option<&[Vec<&str>]>,
        clusters: Option<&[Vec<Option<&[u16]>>]>,
    ) -> Vec<Vec<EntitySpan>> {
        let classes = self.decode_document(sentences, upos, clusters);
        classes.iter().map(|c| self.tags.spans(c)).collect()
    }

    /// Entities in one sentence on its own (no document context).
    pub fn recognize_sentence(&self, words: &[&str]) -> Vec<EntitySpan> {
        self.recognize_document(&[words.to_vec()], None)
            .pop()
            .unwrap_or_default()
    }

    fn decode_document<S: AsRef<str>>(
        &self,
        sentences: &[Vec<S>],
        upos: Option<&[Vec<S>]>,
        clusters: Option<&[Vec<Option<&[u16]>>]>,
    ) -> Vec<Vec<usize>> {
        let mut f = Features::default();
        let (infos, keys) = self.first_pass_keys(sentences, upos, clusters, &mut f);
        match self.both_passes() {
            Some(both) => self.decode_stacked(sentences, &infos, &keys, both, &mut f),
            None => self.decode_pass_by_pass(sentences, &infos, &keys, &mut f),
        }
    }

    /// The tokens' information and first-pass feature keys, per sentence.
    fn first_pass_keys<'a, S: AsRef<str>>(
        &'a self,
        sentences: &'a [Vec<S>],
        upos: Option<&[Vec<S>]>,
        clusters: Option<&[Vec<Option<&'a [u16]>>]>,
        f: &mut Features,
    ) -> (Vec<SentenceInfo<'a>>, Vec<SentenceKeys>) {
        let res = self.resources();
        let doc = document_stats(sentences);
        let pos_of = |s: usize| -> Option<&[S]> {
            if self.config.pos {
                upos.and_then(|u| u.get(s)).map(Vec::as_slice)
            } else {
                None
            }
        };
        let infos: Vec<SentenceInfo> = sentences
            .iter()
            .enumerate()
            .map(|(s, words)| {
                let found = clusters.map(|c| c[s].as_slice());
                sentence_info(words, pos_of(s), found, &doc, s, &res)
            })
            .collect();
        let keys = infos
            .iter()
            .map(|info| SentenceKeys::new(info, f))
            .collect();
        (infos, keys)
    }

    /// Each pass with its own model (the greedy passes of older models need this).
    fn decode_pass_by_pass<S: AsRef<str>>(
        &self,
        sentences: &[Vec<S>],
        infos: &[SentenceInfo],
        keys: &[SentenceKeys],
        f: &mut Features,
    ) -> Vec<Vec<usize>> {
        let first: Vec<Vec<usize>> = infos
            .iter()
            .zip(keys)
            .map(|(info, keys)| decode(info, keys, &self.tags, Mode::Predict(&self.pass1)))
            .collect();
        let Some(pass2) = &self.pass2 else {
            return first;
        };
        let views = pass_one_views(sentences, &first, &self.tags);
        infos
            .iter()
            .zip(keys.iter().zip(&views))
            .map(|(info, (keys, view))| {
                let keys = keys.with_pass_one(info, view, f);
                decode(info, &keys, &self.tags, Mode::Predict(pass2))
            })
            .collect()
    }

    /// The stacked token table of both passes and each pass's transition model, when both
    /// passes are structured.
    fn both_passes(&self) -> Option<StackedPasses<'_>> {
        let pass2 = self.pass2.as_ref()?;
        let pairs1 = self.pass1.pairs.as_ref()?;
        let pairs2 = pass2.pairs.as_ref()?;
        let tokens = self
            .both_passes
            .get_or_init(|| Model::stacked(&self.pass1.tokens, &pass2.tokens));
        Some(StackedPasses {
            tokens,
            pairs1,
            pairs2,
        })
    }

    /// Both structured passes over a document, each first-pass feature looked up once in
    /// the stacked table: row `i` of a sentence's scores holds token `i`'s first-pass scores
    /// and then its second-pass scores, to which the second pass's own features are added
    /// once the first pass has run. The tags are the same as decoding each pass with its
    /// own model (the sums are the same to the bit).
    fn decode_stacked<S: AsRef<str>>(
        &self,
        sentences: &[Vec<S>],
        infos: &[SentenceInfo],
        keys: &[SentenceKeys],
        both: StackedPasses,
        f: &mut Features,
    ) -> Vec<Vec<usize>> {
        let k = self.tags.names.len();
        let stride = 2 * k;
        let StackedPasses {
            tokens: both,
            pairs1,
            pairs2,
        } = both;
        let mut scores: Vec<Vec<f32>> = keys
            .iter()
            .map(|keys| {
                let mut rows = vec![0.0; keys.len() * stride];
                for (i, row) in rows.chunks_exact_mut(stride).enumerate() {
                    both.add_scores(keys.token(i), row);
                }
                rows
            })
            .collect();
        let first: Vec<Vec<usize>> = infos
            .iter()
            .zip(keys)
            .zip(&scores)
            .map(|((info, keys), scores)| {
                let mode = Mode::Scored {
                    pairs: pairs1,
                    scores,
                    stride,
                };
                decode(info, keys, &self.tags, mode)
            })
            .collect();
        let views = pass_one_views(sentences, &first, &self.tags);
        infos
            .iter()
            .zip(keys)
            .zip(&views)
            .zip(&mut scores)
            .map(|(((info, keys), view), scores)| {
                let own = SentenceKeys::pass_one_only(info, view, f);
                for (i, row) in scores.chunks_exact_mut(stride).enumerate() {
                    // Only the second half is read from here on; the first may take weights
                    // too if a key of the second pass's own is also a first-pass key.
                    both.add_scores(own.token(i), row);
                }
                let mode = Mode::Scored {
                    pairs: pairs2,
                    // (An empty sentence has no rows.)
                    scores: scores.get(k..).unwrap_or_default(),
                    stride,
                };
                decode(info, keys, &self.tags, mode)
            })
            .collect()
    }

    /// Scores the recogniser on CoNLL documents with conlleval; with `out`, also writes
    /// `token gold predicted` lines (predicted in IOB1, like the gold standard).
    pub fn evaluate(
        &self,
        documents: &[Document],
        mut out: Option<&mut dyn Write>,
    ) -> io::Result<EvalReport> {
        let mut eval = ConllEval::new();
        for doc in documents {
            let sentences: Vec<Vec<&str>> = doc
                .sentences
                .iter()
                .map(|s| s.words.iter().map(String::as_str).collect())
                .collect();
            let pos: Vec<Vec<&str>> = doc
                .sentences
                .iter()
                .map(|s| s.pos.iter().map(|p| ptb_to_upos(p)).collect())
                .collect();
            let has_pos = doc.sentences.iter().all(|s| s.pos.len() == s.words.len());
            let classes = self.decode_document(&sentences, has_pos.then_some(pos.as_slice()), None);
            for (sentence, cls) in doc.sentences.iter().zip(&classes) {
                let spans: Vec<conll::Chunk> = self
                    .tags
                    .spans(cls)
                    .into_iter()
                    .map(|s| conll::Chunk {
                        start: s.start,
                        end: s.end,
                        kind: s.kind.conll_name().to_owned(),
                    })
                    .collect();
                let predicted = conll::tags_from_spans(sentence.len(), &spans, Scheme::Iob1);
                eval.sentence(&sentence.tags, &predicted);
                if let Some(out) = out.as_deref_mut() {
                    for ((w, g), p) in sentence.words.iter().zip(&sentence.tags).zip(&predicted) {
                        writeln!(out, "{w} {g} {p}")?;
                    }
                    writeln!(out)?;
                }
            }
        }
        Ok(eval.report())
    }
}

/// Loads a recogniser and scores it on a CoNLL-2003 file.
pub fn evaluate(
    model_path: &Path,
    gazetteer_path: &Path,
    conll_file: &Path,
    predictions_out: Option<&Path>,
) -> Result<EvalReport, NerError> {
    let recognizer = Recognizer::load(model_path, gazetteer_path)?;
    let docs = conll::read_file(conll_file, Format::Conll2003)?;
    match predictions_out {
        Some(path) => {
            let file = std::fs::File::create(path).map_err(io_error(path))?;
            let mut writer = io::BufWriter::new(file);
            let report = recognizer
                .evaluate(&docs, Some(&mut writer))
                .map_err(io_error(path))?;
            writer.flush().map_err(io_error(path))?;
            Ok(report)
        }
        None => recognizer
            .evaluate(&docs, None)
            .map_err(io_error(conll_file)),
    }
}

// ---------------------------------------------------------------------------------------
// Training

/// Training settings.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TrainOptions {
    /// Passes over the training data for the first-pass model.
    pub epochs: usize,
    /// Passes for the second-pass model.
    pub epochs_pass2: usize,
    /// Cross-validation folds producing first-pass labels to train the second pass on;
    /// 0 or 1: no second pass.
    pub folds: usize,
    /// Shuffling seed: training is deterministic given the seed.
    pub seed: u64,
    /// Tag scheme: "BIO" (default: with gold-history training and greedy decoding it was
    /// better on dev than BILOU, and it cannot force an entity to run on) or "BILOU".
    pub scheme: String,
    /// Averaged weights smaller than this are dropped from the saved model.
    pub min_weight: f32,
    pub features: FeatureConfig,
    /// The shared data folder (gazetteer sources, WikiANN); default: the parent of the
    /// CoNLL folder.
    pub data_root: Option<PathBuf>,
    /// Word clusters to use (a `clusters.*` file); default `<out_dir>/clusters.tsv.zst`,
    /// induced with `cluster_options` if it does not exist.
    pub clusters: Option<PathBuf>,
    pub cluster_options: ClusterOptions,
    /// Print progress to stderr.
    pub verbose: bool,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            epochs: 10,
            epochs_pass2: 10,
            folds: 5,
            seed: 1,
            scheme: "BIO".to_owned(),
            // Dropping the smallest averaged weights halves the model and scored +0.15 F1
            // on dev (92.20 against 92.05 unpruned); 2.0 lost 0.7.
            min_weight: 1.0,
            features: FeatureConfig::default(),
            data_root: None,
            clusters: None,
            cluster_options: ClusterOptions::default(),
            verbose: false,
        }
    }
}

/// What training did and how well the result scores on the development set.
#[derive(Clone, Debug, Serialize)]
pub struct TrainReport {
    pub model_path: PathBuf,
    pub gazetteer_path: PathBuf,
    pub train_documents: usize,
    pub train_tokens: usize,
    pub dev: Option<EvalReport>,
    /// Dev scores of the first pass alone.
    pub dev_pass1: Option<EvalReport>,
    pub model_bytes: u64,
    pub gazetteer_bytes: u64,
    pub clusters_bytes: u64,
    pub seconds: f64,
    pub dev_tokens_per_second: Option<f64>,
}

/// File names inside the output folder.
pub const MODEL_FILE: &str = "ner-conll.model";
pub const GAZETTEER_FILE: &str = "gazetteer.gaz";
pub const CLUSTERS_FILE: &str = "clusters.tsv.zst";

/// A deterministic shuffle (SplitMix64 with Fisher-Yates).
fn shuffle<T>(items: &mut [T], seed: &mut u64) {
    for i in (1..items.len()).rev() {
        *seed = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = *seed;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        let j = (z % (i as u64 + 1)) as usize;
        items.swap(i, j);
    }
}

/// A training document prepared once: sentence infos, gold classes, words.
struct Prepared<'a> {
    words: Vec<Vec<String>>,
    infos: Vec<SentenceInfo<'a>>,
    gold: Vec<Vec<usize>>,
}

fn prepare<'a>(docs: &'a [Document], res: &Resources<'a>, tags: &TagSet) -> Vec<Prepared<'a>> {
    docs.iter()
        .map(|doc| {
            let words: Vec<Vec<String>> = doc.sentences.iter().map(|s| s.words.clone()).collect();
            let stats = document_stats(&words);
            let infos = doc
                .sentences
                .iter()
                .enumerate()
                .map(|(k, s)| {
                    let pos: Vec<String> =
                        s.pos.iter().map(|p| ptb_to_upos(p).to_owned()).collect();
                    let pos =
                        (res.config.pos && pos.len() == s.words.len()).then_some(pos.as_slice());
                    sentence_info(&s.words, pos, None, &stats, k, res)
                })
                .collect();
            let gold = doc.sentences.iter().map(|s| tags.gold(&s.tags)).collect();
            Prepared { words, infos, gold }
        })
        .collect()
}

/// Trains one pass over `docs` (static keys per sentence given).
fn train_pass(
    docs: &[&Prepared],
    keys: &[&Vec<SentenceKeys>],
    tags: &TagSet,
    structured: bool,
    epochs: usize,
    seed: u64,
    min_weight: f32,
) -> Pass {
    let mut trainer = PassTrainer::new(tags, structured);
    let mut order: Vec<(usize, usize)> = docs
        .iter()
        .enumerate()
        .flat_map(|(d, doc)| (0..doc.infos.len()).map(move |s| (d, s)))
        .collect();
    let mut state = seed;
    for _ in 0..epochs {
        shuffle(&mut order, &mut state);
        for &(d, s) in &order {
            let mode = Mode::Train(&mut trainer, &docs[d].gold[s]);
            decode(&docs[d].infos[s], &keys[d][s], tags, mode);
        }
    }
    trainer.finish(min_weight)
}

/// Decodes prepared documents with a first-pass model.
fn decode_pass_one(
    pass: &Pass,
    doc: &Prepared,
    keys: &[SentenceKeys],
    tags: &TagSet,
) -> Vec<Vec<usize>> {
    doc.infos
        .iter()
        .zip(keys)
        .map(|(info, k)| decode(info, k, tags, Mode::Predict(pass)))
        .collect()
}

impl Recognizer {
    /// Trains a recogniser on documents tagged in IOB1 or BIO (CoNLL-2003 classes), with an
    /// optional gazetteer and word clusters (the features that need them are off without).
    /// Deterministic given `options.seed`.
    pub fn train(
        documents: &[Document],
        gazetteer: Option<Gazetteer>,
        clusters: Option<Clusters>,
        options: &TrainOptions,
    ) -> Recognizer {
        let started = std::time::Instant::now();
        let log = |message: &str| {
            if options.verbose {
                eprintln!("[{:7.1}s] {message}", started.elapsed().as_secs_f64());
            }
        };
        let mut config = options.features.clone();
        config.gazetteer &= gazetteer.is_some();
        config.clusters &= clusters.is_some();
        let scheme = if options.scheme.eq_ignore_ascii_case("BILOU") {
            Scheme::Bilou
        } else {
            Scheme::Bio
        };
        let tags = TagSet::new(scheme, class_names(scheme));
        let res = Resources {
            gazetteer: gazetteer.as_ref(),
            clusters: clusters.as_ref(),
            config: &config,
        };
        let prepared = prepare(documents, &res, &tags);
        let mut f = Features::default();
        let keys1: Vec<Vec<SentenceKeys>> = prepared
            .iter()
            .map(|doc| {
                doc.infos
                    .iter()
                    .map(|info| SentenceKeys::new(info, &mut f))
                    .collect()
            })
            .collect();
        let train_tokens: usize = documents.iter().map(Document::token_count).sum();
        let meta = serde_json::json!({
            "task": "ner",
            "scheme": scheme_name(scheme),
            "train_documents": documents.len(),
            "train_tokens": train_tokens,
            "options": options,
        });
        let all: Vec<&Prepared> = prepared.iter().collect();
        let all_keys: Vec<&Vec<SentenceKeys>> = keys1.iter().collect();
        let pass1 = train_pass(
            &all,
            &all_keys,
            &tags,
            config.structured,
            options.epochs,
            options.seed,
            options.min_weight,
        );
        log(&format!(
            "pass 1 trained: {} features",
            pass1.feature_count()
        ));

        // The second pass learns from first-pass labels made by cross-validation: each
        // fold is labelled by a model that never saw it, as unseen text will be.
        let pass2 = (options.folds >= 2).then(|| {
            let folds = options.folds;
            let mut first: Vec<Vec<Vec<usize>>> = vec![Vec::new(); prepared.len()];
            for fold in 0..folds {
                let (held, rest): (Vec<usize>, Vec<usize>) =
                    (0..prepared.len()).partition(|&d| d % folds == fold);
                let rest_docs: Vec<&Prepared> = rest.iter().map(|&d| &prepared[d]).collect();
                let rest_keys: Vec<&Vec<SentenceKeys>> = rest.iter().map(|&d| &keys1[d]).collect();
                let model = train_pass(
                    &rest_docs,
                    &rest_keys,
                    &tags,
                    config.structured,
                    options.epochs,
                    options.seed.wrapping_add(1 + fold as u64),
                    options.min_weight,
                );
                for &d in &held {
                    first[d] = decode_pass_one(&model, &prepared[d], &keys1[d], &tags);
                }
                log(&format!("fold {}/{folds} labelled", fold + 1));
            }
            let keys2: Vec<Vec<SentenceKeys>> = prepared
                .iter()
                .zip(keys1.iter().zip(&first))
                .map(|(doc, (keys, classes))| {
                    let views = pass_one_views(&doc.words, classes, &tags);
                    doc.infos
                        .iter()
                        .zip(keys.iter().zip(&views))
                        .map(|(info, (keys, view))| keys.with_pass_one(info, view, &mut f))
                        .collect()
                })
                .collect();
            let keys2: Vec<&Vec<SentenceKeys>> = keys2.iter().collect();
            let model = train_pass(
                &all,
                &keys2,
                &tags,
                config.structured,
                options.epochs_pass2,
                options.seed.wrapping_mul(31).wrapping_add(7),
                options.min_weight,
            );
            log(&format!(
                "pass 2 trained: {} features",
                model.feature_count()
            ));
            model
        });
        Recognizer {
            pass1,
            pass2,
            both_passes: OnceLock::new(),
            tags,
            config,
            clusters,
            gazetteer,
            meta,
        }
    }
}

/// Trains the recogniser on CoNLL-2003 `eng.train` in `conll_dir`, reports its scores on
/// `eng.testa` (development data: tune settings on it, never on test data), and writes
/// `ner-conll.model`, `gazetteer.gaz` and (if not there yet) `clusters.tsv.zst` to
/// `out_dir`. The gazetteer and the clusters are built from the shared data folder
/// (`options.data_root`, default the parent of `conll_dir`); an existing clusters file is
/// reused, because inducing clusters takes a few minutes.
pub fn train_from_files(
    conll_dir: &Path,
    out_dir: &Path,
    options: &TrainOptions,
) -> Result<TrainReport, NerError> {
    let started = std::time::Instant::now();
    let log = |message: &str| {
        if options.verbose {
            eprintln!("[{:7.1}s] {message}", started.elapsed().as_secs_f64());
        }
    };
    let data_root = options
        .data_root
        .clone()
        .unwrap_or_else(|| conll_dir.parent().unwrap_or(Path::new(".")).to_owned());
    std::fs::create_dir_all(out_dir).map_err(io_error(out_dir))?;

    let gazetteer_path = out_dir.join(GAZETTEER_FILE);
    let gazetteer = if options.features.gazetteer {
        let (builder, gazetteer) = gazetteer::build_and_save(&data_root, &gazetteer_path)?;
        log(&format!("gazetteer: {} phrases", builder.len()));
        Some(gazetteer)
    } else {
        None
    };
    let clusters_path = options
        .clusters
        .clone()
        .unwrap_or_else(|| out_dir.join(CLUSTERS_FILE));
    let clusters = if !options.features.clusters {
        None
    } else if clusters_path.exists() {
        Some(Clusters::load(&clusters_path)?)
    } else {
        log("inducing word clusters (a few minutes)");
        let corpus = cluster_corpus(&data_root)?;
        let mut cluster_options = options.cluster_options.clone();
        cluster_options.verbose = options.verbose;
        let clusters = induce_clusters(&corpus, &cluster_options);
        clusters.save(&clusters_path)?;
        Some(clusters)
    };
    if let Some(c) = &clusters {
        log(&format!(
            "clusters: {} words, levels {:?}",
            c.len(),
            c.levels
        ));
    }

    let train_path = conll_dir.join("eng.train");
    let dev_path = conll_dir.join("eng.testa");
    let train_docs = conll::read_file(&train_path, Format::Conll2003)?;
    let dev_docs = if dev_path.exists() {
        Some(conll::read_file(&dev_path, Format::Conll2003)?)
    } else {
        None
    };
    let train_tokens: usize = train_docs.iter().map(Document::token_count).sum();
    log(&format!(
        "train: {} documents, {train_tokens} tokens",
        train_docs.len()
    ));
    let mut recognizer = Recognizer::train(&train_docs, gazetteer, clusters, options);

    let mut dev = None;
    let mut dev_pass1 = None;
    let mut speed = None;
    if let Some(dev_docs) = &dev_docs {
        let started_dev = std::time::Instant::now();
        let report = recognizer
            .evaluate(dev_docs, None)
            .map_err(io_error(&dev_path))?;
        let tokens: usize = dev_docs.iter().map(Document::token_count).sum();
        speed = Some(tokens as f64 / started_dev.elapsed().as_secs_f64());
        log(&format!("dev (eng.testa):\n{report}"));
        if recognizer.pass2.is_some() {
            let pass2 = recognizer.pass2.take();
            let report1 = recognizer
                .evaluate(dev_docs, None)
                .map_err(io_error(&dev_path))?;
            log(&format!(
                "dev, first pass only: F1 {:.2}",
                report1.overall.f1
            ));
            recognizer.pass2 = pass2;
            dev_pass1 = Some(report1);
        }
        dev = Some(report);
    }
    if let Some(obj) = recognizer.meta.as_object_mut() {
        obj.insert("data".into(), "CoNLL-2003 eng.train".into());
        if let Some(dev) = &dev {
            obj.insert(
                "dev".into(),
                serde_json::json!({
                    "data": "CoNLL-2003 eng.testa",
                    "f1": dev.overall.f1,
                    "precision": dev.overall.precision,
                    "recall": dev.overall.recall,
                    "by_type": dev.by_type,
                }),
            );
        }
    }
    let model_path = out_dir.join(MODEL_FILE);
    recognizer.save(&model_path)?;
    let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    Ok(TrainReport {
        model_bytes: size(&model_path),
        gazetteer_bytes: size(&gazetteer_path),
        clusters_bytes: size(&clusters_path),
        model_path,
        gazetteer_path,
        train_documents: train_docs.len(),
        train_tokens,
        dev,
        dev_pass1,
        seconds: started.elapsed().as_secs_f64(),
        dev_tokens_per_second: speed,
    })
}

// ---------------------------------------------------------------------------------------
// Word clusters from unlabelled text

/// Settings for [`induce_clusters`].
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ClusterOptions {
    /// Numbers of classes: one clustering (one feature level) per entry.
    pub classes: Vec<usize>,
    /// Words seen fewer times are not clustered.
    pub min_count: u32,
    /// Exchange passes over the vocabulary.
    pub iterations: usize,
    pub verbose: bool,
}

impl Default for ClusterOptions {
    fn default() -> Self {
        ClusterOptions {
            classes: vec![64, 256, 1024],
            min_count: 2,
            iterations: 15,
            verbose: false,
        }
    }
}

/// A rough news tokeniser for raw unlabelled text (cluster induction only): CoNLL-like
/// tokens, with possessive `'s` and `n't` split off and common abbreviations kept whole.
fn raw_tokens(text: &str) -> Vec<String> {
    static PATTERN: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let pattern = PATTERN.get_or_init(|| {
        regex::Regex::new(
            r"(?x)
            (?:[A-Za-z]\.){2,}                              # U.S., U.N.
            | \d+(?:[.,:/-]\d+)*                            # numbers, dates, times
            | (?:Mr|Mrs|Ms|Dr|St|Jr|Sr|Gen|Lt|Col|Sgt|Rep|Sen|Gov|Corp|Inc|Co|Ltd|Jan|Feb|Aug|Sept|Sep|Oct|Nov|Dec|No|vs|Mt|Ft|Capt|Adm|Prof)\.
            | \w+(?:[-'’]\w+)*                               # words, hyphenated, with apostrophes
            | [^\s\w]                                       # any other single character
            ",
        )
        .expect("valid regex")
    });
    let mut out = Vec::new();
    for m in pattern.find_iter(text) {
        let token = m.as_str();
        let lower = token.to_lowercase();
        if token.len() > 3 && lower.ends_with("n't") {
            out.push(token[..token.len() - 3].to_owned());
            out.push(token[token.len() - 3..].to_owned());
        } else if token.len() > 2 && (lower.ends_with("'s") || lower.ends_with("’s")) {
            let cut = token.len() - if lower.ends_with("'s") { 2 } else { 4 };
            out.push(token[..cut].to_owned());
            out.push("'s".to_owned());
        } else {
            let token = match token {
                "“" | "”" => "\"",
                "‘" | "’" => "'",
                other => other,
            };
            out.push(token.to_owned());
        }
    }
    out
}

fn xml_unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// Minimal RFC 4180 CSV reading: records of fields, quotes doubled inside quoted fields.
fn csv_records(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    field.push('"');
                    chars.next();
                } else {
                    quoted = false;
                }
            } else {
                field.push(c);
            }
        } else {
            match c {
                '"' => quoted = true,
                ',' => record.push(std::mem::take(&mut field)),
                '\n' => {
                    record.push(std::mem::take(&mut field));
                    records.push(std::mem::take(&mut record));
                }
                '\r' => {}
                _ => field.push(c),
            }
        }
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    records
}

fn sorted_files(dir: &Path, extension: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == extension) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Unlabelled English text for cluster induction, as token sequences, from the shared data
/// folder: CoNLL-2003 eng.train words, WikiANN train and dev, UD English-EWT train, ECB+
/// (topics present), PolNeAR train, TempEval-3 TimeBank and AQUAINT, the main text of the
/// WCXB web pages, and the NGEC synthetic news stories. Missing sources are skipped. No development or test text of the NER task.
pub fn cluster_corpus(data_root: &Path) -> Result<Vec<Vec<String>>, NerError> {
    let mut out: Vec<Vec<String>> = Vec::new();
    let read = |path: &Path| std::fs::read_to_string(path).map_err(io_error(path));
    let conll_train = data_root.join("conll2003/eng.train");
    if conll_train.exists() {
        for doc in conll::read_file(&conll_train, Format::Conll2003)? {
            out.extend(doc.sentences.into_iter().map(|s| s.words));
        }
    }
    for split in ["train", "dev"] {
        let path = data_root.join("wikiann_en").join(split);
        if path.exists() {
            for doc in conll::read_file(&path, Format::WikiAnn)? {
                out.extend(doc.sentences.into_iter().map(|s| s.words));
            }
        }
    }
    let ewt = data_root.join("ud_english_ewt/en_ewt-ud-train.conllu");
    if ewt.exists() {
        let mut sentence = Vec::new();
        for line in read(&ewt)?.lines() {
            if line.is_empty() {
                if !sentence.is_empty() {
                    out.push(std::mem::take(&mut sentence));
                }
                continue;
            }
            if line.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = line.split('\t').collect();
            if fields.len() >= 2 && !fields[0].contains(['-', '.']) {
                sentence.push(fields[1].to_owned());
            }
        }
    }
    let token_pattern = regex::Regex::new(r#"<token[^>]*sentence="(\d+)"[^>]*>([^<]*)</token>"#)
        .expect("valid regex");
    for path in sorted_files(&data_root.join("ecbplus/ECB+"), "xml") {
        let text = read(&path)?;
        let mut current = None;
        let mut sentence = Vec::new();
        for capture in token_pattern.captures_iter(&text) {
            let number = capture[1].to_owned();
            if current.as_ref() != Some(&number) && !sentence.is_empty() {
                out.push(std::mem::take(&mut sentence));
            }
            current = Some(number);
            let token = xml_unescape(capture[2].trim());
            if !token.is_empty() {
                sentence.push(token);
            }
        }
        if !sentence.is_empty() {
            out.push(sentence);
        }
    }
    let mut add_raw = |text: &str| {
        for paragraph in text.split('\n') {
            let tokens = raw_tokens(paragraph);
            if !tokens.is_empty() {
                out.push(tokens);
            }
        }
    };
    for path in sorted_files(&data_root.join("polnear/train/text"), "txt") {
        add_raw(&read(&path)?);
    }
    let tag_pattern = regex::Regex::new(r"<[^>]*>").expect("valid regex");
    for path in sorted_files(&data_root.join("tempeval3/TBAQ-cleaned"), "tml") {
        let text = read(&path)?;
        let body = match (text.find("<TEXT>"), text.find("</TEXT>")) {
            (Some(a), Some(b)) if a < b => &text[a + 6..b],
            _ => continue,
        };
        add_raw(&xml_unescape(&tag_pattern.replace_all(body, "")));
    }
    let wcxb = data_root.join("wcxb_dev/ground_truth.jsonl");
    if wcxb.exists() {
        for line in read(&wcxb)?.lines() {
            let Ok(record) = serde_json::from_str::<serde_json::Value>(line) else {
                continue;
            };
            if let Some(text) = record["main_text"].as_str() {
                add_raw(text);
            }
        }
    }
    for path in sorted_files(&data_root.join("ngec_synthetic_events"), "csv") {
        let text = read(&path)?;
        let records = csv_records(&text);
        let Some(column) = records
            .first()
            .and_then(|header| header.iter().position(|h| h == "text"))
        else {
            continue;
        };
        for record in records.iter().skip(1) {
            if let Some(field) = record.get(column) {
                add_raw(field);
            }
        }
    }
    Ok(out)
}

/// x ln x, from a table for small counts.
struct XLogX {
    table: Vec<f64>,
}

impl XLogX {
    fn new(size: usize) -> XLogX {
        XLogX {
            table: (0..size)
                .map(|x| {
                    if x == 0 {
                        0.0
                    } else {
                        x as f64 * (x as f64).ln()
                    }
                })
                .collect(),
        }
    }

    #[inline]
    fn f(&self, x: i64) -> f64 {
        if x <= 0 {
            0.0
        } else if (x as usize) < self.table.len() {
            self.table[x as usize]
        } else {
            x as f64 * (x as f64).ln()
        }
    }
}

/// One exchange clustering (Kneser & Ney 1993; Martin, Liermann & Ney 1998) of a word-id
/// sequence into `classes` classes, maximising the likelihood of a class bigram model.
/// Words are visited in frequency order; each moves to the class that most improves
/// the objective. Deterministic.
fn exchange(
    successors: &[Vec<(u32, u32)>],
    predecessors: &[Vec<(u32, u32)>],
    counts: &[u64],
    classes: usize,
    iterations: usize,
    verbose: bool,
) -> Vec<u32> {
    let v = counts.len();
    let c = classes.min(v).max(1);
    let xlx = XLogX::new(1 << 20);
    let mut class: Vec<u32> = (0..v).map(|w| (w % c) as u32).collect();
    let mut m = vec![0i64; c * c];
    let mut mt = vec![0i64; c * c];
    let mut n = vec![0i64; c];
    for w in 0..v {
        n[class[w] as usize] += counts[w] as i64;
        for &(u, k) in &successors[w] {
            let (a, b) = (class[w] as usize, class[u as usize] as usize);
            m[a * c + b] += k as i64;
            mt[b * c + a] += k as i64;
        }
    }
    let mut r = vec![0i64; c];
    let mut l = vec![0i64; c];
    let mut r_touched: Vec<usize> = Vec::new();
    let mut l_touched: Vec<usize> = Vec::new();
    let mut delta = vec![0f64; c];
    for iteration in 0..iterations {
        let mut moved = 0usize;
        for w in 0..v {
            let a = class[w] as usize;
            let nw = counts[w] as i64;
            let mut selfloop = 0i64;
            for &(u, k) in &successors[w] {
                if u as usize == w {
                    selfloop = k as i64;
                    continue;
                }
                let d = class[u as usize] as usize;
                if r[d] == 0 {
                    r_touched.push(d);
                }
                r[d] += k as i64;
            }
            for &(u, k) in &predecessors[w] {
                if u as usize == w {
                    continue;
                }
                let d = class[u as usize] as usize;
                if l[d] == 0 {
                    l_touched.push(d);
                }
                l[d] += k as i64;
            }
            // Take w out of its class.
            for &d in &r_touched {
                m[a * c + d] -= r[d];
                mt[d * c + a] -= r[d];
            }
            for &d in &l_touched {
                m[d * c + a] -= l[d];
                mt[a * c + d] -= l[d];
            }
            m[a * c + a] -= selfloop;
            mt[a * c + a] -= selfloop;
            n[a] -= nw;
            // Gain of putting it in each class.
            for (b, slot) in delta.iter_mut().enumerate() {
                *slot = -2.0 * (xlx.f(n[b] + nw) - xlx.f(n[b]));
            }
            for &d in &r_touched {
                let rd = r[d];
                let row = &mt[d * c..(d + 1) * c];
                for (slot, &x) in delta.iter_mut().zip(row) {
                    *slot += xlx.f(x + rd) - xlx.f(x);
                }
            }
            for &d in &l_touched {
                let ld = l[d];
                let row = &m[d * c..(d + 1) * c];
                for (slot, &x) in delta.iter_mut().zip(row) {
                    *slot += xlx.f(x + ld) - xlx.f(x);
                }
            }
            // The diagonal cell (b, b) was counted twice above and lacked the self-loop.
            let fix = |b: usize, delta: &mut [f64]| {
                let x = m[b * c + b];
                let mut counted = 0.0;
                if r[b] > 0 {
                    counted += xlx.f(x + r[b]) - xlx.f(x);
                }
                if l[b] > 0 {
                    counted += xlx.f(x + l[b]) - xlx.f(x);
                }
                delta[b] += xlx.f(x + r[b] + l[b] + selfloop) - xlx.f(x) - counted;
            };
            if selfloop > 0 {
                for b in 0..c {
                    fix(b, &mut delta);
                }
            } else {
                let mut fixed: Vec<usize> = r_touched.iter().chain(&l_touched).copied().collect();
                fixed.sort_unstable();
                fixed.dedup();
                for b in fixed {
                    fix(b, &mut delta);
                }
            }
            let mut best = a;
            for b in 0..c {
                if delta[b] > delta[best] + 1e-9 {
                    best = b;
                }
            }
            if best != a {
                moved += 1;
            }
            // Put w into the best class.
            for &d in &r_touched {
                m[best * c + d] += r[d];
                mt[d * c + best] += r[d];
            }
            for &d in &l_touched {
                m[d * c + best] += l[d];
                mt[best * c + d] += l[d];
            }
            m[best * c + best] += selfloop;
            mt[best * c + best] += selfloop;
            n[best] += nw;
            class[w] = best as u32;
            for &d in &r_touched {
                r[d] = 0;
            }
            for &d in &l_touched {
                l[d] = 0;
            }
            r_touched.clear();
            l_touched.clear();
        }
        if verbose {
            eprintln!(
                "clusters {c}: iteration {} moved {moved} words",
                iteration + 1
            );
        }
        if moved == 0 {
            break;
        }
    }
    class
}

/// Induces word clusters from token sequences: one exchange clustering per entry of
/// `options.classes`, over words seen at least `options.min_count` times (rarer words share
/// one placeholder in the bigram statistics).
pub fn induce_clusters(sentences: &[Vec<String>], options: &ClusterOptions) -> Clusters {
    let mut frequency: HashMap<&str, u64> = HashMap::new();
    for sentence in sentences {
        for word in sentence {
            *frequency.entry(word.as_str()).or_default() += 1;
        }
    }
    let mut vocabulary: Vec<(&str, u64)> = frequency
        .iter()
        .filter(|(_, n)| **n >= u64::from(options.min_count))
        .map(|(&w, &n)| (w, n))
        .collect();
    vocabulary.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let ids: HashMap<&str, u32> = vocabulary
        .iter()
        .enumerate()
        .map(|(i, (w, _))| (*w, i as u32))
        .collect();
    let rare = vocabulary.len() as u32;
    let boundary = rare + 1;
    let v = vocabulary.len() + 2;
    let mut counts = vec![0u64; v];
    let mut bigrams: HashMap<(u32, u32), u32> = HashMap::new();
    for sentence in sentences {
        let mut prev = boundary;
        counts[boundary as usize] += 1;
        for word in sentence {
            let id = ids.get(word.as_str()).copied().unwrap_or(rare);
            counts[id as usize] += 1;
            *bigrams.entry((prev, id)).or_default() += 1;
            prev = id;
        }
        *bigrams.entry((prev, boundary)).or_default() += 1;
    }
    let mut successors = vec![Vec::new(); v];
    let mut predecessors = vec![Vec::new(); v];
    let mut pairs: Vec<((u32, u32), u32)> = bigrams.into_iter().collect();
    pairs.sort_unstable();
    for ((a, b), k) in pairs {
        successors[a as usize].push((b, k));
        predecessors[b as usize].push((a, k));
    }
    if options.verbose {
        eprintln!(
            "clusters: {} sentences, {} words in vocabulary",
            sentences.len(),
            vocabulary.len()
        );
    }
    let assignments: Vec<Vec<u32>> = std::thread::scope(|scope| {
        let handles: Vec<_> = options
            .classes
            .iter()
            .map(|&k| {
                let (s, p, n) = (&successors, &predecessors, &counts);
                scope.spawn(move || exchange(s, p, n, k, options.iterations, options.verbose))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("clustering thread"))
            .collect()
    });
    // How often each word (lower-cased) is capitalised mid-sentence in running text, as a
    // sixth "cluster": 0 never ... 4 always, 5 no evidence.
    let mut case: HashMap<String, (u32, u32)> = HashMap::new();
    for sentence in sentences {
        if is_all_caps_sentence(sentence) {
            continue;
        }
        for word in sentence.iter().skip(1) {
            if !word.chars().next().is_some_and(char::is_alphabetic) {
                continue;
            }
            let entry = case.entry(word.to_lowercase()).or_default();
            if capitalised(word) {
                entry.0 += 1;
            } else {
                entry.1 += 1;
            }
        }
    }
    let case_bucket = |word: &str| -> u16 {
        match case.get(&word.to_lowercase()) {
            Some(&(cap, low)) if cap + low > 0 => {
                let r = f64::from(cap) / f64::from(cap + low);
                match r {
                    r if r < 0.05 => 0,
                    r if r < 0.3 => 1,
                    r if r < 0.7 => 2,
                    r if r < 0.95 => 3,
                    _ => 4,
                }
            }
            _ => 5,
        }
    };
    let mut levels: Vec<String> = options.classes.iter().map(|k| format!("k{k}")).collect();
    levels.push("case".to_owned());
    let words = vocabulary
        .iter()
        .enumerate()
        .map(|(i, (w, _))| {
            let mut ids: Vec<u16> = assignments.iter().map(|a| a[i] as u16).collect();
            ids.push(case_bucket(w));
            ((*w).to_owned(), ids)
        })
        .collect();
    Clusters::new(levels, words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_shapes() {
        assert_eq!(shape("Zelenskyy"), "Xxxxx");
        assert_eq!(short_shape(&shape("Zelenskyy")), "Xx");
        assert_eq!(shape("U.S."), "X.X.");
        assert_eq!(short_shape(&shape("1996-08-22")), "d-d-d");
        assert_eq!(shape("McDonald"), "XxXxxxx");
        assert_eq!(normalise("Route66"), "route00");
        assert!(is_all_caps_sentence(&[
            "EU", "REJECTS", "GERMAN", "CALL", "."
        ]));
        assert!(!is_all_caps_sentence(&["EU", "rejects"]));
    }

    #[test]
    fn tag_constraints() {
        let bio = TagSet::new(Scheme::Bio, class_names(Scheme::Bio));
        let id = |t: &TagSet, name: &str| t.names.iter().position(|n| n == name).unwrap();
        assert!(!bio.allowed(None, id(&bio, "I-PER"), false));
        assert!(bio.allowed(Some(id(&bio, "B-PER")), id(&bio, "I-PER"), false));
        assert!(!bio.allowed(Some(id(&bio, "B-PER")), id(&bio, "I-ORG"), false));
        assert!(bio.allowed(Some(id(&bio, "I-PER")), id(&bio, "O"), true));
        let bilou = TagSet::new(Scheme::Bilou, class_names(Scheme::Bilou));
        assert!(!bilou.allowed(Some(id(&bilou, "B-LOC")), id(&bilou, "O"), false));
        assert!(!bilou.allowed(Some(id(&bilou, "B-LOC")), id(&bilou, "I-LOC"), true));
        assert!(bilou.allowed(Some(id(&bilou, "B-LOC")), id(&bilou, "L-LOC"), true));
        assert!(bilou.allowed(Some(id(&bilou, "L-LOC")), id(&bilou, "U-PER"), false));
        // The best allowed class wins even when a forbidden one scores higher.
        let mut scores = vec![0.0; bio.names.len()];
        scores[id(&bio, "I-PER")] = 5.0;
        scores[id(&bio, "B-PER")] = 1.0;
        assert_eq!(bio.best(&scores, None, false), id(&bio, "B-PER"));
        // The table Viterbi reads agrees with the rules.
        for tags in [&bio, &bilou] {
            let k = tags.names.len();
            for prev in (0..k).map(Some).chain([None]) {
                for cur in 0..k {
                    for last in [false, true] {
                        assert_eq!(tags.allows(prev, cur, last), tags.allowed(prev, cur, last));
                    }
                }
            }
        }
    }

    const TINY: &str = "-DOCSTART- -X- O O\n\n\
Maria NNP I-NP I-PER\nNovak NNP I-NP I-PER\nvisited VBD I-VP O\nVienna NNP I-NP I-LOC\n. . O O\n\n\
Novak NNP I-NP I-PER\nmet VBD I-VP O\nofficials NNS I-NP O\nof IN I-PP O\nAcme NNP I-NP I-ORG\n\
Corp NNP I-NP I-ORG\n. . O O\n\n\
-DOCSTART- -X- O O\n\n\
Peter NNP I-NP I-PER\nHolm NNP I-NP I-PER\nleft VBD I-VP O\nOslo NNP I-NP I-LOC\nfor IN I-PP O\n\
Vienna NNP I-NP I-LOC\n. . O O\n\n\
German JJ I-NP I-MISC\nofficials NNS I-NP O\nvisited VBD I-VP O\nOslo NNP I-NP I-LOC\n. . O O\n";

    fn tiny_options() -> TrainOptions {
        TrainOptions {
            epochs: 5,
            epochs_pass2: 5,
            folds: 2,
            // A five-sentence corpus gives small weights: keep them all.
            min_weight: 0.0,
            features: FeatureConfig {
                gazetteer: false,
                clusters: false,
                document_case: true,
                pos: false,
                structured: false,
            },
            ..TrainOptions::default()
        }
    }

    /// The structured (Viterbi) recogniser: learns the tiny corpus, keeps its transition
    /// models through a save and load, decodes only valid tag sequences, and trains
    /// deterministically. (The greedy one is tested below; shipped models of both kinds must
    /// keep loading.)
    #[test]
    fn trains_a_tiny_structured_model() {
        let docs = conll::read_conll2003(TINY.as_bytes()).unwrap();
        let mut options = tiny_options();
        options.features.structured = true;
        let recognizer = Recognizer::train(&docs, None, None, &options);
        assert!(recognizer.pass1.pairs.is_some());
        assert!(recognizer.pass2.as_ref().is_some_and(|p| p.pairs.is_some()));
        let report = recognizer.evaluate(&docs, None).unwrap();
        assert!(report.overall.f1 > 90.0, "{report}");

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tiny.model");
        recognizer.save(&path).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        let loaded = Recognizer::from_parts(&bytes, None).unwrap();
        assert!(loaded.config().structured);
        let sentences = [
            vec!["Maria", "Novak", "left", "Oslo", "for", "Vienna", "."],
            vec!["Acme", "Corp", "hired", "Peter", "Holm"],
            vec!["Holm"],
            vec![],
        ];
        let sentences: Vec<Vec<&str>> = sentences.to_vec();
        let spans = recognizer.recognize_document(&sentences, None);
        assert_eq!(loaded.recognize_document(&sentences, None), spans);
        assert!(spans[0].contains(&EntitySpan {
            start: 3,
            end: 4,
            kind: EntityType::Place
        }));
        for words in &sentences {
            let infos = loaded.decode_document(std::slice::from_ref(words), None, None);
            for pair in infos[0].windows(2) {
                assert!(loaded.tags.allowed(Some(pair[0]), pair[1], false));
            }
            if let Some(&first) = infos[0].first() {
                assert!(loaded.tags.allowed(None, first, false));
            }
        }
        let again = Recognizer::train(&docs, None, None, &options);
        let path2 = dir.path().join("again.model");
        again.save(&path2).unwrap();
        assert_eq!(bytes, std::fs::read(&path2).unwrap());
    }

    #[test]
    fn trains_saves_and_loads_a_tiny_model() {
        let docs = conll::read_conll2003(TINY.as_bytes()).unwrap();
        let recognizer = Recognizer::train(&docs, None, None, &tiny_options());
        let report = recognizer.evaluate(&docs, None).unwrap();
        assert!(report.overall.f1 > 90.0, "{report}");
        let sentence = ["Peter", "Holm", "visited", "Vienna", "."];
        let spans = recognizer.recognize_sentence(&sentence);
        assert!(spans.contains(&EntitySpan {
            start: 3,
            end: 4,
            kind: EntityType::Place
        }));

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tiny.model");
        recognizer.save(&path).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        let loaded = Recognizer::from_parts(&bytes, None).unwrap();
        assert_eq!(loaded.recognize_sentence(&sentence), spans);
        assert_eq!(loaded.meta()["scheme"], "BIO");
        // Deterministic: the same data and seed give the same file.
        let again = Recognizer::train(&docs, None, None, &tiny_options());
        let path2 = dir.path().join("again.model");
        again.save(&path2).unwrap();
        assert_eq!(bytes, std::fs::read(&path2).unwrap());
        // Damaged files are errors, not panics.
        assert!(Recognizer::from_parts(b"STLNER01", None).is_err());
        assert!(Recognizer::from_parts(&bytes[..bytes.len() / 2], None).is_err());
        assert!(Recognizer::from_parts(b"nonsense", None).is_err());
        // Odd tokens and empty input.
        let long = "x".repeat(10_000);
        let odd = vec!["", " ", "\u{0}", "🙂", "İstanbul", long.as_str(), "-", "--"];
        assert_eq!(
            loaded.recognize_document(&[odd.clone(), odd], None).len(),
            2
        );
        assert!(loaded.recognize_document(&[], None).is_empty());
        assert_eq!(loaded.recognize_document(&[vec![]], None), vec![vec![]]);
    }

    #[test]
    fn clusters_group_words_with_the_same_neighbours() {
        let mut corpus = Vec::new();
        for _ in 0..20 {
            for (det, noun, verb) in [
                ("the", "cat", "sat"),
                ("a", "dog", "ran"),
                ("the", "dog", "sat"),
                ("a", "cat", "ran"),
            ] {
                corpus.push(vec![det.to_owned(), noun.to_owned(), verb.to_owned()]);
            }
        }
        let options = ClusterOptions {
            classes: vec![4],
            min_count: 1,
            iterations: 10,
            verbose: false,
        };
        let clusters = induce_clusters(&corpus, &options);
        let id = |w: &str| clusters.get(w).unwrap()[0];
        assert_eq!(id("cat"), id("dog"));
        assert_eq!(id("the"), id("a"));
        assert_eq!(id("sat"), id("ran"));
        assert_ne!(id("cat"), id("the"));
        assert_eq!(clusters.levels(), ["k4", "case"]);
        let text = clusters.to_text();
        let back = Clusters::from_text(&text).unwrap();
        assert_eq!(back.get("CAT"), clusters.get("cat"));
        assert!(Clusters::from_text("word\t1\n").is_err());
    }

    #[test]
    fn raw_text_tokens_and_csv() {
        assert_eq!(
            raw_tokens("Mr. Smith's U.S. trip didn't end, he said."),
            [
                "Mr.", "Smith", "'s", "U.S.", "trip", "did", "n't", "end", ",", "he", "said", "."
            ]
        );
        let records = csv_records("a,b\n\"x, \"\"y\"\"\",2\n");
        assert_eq!(records[1], ["x, \"y\"", "2"]);
    }

    fn shipped(file: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../models")
            .join(file)
    }

    /// The stacked decoder gives the shipped model's tags exactly as decoding pass by pass.
    #[test]
    fn stacked_passes_decode_like_separate_passes() {
        let recognizer = Recognizer::load(&shipped(MODEL_FILE), &shipped(GAZETTEER_FILE))
            .expect("shipped model");
        let text = "Maria Lindqvist of the Nordic Fisheries Council met Tomas Berg in Bergen . \
                    Lindqvist said the council would meet again in Oslo next week . \
                    BERG , who leads Berg Shipping AS , did not comment . \
                    The talks in Bergen were the first since the Hanseatic Accord was signed .";
        let sentences: Vec<Vec<&str>> = text
            .split(" . ")
            .map(|s| s.split_whitespace().chain(["."]).collect())
            .chain([Vec::new()])
            .collect();
        let mut f = Features::default();
        let (infos, keys) = recognizer.first_pass_keys(&sentences, None, None, &mut f);
        let both = recognizer
            .both_passes()
            .expect("the shipped passes are structured");
        let stacked = recognizer.decode_stacked(&sentences, &infos, &keys, both, &mut f);
        let separate = recognizer.decode_pass_by_pass(&sentences, &infos, &keys, &mut f);
        assert_eq!(stacked, separate);
        let entities: usize = stacked.iter().map(|c| recognizer.tags.spans(c).len()).sum();
        assert!(entities >= 6, "found {entities} entities");
    }

    /// The shipped model on invented text: names it never saw, in the usual news contexts.
    #[test]
    fn shipped_model_finds_people_and_places() {
        let recognizer = Recognizer::load(&shipped(MODEL_FILE), &shipped(GAZETTEER_FILE))
            .expect("shipped model");
        let sentence = [
            "Anna",
            "Kowalczyk",
            "flew",
            "to",
            "Lisbon",
            "on",
            "Monday",
            ".",
        ];
        let spans = recognizer.recognize_sentence(&sentence);
        assert_eq!(
            spans,
            vec![
                EntitySpan {
                    start: 0,
                    end: 2,
                    kind: EntityType::Person
                },
                EntitySpan {
                    start: 4,
                    end: 5,
                    kind: EntityType::Place
                }
            ]
        );
        let doc: Vec<Vec<&str>> = [
            "Defence minister Tomasz Wierzbicki met Norwegian officials in Bergen on Friday .",
            "Wierzbicki said the talks with the Norwegian Refugee Council were useful .",
        ]
        .iter()
        .map(|s| s.split(' ').collect())
        .collect();
        let found = recognizer.recognize_document(&doc, None);
        let named = |s: usize, e: &EntitySpan| doc[s][e.start..e.end].join(" ");
        let first: Vec<(String, EntityType)> =
            found[0].iter().map(|e| (named(0, e), e.kind)).collect();
        assert!(
            first.contains(&("Tomasz Wierzbicki".into(), EntityType::Person)),
            "{first:?}"
        );
        assert!(
            first.contains(&("Norwegian".into(), EntityType::Misc)),
            "{first:?}"
        );
        assert!(
            first.contains(&("Bergen".into(), EntityType::Place)),
            "{first:?}"
        );
        let second: Vec<(String, EntityType)> =
            found[1].iter().map(|e| (named(1, e), e.kind)).collect();
        assert!(
            second.contains(&("Wierzbicki".into(), EntityType::Person)),
            "{second:?}"
        );
        assert!(
            second.contains(&("Norwegian Refugee Council".into(), EntityType::Org)),
            "{second:?}"
        );
    }

    /// Trains the shipped model: `cargo test --release -p storyline-nlp -- --ignored
    /// train_ner_model --nocapture`. Reads `../shared/data`, writes `models/`.
    #[test]
    #[ignore]
    fn train_ner_model() {
        let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
        let options = TrainOptions {
            verbose: true,
            ..TrainOptions::default()
        };
        let report =
            train_from_files(&data.join("conll2003"), &shipped(""), &options).expect("training");
        let dev = report.dev.as_ref().expect("dev scores");
        println!("{dev}");
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "dev_f1": dev.overall.f1,
                "dev_f1_first_pass": report.dev_pass1.as_ref().map(|r| r.overall.f1),
                "model_bytes": report.model_bytes,
                "gazetteer_bytes": report.gazetteer_bytes,
                "clusters_bytes": report.clusters_bytes,
                "seconds": report.seconds,
                "dev_tokens_per_second": report.dev_tokens_per_second,
            }))
            .unwrap()
        );
    }
}
