//! The attribution tagger: two greedy averaged-perceptron BIO taggers over an article's
//! tokens, trained on PolNeAR. The first tags sources and cues; the second tags content,
//! seeing the first one's tags (content is what sits beside a cue). Separate layers let a
//! content span hold the source and cue of an attribution nested inside it ("Reuters
//! reports that Grushko said …").
//!
//! Features are hashed as integers (a word's hash mixed with a template number), not as
//! strings, to keep tagging cheap: each token's word, lemma and tag hashes are computed once.

use std::io;
use std::ops::Range;

use storyline_nlp::perceptron::{Model, Trainer};

use super::clusters::{WordClusters, word_hash};
use super::lexicon::{Lexicon, LexiconData};
use super::view::{Cue, View};
use super::weights::{self, ModelPart, Weights};

const MAGIC: &[u8; 8] = b"STLQUOT1";

/// Source/cue layer classes.
const SC_CLASSES: [&str; 5] = ["O", "B-Source", "I-Source", "B-Cue", "I-Cue"];
/// Content layer classes.
const CT_CLASSES: [&str; 3] = ["O", "B-Content", "I-Content"];

/// One attribution from the model: content with the nearest cue and source.
#[derive(Clone, Debug)]
pub struct Attribution {
    /// Code-point spans.
    pub content: (usize, usize),
    pub cue: Option<(usize, usize)>,
    pub source: Option<(usize, usize)>,
    pub cue_tokens: Option<Range<usize>>,
    pub source_tokens: Option<Range<usize>>,
}

/// Token spans of each role, as the model tagged them.
#[derive(Clone, Debug, Default)]
pub struct RoleSpans {
    pub sources: Vec<Range<usize>>,
    pub cues: Vec<Range<usize>>,
    pub contents: Vec<Range<usize>>,
}

pub struct Tagger {
    lexicon: Lexicon,
    clusters: WordClusters,
    /// The three layers' weights: source/cue, content, and the second source/cue pass
    /// that sees the content layer.
    weights: Weights,
}

#[inline]
const fn mix(mut x: u64) -> u64 {
    // splitmix64 finaliser: spreads template and value bits over the whole key.
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

#[inline]
fn key(template: u64, value: u64) -> u64 {
    mixed_key(template, mix(value))
}

/// [`key`] for a value already passed through [`mix`] (token values used by several
/// features are mixed once).
#[inline]
fn mixed_key(template: u64, mixed: u64) -> u64 {
    mix(template.wrapping_mul(0x100_0000_01b3) ^ mixed)
}

fn hash_str(s: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(s.as_bytes())
}

/// Per-token values computed once per article.
struct TokenInfo {
    word: u64,
    lemma: u64,
    pos: u64,
    /// Small codes, packed into feature values.
    cue: u64,
    quote: u64,
    shape: u64,
    sentence_edge: u64,
    suffix: u64,
    /// Word clusters at three granularities (0 when unknown).
    cluster: [u64; 3],
    /// Buckets of the distance to the sentence's start and end.
    from_start: u64,
    to_end: u64,
    /// POS and entity code of the nearest token to the left and right that is not an
    /// adverb or auxiliary ("Trump has also said": said's left neighbour is Trump).
    left_skip: u64,
    right_skip: u64,
    mixed: Mixed,
}

const OUTSIDE: u64 = 0xdead_beef;
const MIXED_OUTSIDE: u64 = mix(OUTSIDE);

/// A token's values that several base features read, passed through [`mix`].
struct Mixed {
    word: u64,
    lemma: u64,
    pos: u64,
    cue: u64,
    entity: u64,
    cluster1: u64,
}

fn cue_code(cue: Cue) -> u64 {
    match cue {
        Cue::None => 0,
        Cue::Verb(stance) => 10 + u64::from(stance),
        Cue::MultiBegin => 1,
        Cue::MultiInside => 2,
        Cue::Consult => 3,
        Cue::Noun => 4,
    }
}

fn shape_code(word: &str) -> u64 {
    let mut chars = word.chars();
    match chars.next() {
        None => 0,
        Some(c) if c.is_uppercase() => {
            if word.chars().all(|c| !c.is_lowercase()) && word.chars().count() > 1 {
                1
            } else {
                2
            }
        }
        Some(c) if c.is_lowercase() => 3,
        Some(c) if c.is_numeric() => 4,
        Some(_) => 5 + u64::from(word.len() as u8),
    }
}

fn infos(view: &View, clusters: &WordClusters) -> Vec<TokenInfo> {
    let tokens = &view.tokens;
    tokens
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let entity = match view.entity(i) {
                Some(e) => 1 + e.kind as u64 * 2 + u64::from(!t.entity_begin),
                None => 0,
            };
            let quote = match (t.mark, t.quote) {
                (true, _) => 1,
                (false, Some(_)) => 2,
                (false, None) => 3,
            };
            let range = &view.sentences[t.sentence];
            let sentence_edge = u64::from(i == range.start)
                | u64::from(i + 1 == range.end) << 1
                | u64::from(t.line_start) << 2;
            let suffix_start = t.lower.char_indices().rev().nth(2).map_or(0, |(b, _)| b);
            let is_filler = |j: &usize| matches!(tokens[*j].pos, "ADV" | "AUX" | "PART");
            let tag = |j: Option<usize>| {
                j.map_or(OUTSIDE, |j| {
                    hash_str(tokens[j].pos) ^ view.entity(j).map_or(0, |e| 1 + e.kind as u64)
                })
            };
            let word = word_hash(&t.lower);
            let (lemma, pos, cue) = (hash_str(t.lemma), hash_str(t.pos), cue_code(t.cue));
            let cluster = clusters
                .get(word)
                .map_or([0; 3], |c| c.map(|id| u64::from(id) + 1));
            TokenInfo {
                suffix: hash_str(&t.lower[suffix_start..]),
                cluster,
                from_start: bucket(i - range.start),
                to_end: bucket(range.end - i),
                left_skip: tag((range.start..i).rev().find(|j| !is_filler(j))),
                right_skip: tag((i + 1..range.end).find(|j| !is_filler(j))),
                word,
                lemma,
                pos,
                cue,
                quote,
                shape: shape_code(t.word),
                sentence_edge,
                mixed: Mixed {
                    word: mix(word),
                    lemma: mix(lemma),
                    pos: mix(pos),
                    cue: mix(cue),
                    entity: mix(entity),
                    cluster1: mix(cluster[1]),
                },
            }
        })
        .collect()
}

/// Distance to the nearest speech cue in the same sentence, left and right, as buckets.
fn cue_distances(view: &View, is_cue: impl Fn(usize) -> bool) -> Vec<(u64, u64)> {
    let n = view.tokens.len();
    let mut out = vec![(0u64, 0u64); n];
    for range in &view.sentences {
        let mut last: Option<usize> = None;
        for i in range.clone() {
            out[i].0 = last.map_or(99, |c| bucket(i - c));
            if is_cue(i) {
                last = Some(i);
            }
        }
        let mut next: Option<usize> = None;
        for i in range.clone().rev() {
            out[i].1 = next.map_or(99, |c| bucket(c - i));
            if is_cue(i) {
                next = Some(i);
            }
        }
    }
    out
}

fn bucket(d: usize) -> u64 {
    match d {
        0..=3 => d as u64,
        4..=6 => 4,
        7..=10 => 5,
        11..=20 => 6,
        _ => 7,
    }
}

/// How many keys `base_features` makes for each token.
const BASE_FEATURES: usize = 51;

/// The features of token `i` that do not depend on any layer's tags.
fn base_features(info: &[TokenInfo], dist: &[(u64, u64)], i: usize, out: &mut Vec<u64>) {
    let at = |k: isize| -> Option<&TokenInfo> {
        let j = i as isize + k;
        (j >= 0).then(|| info.get(j as usize)).flatten()
    };
    let mixed = |k, field: fn(&Mixed) -> u64| at(k).map_or(MIXED_OUTSIDE, |t| field(&t.mixed));
    let word = |k| mixed(k, |m| m.word);
    let lemma = |k| mixed(k, |m| m.lemma);
    let cue = |k| mixed(k, |m| m.cue);
    let ent = |k| mixed(k, |m| m.entity);
    let pos = |k| at(k).map_or(OUTSIDE, |t| t.pos);
    let quote = |k| at(k).map_or(OUTSIDE, |t| t.quote);
    let t = &info[i];
    let m = &t.mixed;
    let (left, right) = dist[i];
    let keys: [u64; BASE_FEATURES] = [
        key(1, 0),
        mixed_key(2, m.word),
        mixed_key(3, m.lemma),
        mixed_key(4, m.pos),
        mixed_key(5, word(-1)),
        mixed_key(6, word(1)),
        mixed_key(7, word(-2)),
        mixed_key(8, word(2)),
        key(9, pos(-1) ^ t.pos.rotate_left(7)),
        key(10, t.pos ^ pos(1).rotate_left(7)),
        mixed_key(11, mixed(-1, |m| m.pos)),
        mixed_key(12, mixed(1, |m| m.pos)),
        mixed_key(13, m.cue),
        mixed_key(14, cue(-1)),
        mixed_key(15, cue(1)),
        mixed_key(16, cue(-2)),
        mixed_key(17, cue(2)),
        mixed_key(18, m.entity),
        mixed_key(19, ent(-1)),
        mixed_key(20, ent(1)),
        key(21, t.quote),
        key(22, quote(-1) * 8 + quote(1)),
        key(23, t.shape),
        key(24, t.sentence_edge),
        key(25, left),
        key(26, right),
        key(27, left * 100 + right),
        key(28, left ^ t.pos.rotate_left(3)),
        key(29, right ^ t.pos.rotate_left(3)),
        key(30, t.cue ^ at(1).map_or(OUTSIDE, |n| n.word).rotate_left(5)),
        key(
            31,
            at(-1).map_or(OUTSIDE, |p| p.word) ^ t.word.rotate_left(9),
        ),
        key(32, t.quote * 100 + left.min(9) * 10 + right.min(9)),
        mixed_key(33, lemma(-1)),
        mixed_key(34, lemma(1)),
        key(35, t.word ^ t.pos.rotate_left(17)),
        key(36, t.suffix),
        key(37, t.from_start * 16 + t.to_end),
        key(38, t.left_skip),
        key(39, t.right_skip),
        key(50, t.left_skip ^ t.lemma.rotate_left(5)),
        key(51, t.right_skip ^ t.lemma.rotate_left(5)),
        key(
            52,
            t.pos ^ t.left_skip.rotate_left(7) ^ t.right_skip.rotate_left(23),
        ),
        key(53, t.to_end * 8 + at(1).map_or(7, |n| n.quote)),
        key(54, t.cluster[0]),
        mixed_key(55, m.cluster1),
        key(56, t.cluster[2]),
        mixed_key(57, mixed(-1, |m| m.cluster1)),
        mixed_key(58, mixed(1, |m| m.cluster1)),
        key(59, t.cluster[1] ^ t.left_skip.rotate_left(9)),
        key(90, t.cluster[1] ^ t.right_skip.rotate_left(9)),
        key(91, t.cluster[2] ^ t.pos.rotate_left(9)),
    ];
    out.extend_from_slice(&keys);
}

fn allowed(classes: &[&str], prev: usize, cur: usize) -> bool {
    let name = classes[cur];
    match name.strip_prefix("I-") {
        Some(kind) => classes[prev].get(2..).is_some_and(|p| p == kind),
        None => true,
    }
}

/// For each previous class, a bit per class allowed after it (BIO: "I-X" only after "B-X"
/// or "I-X").
fn transitions(classes: &[&str]) -> Vec<u32> {
    (0..classes.len())
        .map(|prev| {
            (0..classes.len())
                .filter(|&cur| allowed(classes, prev, cur))
                .fold(0, |bits, cur| bits | 1 << cur)
        })
        .collect()
}

/// The best-scoring class that may follow the previous one (`allowed`: its row of
/// [`transitions`]).
fn best_allowed(allowed: u32, scores: &[f32]) -> usize {
    let ok = |c: usize| allowed & 1 << c != 0;
    let mut best = 0;
    for (c, &s) in scores.iter().enumerate() {
        if ok(c) && (s > scores[best] || !ok(best)) {
            best = c;
        }
    }
    best
}

fn spans_of(classes: &[&str], tags: &[usize], kind: &str) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    let mut open: Option<usize> = None;
    for (i, &t) in tags.iter().enumerate() {
        let name = classes[t];
        let inside = name.strip_prefix("I-") == Some(kind);
        if !inside {
            if let Some(s) = open.take() {
                spans.push(s..i);
            }
        }
        if name.strip_prefix("B-") == Some(kind) {
            open = Some(i);
        }
    }
    if let Some(s) = open {
        spans.push(s..tags.len());
    }
    spans
}

/// How many keys `content_features` makes.
const CONTENT_FEATURES: usize = 10;

/// Features of the content layer that read the source/cue layer's tags.
fn content_features(sc: &[usize], sc_dist: &[(u64, u64)], i: usize, out: &mut Vec<u64>) {
    let tag = |k: isize| -> u64 {
        let j = i as isize + k;
        if j < 0 {
            return OUTSIDE;
        }
        sc.get(j as usize).map_or(OUTSIDE, |&t| t as u64)
    };
    out.push(key(40, tag(0)));
    out.push(key(41, tag(-1)));
    out.push(key(42, tag(1)));
    out.push(key(43, tag(-1) * 8 + tag(0)));
    out.push(key(44, tag(-2) * 8 + tag(-1)));
    let (left, right) = sc_dist[i];
    out.push(key(45, left));
    out.push(key(46, right));
    out.push(key(47, left * 100 + right));
    out.push(key(48, tag(-2) * 64 + tag(2)));
    out.push(key(49, tag(1) * 64 + tag(2)));
}

/// The previous tag with the word: the one history feature with a large domain.
fn history_word_key(base: u64, prev: u64, info: &TokenInfo) -> u64 {
    key(base + 2, prev ^ info.word.rotate_left(11))
}

fn history(prev: usize, prev2: usize, info: &TokenInfo, out: &mut Vec<u64>, base: u64) {
    let (p, p2) = (prev as u64, prev2 as u64);
    out.push(key(base, p));
    out.push(key(base + 1, p * 16 + p2));
    out.push(history_word_key(base, p, info));
    out.push(key(base + 3, p ^ info.pos.rotate_left(13)));
    out.push(key(base + 4, p * 8 + info.quote));
    out.push(key(base + 5, p * 64 + info.cue));
}

/// Gold tags for training: one class per token in each layer.
pub struct Gold {
    pub sc: Vec<usize>,
    pub content: Vec<usize>,
}

/// Token tags from code-point spans: shortest spans first, a span that would overlap one
/// already placed in the same layer is dropped (PolNeAR nests almost only across layers).
pub fn gold_tags(
    view: &View,
    sources: &[(usize, usize)],
    cues: &[(usize, usize)],
    contents: &[(usize, usize)],
) -> Gold {
    let n = view.tokens.len();
    let mut sc = vec![0usize; n];
    let mut content = vec![0usize; n];
    let place = |layer: &mut Vec<usize>, spans: Vec<((usize, usize), usize)>| {
        let mut spans = spans;
        spans.sort_by_key(|((s, e), _)| e - s);
        for ((s, e), begin) in spans {
            let first = view.tokens.partition_point(|t| t.end <= s);
            let mut last = first;
            while last < n && view.tokens[last].start < e {
                last += 1;
            }
            if first >= last || layer[first..last].iter().any(|&t| t != 0) {
                continue;
            }
            layer[first] = begin;
            for t in &mut layer[first + 1..last] {
                *t = begin + 1;
            }
        }
    };
    let mut sc_spans: Vec<((usize, usize), usize)> = sources.iter().map(|&s| (s, 1)).collect();
    sc_spans.extend(cues.iter().map(|&c| (c, 3)));
    place(&mut sc, sc_spans);
    place(&mut content, contents.iter().map(|&c| (c, 1)).collect());
    Gold { sc, content }
}

pub struct TrainOptions {
    pub epochs: usize,
    pub seed: u64,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions { epochs: 8, seed: 1 }
    }
}

/// One training document: its view's per-token data and gold tags.
pub struct Example {
    info: Vec<TokenInfo>,
    dist: Vec<(u64, u64)>,
    sentences: Vec<Range<usize>>,
    gold: Gold,
}

impl Example {
    pub fn new(view: &View, clusters: &WordClusters, gold: Gold) -> Example {
        Example {
            info: infos(view, clusters),
            dist: cue_distances(view, |i| view.is_speech_cue(i)),
            sentences: view.sentences.clone(),
            gold,
        }
    }
}

fn sc_distances(sentences: &[Range<usize>], n: usize, sc: &[usize]) -> Vec<(u64, u64)> {
    let mut out = vec![(99u64, 99u64); n];
    for range in sentences {
        let mut last: Option<usize> = None;
        for i in range.clone() {
            out[i].0 = last.map_or(99, |c| bucket(i - c));
            if sc[i] == 3 || sc[i] == 4 {
                last = Some(i);
            }
        }
        let mut next: Option<usize> = None;
        for i in range.clone().rev() {
            out[i].1 = next.map_or(99, |c| bucket(c - i));
            if sc[i] == 3 {
                next = Some(i);
            }
        }
    }
    out
}

/// Greedy decoding of one layer over the tokens where `active` holds (the others are
/// "O"); `score` fills the scores for token `i` given the tags before it.
fn decode(
    classes: &[&str],
    n: usize,
    active: impl Fn(usize) -> bool,
    mut score: impl FnMut(usize, &[usize], &mut Vec<f32>),
) -> Vec<usize> {
    let allowed = transitions(classes);
    let mut tags = Vec::with_capacity(n);
    let mut scores = Vec::new();
    for i in 0..n {
        if !active(i) {
            tags.push(0);
            continue;
        }
        score(i, &tags, &mut scores);
        let prev = tags.last().copied().unwrap_or(0);
        tags.push(best_allowed(allowed[prev], &scores));
    }
    tags
}

/// The previous two tags.
fn previous(tags: &[usize]) -> (usize, usize) {
    match tags {
        [.., p2, p] => (*p, *p2),
        [p] => (*p, 0),
        [] => (0, 0),
    }
}

/// First template number of the source/cue layers' and the content layer's history
/// features.
const SC_HISTORY: u64 = 60;
const CT_HISTORY: u64 = 70;

/// The source/cue layer's features after the base ones.
fn sc_rest(info: &[TokenInfo], i: usize, tags: &[usize], out: &mut Vec<u64>) {
    let (prev, prev2) = previous(tags);
    history(prev, prev2, &info[i], out, SC_HISTORY);
}

/// The content layer's features after the base ones.
fn ct_rest(
    info: &[TokenInfo],
    sc: &[usize],
    sc_dist: &[(u64, u64)],
    i: usize,
    tags: &[usize],
    out: &mut Vec<u64>,
) {
    content_features(sc, sc_dist, i, out);
    ct_history(info, sc, i, tags, out);
}

/// The content layer's features that read its own previous tags.
fn ct_history(info: &[TokenInfo], sc: &[usize], i: usize, tags: &[usize], out: &mut Vec<u64>) {
    let (prev, prev2) = previous(tags);
    history(prev, prev2, &info[i], out, CT_HISTORY);
    out.push(key(80, prev as u64 * 16 + sc[i] as u64));
}

/// Trains one layer with gold previous tags over documents `docs`.
#[allow(clippy::too_many_arguments)] // one call per layer; a struct would only rename them
fn train_layer(
    examples: &[Example],
    docs: &[usize],
    classes: &[&str],
    options: &TrainOptions,
    seed_offset: usize,
    meta: serde_json::Value,
    features: impl Fn(&Example, usize, usize, &[usize], &mut Vec<u64>),
    gold: impl Fn(&Example) -> &Vec<usize>,
) -> Model {
    let mut trainer = Trainer::new(classes.iter().map(|s| s.to_string()).collect());
    let mut feats = Vec::with_capacity(96);
    let mut scores = Vec::new();
    for epoch in 0..options.epochs {
        for &k in &shuffled(docs.len(), epoch + seed_offset, options.seed) {
            let d = docs[k];
            let ex = &examples[d];
            let truth = gold(ex);
            for i in 0..ex.info.len() {
                feats.clear();
                features(ex, d, i, &truth[..i], &mut feats);
                let guess = trainer.predict(&feats, &mut scores);
                trainer.update(truth[i], guess, &feats);
            }
        }
    }
    trainer.finish(meta, 0.0)
}

/// The second source/cue layer's features after the base ones.
fn sc2_rest(
    info: &[TokenInfo],
    sc: &[usize],
    sc_dist: &[(u64, u64)],
    content: &[usize],
    i: usize,
    tags: &[usize],
    out: &mut Vec<u64>,
) {
    sc_rest(info, i, tags, out);
    content_features(sc, sc_dist, i, out);
    content_tag_features(content, i, out);
    sc2_content_history(content, i, tags, out);
}

/// How many keys `content_tag_features` makes.
const CONTENT_TAG_FEATURES: usize = 5;

/// Features of the second source/cue layer that read the content layer's tags.
fn content_tag_features(content: &[usize], i: usize, out: &mut Vec<u64>) {
    let ct = |k: isize| content_tag(content, i, k);
    out.push(key(100, ct(0)));
    out.push(key(101, ct(-1) * 8 + ct(1)));
    out.push(key(102, ct(-2) * 8 + ct(2)));
    out.push(key(103, ct(1) * 8 + ct(0)));
    out.push(key(104, ct(-1) * 8 + ct(0)));
}

/// The second source/cue layer's previous tag with the content tag.
fn sc2_content_history(content: &[usize], i: usize, tags: &[usize], out: &mut Vec<u64>) {
    let prev = tags.last().copied().unwrap_or(0) as u64;
    out.push(key(105, prev * 8 + content_tag(content, i, 0)));
}

/// The content layer's tag at `i + k`.
fn content_tag(content: &[usize], i: usize, k: isize) -> u64 {
    let j = i as isize + k;
    if j < 0 {
        return OUTSIDE;
    }
    content.get(j as usize).map_or(OUTSIDE, |&t| t as u64)
}

/// How many sentences before and after one with a source or cue the later passes still
/// tag (content may precede its cue or run on after it). Tuned on PolNeAR dev: wider
/// windows change no score by more than 0.05.
const NEAR_BEFORE: usize = 1;
const NEAR_AFTER: usize = 2;

/// Per sentence: whether it holds a quotation or a quote mark, or lies within
/// `NEAR_BEFORE`/`NEAR_AFTER` sentences of one with a source or cue tag of the first pass.
fn near_attributions(view: &View, sc: &[usize]) -> Vec<bool> {
    let count = view.sentences.len();
    let mut near = vec![false; count];
    for (s, range) in view.sentences.iter().enumerate() {
        let quoted = view.tokens[range.clone()]
            .iter()
            .any(|t| t.quote.is_some() || t.mark);
        if quoted || sc[range.clone()].iter().any(|&t| t != 0) {
            let from = s.saturating_sub(NEAR_BEFORE);
            let to = (s + NEAR_AFTER).min(count - 1);
            near[from..=to].fill(true);
        }
    }
    near
}

fn shuffled(n: usize, epoch: usize, seed: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    let mut state = seed ^ (epoch as u64).wrapping_mul(0x9e37_79b9);
    for i in (1..n).rev() {
        state = mix(state);
        order.swap(i, (state % (i as u64 + 1)) as usize);
    }
    order
}

impl Tagger {
    /// Trains the three layers (gold previous tags in training; later layers see earlier
    /// layers' predictions, as they will when tagging) and returns the model file's bytes,
    /// which [`Tagger::from_bytes`] loads.
    pub fn train(
        examples: &[Example],
        lexicon: LexiconData,
        clusters: WordClusters,
        options: &TrainOptions,
    ) -> io::Result<Vec<u8>> {
        let sc_meta = serde_json::json!({
            "task": "PolNeAR attribution: source and cue layer, first pass",
            "epochs": options.epochs,
            "seed": options.seed,
            "lexicon": lexicon,
        });
        let all: Vec<usize> = (0..examples.len()).collect();
        let half = examples.len() / 2;
        let folds = [
            (0..half).collect::<Vec<_>>(),
            (half..examples.len()).collect(),
        ];
        // Later layers learn from earlier layers' tags as they will see them when tagging:
        // predicted, and for training documents predicted by a model that did not see them
        // (two-fold jackknife), or they would learn to trust tags that are too good.
        let jackknife = |train: &dyn Fn(&[usize]) -> Model,
                         predict: &dyn Fn(&Model, usize) -> Vec<usize>|
         -> Vec<Vec<usize>> {
            let mut out = vec![Vec::new(); examples.len()];
            for (k, fold) in folds.iter().enumerate() {
                let model = train(&folds[1 - k]);
                for &d in fold {
                    out[d] = predict(&model, d);
                }
            }
            out
        };
        let train_sc = |docs: &[usize]| {
            train_layer(
                examples,
                docs,
                &SC_CLASSES,
                options,
                0,
                sc_meta.clone(),
                |ex, _, i, tags, f| {
                    base_features(&ex.info, &ex.dist, i, f);
                    sc_rest(&ex.info, i, tags, f);
                },
                |ex| &ex.gold.sc,
            )
        };
        let predict_sc = |model: &Model, d: usize| {
            let ex = &examples[d];
            let mut f = Vec::with_capacity(96);
            decode(
                &SC_CLASSES,
                ex.info.len(),
                |_| true,
                |i, tags, scores| {
                    f.clear();
                    base_features(&ex.info, &ex.dist, i, &mut f);
                    sc_rest(&ex.info, i, tags, &mut f);
                    model.predict(&f, scores);
                },
            )
        };
        let sc_jk = jackknife(&train_sc, &predict_sc);
        let sc_dists: Vec<Vec<(u64, u64)>> = examples
            .iter()
            .zip(&sc_jk)
            .map(|(ex, tags)| sc_distances(&ex.sentences, ex.info.len(), tags))
            .collect();
        let train_ct = |docs: &[usize]| {
            train_layer(
                examples,
                docs,
                &CT_CLASSES,
                options,
                1000,
                serde_json::json!({"task": "PolNeAR attribution: content layer"}),
                |ex, d, i, tags, f| {
                    base_features(&ex.info, &ex.dist, i, f);
                    ct_rest(&ex.info, &sc_jk[d], &sc_dists[d], i, tags, f);
                },
                |ex| &ex.gold.content,
            )
        };
        let predict_ct = |model: &Model, d: usize| {
            let ex = &examples[d];
            let mut f = Vec::with_capacity(96);
            decode(
                &CT_CLASSES,
                ex.info.len(),
                |_| true,
                |i, tags, scores| {
                    f.clear();
                    base_features(&ex.info, &ex.dist, i, &mut f);
                    ct_rest(&ex.info, &sc_jk[d], &sc_dists[d], i, tags, &mut f);
                    model.predict(&f, scores);
                },
            )
        };
        let ct_jk = jackknife(&train_ct, &predict_ct);
        let sc2 = train_layer(
            examples,
            &all,
            &SC_CLASSES,
            options,
            2000,
            serde_json::json!({"task": "PolNeAR attribution: source and cue layer, second pass"}),
            |ex, d, i, tags, f| {
                base_features(&ex.info, &ex.dist, i, f);
                sc2_rest(&ex.info, &sc_jk[d], &sc_dists[d], &ct_jk[d], i, tags, f);
            },
            |ex| &ex.gold.sc,
        );
        let sc = train_sc(&all);
        let content = train_ct(&all);
        encode([&sc, &content, &sc2], &clusters)
    }

    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// Features kept in each model: source/cue, content, source/cue second pass.
    pub fn feature_counts(&self) -> [usize; 3] {
        self.weights.counts()
    }

    pub fn from_bytes(bytes: &[u8]) -> io::Result<Tagger> {
        let invalid = |what: &str| io::Error::new(io::ErrorKind::InvalidData, what.to_owned());
        let mut rest = bytes
            .strip_prefix(MAGIC)
            .ok_or_else(|| invalid("not a storyline quote model (bad magic number)"))?;
        let mut part = || -> io::Result<&[u8]> {
            if rest.len() < 8 {
                return Err(invalid("quote model is truncated"));
            }
            let (len, tail) = rest.split_at(8);
            let len = u64::from_le_bytes(len.try_into().map_err(|_| invalid("length"))?) as usize;
            if tail.len() < len {
                return Err(invalid("quote model is truncated"));
            }
            let (body, tail) = tail.split_at(len);
            rest = tail;
            Ok(body)
        };
        let sc = ModelPart::from_bytes(part()?)?;
        let content = ModelPart::from_bytes(part()?)?;
        let sc2 = ModelPart::from_bytes(part()?)?;
        let clusters = WordClusters::from_bytes(part()?)?;
        let data: LexiconData = serde_json::from_value(sc.meta["lexicon"].clone())
            .map_err(|e| invalid(&format!("quote model has no cue lexicon: {e}")))?;
        Ok(Tagger {
            lexicon: Lexicon::from_data(data),
            clusters,
            weights: Weights::new(&sc, &content, &sc2)?,
        })
    }

    /// Each role's token spans. The base features do not depend on any layer's tags, so
    /// their keys are made once and shared by the three passes. The content pass and the
    /// second source/cue pass run only on sentences near one where the first pass found a
    /// source or cue: content sits beside its cue.
    pub fn role_spans(&self, view: &View) -> RoleSpans {
        let info = infos(view, &self.clusters);
        let dist = cue_distances(view, |i| view.is_speech_cue(i));
        let n = info.len();
        let mut keys = Vec::with_capacity(n * BASE_FEATURES);
        for i in 0..n {
            base_features(&info, &dist, i, &mut keys);
        }
        // Each token's base features summed once for all three layers; a layer's scores
        // start from its slice and add the features that read its own previous tags. The
        // features that read an earlier layer's tags are added to the sums (batched and
        // prefetched) once that layer is done.
        let all: Vec<usize> = (0..n).collect();
        let mut sums = vec![[0.0; weights::CLASSES]; n];
        self.weights.add_runs(&keys, BASE_FEATURES, &all, &mut sums);
        let mut feats = Vec::with_capacity(8);
        let score = |sums: &[[f32; weights::CLASSES]],
                     i: usize,
                     layer: Range<usize>,
                     feats: &[u64],
                     scores: &mut Vec<f32>| {
            scores.clear();
            scores.extend_from_slice(&sums[i][layer.clone()]);
            self.weights.add(feats, layer, scores);
        };
        // The next token's previous-tag × word keys, for every tag it may follow, are
        // fetched while this token is scored: they are the history keys likely to miss
        // the cache.
        let ahead = |i: usize, base: u64, classes: usize| {
            if let Some(next) = info.get(i + 1) {
                for p in 0..classes as u64 {
                    self.weights.prefetch(history_word_key(base, p, next));
                }
            }
        };
        let sc = decode(
            &SC_CLASSES,
            n,
            |_| true,
            |i, tags, scores| {
                ahead(i, SC_HISTORY, SC_CLASSES.len());
                feats.clear();
                sc_rest(&info, i, tags, &mut feats);
                score(&sums, i, weights::SC, &feats, scores);
            },
        );
        let near = near_attributions(view, &sc);
        let active: Vec<usize> = (0..n).filter(|&i| near[view.tokens[i].sentence]).collect();
        let is_active = |i: usize| near[view.tokens[i].sentence];
        let sc_dist = sc_distances(&view.sentences, n, &sc);
        // The content and second source/cue layers share these keys (templates 40–49).
        keys.clear();
        for &i in &active {
            content_features(&sc, &sc_dist, i, &mut keys);
        }
        self.weights
            .add_runs(&keys, CONTENT_FEATURES, &active, &mut sums);
        let content = decode(&CT_CLASSES, n, is_active, |i, tags, scores| {
            ahead(i, CT_HISTORY, CT_CLASSES.len());
            feats.clear();
            ct_history(&info, &sc, i, tags, &mut feats);
            score(&sums, i, weights::CONTENT, &feats, scores);
        });
        keys.clear();
        for &i in &active {
            content_tag_features(&content, i, &mut keys);
        }
        self.weights
            .add_runs(&keys, CONTENT_TAG_FEATURES, &active, &mut sums);
        let sc2 = decode(&SC_CLASSES, n, is_active, |i, tags, scores| {
            ahead(i, SC_HISTORY, SC_CLASSES.len());
            feats.clear();
            sc_rest(&info, i, tags, &mut feats);
            sc2_content_history(&content, i, tags, &mut feats);
            score(&sums, i, weights::SC2, &feats, scores);
        });
        RoleSpans {
            sources: spans_of(&SC_CLASSES, &sc2, "Source"),
            cues: spans_of(&SC_CLASSES, &sc2, "Cue"),
            contents: spans_of(&CT_CLASSES, &content, "Content"),
        }
    }

    /// Attributions: every content span with the nearest cue in its sentence or the one
    /// before, and the source nearest that cue in the cue's own sentence (a source from
    /// another sentence is the speaker of another cue, often in another paragraph).
    pub fn tag(&self, view: &View) -> Vec<Attribution> {
        let spans = self.role_spans(view);
        let tokens = &view.tokens;
        let chars = |r: &Range<usize>| (tokens[r.start].start, tokens[r.end - 1].end);
        let gap = |a: &Range<usize>, b: &Range<usize>| {
            if a.end <= b.start {
                b.start - a.end
            } else {
                a.start.saturating_sub(b.end)
            }
        };
        spans
            .contents
            .iter()
            .map(|content| {
                let sentence = tokens[content.start].sentence;
                let cue = spans
                    .cues
                    .iter()
                    .filter(|c| {
                        let s = tokens[c.start].sentence;
                        s + 1 >= sentence && s <= tokens[content.end - 1].sentence
                    })
                    .min_by_key(|c| gap(c, content));
                let source = cue.and_then(|cue| {
                    spans
                        .sources
                        .iter()
                        .filter(|s| tokens[s.start].sentence == tokens[cue.start].sentence)
                        .min_by_key(|s| gap(s, cue))
                });
                Attribution {
                    content: chars(content),
                    cue: cue.map(chars),
                    source: source.map(chars),
                    cue_tokens: cue.cloned(),
                    source_tokens: source.cloned(),
                }
            })
            .collect()
    }
}

/// The model file: a magic number, then each part with its length: the three perceptron
/// models (source/cue, content, source/cue second pass; the first carries the cue lexicon
/// in its metadata) and the word clusters.
fn encode(models: [&Model; 3], clusters: &WordClusters) -> io::Result<Vec<u8>> {
    // `Model::save` writes only to a path.
    let dir = std::env::temp_dir().join(format!(".quotes-model-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let mut parts = Vec::new();
    for (name, model) in ["sc", "content", "sc2"].into_iter().zip(models) {
        let file = dir.join(name);
        let written = model.save(&file).and_then(|()| std::fs::read(&file));
        if written.is_err() {
            let _ = std::fs::remove_dir_all(&dir);
        }
        parts.push(written?);
    }
    let _ = std::fs::remove_dir_all(&dir);
    parts.push(clusters.to_bytes()?);
    let mut out = Vec::with_capacity(parts.iter().map(Vec::len).sum::<usize>() + 40);
    out.extend_from_slice(MAGIC);
    for part in &parts {
        out.extend_from_slice(&(part.len() as u64).to_le_bytes());
        out.extend_from_slice(part);
    }
    Ok(out)
}

/// A training example from a text, its language layers and its gold spans.
pub fn example(
    text: &str,
    layers: &storyline_nlp::pipeline::Layers,
    lexicon: &Lexicon,
    clusters: &WordClusters,
    gold: &super::polnear::Roles,
) -> Example {
    let view = View::new(text, layers, lexicon, super::marks::find_quotations(text));
    let tags = gold_tags(&view, &gold.sources, &gold.cues, &gold.contents);
    Example::new(&view, clusters, tags)
}

#[cfg(test)]
mod tests {
    use storyline_model::{EntityMention, EntityType, Span, TokenAnnotation};
    use storyline_nlp::pipeline::Layers;

    use super::*;
    use crate::quotes::polnear::Roles;

    /// "Ann said it rains ." with hand-made layers.
    fn layers() -> (String, Layers) {
        let text = "Ann said it rains .".to_owned();
        let words = [
            ("Ann", "PROPN"),
            ("said", "VERB"),
            ("it", "PRON"),
            ("rains", "VERB"),
            (".", "PUNCT"),
        ];
        let mut tokens = Vec::new();
        let mut at = 0;
        for (word, pos) in words {
            let start = text[at..].find(word).unwrap() + at;
            tokens.push(TokenAnnotation {
                start,
                end: start + word.len(),
                pos: pos.to_owned(),
                lemma: word.to_lowercase(),
            });
            at = start + word.len();
        }
        let layers = Layers {
            sentences: vec![Span::new(0, text.len())],
            tokens,
            entities: vec![EntityMention {
                start: 0,
                end: 3,
                kind: EntityType::Person,
                text: "Ann".to_owned(),
                entity: None,
            }],
        };
        (text, layers)
    }

    /// A smoke run: the tagger learns one sentence, survives encoding and loading, and tags it.
    #[test]
    fn trains_saves_loads_and_tags() {
        let (text, layers) = layers();
        let data = LexiconData {
            verbs: vec![("said".into(), "say".into(), "neutral".into())],
            ..LexiconData::default()
        };
        let lexicon = Lexicon::from_data(data.clone());
        let gold = Roles {
            sources: vec![(0, 3)],
            cues: vec![(4, 8)],
            contents: vec![(9, 17)],
        };
        let clusters = WordClusters::default();
        let examples: Vec<Example> = (0..4)
            .map(|_| example(&text, &layers, &lexicon, &clusters, &gold))
            .collect();
        let options = TrainOptions { epochs: 3, seed: 1 };
        let bytes = Tagger::train(&examples, data, clusters, &options).unwrap();
        let loaded = Tagger::from_bytes(&bytes).unwrap();
        let view = View::new(&text, &layers, loaded.lexicon(), Vec::new());
        let attributions = loaded.tag(&view);
        assert_eq!(attributions.len(), 1);
        assert_eq!(attributions[0].content, (9, 17));
        assert_eq!(attributions[0].cue, Some((4, 8)));
        assert_eq!(attributions[0].source, Some((0, 3)));
        assert!(Tagger::from_bytes(b"STLQUOT1\x05").is_err());
    }
}
