//! The attribution tagger: three averaged-perceptron BIO layers over an article's tokens,
//! trained on PolNeAR. The first tags sources and cues; the second tags content, seeing the
//! first one's tags (content is what sits beside a cue); the third tags sources and cues
//! again, seeing both. Separate layers let a content span hold the source and cue of an
//! attribution nested inside it ("Reuters reports that Grushko said …").
//!
//! The source/cue layers are structured perceptrons decoded by first-order Viterbi under
//! the BIO constraints (`storyline_nlp::perceptron::viterbi`, shared with the entity
//! recogniser), trained sentence by sentence. The content layer stays greedy, trained with
//! gold previous tags: its spans run for dozens of tokens, and as a structured perceptron
//! (sentence by sentence or whole documents) it broke them into pieces (exact F1 9–46).
//!
//! Features are hashed as integers (a word's hash mixed with a template number), not as
//! strings, to keep tagging cheap: each token's word, lemma and tag hashes are computed once.

use std::hash::BuildHasherDefault;
use std::io;
use std::ops::Range;

use storyline_nlp::perceptron::{IdentityHasher, Model, Trainer, sequence_differences, viterbi};

use super::clusters::{WordClusters, word_hash};
use super::lexicon::{Lexicon, LexiconData};
use super::view::{Cue, View};
use super::weights::{self, ModelPart, Weights};

const MAGIC: &[u8; 8] = b"STLQUOT2";

/// Combination ids (already mixed) to their index.
type CombinationMap = hashbrown::HashMap<u64, usize, BuildHasherDefault<IdentityHasher>>;

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
    /// [`SmallKeys`] as slots of `weights` (see [`Small`]).
    slots: Box<SmallKeys>,
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
    /// 0 outside an entity, else 1 + its type × 2 + 1 after its first token.
    entity: u64,
    quote: u64,
    shape: u64,
    sentence_edge: u64,
    suffix: u64,
    /// Word clusters at three granularities (0 when unknown).
    cluster: [u64; 3],
    /// Buckets of the distance to the sentence's start and end.
    from_start: u64,
    to_end: u64,
    /// The next "that", colon or opening quote mark in the sentence: its distance bucket
    /// × 4 + its kind (99 when there is none); where content that does not start right
    /// after its cue starts.
    opener: u64,
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
    // Each token's POS hash, read again as a neighbour's by `left_skip`/`right_skip`.
    let pos_hashes: Vec<u64> = tokens.iter().map(|t| hash_str(t.pos)).collect();
    let mut out: Vec<TokenInfo> = tokens
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
                    pos_hashes[j] ^ view.entity(j).map_or(0, |e| 1 + e.kind as u64)
                })
            };
            let word = word_hash(&t.lower);
            let (lemma, pos, cue) = (hash_str(t.lemma), pos_hashes[i], cue_code(t.cue));
            let cluster = clusters
                .get(word)
                .map_or([0; 3], |c| c.map(|id| u64::from(id) + 1));
            TokenInfo {
                suffix: hash_str(&t.lower[suffix_start..]),
                cluster,
                from_start: bucket(i - range.start),
                to_end: bucket(range.end - i),
                opener: 99,
                left_skip: tag((range.start..i).rev().find(|j| !is_filler(j))),
                right_skip: tag((i + 1..range.end).find(|j| !is_filler(j))),
                word,
                lemma,
                pos,
                cue,
                entity,
                quote,
                shape: shape_code(t.word),
                sentence_edge,
                mixed: Mixed {
                    word: mix(word),
                    lemma: mix(lemma),
                    pos: mix(pos),
                    cluster1: mix(cluster[1]),
                },
            }
        })
        .collect();
    let opener_kind = |i: usize| {
        let t = &tokens[i];
        if t.lower == "that" {
            1
        } else if t.word == ":" {
            2
        } else if t.mark
            && tokens
                .get(i + 1)
                .is_some_and(|n| n.quote.is_some() && !n.mark)
        {
            3
        } else {
            0
        }
    };
    for range in &view.sentences {
        let mut next: Option<(usize, u64)> = None;
        for i in range.clone().rev() {
            out[i].opener = next.map_or(99, |(j, kind)| bucket(j - i) * 4 + kind);
            let kind = opener_kind(i);
            if kind != 0 {
                next = Some((i, kind));
            }
        }
    }
    out
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
const BASE_FEATURES: usize = 53;

/// The features of token `i` that do not depend on any layer's tags.
fn base_features(
    info: &[TokenInfo],
    dist: &[(u64, u64)],
    i: usize,
    small: &Small,
    out: &mut Vec<u64>,
) {
    let at = |k: isize| -> Option<&TokenInfo> {
        let j = i as isize + k;
        (j >= 0).then(|| info.get(j as usize)).flatten()
    };
    let mixed = |k, field: fn(&Mixed) -> u64| at(k).map_or(MIXED_OUTSIDE, |t| field(&t.mixed));
    let word = |k| mixed(k, |m| m.word);
    let lemma = |k| mixed(k, |m| m.lemma);
    let made = |key| small.made(key);
    let small = small.keys;
    let cue = |f: usize, k| {
        let code = at(k).map(|t| t.cue);
        code_key(&small.cue[f], 13 + f as u64, code).unwrap_or_else(made)
    };
    let ent = |f: usize, k| {
        let code = at(k).map(|t| t.entity);
        code_key(&small.entity[f], 18 + f as u64, code).unwrap_or_else(made)
    };
    let pos = |k| at(k).map_or(OUTSIDE, |t| t.pos);
    let quote = |k| at(k).map_or(OUTSIDE, |t| t.quote);
    let shape = |k| at(k).map_or(63, |t| t.shape.min(62));
    let t = &info[i];
    let m = &t.mixed;
    let (left, right) = dist[i];
    let (l, r) = (dist_index(left), dist_index(right));
    let keys: [u64; BASE_FEATURES] = [
        small.bias,
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
        cue(0, 0),
        cue(1, -1),
        cue(2, 1),
        cue(3, -2),
        cue(4, 2),
        ent(0, 0),
        ent(1, -1),
        ent(2, 1),
        small.quote[t.quote as usize],
        small.quote_pair[quote_index(quote(-1))][quote_index(quote(1))],
        small
            .shape
            .get(t.shape as usize)
            .copied()
            .unwrap_or_else(|| made(key(23, t.shape))),
        small.edge[t.sentence_edge as usize],
        small.cue_dist[0][l],
        small.cue_dist[1][r],
        small.cue_dist_pair[l][r],
        key(28, left ^ t.pos.rotate_left(3)),
        key(29, right ^ t.pos.rotate_left(3)),
        key(30, t.cue ^ at(1).map_or(OUTSIDE, |n| n.word).rotate_left(5)),
        key(
            31,
            at(-1).map_or(OUTSIDE, |p| p.word) ^ t.word.rotate_left(9),
        ),
        small.quote_dist[t.quote as usize][left.min(9) as usize][right.min(9) as usize],
        mixed_key(33, lemma(-1)),
        mixed_key(34, lemma(1)),
        key(35, t.word ^ t.pos.rotate_left(17)),
        key(36, t.suffix),
        small.span[t.from_start as usize][t.to_end as usize],
        key(38, t.left_skip),
        key(39, t.right_skip),
        key(50, t.left_skip ^ t.lemma.rotate_left(5)),
        key(51, t.right_skip ^ t.lemma.rotate_left(5)),
        key(
            52,
            t.pos ^ t.left_skip.rotate_left(7) ^ t.right_skip.rotate_left(23),
        ),
        small.end_quote[t.to_end as usize][at(1).map_or(7, |n| n.quote) as usize],
        key(54, t.cluster[0]),
        mixed_key(55, m.cluster1),
        key(56, t.cluster[2]),
        mixed_key(57, mixed(-1, |m| m.cluster1)),
        mixed_key(58, mixed(1, |m| m.cluster1)),
        key(59, t.cluster[1] ^ t.left_skip.rotate_left(9)),
        key(90, t.cluster[1] ^ t.right_skip.rotate_left(9)),
        key(91, t.cluster[2] ^ t.pos.rotate_left(9)),
        small.shape_pair[0][shape(-1) as usize][shape(-2) as usize],
        small.shape_pair[1][shape(1) as usize][shape(2) as usize],
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

/// The "B-" class of each kind (its "I-" class follows it) in [`SC_CLASSES`] and
/// [`CT_CLASSES`].
const B_SOURCE: usize = 1;
const B_CUE: usize = 3;
const B_CONTENT: usize = 1;

/// The spans of one kind in a layer's tags, `begin` being its "B-" class and `begin + 1`
/// its "I-" class (class numbers compared, not names: this runs over every token).
fn spans_of(tags: &[usize], begin: usize) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    let mut open: Option<usize> = None;
    for (i, &t) in tags.iter().enumerate() {
        if t != begin + 1
            && let Some(s) = open.take()
        {
            spans.push(s..i);
        }
        if t == begin {
            open = Some(i);
        }
    }
    if let Some(s) = open {
        spans.push(s..tags.len());
    }
    spans
}

/// How many keys `content_features` makes.
const CONTENT_FEATURES: usize = 19;

/// Features of the content layer that read the source/cue layer's tags.
fn content_features(
    info: &[TokenInfo],
    sc: &[usize],
    sc_dist: &[[u64; 4]],
    i: usize,
    small: &Small,
    out: &mut Vec<u64>,
) {
    let tag = |k: isize| -> u64 {
        let j = i as isize + k;
        if j < 0 {
            return OUTSIDE;
        }
        sc.get(j as usize).map_or(OUTSIDE, |&t| t as u64)
    };
    let small = small.keys;
    let [m2, m1, t0, p1, p2] = [-2, -1, 0, 1, 2].map(|k| tag_index(tag(k)));
    let [left, right, left_head, right_head] = sc_dist[i];
    let (l, r) = (dist_index(left), dist_index(right));
    let t = &info[i];
    let o = opener_index(t.opener);
    let (before, after) = (tag(-1), tag(1));
    let prev_word = i.checked_sub(1).map_or(OUTSIDE, |j| info[j].word);
    // One array, copied once (pushing key by key checked the capacity each time).
    let keys: [u64; CONTENT_FEATURES] = [
        small.tag[0][t0],
        small.tag[1][m1],
        small.tag[2][p1],
        small.tag_pair[0][m1][t0],
        small.tag_pair[1][m2][m1],
        small.dist[0][l],
        small.dist[1][r],
        small.dist_pair[l][r],
        small.tag_pair[2][m2][p2],
        small.tag_pair[3][p1][p2],
        key(106, before ^ t.word.rotate_left(17)),
        key(107, after ^ t.word.rotate_left(17)),
        small.cue_end_quote[l][t.to_end as usize][t.quote as usize],
        small.opener_tag[o][m1],
        small.opener_cue_tag[o][l][t0],
        key(111, left_head ^ t.word.rotate_left(7)),
        key(112, left_head ^ (left * 8 + before).rotate_left(29)),
        key(113, right_head ^ (right * 16 + t.to_end).rotate_left(29)),
        key(114, left_head ^ prev_word.rotate_left(19)),
    ];
    out.extend_from_slice(&keys);
}

/// A source or cue never runs over a line break (PolNeAR dev and train: no gold source or
/// cue holds one; the second pass had made five sources like "…, the panel's ranking
/// Democrat.\n\nAn attorney"): at a token that starts a line, "I-Source" and "I-Cue" are
/// ruled out of both source/cue layers' scores (once, in the token's summed scores: later
/// batches add finite weights). PolNeAR dev exact source F1 +0.26, +0.07, +0.10
/// (seeds 1–3); cue and content unchanged.
fn no_span_across_lines(scores: &mut [f32]) {
    scores[B_SOURCE + 1] = f32::NEG_INFINITY;
    scores[B_CUE + 1] = f32::NEG_INFINITY;
}

/// The cues of the second source/cue pass, and those of the first pass where the second
/// pass tagged nothing (neither source nor cue) and no content was found: the second pass is
/// better overall (it sees the content), but drops some right cues of the first. Added this
/// way, about 60 cues on PolNeAR dev, 42 % of them exact (more than the third that pays for
/// itself in F1): exact cue F1 +0.23, +0.23, +0.49 with seeds 1–3. Sources added the same way
/// changed nothing (+0.04, −0.01, −0.01); first-pass cues inside content were right one time
/// in five (69.63 against 69.80).
fn cues_of_both_passes(first: &[usize], second: &[usize], content: &[usize]) -> Vec<Range<usize>> {
    let mut cues = spans_of(second, B_CUE);
    let untagged = |r: &Range<usize>| {
        second[r.clone()].iter().all(|&t| t == 0) && content[r.clone()].iter().all(|&t| t == 0)
    };
    let before = cues.len();
    cues.extend(spans_of(first, B_CUE).into_iter().filter(untagged));
    if cues.len() > before {
        cues.sort_by_key(|r| r.start);
    }
    cues
}

/// Tag values a [`SmallKeys`] table covers: the classes of a layer (at most 5) and
/// `OUTSIDE`, the last.
const TAGS: usize = 6;
/// Distance buckets ([`bucket`], 0–7) and 99 (no cue), the last.
const DISTS: usize = 9;

/// The keys of the content and content-tag features whose values have a small domain
/// (tags of the neighbours, distance buckets), made once: [`key`] mixes twice, a table
/// costs one load. Each entry is the key the feature's formula gives.
#[derive(Clone)]
#[repr(C)]
struct SmallKeys {
    /// Templates 40, 41, 42 (a source/cue tag) and 100 (a content tag).
    tag: [[u64; TAGS]; 4],
    /// Templates 43, 44 (`a * 8 + b`), 48, 49 (`a * 64 + b`) of source/cue tags and
    /// 101–104 (`a * 8 + b`) of content tags.
    tag_pair: [[[u64; TAGS]; TAGS]; 8],
    /// Templates 45, 46: the distance to the cue left, right.
    dist: [[u64; DISTS]; 2],
    /// Template 47: both (`left * 100 + right`).
    dist_pair: [[u64; DISTS]; DISTS],
    /// Base templates: 1 (the bias), 21 (quote state 1–3), 22 (the neighbours' quote
    /// states, `OUTSIDE` last), 24 (sentence edge bits), 25–27 (lexicon cue distances as
    /// 45–47), 32 (quote state with both distances capped at 9), 37 (distance buckets to
    /// the sentence's start and end), 53 (to the end, with the next token's quote state
    /// or 7).
    bias: u64,
    quote: [u64; 4],
    quote_pair: [[u64; 5]; 5],
    edge: [u64; 8],
    cue_dist: [[u64; DISTS]; 2],
    cue_dist_pair: [[u64; DISTS]; DISTS],
    quote_dist: [[[u64; 10]; 10]; 4],
    span: [[u64; 8]; 8],
    end_quote: [[u64; 8]; 8],
    /// The content layer's history templates 70 (the previous tag), 71 (the previous
    /// two, `p * 16 + p2`) and 80 (the previous tag with the source/cue tag, `p * 16 +
    /// sc`).
    ct_prev: [u64; CT_CLASSES.len()],
    ct_prev2: [[u64; CT_CLASSES.len()]; CT_CLASSES.len()],
    ct_sc: [[u64; SC_CLASSES.len()]; CT_CLASSES.len()],
    /// Base templates 13–17 (the cue class of the token and of its neighbours at −1, +1,
    /// −2, +2) and 18–20 (the entity code of the token and at −1, +1), by value below
    /// [`CODES`] (see [`code_key`]), a neighbour outside the article last; 23 (the shape,
    /// by value below 261); 92 and 93 (two neighbours' shapes, capped at 63: `a * 64 + b`).
    cue: [[u64; CODES + 1]; 5],
    entity: [[u64; CODES + 1]; 3],
    shape: [u64; 261],
    shape_pair: [[[u64; 64]; 64]; 2],
    /// Content templates 108 (the distance to the cue on the left, to the sentence end
    /// and the quote state: `left * 64 + to_end * 8 + quote`), 109 (the opener with the
    /// previous source/cue tag: `opener * 64 + tag`) and 110 (`opener * 128 + left * 8 +
    /// tag`), openers by [`opener_index`].
    cue_end_quote: [[[u64; 4]; 8]; DISTS],
    opener_tag: [[u64; TAGS]; OPENERS],
    opener_cue_tag: [[[u64; TAGS]; DISTS]; OPENERS],
}

/// Opener values ([`TokenInfo::opener`]: a distance bucket × 4 + a kind, below 32) and 99
/// (none), the last.
const OPENERS: usize = 33;

fn opener_index(opener: u64) -> usize {
    if opener == 99 {
        OPENERS - 1
    } else {
        debug_assert!((opener as usize) < OPENERS - 1);
        opener as usize
    }
}

/// Cue and entity codes that [`SmallKeys`] covers.
const CODES: usize = 32;

/// The key of a code feature (`template` with a token's cue or entity code, `None` for a
/// neighbour outside the article) from its table, or `Err` with the key made by [`key`]
/// when the code is larger (to be looked up when the table holds slots, see [`Small`]).
#[inline]
fn code_key(table: &[u64; CODES + 1], template: u64, code: Option<u64>) -> Result<u64, u64> {
    match code {
        None => Ok(table[CODES]),
        Some(c) if (c as usize) < CODES => Ok(table[c as usize]),
        Some(c) => Err(key(template, c)),
    }
}

/// The small-domain features' entries: their keys ([`SmallKeys`] as made, for training),
/// or for tagging the slots of the merged weight table those keys lead to, found once when
/// the model is loaded, so that summing reads them without probing (about a third of a
/// token's lookups; [`BASE_RESOLVED`], [`CONTENT_RESOLVED`] and [`CONTENT_TAG_RESOLVED`]
/// mark their places).
struct Small<'a> {
    keys: &'a SmallKeys,
    /// Set when `keys` holds slots: a key made on the spot for such a feature (a code or a
    /// shape past its table) is looked up here.
    weights: Option<&'a Weights>,
}

impl Small<'static> {
    /// The keys, for training (and for the tests that compare with the formulas).
    fn formulas() -> Small<'static> {
        Small {
            keys: small_keys(),
            weights: None,
        }
    }
}

impl Small<'_> {
    /// A small-domain feature's key made on the spot, as the table's entries are.
    fn made(&self, key: u64) -> u64 {
        self.weights.map_or(key, |w| w.slot_or_zero(key) as u64)
    }
}

/// The base features whose entries come from [`SmallKeys`] (see [`Small`]): the bias,
/// cue and entity codes (13–20), quote states (21, 22), the shape (23), the sentence edge
/// (24), lexicon cue distances (25–27), 32, 37, 53 and the neighbours' shapes (92, 93).
const BASE_RESOLVED: [bool; BASE_FEATURES] = {
    let mut mask = [false; BASE_FEATURES];
    let at = [
        0, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 31, 36, 42, 51, 52,
    ];
    let mut k = 0;
    while k < at.len() {
        mask[at[k]] = true;
        k += 1;
    }
    mask
};

/// The content features from [`SmallKeys`]: the source/cue tags and cue distances (40–49)
/// and templates 108–110.
const CONTENT_RESOLVED: [bool; CONTENT_FEATURES] = [
    true, true, true, true, true, true, true, true, true, true, false, false, true, true, true,
    false, false, false, false,
];

/// The content-tag features, all from [`SmallKeys`].
const CONTENT_TAG_RESOLVED: [bool; CONTENT_TAG_FEATURES] = [true; CONTENT_TAG_FEATURES];

/// A quote state (1–3) or `OUTSIDE` (4) as an index.
fn quote_index(quote: u64) -> usize {
    if quote == OUTSIDE {
        4
    } else {
        debug_assert!((1..4).contains(&quote));
        quote as usize
    }
}

fn tag_index(tag: u64) -> usize {
    if tag == OUTSIDE {
        TAGS - 1
    } else {
        debug_assert!((tag as usize) < TAGS - 1);
        tag as usize
    }
}

fn dist_index(dist: u64) -> usize {
    if dist == 99 {
        DISTS - 1
    } else {
        debug_assert!((dist as usize) < DISTS - 1);
        dist as usize
    }
}

impl SmallKeys {
    /// Every entry passed through `f`.
    fn map(&self, f: impl Fn(u64) -> u64) -> Box<SmallKeys> {
        const WORDS: usize = std::mem::size_of::<SmallKeys>() / 8;
        const _: () = assert!(std::mem::size_of::<SmallKeys>().is_multiple_of(8));
        let mut out = Box::new(self.clone());
        // SAFETY: `SmallKeys` is `repr(C)` and made only of arrays of u64: no padding, and
        // every bit pattern is a valid entry.
        let words = unsafe {
            std::slice::from_raw_parts_mut((&mut *out as *mut SmallKeys).cast::<u64>(), WORDS)
        };
        for word in words {
            *word = f(*word);
        }
        out
    }
}

/// A code feature's keys: by value, then outside the article.
fn code_table(template: u64) -> [u64; CODES + 1] {
    std::array::from_fn(|c| key(template, if c == CODES { OUTSIDE } else { c as u64 }))
}

fn small_keys() -> &'static SmallKeys {
    static KEYS: std::sync::OnceLock<SmallKeys> = std::sync::OnceLock::new();
    KEYS.get_or_init(|| {
        let tag = |i: usize| if i == TAGS - 1 { OUTSIDE } else { i as u64 };
        let dist = |i: usize| if i == DISTS - 1 { 99 } else { i as u64 };
        let quote = |i: usize| if i == 4 { OUTSIDE } else { i as u64 };
        let opener = |i: usize| if i == OPENERS - 1 { 99 } else { i as u64 };
        let pairs = |template: u64, times: u64| -> [[u64; TAGS]; TAGS] {
            std::array::from_fn(|a| std::array::from_fn(|b| key(template, tag(a) * times + tag(b))))
        };
        SmallKeys {
            tag: [40, 41, 42, 100].map(|t| std::array::from_fn(|i| key(t, tag(i)))),
            tag_pair: [
                pairs(43, 8),
                pairs(44, 8),
                pairs(48, 64),
                pairs(49, 64),
                pairs(101, 8),
                pairs(102, 8),
                pairs(103, 8),
                pairs(104, 8),
            ],
            dist: [45, 46].map(|t| std::array::from_fn(|i| key(t, dist(i)))),
            dist_pair: std::array::from_fn(|a| {
                std::array::from_fn(|b| key(47, dist(a) * 100 + dist(b)))
            }),
            bias: key(1, 0),
            quote: std::array::from_fn(|q| key(21, q as u64)),
            quote_pair: std::array::from_fn(|a| {
                std::array::from_fn(|b| key(22, quote(a) * 8 + quote(b)))
            }),
            edge: std::array::from_fn(|e| key(24, e as u64)),
            cue_dist: [25, 26].map(|t| std::array::from_fn(|i| key(t, dist(i)))),
            cue_dist_pair: std::array::from_fn(|a| {
                std::array::from_fn(|b| key(27, dist(a) * 100 + dist(b)))
            }),
            quote_dist: std::array::from_fn(|q| {
                std::array::from_fn(|a| {
                    std::array::from_fn(|b| key(32, q as u64 * 100 + a as u64 * 10 + b as u64))
                })
            }),
            span: std::array::from_fn(|a| {
                std::array::from_fn(|b| key(37, a as u64 * 16 + b as u64))
            }),
            end_quote: std::array::from_fn(|a| {
                std::array::from_fn(|b| key(53, a as u64 * 8 + b as u64))
            }),
            ct_prev: std::array::from_fn(|p| key(CT_HISTORY, p as u64)),
            ct_prev2: std::array::from_fn(|p| {
                std::array::from_fn(|p2| key(CT_HISTORY + 1, p as u64 * 16 + p2 as u64))
            }),
            ct_sc: std::array::from_fn(|p| std::array::from_fn(|sc| ct_sc_key(p, sc))),
            cue: std::array::from_fn(|f| code_table(13 + f as u64)),
            entity: std::array::from_fn(|f| code_table(18 + f as u64)),
            shape: std::array::from_fn(|v| key(23, v as u64)),
            cue_end_quote: std::array::from_fn(|l| {
                std::array::from_fn(|e| {
                    std::array::from_fn(|q| key(108, dist(l) * 64 + e as u64 * 8 + q as u64))
                })
            }),
            opener_tag: std::array::from_fn(|o| {
                std::array::from_fn(|t| key(109, opener(o) * 64 + tag(t)))
            }),
            opener_cue_tag: std::array::from_fn(|o| {
                std::array::from_fn(|l| {
                    std::array::from_fn(|t| key(110, opener(o) * 128 + dist(l) * 8 + tag(t)))
                })
            }),
            shape_pair: [92, 93].map(|t| {
                std::array::from_fn(|a| std::array::from_fn(|b| key(t, a as u64 * 64 + b as u64)))
            }),
        }
    })
}

/// How many keys `sc_transition` makes.
const HISTORY_FEATURES: usize = 4;

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
    /// Passes over the training data of the (greedy) content layer (tuned on dev: 10 and
    /// 8 within noise, 10 a little better on source and cue over three seeds, 12 worse).
    pub epochs: usize,
    /// Passes of the structured source/cue layers (tuned on dev: 4 and 8 were within
    /// noise, 4 trains faster).
    pub structured_epochs: usize,
    pub seed: u64,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            epochs: 10,
            structured_epochs: 4,
            seed: 1,
        }
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

/// Per token: the distance buckets to the nearest predicted cue token on the left and the
/// first one on the right in the same sentence, and those cues' head lemmas (the last verb
/// of the cue span, else its first word; `OUTSIDE` when there is none). Which verb the cue
/// is tells where its content lies ("accused X of …", "said …", "…, he said").
fn sc_distances(sentences: &[Range<usize>], info: &[TokenInfo], sc: &[usize]) -> Vec<[u64; 4]> {
    let n = info.len();
    let verb = hash_str("VERB");
    let mut head = vec![OUTSIDE; n];
    let mut i = 0;
    while i < n {
        if sc[i] != 3 {
            i += 1;
            continue;
        }
        let mut end = i + 1;
        while end < n && sc[end] == 4 {
            end += 1;
        }
        let h = (i..end)
            .rev()
            .find(|&j| info[j].pos == verb)
            .map_or(info[i].lemma, |j| info[j].lemma);
        head[i..end].fill(h);
        i = end;
    }
    let mut out = vec![[99u64, 99u64, OUTSIDE, OUTSIDE]; n];
    for range in sentences {
        let mut last: Option<usize> = None;
        for i in range.clone() {
            if let Some(c) = last {
                out[i][0] = bucket(i - c);
                out[i][2] = head[c];
            }
            if sc[i] == 3 || sc[i] == 4 {
                last = Some(i);
            }
        }
        let mut next: Option<usize> = None;
        for i in range.clone().rev() {
            if let Some(c) = next {
                out[i][1] = bucket(c - i);
                out[i][3] = head[c];
            }
            if sc[i] == 3 {
                next = Some(i);
            }
        }
    }
    out
}

/// Viterbi decoding of one layer over tokens `range` (`storyline_nlp::perceptron::viterbi`)
/// under the BIO constraints; tokens where `active` fails are "O". `emission(i, scores)`
/// fills token `i`'s class scores from the features that do not read the layer's own
/// tags; `transition(i, rows)` fills row `p` of `rows` (`rows[p * k..][..k]`) with the
/// class scores of the features that read the previous class `p` (the start counts as
/// "O").
fn decode(
    classes: &[&str],
    range: Range<usize>,
    active: impl Fn(usize) -> bool,
    mut emission: impl FnMut(usize, &mut Vec<f32>),
    mut transition: impl FnMut(usize, &mut [f32]),
) -> Vec<usize> {
    let k = classes.len();
    let allowed = transitions(classes);
    viterbi(
        range.len(),
        k,
        |j, token, pairs| {
            let i = range.start + j;
            // Every row a step reads is written: all of them for an inactive token (whose
            // zero transitions leave the choice before it alone), else row `k` at the
            // start or rows `0..k` after it.
            pairs.resize((k + 1) * k, 0.0);
            if !active(i) {
                token.clear();
                token.push(0.0);
                token.resize(k, f32::NEG_INFINITY);
                pairs.fill(0.0);
                return;
            }
            emission(i, token);
            transition(i, &mut pairs[..k * k]);
            if j == 0 {
                pairs.copy_within(..k, k * k);
            }
        },
        |prev, cur, _| allowed[prev.unwrap_or(0)] & 1 << cur != 0,
    )
}

/// The source/cue classes.
const SC_K: usize = SC_CLASSES.len();

/// Tagging's Viterbi decoding of a source/cue layer: the same decisions as [`decode`]
/// (`storyline_nlp::perceptron::viterbi` under the BIO constraints, which training uses),
/// the same sums in the same order and the same ties, without its per-token vectors and
/// callbacks (a tenth of the tagger's instructions went there). `step(i, token, rows)` fills
/// token `i`'s class scores and row `p` of `rows` with the transition scores after class
/// `p`; at the first token, row 0 ("O") also serves as the start. An inactive token (`None`
/// from `step`, after which its scores are not read) can only be "O", after any class, with
/// zero transition scores.
fn viterbi_sc(
    n: usize,
    mut step: impl FnMut(usize, &mut [f32; SC_K], &mut [f32; SC_K * SC_K]) -> bool,
) -> Vec<usize> {
    const NONE: f32 = f32::NEG_INFINITY;
    let allowed = transitions(&SC_CLASSES);
    let mut token = [0.0f32; SC_K];
    let mut rows = [0.0f32; SC_K * SC_K];
    // Before the first token only "O" (class 0) is possible, at score 0.
    let mut best = [NONE; SC_K];
    best[0] = 0.0;
    let mut back: Vec<[u8; SC_K]> = vec![[0; SC_K]; n];
    for (i, back) in back.iter_mut().enumerate() {
        let mut next = [NONE; SC_K];
        if !step(i, &mut token, &mut rows) {
            // Only "O" (after the best previous class), with zero scores.
            token = [0.0, NONE, NONE, NONE, NONE];
            rows = [0.0; SC_K * SC_K];
        }
        for (p, &before) in best.iter().enumerate() {
            if before == NONE {
                continue;
            }
            let row = &rows[p * SC_K..][..SC_K];
            for c in 0..SC_K {
                if allowed[p] & 1 << c == 0 {
                    continue;
                }
                let total = before + (token[c] + row[c]);
                if total > next[c] {
                    next[c] = total;
                    back[c] = p as u8;
                }
            }
        }
        best = next;
    }
    let mut out = vec![0; n];
    if n > 0 {
        let mut c = storyline_nlp::perceptron::argmax(&best);
        for i in (0..n).rev() {
            out[i] = c;
            c = usize::from(back[i][c]);
        }
    }
    out
}

/// Decodes a whole document with one layer's trained model (training-time prediction for
/// the jackknife; tagging uses the merged table).
fn predict_layer(
    model: &Model,
    classes: &[&str],
    n: usize,
    emission: impl Fn(usize, &mut Vec<u64>),
    transition: impl Fn(usize, usize, &mut Vec<u64>),
) -> Vec<usize> {
    let mut keys = Vec::with_capacity(96);
    let mut scores = Vec::new();
    let mut hist = Vec::with_capacity(8);
    decode(
        classes,
        0..n,
        |_| true,
        |i, token| {
            keys.clear();
            emission(i, &mut keys);
            model.predict(&keys, token);
        },
        |i, rows| {
            for (p, row) in rows.chunks_mut(classes.len()).enumerate() {
                hist.clear();
                transition(i, p, &mut hist);
                model.predict(&hist, &mut scores);
                row.copy_from_slice(&scores);
            }
        },
    )
}

/// Greedy decoding of one layer over the tokens where `active` holds (the others are
/// "O"); `score` fills the scores for token `i` given the tags before it.
fn decode_greedy(
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

/// The previous two tags.
fn previous(tags: &[usize]) -> (usize, usize) {
    match tags {
        [.., p2, p] => (*p, *p2),
        [p] => (*p, 0),
        [] => (0, 0),
    }
}

/// The previous tag with the word: the one history feature with a large domain.
fn history_word_key(base: u64, prev: u64, info: &TokenInfo) -> u64 {
    key(base + 2, prev ^ info.word.rotate_left(11))
}

/// The greedy layer's history: the previous one and two tags, and the previous tag with
/// the word, POS, quote state and cue class.
fn greedy_history(prev: usize, prev2: usize, info: &TokenInfo, out: &mut Vec<u64>, base: u64) {
    let (p, p2) = (prev as u64, prev2 as u64);
    out.push(key(base, p));
    out.push(key(base + 1, p * 16 + p2));
    out.push(history_word_key(base, p, info));
    out.push(key(base + 3, p ^ info.pos.rotate_left(13)));
    out.push(key(base + 4, p * 8 + info.quote));
    out.push(key(base + 5, p * 64 + info.cue));
}

/// The content layer's features that read its own previous tags (greedy).
fn ct_history(info: &[TokenInfo], sc: &[usize], i: usize, tags: &[usize], out: &mut Vec<u64>) {
    let (prev, prev2) = previous(tags);
    greedy_history(prev, prev2, &info[i], out, CT_HISTORY);
    out.push(ct_sc_key(prev, sc[i]));
}

/// How many keys `ct_history` makes.
const CT_HISTORY_FEATURES: usize = 7;

/// The content layer's history keys for tagging one article, made once: the previous tag
/// with the word (three keys per token, which are also the ones prefetched a token ahead)
/// and with the token's POS, quote state and cue class (once per combination of the three
/// in the article, as the source/cue transitions are); the others come from
/// [`SmallKeys`]. [`CtHistoryKeys::keys`] gives what [`ct_history`] makes, in its order,
/// so the scores are summed exactly as before; [`ct_history`] mixed every key again at
/// every token it scored.
struct CtHistoryKeys {
    word: Vec<[u64; CT_CLASSES.len()]>,
    /// Per combination: for each previous tag, templates 73, 74 and 75.
    combo: Vec<[[u64; 3]; CT_CLASSES.len()]>,
}

impl CtHistoryKeys {
    fn new(info: &[TokenInfo]) -> CtHistoryKeys {
        CtHistoryKeys {
            word: info
                .iter()
                .map(|t| std::array::from_fn(|p| history_word_key(CT_HISTORY, p as u64, t)))
                .collect(),
            combo: Vec::new(),
        }
    }

    /// Adds the keys of a new combination of POS, quote state and cue class (`info`: a
    /// token that has it).
    fn add_combo(&mut self, info: &TokenInfo) {
        self.combo.push(std::array::from_fn(|p| {
            let p = p as u64;
            [
                key(CT_HISTORY + 3, p ^ info.pos.rotate_left(13)),
                key(CT_HISTORY + 4, p * 8 + info.quote),
                key(CT_HISTORY + 5, p * 64 + info.cue),
            ]
        }));
    }

    /// [`ct_history`]'s keys for token `i` of combination `combo` after `tags`, with the
    /// source/cue tag `sc`.
    fn keys(
        &self,
        i: usize,
        combo: usize,
        tags: &[usize],
        sc: usize,
    ) -> [u64; CT_HISTORY_FEATURES] {
        let small = small_keys();
        let (p, p2) = previous(tags);
        let [pos, quote, cue] = self.combo[combo][p];
        [
            small.ct_prev[p],
            small.ct_prev2[p][p2],
            self.word[i][p],
            pos,
            quote,
            cue,
            small.ct_sc[p][sc],
        ]
    }

    fn prefetch(&self, weights: &Weights, i: usize) {
        if let Some(keys) = self.word.get(i) {
            for &k in keys {
                weights.prefetch(k);
            }
        }
    }
}

/// Trains one layer greedily, with gold previous tags, over documents `docs`.
#[allow(clippy::too_many_arguments)] // one call per layer; a struct would only rename them
fn train_layer_greedy(
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
    let epochs = options.epochs;
    for epoch in 0..epochs {
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

/// First template number of the source/cue layers' and the content layer's history
/// features.
const SC_HISTORY: u64 = 60;
const CT_HISTORY: u64 = 70;

/// The source/cue layers' transition features: the previous class (the start counts as
/// "O") alone and with the token's POS, quote state and cue class. A small domain: tagging
/// sums them once per combination in the article. (The previous class with the word, which
/// the greedy content layer has, made no difference here.)
fn sc_transition(info: &TokenInfo, prev: usize, out: &mut Vec<u64>) {
    let p = prev as u64;
    out.push(key(SC_HISTORY, p));
    out.push(key(SC_HISTORY + 3, p ^ info.pos.rotate_left(13)));
    out.push(key(SC_HISTORY + 4, p * 8 + info.quote));
    out.push(key(SC_HISTORY + 5, p * 64 + info.cue));
}

fn ct_sc_key(prev: usize, sc: usize) -> u64 {
    key(80, prev as u64 * 16 + sc as u64)
}

/// The second source/cue layer's transition features: the first layer's, and the previous
/// class with the content tag.
fn sc2_transition(
    info: &[TokenInfo],
    content: &[usize],
    i: usize,
    prev: usize,
    out: &mut Vec<u64>,
) {
    sc_transition(&info[i], prev, out);
    out.push(sc2_content_key(prev, content_tag(content, i, 0)));
}

fn sc2_content_key(prev: usize, content: u64) -> u64 {
    key(105, prev as u64 * 8 + content)
}

/// Training sequences: runs of whole sentences, a new one starting at every sentence whose
/// first gold tag does not continue a span (the "I-" of a content span that runs on).
fn segments(sentences: &[Range<usize>], truth: &[usize], classes: &[&str]) -> Vec<Range<usize>> {
    let n = truth.len();
    let mut cuts: Vec<usize> = sentences
        .iter()
        .map(|s| s.start)
        .filter(|&s| s > 0 && s < n && !classes[truth[s]].starts_with("I-"))
        .collect();
    cuts.dedup();
    let mut out = Vec::with_capacity(cuts.len() + 1);
    let mut start = 0;
    for cut in cuts {
        if cut > start {
            out.push(start..cut);
            start = cut;
        }
    }
    if start < n {
        out.push(start..n);
    }
    out
}

/// Trains one layer as a structured perceptron over documents `docs`: each training
/// sequence (see [`segments`]) is decoded by Viterbi with the current weights, and where
/// the best sequence is not the gold one, weight moves from the predicted classes and
/// transitions to the gold ones; one step of the average per sequence.
#[allow(clippy::too_many_arguments)] // one call per layer; a struct would only rename them
fn train_layer(
    examples: &[Example],
    docs: &[usize],
    classes: &[&str],
    options: &TrainOptions,
    seed_offset: usize,
    meta: serde_json::Value,
    emission: impl Fn(&Example, usize, usize, &mut Vec<u64>),
    transition: impl Fn(&Example, usize, usize, usize, &mut Vec<u64>),
    gold: impl Fn(&Example) -> &Vec<usize>,
) -> Model {
    let mut trainer = Trainer::new(classes.iter().map(|s| s.to_string()).collect());
    let epochs = options.structured_epochs;
    let mut keys: Vec<u64> = Vec::new();
    let mut offsets: Vec<usize> = Vec::new();
    let mut feats = Vec::with_capacity(16);
    let mut scores = Vec::new();
    for epoch in 0..epochs {
        for &k in &shuffled(docs.len(), epoch + seed_offset, options.seed) {
            let d = docs[k];
            let ex = &examples[d];
            let truth = gold(ex);
            for segment in segments(&ex.sentences, truth, classes) {
                keys.clear();
                offsets.clear();
                offsets.push(0);
                for i in segment.clone() {
                    emission(ex, d, i, &mut keys);
                    offsets.push(keys.len());
                }
                let start = segment.start;
                let out = decode(
                    classes,
                    segment.clone(),
                    |_| true,
                    |i, token| {
                        trainer.predict(&keys[offsets[i - start]..offsets[i - start + 1]], token);
                    },
                    |i, rows| {
                        for (p, row) in rows.chunks_mut(classes.len()).enumerate() {
                            feats.clear();
                            transition(ex, d, i, p, &mut feats);
                            trainer.predict(&feats, &mut scores);
                            row.copy_from_slice(&scores);
                        }
                    },
                );
                trainer.tick();
                let truth = &truth[segment];
                sequence_differences(truth, &out, |j, class, _| {
                    let i = start + j;
                    if class {
                        let token = &keys[offsets[j]..offsets[j + 1]];
                        trainer.add(truth[j], token, 1.0);
                        trainer.add(out[j], token, -1.0);
                    }
                    let gold_prev = j.checked_sub(1).map_or(0, |j| truth[j]);
                    let out_prev = j.checked_sub(1).map_or(0, |j| out[j]);
                    feats.clear();
                    transition(ex, d, i, gold_prev, &mut feats);
                    trainer.add(truth[j], &feats, 1.0);
                    feats.clear();
                    transition(ex, d, i, out_prev, &mut feats);
                    trainer.add(out[j], &feats, -1.0);
                });
            }
        }
    }
    trainer.finish(meta, 0.0)
}

/// How many keys `content_tag_features` makes.
const CONTENT_TAG_FEATURES: usize = 5;

/// Features of the second source/cue layer that read the content layer's tags.
fn content_tag_features(content: &[usize], i: usize, small: &Small, out: &mut Vec<u64>) {
    let small = small.keys;
    let [m2, m1, c0, p1, p2] = [-2, -1, 0, 1, 2].map(|k| tag_index(content_tag(content, i, k)));
    out.extend_from_slice(&[
        small.tag[3][c0],
        small.tag_pair[4][m1][p1],
        small.tag_pair[5][m2][p2],
        small.tag_pair[6][p1][c0],
        small.tag_pair[7][m1][c0],
    ]);
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
            "structured_epochs": options.structured_epochs,
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
                |ex, _, i, f| base_features(&ex.info, &ex.dist, i, &Small::formulas(), f),
                |ex, _, i, p, f| sc_transition(&ex.info[i], p, f),
                |ex| &ex.gold.sc,
            )
        };
        let predict_sc = |model: &Model, d: usize| {
            let ex = &examples[d];
            predict_layer(
                model,
                &SC_CLASSES,
                ex.info.len(),
                |i, f| base_features(&ex.info, &ex.dist, i, &Small::formulas(), f),
                |i, p, f| sc_transition(&ex.info[i], p, f),
            )
        };
        let sc_jk = jackknife(&train_sc, &predict_sc);
        let sc_dists: Vec<Vec<[u64; 4]>> = examples
            .iter()
            .zip(&sc_jk)
            .map(|(ex, tags)| sc_distances(&ex.sentences, &ex.info, tags))
            .collect();
        let ct_emission = |ex: &Example, d: usize, i: usize, f: &mut Vec<u64>| {
            let small = Small::formulas();
            base_features(&ex.info, &ex.dist, i, &small, f);
            content_features(&ex.info, &sc_jk[d], &sc_dists[d], i, &small, f);
        };
        let train_ct = |docs: &[usize]| {
            train_layer_greedy(
                examples,
                docs,
                &CT_CLASSES,
                options,
                1000,
                serde_json::json!({"task": "PolNeAR attribution: content layer"}),
                |ex, d, i, tags, f| {
                    ct_emission(ex, d, i, f);
                    ct_history(&ex.info, &sc_jk[d], i, tags, f);
                },
                |ex| &ex.gold.content,
            )
        };
        let predict_ct = |model: &Model, d: usize| {
            let ex = &examples[d];
            let mut f = Vec::with_capacity(96);
            decode_greedy(
                &CT_CLASSES,
                ex.info.len(),
                |_| true,
                |i, tags, scores| {
                    f.clear();
                    ct_emission(ex, d, i, &mut f);
                    ct_history(&ex.info, &sc_jk[d], i, tags, &mut f);
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
            |ex, d, i, f| {
                ct_emission(ex, d, i, f);
                content_tag_features(&ct_jk[d], i, &Small::formulas(), f);
            },
            |ex, d, i, p, f| sc2_transition(&ex.info, &ct_jk[d], i, p, f),
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
        let weights = Weights::new(&sc, &content, &sc2)?;
        let slots = small_keys().map(|key| weights.slot_or_zero(key) as u64);
        Ok(Tagger {
            lexicon: Lexicon::from_data(data),
            clusters,
            weights,
            slots,
        })
    }

    /// The small-domain features' entries as slots of the weight table.
    fn small(&self) -> Small<'_> {
        Small {
            keys: &self.slots,
            weights: Some(&self.weights),
        }
    }

    /// Each role's token spans. No feature's key depends on the layer's own decoding (the
    /// transition features are made for every previous class), so every key of a layer is
    /// known before it is decoded and looked up in batches, prefetched. The base features
    /// do not depend on any layer's tags: their keys are made once and summed once for all
    /// three passes; the source/cue layers share their transition keys too. The content
    /// pass and the second source/cue pass run only on sentences near one where the first
    /// pass found a source or cue: content sits beside its cue.
    pub fn role_spans(&self, view: &View) -> RoleSpans {
        const CT_K: usize = CT_CLASSES.len();
        let info = infos(view, &self.clusters);
        let dist = cue_distances(view, |i| view.is_speech_cue(i));
        let n = info.len();
        let small = self.small();
        let mut keys = Vec::with_capacity(n * BASE_FEATURES);
        for i in 0..n {
            base_features(&info, &dist, i, &small, &mut keys);
        }
        let all: Vec<usize> = (0..n).collect();
        let mut sums = vec![[0.0; weights::CLASSES]; n];
        self.weights
            .add_runs(&keys, &BASE_RESOLVED, &all, &mut sums);
        for (t, sums) in view.tokens.iter().zip(&mut sums) {
            if t.line_start {
                no_span_across_lines(&mut sums[weights::SC]);
                no_span_across_lines(&mut sums[weights::SC2]);
            }
        }
        // Transition scores. Their features have a small domain (the previous class with
        // the POS, quote state and cue class), so they are summed once per combination
        // the article holds, for both source/cue layers: `transitions[combo]`, rows by
        // previous class.
        // The ids are mixed already: the map need not hash them again.
        let mut combos: CombinationMap = CombinationMap::default();
        let mut combo_of = Vec::with_capacity(n);
        let mut ct_keys = CtHistoryKeys::new(&info);
        keys.clear();
        for t in &info {
            let id = mix(t.pos ^ mix(t.quote << 8 | t.cue));
            let next = combos.len();
            let combo = *combos.entry(id).or_insert(next);
            if combo == next {
                for p in 0..SC_K {
                    sc_transition(t, p, &mut keys);
                }
                ct_keys.add_combo(t);
            }
            combo_of.push(combo);
        }
        let combo_rows: Vec<usize> = (0..combos.len() * SC_K).collect();
        let mut combo_sums = vec![[0.0; weights::CLASSES]; combo_rows.len()];
        self.weights.add_runs(
            &keys,
            &[false; HISTORY_FEATURES],
            &combo_rows,
            &mut combo_sums,
        );
        let layer_rows = |layer: Range<usize>| -> Vec<[f32; SC_K * SC_K]> {
            combo_sums
                .chunks_exact(SC_K)
                .map(|sums| {
                    let mut rows = [0.0; SC_K * SC_K];
                    for (row, sums) in rows.chunks_exact_mut(SC_K).zip(sums) {
                        row.copy_from_slice(&sums[layer.clone()]);
                    }
                    rows
                })
                .collect()
        };
        let sc_rows = layer_rows(weights::SC);
        let sc = viterbi_sc(n, |i, token, rows| {
            token.copy_from_slice(&sums[i][weights::SC]);
            *rows = sc_rows[combo_of[i]];
            true
        });
        let near = near_attributions(view, &sc);
        let active: Vec<usize> = (0..n).filter(|&i| near[view.tokens[i].sentence]).collect();
        let is_active = |i: usize| near[view.tokens[i].sentence];
        let sc_dist = sc_distances(&view.sentences, &info, &sc);
        // The content and second source/cue layers share these keys (templates 40–49).
        // The content layer's base sums, for the tokens it tags again after the second pass.
        let base_content: Vec<[f32; CT_K]> = sums
            .iter()
            .map(|s| std::array::from_fn(|c| s[weights::CONTENT.start + c]))
            .collect();
        keys.clear();
        for &i in &active {
            content_features(&info, &sc, &sc_dist, i, &small, &mut keys);
        }
        self.weights
            .add_runs(&keys, &CONTENT_RESOLVED, &active, &mut sums);
        let content = {
            // The next token's previous-tag × word keys, for every tag it may follow, are
            // fetched while this token is scored: they are the history keys likely to
            // miss the cache.
            decode_greedy(&CT_CLASSES, n, is_active, |i, tags, scores| {
                ct_keys.prefetch(&self.weights, i + 1);
                let feats = ct_keys.keys(i, combo_of[i], tags, sc[i]);
                scores.clear();
                scores.extend_from_slice(&sums[i][weights::CONTENT]);
                self.weights.add(&feats, weights::CONTENT, scores);
            })
        };
        // What the second pass reads: the content spans run on to their closing quote
        // marks, as the output's will (`edges`).
        let content_seen = {
            let mut tags = content.clone();
            for mut span in spans_of(&content, B_CONTENT) {
                let end = span.end;
                super::edges::to_closing_mark(&view.tokens, &mut span);
                for tag in &mut tags[end..span.end] {
                    *tag = B_CONTENT + 1;
                }
            }
            tags
        };
        keys.clear();
        for &i in &active {
            content_tag_features(&content_seen, i, &small, &mut keys);
        }
        self.weights
            .add_runs(&keys, &CONTENT_TAG_RESOLVED, &active, &mut sums);
        // The second pass's previous class × content tag: for each content tag, the
        // transition scores it adds.
        let sc2_content: Vec<[f32; SC_K * SC_K]> = (0..CT_K)
            .map(|ct| {
                let mut rows = [0.0; SC_K * SC_K];
                for (p, row) in rows.chunks_exact_mut(SC_K).enumerate() {
                    if let Some(w) = self.weights.get(sc2_content_key(p, ct as u64)) {
                        row.copy_from_slice(&w[weights::SC2]);
                    }
                }
                rows
            })
            .collect();
        let sc2_rows = layer_rows(weights::SC2);
        let sc2 = viterbi_sc(n, |i, token, rows| {
            if !is_active(i) {
                return false;
            }
            token.copy_from_slice(&sums[i][weights::SC2]);
            let extra = &sc2_content[content_seen[i]];
            for ((out, w), e) in rows.iter_mut().zip(&sc2_rows[combo_of[i]]).zip(extra) {
                *out = w + e;
            }
            true
        });
        let content = self.content_again(
            view,
            &info,
            (&ct_keys, &combo_of),
            [&sc, &sc2],
            &sc_dist,
            &near,
            &content,
            &base_content,
            &sums,
            &mut keys,
        );
        let mut spans = RoleSpans {
            sources: spans_of(&sc2, B_SOURCE),
            cues: cues_of_both_passes(&sc, &sc2, &content),
            contents: spans_of(&content, B_CONTENT),
        };
        super::edges::apply(&view.tokens, &mut spans);
        spans
    }

    /// The content layer again, reading the second source/cue pass's tags instead of the
    /// first's (the same weights; the second pass's tags are better: PolNeAR dev content
    /// +0.3 exact F1 with seeds 1 and 2). Only tokens whose content features change are
    /// scored again (their features read the source/cue tags two tokens either side and
    /// the nearest cue in the sentence, `first_dist`), and a token is decoded again only
    /// when it changed or the two tags before it did: the cost is a small fraction of a
    /// content pass. `sums` holds the first content pass's emission scores, `base_content`
    /// their base part.
    #[allow(clippy::too_many_arguments)] // the pass's inputs, computed by `role_spans`
    fn content_again(
        &self,
        view: &View,
        info: &[TokenInfo],
        (ct_keys, combo_of): (&CtHistoryKeys, &[usize]),
        [first, second]: [&[usize]; 2],
        first_dist: &[[u64; 4]],
        near: &[bool],
        content: &[usize],
        base_content: &[[f32; CT_CLASSES.len()]],
        sums: &[[f32; weights::CLASSES]],
        keys: &mut Vec<u64>,
    ) -> Vec<usize> {
        let n = info.len();
        if first == second {
            return content.to_vec();
        }
        let sentence_of = |j: usize| view.tokens[j].sentence;
        let near2 = near_attributions(view, second);
        let dist = sc_distances(&view.sentences, info, second);
        let tags_differ =
            |i: usize| (i.saturating_sub(2)..(i + 3).min(n)).any(|j| first[j] != second[j]);
        let changed: Vec<bool> = (0..n)
            .map(|i| {
                let s = sentence_of(i);
                near[s] != near2[s] || (near2[s] && (dist[i] != first_dist[i] || tags_differ(i)))
            })
            .collect();
        let redo: Vec<usize> = (0..n)
            .filter(|&i| changed[i] && near2[sentence_of(i)])
            .collect();
        keys.clear();
        let small = self.small();
        for &i in &redo {
            content_features(info, second, &dist, i, &small, keys);
        }
        let mut fresh: Vec<[f32; weights::CLASSES]> = redo
            .iter()
            .map(|&i| {
                let mut row = [0.0; weights::CLASSES];
                row[weights::CONTENT].copy_from_slice(&base_content[i]);
                row
            })
            .collect();
        let rows: Vec<usize> = (0..redo.len()).collect();
        self.weights
            .add_runs(keys, &CONTENT_RESOLVED, &rows, &mut fresh);
        let allowed = transitions(&CT_CLASSES);
        let mut tags: Vec<usize> = Vec::with_capacity(n);
        let mut scores = Vec::with_capacity(CT_CLASSES.len());
        let mut fresh = fresh.iter();
        for i in 0..n {
            let active = near2[sentence_of(i)];
            let emission = if changed[i] && active {
                fresh.next().map(|row| &row[weights::CONTENT])
            } else {
                None
            };
            if !active || (emission.is_none() && previous(&tags) == previous(&content[..i])) {
                // Inactive, or scored as in the first run from the same history.
                tags.push(if active { content[i] } else { 0 });
                continue;
            }
            ct_keys.prefetch(&self.weights, i + 1);
            scores.clear();
            scores.extend_from_slice(emission.unwrap_or(&sums[i][weights::CONTENT]));
            let feats = ct_keys.keys(i, combo_of[i], &tags, second[i]);
            self.weights.add(&feats, weights::CONTENT, &mut scores);
            let prev = tags.last().copied().unwrap_or(0);
            tags.push(best_allowed(allowed[prev], &scores));
        }
        tags
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

    /// The content layer's cue context: distance to the nearest predicted cue on each
    /// side and that cue's head, the last verb of its span (not the word it ends on).
    #[test]
    fn cue_distances_carry_the_cue_head() {
        let (text, layers) = layers();
        let lexicon = Lexicon::from_data(LexiconData::default());
        let view = View::new(&text, &layers, &lexicon, Vec::new());
        let info = infos(&view, &WordClusters::default());
        // "Ann" source, "said it" one cue span, "rains ." outside.
        let sc = [1, 3, 4, 0, 0];
        let dist = sc_distances(&view.sentences, &info, &sc);
        let said = hash_str("said");
        assert_eq!(dist[0], [99, bucket(1), OUTSIDE, said]);
        assert_eq!(dist[3][0], bucket(1));
        assert_eq!(
            dist[3][2], said,
            "the head is the span's verb, not its last word"
        );
        assert_eq!(
            (dist[3][1], dist[3][3]),
            (99, OUTSIDE),
            "no cue to the right"
        );
    }

    #[test]
    fn first_pass_cues_fill_in_where_the_second_pass_and_content_are_silent() {
        // Classes: 0 O, 1/2 B/I-Source, 3/4 B-I-Cue; content 0 O, 1/2 B/I-Content.
        let first = [3, 0, 3, 4, 0, 3, 0, 3, 0];
        let second = [3, 0, 0, 0, 0, 1, 0, 0, 0];
        let content = [0, 0, 0, 0, 0, 0, 0, 1, 2];
        // Token 0: both passes; 2–3: first pass only, kept; 5: the second pass made it a
        // source; 7: inside content.
        assert_eq!(
            cues_of_both_passes(&first, &second, &content),
            vec![0..1, 2..4]
        );
        assert_eq!(cues_of_both_passes(&second, &second, &content), vec![0..1]);
    }

    #[test]
    fn spans_follow_the_class_names() {
        assert_eq!(
            [SC_CLASSES[B_SOURCE], SC_CLASSES[B_SOURCE + 1]],
            ["B-Source", "I-Source"]
        );
        assert_eq!(
            [SC_CLASSES[B_CUE], SC_CLASSES[B_CUE + 1]],
            ["B-Cue", "I-Cue"]
        );
        assert_eq!(
            [CT_CLASSES[B_CONTENT], CT_CLASSES[B_CONTENT + 1]],
            ["B-Content", "I-Content"]
        );
        // Source 0–2, cue 2–3, a cue right after a cue, a source running to the end.
        let tags = [1, 2, 3, 3, 4, 0, 1];
        assert_eq!(spans_of(&tags, B_SOURCE), vec![0..2, 6..7]);
        assert_eq!(spans_of(&tags, B_CUE), vec![2..3, 3..5]);
    }

    #[test]
    fn no_source_or_cue_continues_on_a_new_line() {
        let mut scores = vec![0.0, 1.0, 5.0, 2.0, 6.0];
        no_span_across_lines(&mut scores);
        assert_eq!(best_allowed(transitions(&SC_CLASSES)[2], &scores), 3);
        assert_eq!(scores[..2], [0.0, 1.0]);
    }

    /// The precomputed keys are the ones the features' formulas give (a wrong entry
    /// would silently read another feature's weights).
    #[test]
    fn small_keys_match_the_formulas() {
        let small = small_keys();
        let tags = [0, 1, 2, 3, 4, OUTSIDE];
        for &a in &tags {
            assert_eq!(small.tag[0][tag_index(a)], key(40, a));
            assert_eq!(small.tag[3][tag_index(a)], key(100, a));
            for &b in &tags {
                let (i, j) = (tag_index(a), tag_index(b));
                assert_eq!(small.tag_pair[0][i][j], key(43, a * 8 + b));
                assert_eq!(small.tag_pair[3][i][j], key(49, a * 64 + b));
                assert_eq!(small.tag_pair[7][i][j], key(104, a * 8 + b));
            }
        }
        let dists = [0, 3, 7, 99];
        for &l in &dists {
            for &r in &dists {
                let (i, j) = (dist_index(l), dist_index(r));
                assert_eq!(small.dist_pair[i][j], key(47, l * 100 + r));
                assert_eq!(small.cue_dist_pair[i][j], key(27, l * 100 + r));
                assert_eq!(
                    small.quote_dist[2][l.min(9) as usize][r.min(9) as usize],
                    key(32, 200 + l.min(9) * 10 + r.min(9))
                );
            }
        }
        for &q in &[1, 2, 3, OUTSIDE] {
            assert_eq!(small.quote_pair[quote_index(q)][2], key(22, q * 8 + 2));
        }
        assert_eq!(small.span[3][5], key(37, 3 * 16 + 5));
        assert_eq!(small.end_quote[6][7], key(53, 6 * 8 + 7));
        assert_eq!(small.bias, key(1, 0));
        // Cue and entity codes: by value, outside the article, and past the table.
        for (f, template) in (13..=17).enumerate() {
            assert_eq!(
                code_key(&small.cue[f], template, Some(12)),
                Ok(key(template, 12))
            );
            assert_eq!(
                code_key(&small.cue[f], template, None),
                Ok(key(template, OUTSIDE))
            );
            assert_eq!(
                code_key(&small.cue[f], template, Some(40)),
                Err(key(template, 40))
            );
        }
        for (f, template) in (18..=20).enumerate() {
            assert_eq!(
                code_key(&small.entity[f], template, Some(0)),
                Ok(key(template, 0))
            );
            assert_eq!(
                code_key(&small.entity[f], template, None),
                Ok(key(template, OUTSIDE))
            );
        }
        assert_eq!(small.shape[17], key(23, 17));
        for &l in &dists {
            assert_eq!(
                small.cue_end_quote[dist_index(l)][5][2],
                key(108, l * 64 + 5 * 8 + 2)
            );
            for &o in &[0, 13, 31, 99] {
                for &t in &tags {
                    let (o_i, t_i) = (opener_index(o), tag_index(t));
                    assert_eq!(small.opener_tag[o_i][t_i], key(109, o * 64 + t));
                    assert_eq!(
                        small.opener_cue_tag[o_i][dist_index(l)][t_i],
                        key(110, o * 128 + l * 8 + t)
                    );
                }
            }
        }
        assert_eq!(small.shape_pair[0][63][5], key(92, 63 * 64 + 5));
        assert_eq!(small.shape_pair[1][2][62], key(93, 2 * 64 + 62));
    }

    /// The content history keys made once per article are the ones `ct_history` makes
    /// (in its order: the scores must sum exactly as in training), for every token,
    /// history and source/cue tag.
    #[test]
    fn content_history_keys_match_ct_history() {
        let (text, layers) = layers();
        let data = LexiconData {
            verbs: vec![("said".into(), "say".into(), "neutral".into())],
            ..LexiconData::default()
        };
        let lexicon = Lexicon::from_data(data);
        let view = View::new(&text, &layers, &lexicon, Vec::new());
        let info = infos(&view, &WordClusters::default());
        let mut ct_keys = CtHistoryKeys::new(&info);
        for t in &info {
            ct_keys.add_combo(t);
        }
        let mut expected = Vec::new();
        for i in 0..info.len() {
            for history in [vec![], vec![2], vec![0, 1], vec![1, 2], vec![2, 0]] {
                for sc in 0..SC_CLASSES.len() {
                    let mut sc_tags = vec![0; info.len()];
                    sc_tags[i] = sc;
                    expected.clear();
                    ct_history(&info, &sc_tags, i, &history, &mut expected);
                    assert_eq!(ct_keys.keys(i, i, &history, sc)[..], expected[..]);
                }
            }
        }
    }

    /// Tagging's source/cue Viterbi decides as the shared one (`decode`) does, ties and
    /// inactive tokens included, on scores drawn from a few values so that ties are common.
    #[test]
    fn viterbi_sc_decodes_as_the_shared_viterbi() {
        let mut state = 7u64;
        let mut draw = || {
            state = mix(state);
            [-2.0, -1.0, 0.0, 0.5, 1.0, 3.0][(state % 6) as usize]
        };
        for n in [0, 1, 2, 7, 40] {
            let tokens: Vec<[f32; SC_K]> =
                (0..n).map(|_| std::array::from_fn(|_| draw())).collect();
            let rows: Vec<[f32; SC_K * SC_K]> =
                (0..n).map(|_| std::array::from_fn(|_| draw())).collect();
            let active: Vec<bool> = (0..n).map(|i| i % 5 != 3).collect();
            let shared = decode(
                &SC_CLASSES,
                0..n,
                |i| active[i],
                |i, token| {
                    token.clear();
                    token.extend_from_slice(&tokens[i]);
                },
                |i, out| out.copy_from_slice(&rows[i]),
            );
            let fast = viterbi_sc(n, |i, token, out| {
                *token = tokens[i];
                *out = rows[i];
                active[i]
            });
            assert_eq!(fast, shared, "{n} tokens");
        }
    }

    /// Tagging's entries are the formulas' keys, except at the places the masks mark, which
    /// hold the slots those keys lead to (a wrong mask would read a key as a slot, or
    /// probe for a slot number). Run from `trains_saves_loads_and_tags` (training in two
    /// tests at once would share the model's temporary folder).
    fn check_resolved_entries(tagger: &Tagger, text: &str, layers: &Layers) {
        let view = View::new(text, layers, tagger.lexicon(), Vec::new());
        let info = infos(&view, &WordClusters::default());
        let dist = cue_distances(&view, |i| view.is_speech_cue(i));
        let slot = |key| tagger.weights.slot_or_zero(key) as u64;
        let check = |formulas: &[u64], resolved: &[u64], mask: &[bool]| {
            for ((run, given), _) in formulas
                .chunks(mask.len())
                .zip(resolved.chunks(mask.len()))
                .zip(0..)
            {
                for ((&key, &entry), &is_slot) in run.iter().zip(given).zip(mask) {
                    assert_eq!(entry, if is_slot { slot(key) } else { key });
                }
            }
        };
        let sc = [1, 3, 4, 0, 0];
        let sc_dist = sc_distances(&view.sentences, &info, &sc);
        let content = [0, 0, 1, 2, 0];
        for i in 0..info.len() {
            let (mut a, mut b) = (Vec::new(), Vec::new());
            base_features(&info, &dist, i, &Small::formulas(), &mut a);
            base_features(&info, &dist, i, &tagger.small(), &mut b);
            check(&a, &b, &BASE_RESOLVED);
            let (mut a, mut b) = (Vec::new(), Vec::new());
            content_features(&info, &sc, &sc_dist, i, &Small::formulas(), &mut a);
            content_features(&info, &sc, &sc_dist, i, &tagger.small(), &mut b);
            check(&a, &b, &CONTENT_RESOLVED);
            let (mut a, mut b) = (Vec::new(), Vec::new());
            content_tag_features(&content, i, &Small::formulas(), &mut a);
            content_tag_features(&content, i, &tagger.small(), &mut b);
            check(&a, &b, &CONTENT_TAG_RESOLVED);
        }
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
        let options = TrainOptions {
            epochs: 3,
            structured_epochs: 3,
            seed: 1,
        };
        let bytes = Tagger::train(&examples, data, clusters, &options).unwrap();
        let loaded = Tagger::from_bytes(&bytes).unwrap();
        check_resolved_entries(&loaded, &text, &layers);
        let view = View::new(&text, &layers, loaded.lexicon(), Vec::new());
        let attributions = loaded.tag(&view);
        assert_eq!(attributions.len(), 1);
        assert_eq!(attributions[0].content, (9, 17));
        assert_eq!(attributions[0].cue, Some((4, 8)));
        assert_eq!(attributions[0].source, Some((0, 3)));
        assert!(Tagger::from_bytes(b"STLQUOT2\x05").is_err());
    }
}
