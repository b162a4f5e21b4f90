//! The averaged perceptron shared by the POS tagger, the entity recogniser and the quote
//! tagger: hashed sparse features, multi-class weights, training with weight averaging, a
//! compact model file, and first-order Viterbi decoding for the structured taggers.
//!
//! Written here rather than taken from a crate because the parts that matter are ours to
//! choose: a stable feature hash (models are files that must load the same everywhere),
//! sparse per-feature rows (most features only ever touch two or three classes), and a file
//! that loads in milliseconds.

use std::hash::{BuildHasherDefault, Hasher};
use std::io::{self, Read, Write};
use std::path::Path;

use hashbrown::HashMap;
use serde::{Deserialize, Serialize};

/// Feature keys are already xxh3 hashes: the table uses them as they are.
#[derive(Default)]
pub struct IdentityHasher(u64);

impl Hasher for IdentityHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Only u64 keys are hashed; this path exists for completeness.
        for &b in bytes {
            self.0 = (self.0 << 8) ^ u64::from(b) ^ (self.0 >> 56);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type KeyMap<V> = HashMap<u64, V, BuildHasherDefault<IdentityHasher>>;

/// Builds hashed feature keys without allocating per feature: `template` names the feature
/// kind ("w", "suffix3", "w-1|w"), `value` its value. Keys are xxh3-64 of
/// `template 0x1f value`, stable across platforms and releases.
#[derive(Default)]
pub struct Features {
    keys: Vec<u64>,
    buffer: Vec<u8>,
}

impl Features {
    pub fn clear(&mut self) {
        self.keys.clear();
    }

    pub fn add(&mut self, template: &str, value: &str) {
        self.buffer.clear();
        self.buffer.extend_from_slice(template.as_bytes());
        self.buffer.push(0x1f);
        self.buffer.extend_from_slice(value.as_bytes());
        self.keys.push(xxhash_rust::xxh3::xxh3_64(&self.buffer));
    }

    /// A feature of two values (a conjunction such as previous tag and word).
    pub fn add2(&mut self, template: &str, a: &str, b: &str) {
        self.buffer.clear();
        self.buffer.extend_from_slice(template.as_bytes());
        self.buffer.push(0x1f);
        self.buffer.extend_from_slice(a.as_bytes());
        self.buffer.push(0x1f);
        self.buffer.extend_from_slice(b.as_bytes());
        self.keys.push(xxhash_rust::xxh3::xxh3_64(&self.buffer));
    }

    /// A feature whose key bytes the caller writes (for values made of several parts, without
    /// building a string first). The bytes must be what [`Features::add`] would hash for the
    /// same feature, `template 0x1f value`.
    pub fn add_with(&mut self, write: impl FnOnce(&mut Vec<u8>)) {
        self.buffer.clear();
        write(&mut self.buffer);
        self.keys.push(xxhash_rust::xxh3::xxh3_64(&self.buffer));
    }

    /// Appends keys computed elsewhere.
    pub fn extend(&mut self, keys: &[u64]) {
        self.keys.extend_from_slice(keys);
    }

    pub fn keys(&self) -> &[u64] {
        &self.keys
    }
}

/// A trained model: for each feature key, a sparse row of (class, weight), kept in one flat
/// table built for lookups that miss the cache.
///
/// Scoring a token looks up 50–100 feature keys in tables of megabytes, at random places, so
/// the time goes on cache misses, not arithmetic. Each slot holds the key and the first
/// [`INLINE`] weights of its row (all of them for nine rows in ten): a lookup touches one
/// cache line, where a general hash map touches its control bytes, its bucket and then the
/// row. Slots are sorted by key and a key's home line is monotone in the key (multiply-shift
/// of the whole key), so a key sits in its home line or just after it, behind smaller keys
/// only: a search stops at the first larger key or empty slot, and misses (every feature the
/// model never saw) are as short as hits. The on-disk format is unchanged: the table is
/// built at load.
pub struct Model {
    classes: Vec<String>,
    /// Slots, two to a cache line; sorted by key, empty ones in between.
    lines: Vec<Line>,
    /// Lines a key can call home: `lines` has these plus the run-off at the end (whose last
    /// slot is always empty).
    homes: u64,
    /// The weights of long rows after their first [`INLINE`]: (class, weight), in file order.
    spill: Vec<(u8, f32)>,
    /// What a key the model does not know adds: nothing.
    miss: Slot,
    features: usize,
    meta: serde_json::Value,
}

/// Weights a slot holds itself; longer rows live in `Model::spill`.
const INLINE: usize = 4;

/// Slots per feature: at a load of 0.75 a search reads 1.7 lines on average (simulated; a
/// lower load measured no faster, the table only grows).
const SLOTS_PER_FEATURE: f64 = 4.0 / 3.0;

/// Keys whose lines are fetched together: enough misses in flight to hide memory latency,
/// few enough that the lines are still in L1 when their turn comes. The tagger's speed test,
/// alternating builds on the shared machine: 32 beat 8, 16 and 64.
const CHUNK: usize = 32;

/// Two slots, one cache line: a key's home is a line, so a search that starts in the second
/// slot of a line cannot cost a second line.
#[derive(Clone, Copy)]
#[repr(C, align(64))]
struct Line([Slot; 2]);

#[derive(Clone, Copy)]
#[repr(C)]
struct Slot {
    key: u64,
    /// Weights in the row; 0 marks an empty slot (whose key is `u64::MAX`, larger than any
    /// key a search can pass).
    len: u8,
    /// Where the rest of a row longer than [`INLINE`] starts in `spill`, 24-bit
    /// little-endian.
    spill: [u8; 3],
    /// The row's first weights and their classes. Unused entries add 0.0 to class `j`:
    /// adding +0.0 leaves every sum as it was (no sum is -0.0, as no weight is), and lets
    /// every lookup add four weights without a branch on the row's length.
    classes: [u8; INLINE],
    weights: [f32; INLINE],
}

/// Spilled weights a model can hold: the 24-bit start in [`Slot::spill`].
const MAX_SPILL: usize = 1 << 24;

/// An empty slot for a model of `classes` classes; also what a missing key adds.
fn empty_slot(classes: usize) -> Slot {
    Slot {
        key: u64::MAX,
        len: 0,
        spill: [0; 3],
        classes: std::array::from_fn(|j| (j % classes.max(1)) as u8),
        weights: [0.0; INLINE],
    }
}

const MAGIC: &[u8; 8] = b"STLPERC1";

#[derive(Serialize, Deserialize)]
struct Header {
    classes: Vec<String>,
    meta: serde_json::Value,
    features: u64,
}

impl Model {
    /// Builds the table from rows sorted by key, each key once, no row empty.
    fn from_sorted_rows<'a>(
        classes: Vec<String>,
        meta: serde_json::Value,
        rows: impl ExactSizeIterator<Item = (u64, &'a [(u8, f32)])>,
    ) -> Model {
        let features = rows.len();
        let homes = ((features as f64 * SLOTS_PER_FEATURE / 2.0) as u64).max(1);
        let empty = empty_slot(classes.len());
        let mut lines = vec![Line([empty; 2]); homes as usize];
        let mut spill = Vec::new();
        let mut next = 0;
        for (key, row) in rows {
            debug_assert!(!row.is_empty() && row.len() <= 255);
            let at = (2 * home(key, homes)).max(next);
            if at == 2 * lines.len() {
                lines.push(Line([empty; 2]));
            }
            let slot = &mut lines[at / 2].0[at % 2];
            slot.key = key;
            slot.len = row.len() as u8;
            let (inline, rest) = row.split_at(row.len().min(INLINE));
            for (i, &(class, weight)) in inline.iter().enumerate() {
                slot.classes[i] = class;
                slot.weights[i] = weight;
            }
            if !rest.is_empty() {
                assert!(spill.len() + rest.len() <= MAX_SPILL, "model too large");
                slot.spill
                    .copy_from_slice(&(spill.len() as u32).to_le_bytes()[..3]);
                spill.extend_from_slice(rest);
            }
            next = at + 1;
        }
        // The sentinel that ends a search running off the last home line.
        if next == 2 * lines.len() {
            lines.push(Line([empty; 2]));
        }
        Model {
            classes,
            lines,
            homes,
            spill,
            miss: empty,
            features,
            meta,
        }
    }

    pub fn classes(&self) -> &[String] {
        &self.classes
    }

    pub fn class_index(&self, name: &str) -> Option<usize> {
        self.classes.iter().position(|c| c == name)
    }

    /// What the trainer recorded: data, settings, dev scores.
    pub fn meta(&self) -> &serde_json::Value {
        &self.meta
    }

    pub fn feature_count(&self) -> usize {
        self.features
    }

    /// The slot of `key`, or [`Model::miss`].
    fn find(&self, key: u64) -> &Slot {
        let mut at = 2 * home(key, self.homes);
        loop {
            let slot = &self.lines[at / 2].0[at % 2];
            if slot.key >= key {
                return if slot.key == key && slot.len != 0 {
                    slot
                } else {
                    &self.miss
                };
            }
            at += 1;
        }
    }

    /// The weights of a long row after its first [`INLINE`].
    fn spilled(&self, slot: &Slot) -> &[(u8, f32)] {
        let len = (slot.len as usize).saturating_sub(INLINE);
        let [a, b, c] = slot.spill;
        let start = u32::from_le_bytes([a, b, c, 0]) as usize;
        &self.spill[start..start + len]
    }

    /// A slot's weights as (class, weight) pairs, in file order.
    fn row<'a>(&'a self, slot: &'a Slot) -> impl Iterator<Item = (u8, f32)> + 'a {
        let inline = (slot.len as usize).min(INLINE);
        slot.classes[..inline]
            .iter()
            .copied()
            .zip(slot.weights)
            .chain(self.spilled(slot).iter().copied())
    }

    fn rows(&self) -> impl Iterator<Item = (u64, Vec<(u8, f32)>)> + '_ {
        self.lines
            .iter()
            .flat_map(|line| &line.0)
            .filter(|slot| slot.len != 0)
            .map(|slot| (slot.key, self.row(slot).collect()))
    }

    /// Asks the memory system for the cache line holding `value` before it is needed.
    #[inline(always)]
    fn prefetch<T>(&self, value: &T) {
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
            let address: *const T = value;
            // SAFETY: SSE is part of the x86_64 baseline, and a prefetch is a hint that never
            // faults and changes no result (the address is a live value anyway).
            unsafe { _mm_prefetch::<_MM_HINT_T0>(address.cast()) };
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = value;
    }

    /// Adds each feature's weights to `scores` (one slot per class, caller-zeroed), in
    /// feature order, so the sums are the same to the bit whatever the table layout.
    ///
    /// Features go in chunks: first every key's home line is prefetched, then the slots are
    /// found (the lines arrive together rather than one after another) and long rows'
    /// weights prefetched in turn, then the weights are added.
    pub fn add_scores(&self, features: &[u64], scores: &mut [f32]) {
        let mut found: [&Slot; CHUNK] = [&self.miss; CHUNK];
        for chunk in features.chunks(CHUNK) {
            for &key in chunk {
                self.prefetch(&self.lines[home(key, self.homes)]);
            }
            for (&key, found) in chunk.iter().zip(&mut found) {
                *found = self.find(key);
                if found.len as usize > INLINE {
                    self.prefetch(&self.spilled(found)[0]);
                }
            }
            for slot in &found[..chunk.len()] {
                for j in 0..INLINE {
                    scores[slot.classes[j] as usize] += slot.weights[j];
                }
                if slot.len as usize > INLINE {
                    for &(class, weight) in self.spilled(slot) {
                        scores[class as usize] += weight;
                    }
                }
            }
        }
    }

    /// One table answering for two models that are looked up with the same keys: its classes
    /// are `first`'s and then `second`'s, and a key's row holds both rows (the second's
    /// classes shifted). One lookup then scores both models, and each half of the scores is
    /// the same to the bit as scoring its model alone (rows add their classes' weights in
    /// feature order either way).
    pub fn stacked(first: &Model, second: &Model) -> Model {
        let shift = first.classes.len();
        assert!(
            shift + second.classes.len() <= usize::from(u8::MAX),
            "too many classes to stack"
        );
        let classes = first
            .classes
            .iter()
            .chain(&second.classes)
            .cloned()
            .collect();
        // Both `rows()` come out sorted by key: merge them.
        let shift = shift as u8;
        let (mut a, mut b) = (first.rows().peekable(), second.rows().peekable());
        let mut rows = Vec::new();
        while let Some(key) = [a.peek(), b.peek()]
            .into_iter()
            .flatten()
            .map(|r| r.0)
            .min()
        {
            let mut row = a.next_if(|r| r.0 == key).map(|r| r.1).unwrap_or_default();
            if let Some((_, other)) = b.next_if(|r| r.0 == key) {
                row.extend(
                    other
                        .into_iter()
                        .map(|(class, weight)| (class + shift, weight)),
                );
            }
            rows.push((key, row));
        }
        Model::from_sorted_rows(
            classes,
            serde_json::Value::Null,
            rows.iter().map(|(key, row)| (*key, &row[..])),
        )
    }

    /// Drops weights smaller than `min_weight` in magnitude, and the rows left empty: the
    /// same model [`Trainer::finish`] would have produced with that threshold.
    pub fn prune(&mut self, min_weight: f32) {
        let rows: Vec<(u64, Vec<(u8, f32)>)> = self
            .rows()
            .map(|(key, mut row)| {
                row.retain(|(_, weight)| weight.abs() >= min_weight);
                (key, row)
            })
            .filter(|(_, row)| !row.is_empty())
            .collect();
        *self = Model::from_sorted_rows(
            std::mem::take(&mut self.classes),
            std::mem::take(&mut self.meta),
            rows.iter().map(|(key, row)| (*key, &row[..])),
        );
    }

    /// The best class for these features (ties go to the lower class index).
    pub fn predict(&self, features: &[u64], scores: &mut Vec<f32>) -> usize {
        scores.clear();
        scores.resize(self.classes.len(), 0.0);
        self.add_scores(features, scores);
        argmax(scores)
    }

    /// Writes the model: a magic number, then zstd-compressed header JSON and sparse rows,
    /// sorted by key (so the same model always writes the same bytes).
    pub fn save(&self, path: &Path) -> io::Result<()> {
        let mut body = Vec::with_capacity(self.features * 19);
        let header = serde_json::to_vec(&Header {
            classes: self.classes.clone(),
            meta: self.meta.clone(),
            features: self.features as u64,
        })?;
        body.extend_from_slice(&(header.len() as u32).to_le_bytes());
        body.extend_from_slice(&header);
        for (key, row) in self.rows() {
            body.extend_from_slice(&key.to_le_bytes());
            body.push(row.len() as u8);
            for (class, weight) in row {
                body.push(class);
                body.extend_from_slice(&weight.to_le_bytes());
            }
        }
        let mut file = std::fs::File::create(path)?;
        file.write_all(MAGIC)?;
        file.write_all(&zstd::encode_all(&body[..], 19)?)?;
        file.sync_all()
    }

    pub fn load(path: &Path) -> io::Result<Model> {
        let bytes = std::fs::read(path)?;
        Model::from_bytes(&bytes)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))
    }

    pub fn from_bytes(bytes: &[u8]) -> io::Result<Model> {
        let invalid = |what: &str| io::Error::new(io::ErrorKind::InvalidData, what.to_owned());
        let compressed = bytes
            .strip_prefix(MAGIC)
            .ok_or_else(|| invalid("not a storyline perceptron model (bad magic number)"))?;
        let mut body = Vec::new();
        zstd::stream::read::Decoder::new(compressed)?.read_to_end(&mut body)?;
        let mut cursor = Cursor(&body);
        let header_len = u32::from_le_bytes(cursor.take(4)?.try_into().unwrap()) as usize;
        let header: Header = serde_json::from_slice(cursor.take(header_len)?)
            .map_err(|e| invalid(&format!("bad model header: {e}")))?;
        if header.classes.len() > 256 {
            return Err(invalid("more than 256 classes"));
        }
        // (key, start, len) into `params`; rows are read before the table is sized.
        let mut rows: Vec<(u64, usize, usize)> = Vec::new();
        // Checked here, as the table asserts it.
        let too_large = || invalid("model too large: more weights than the table can spill");
        let mut params: Vec<(u8, f32)> = Vec::new();
        for _ in 0..header.features {
            let key = u64::from_le_bytes(cursor.take(8)?.try_into().unwrap());
            let len = cursor.take(1)?[0] as usize;
            let start = params.len();
            for _ in 0..len {
                let entry = cursor.take(5)?;
                if entry[0] as usize >= header.classes.len() {
                    return Err(invalid("weight for an unknown class"));
                }
                params.push((
                    entry[0],
                    f32::from_le_bytes(entry[1..5].try_into().unwrap()),
                ));
            }
            rows.push((key, start, len));
        }
        if params.len() > MAX_SPILL {
            return Err(too_large());
        }
        // Files are written sorted; a repeated key keeps its last row, as a map would.
        rows.sort_by_key(|&(key, _, _)| key);
        let mut unique: Vec<(u64, usize, usize)> = Vec::with_capacity(rows.len());
        for row in rows {
            match unique.last_mut() {
                Some(last) if last.0 == row.0 => *last = row,
                _ => unique.push(row),
            }
        }
        unique.retain(|&(_, _, len)| len > 0);
        Ok(Model::from_sorted_rows(
            header.classes,
            header.meta,
            unique
                .iter()
                .map(|&(key, start, len)| (key, &params[start..start + len])),
        ))
    }
}

/// A key's home line among `homes`: monotone in the key, so sorted keys fill the table in
/// order.
#[inline(always)]
fn home(key: u64, homes: u64) -> usize {
    ((u128::from(key) * u128::from(homes)) >> 64) as usize
}

struct Cursor<'a>(&'a [u8]);

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> io::Result<&'a [u8]> {
        if self.0.len() < n {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "model file is truncated",
            ));
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }
}

pub fn argmax(scores: &[f32]) -> usize {
    let mut best = 0;
    for (i, &score) in scores.iter().enumerate() {
        if score > scores[best] {
            best = i;
        }
    }
    best
}

/// First-order Viterbi decoding of `n` positions over `k` classes, shared by the structured
/// taggers (the entity recogniser, the quote tagger).
///
/// `score(i, token, pairs)` fills `token` with position `i`'s score for each class and
/// `pairs` with its transition scores: row `p` (`pairs[p * k..][..k]`) for a class after
/// class `p`, row `k` for a class that starts the sequence. At `i == 0` only row `k` is
/// read, after that only rows `0..k`. Class `c` after `p` scores `token[c] + pairs[p][c]`;
/// `allows(prev, class, last)` says which classes may follow which (`None`: the start;
/// `last`: the class ends the sequence). Ties go to the lower previous class and, at the
/// end, to the lower class.
pub fn viterbi(
    n: usize,
    k: usize,
    score: impl FnMut(usize, &mut Vec<f32>, &mut Vec<f32>),
    allows: impl Fn(Option<usize>, usize, bool) -> bool,
) -> Vec<usize> {
    // The class counts of the shipped sequence taggers (quote layers 3 and 5, entities 9) get
    // a copy of the loop with fixed sizes (no bounds checks, unrolled); the result is the same.
    match k {
        3 => viterbi_fixed::<3>(n, score, allows),
        5 => viterbi_fixed::<5>(n, score, allows),
        9 => viterbi_fixed::<9>(n, score, allows),
        _ => viterbi_any(n, k, score, allows),
    }
}

/// [`viterbi`] for `K` classes.
fn viterbi_fixed<const K: usize>(
    n: usize,
    mut score: impl FnMut(usize, &mut Vec<f32>, &mut Vec<f32>),
    allows: impl Fn(Option<usize>, usize, bool) -> bool,
) -> Vec<usize> {
    // allowed[last][p or K][c], asked once rather than at every step.
    let mut allowed = [vec![[false; K]; K + 1], vec![[false; K]; K + 1]];
    for (last, table) in allowed.iter_mut().enumerate() {
        for (p, row) in table.iter_mut().enumerate() {
            for (c, ok) in row.iter_mut().enumerate() {
                *ok = allows((p < K).then_some(p), c, last == 1);
            }
        }
    }
    let mut token_scores = Vec::with_capacity(K);
    let mut pair_scores = Vec::with_capacity((K + 1) * K);
    let mut best = [f32::NEG_INFINITY; K];
    let mut back: Vec<[u8; K]> = vec![[0; K]; n];
    for (i, back) in back.iter_mut().enumerate() {
        let table = &allowed[usize::from(i + 1 == n)];
        score(i, &mut token_scores, &mut pair_scores);
        let token: &[f32; K] = token_scores[..K].try_into().expect("K token scores");
        let mut next = [f32::NEG_INFINITY; K];
        let prevs = if i == 0 { K..K + 1 } else { 0..K };
        for p in prevs {
            let before = if p == K { 0.0 } else { best[p] };
            if before == f32::NEG_INFINITY {
                continue;
            }
            let transitions: &[f32; K] = pair_scores[p * K..][..K].try_into().expect("K scores");
            let allowed = &table[p];
            for c in 0..K {
                if !allowed[c] {
                    continue;
                }
                let total = before + (token[c] + transitions[c]);
                if total > next[c] {
                    next[c] = total;
                    back[c] = if p == K { 0 } else { p as u8 };
                }
            }
        }
        best = next;
    }
    let mut out = vec![0; n];
    if n > 0 {
        let mut c = argmax(&best);
        for i in (0..n).rev() {
            out[i] = c;
            c = usize::from(back[i][c]);
        }
    }
    out
}

/// [`viterbi`] for any number of classes.
fn viterbi_any(
    n: usize,
    k: usize,
    mut score: impl FnMut(usize, &mut Vec<f32>, &mut Vec<f32>),
    allows: impl Fn(Option<usize>, usize, bool) -> bool,
) -> Vec<usize> {
    assert!(k <= 256, "at most 256 classes");
    let mut token_scores = Vec::with_capacity(k);
    let mut pair_scores = Vec::with_capacity((k + 1) * k);
    // best[c]: the best score of a sequence ending in class c; back[i * k + c]: its
    // previous class.
    let mut best = vec![f32::NEG_INFINITY; k];
    let mut next = vec![f32::NEG_INFINITY; k];
    let mut back = vec![0u8; n * k];
    for i in 0..n {
        let last = i + 1 == n;
        score(i, &mut token_scores, &mut pair_scores);
        let token_scores = &token_scores[..k];
        let back = &mut back[i * k..][..k];
        next.fill(f32::NEG_INFINITY);
        let prevs = if i == 0 { 0..1 } else { 0..k };
        for p in prevs {
            let (prev, before) = if i == 0 {
                (None, 0.0)
            } else {
                (Some(p), best[p])
            };
            if before == f32::NEG_INFINITY {
                continue;
            }
            let transitions = &pair_scores[prev.unwrap_or(k) * k..][..k];
            for (c, ((next, back), (token, transition))) in next
                .iter_mut()
                .zip(back.iter_mut())
                .zip(token_scores.iter().zip(transitions))
                .enumerate()
            {
                if !allows(prev, c, last) {
                    continue;
                }
                let total = before + (token + transition);
                if total > *next {
                    *next = total;
                    *back = p as u8;
                }
            }
        }
        std::mem::swap(&mut best, &mut next);
    }
    let mut out = vec![0; n];
    if n > 0 {
        let mut c = argmax(&best);
        for i in (0..n).rev() {
            out[i] = c;
            c = usize::from(back[i * k + c]);
        }
    }
    out
}

/// Where a decoded sequence differs from the gold one, for the structured perceptron's
/// update: for each position `i`, whether its class differs and whether its transition
/// (previous class, class) does. `change(i, class_differs, transition_differs)` is called
/// for each position where either does; the caller moves weight from the decoded class or
/// transition to the gold one.
pub fn sequence_differences(
    gold: &[usize],
    out: &[usize],
    mut change: impl FnMut(usize, bool, bool),
) {
    for i in 0..gold.len().min(out.len()) {
        let gold_prev = i.checked_sub(1).map(|j| gold[j]);
        let out_prev = i.checked_sub(1).map(|j| out[j]);
        let class = gold[i] != out[i];
        let transition = class || gold_prev != out_prev;
        if transition {
            change(i, class, transition);
        }
    }
}

/// Adds `delta` to `class`'s weight in a feature's row at averaging step `step`, first
/// banking the old weight for the steps it stood (the lazy update of the averaged
/// perceptron).
fn nudge(row: &mut Vec<Param>, class: u16, delta: f32, step: u64) {
    let param = match row.iter().position(|p| p.class == class) {
        Some(at) => &mut row[at],
        None => {
            row.push(Param {
                class,
                weight: 0.0,
                total: 0.0,
                stamp: step,
            });
            row.last_mut().unwrap()
        }
    };
    param.total += (step - param.stamp) as f64 * param.weight as f64;
    param.stamp = step;
    param.weight += delta;
}

#[derive(Clone, Copy)]
struct Param {
    class: u16,
    weight: f32,
    /// Sum of the weight over all steps up to `stamp`.
    total: f64,
    stamp: u64,
}

/// Trains a [`Model`] by the averaged perceptron: predict, and on a mistake move weight from
/// the guessed class to the true one; the final weights are averages over every step, which
/// generalises far better than the last weights.
pub struct Trainer {
    classes: Vec<String>,
    weights: KeyMap<Vec<Param>>,
    step: u64,
}

impl Trainer {
    pub fn new(classes: Vec<String>) -> Trainer {
        assert!(classes.len() <= 256, "at most 256 classes");
        Trainer {
            classes,
            weights: KeyMap::default(),
            step: 0,
        }
    }

    pub fn classes(&self) -> &[String] {
        &self.classes
    }

    /// Scores with the current (not averaged) weights.
    pub fn predict(&self, features: &[u64], scores: &mut Vec<f32>) -> usize {
        scores.clear();
        scores.resize(self.classes.len(), 0.0);
        for key in features {
            if let Some(row) = self.weights.get(key) {
                for param in row {
                    scores[param.class as usize] += param.weight;
                }
            }
        }
        argmax(scores)
    }

    /// Records one training instance: nothing changes when `guess == truth`, but every call
    /// counts as a step of the average.
    pub fn update(&mut self, truth: usize, guess: usize, features: &[u64]) {
        self.step += 1;
        if truth == guess {
            return;
        }
        for key in features {
            let row = self.weights.entry(*key).or_default();
            nudge(row, truth as u16, 1.0, self.step);
            nudge(row, guess as u16, -1.0, self.step);
        }
    }

    /// Counts one step of the average without changing a weight. Structured training takes
    /// one step per sentence, then [`Trainer::add`]s where the best sequence was wrong.
    pub fn tick(&mut self) {
        self.step += 1;
    }

    /// Adds `delta` to the weight of `class` for each feature.
    pub fn add(&mut self, class: usize, features: &[u64], delta: f32) {
        for key in features {
            let row = self.weights.entry(*key).or_default();
            nudge(row, class as u16, delta, self.step);
        }
    }

    /// Averages the weights into a model, dropping weights smaller than `min_weight` in
    /// magnitude (they barely move a decision and cost space).
    pub fn finish(self, meta: serde_json::Value, min_weight: f32) -> Model {
        let step = self.step.max(1);
        let mut keys: Vec<u64> = self.weights.keys().copied().collect();
        keys.sort_unstable();
        let mut rows: Vec<(u64, Vec<(u8, f32)>)> = Vec::with_capacity(keys.len());
        for key in keys {
            let row: Vec<(u8, f32)> = self.weights[&key]
                .iter()
                .filter_map(|param| {
                    let total = param.total + (step - param.stamp) as f64 * param.weight as f64;
                    let average = (total / step as f64) as f32;
                    (average.abs() >= min_weight && average != 0.0)
                        .then_some((param.class as u8, average))
                })
                .collect();
            if !row.is_empty() {
                rows.push((key, row));
            }
        }
        Model::from_sorted_rows(
            self.classes,
            meta,
            rows.iter().map(|(key, row)| (*key, &row[..])),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A toy problem a linear model can learn: the class is named by one of the features.
    #[test]
    fn learns_saves_and_loads() {
        let classes: Vec<String> = ["A", "B", "C"].iter().map(|s| s.to_string()).collect();
        let mut trainer = Trainer::new(classes);
        let mut features = Features::default();
        let mut scores = Vec::new();
        let examples = [
            ("red", 0),
            ("green", 1),
            ("blue", 2),
            ("crimson", 0),
            ("lime", 1),
        ];
        for _ in 0..5 {
            for (word, truth) in examples {
                features.clear();
                features.add("w", word);
                features.add("bias", "");
                let guess = trainer.predict(features.keys(), &mut scores);
                trainer.update(truth, guess, features.keys());
            }
        }
        let model = trainer.finish(serde_json::json!({"task": "toy"}), 0.0);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("toy.model");
        model.save(&path).unwrap();
        let loaded = Model::load(&path).unwrap();
        assert_eq!(loaded.classes(), model.classes());
        assert_eq!(loaded.meta()["task"], "toy");
        for (word, truth) in examples {
            features.clear();
            features.add("w", word);
            features.add("bias", "");
            assert_eq!(
                loaded.predict(features.keys(), &mut scores),
                truth,
                "{word}"
            );
        }
        // Deterministic bytes.
        let again = dir.path().join("again.model");
        loaded.save(&again).unwrap();
        assert_eq!(
            std::fs::read(&path).unwrap(),
            std::fs::read(&again).unwrap()
        );
    }

    /// Rows of every length (longer ones spill), keys the model lacks, and a reference
    /// that adds the rows in feature order: scores must match to the bit, and saving,
    /// loading and pruning must keep every row.
    #[test]
    fn table_scores_match_a_plain_map_to_the_bit() {
        let classes: Vec<String> = (0..17).map(|c| format!("C{c}")).collect();
        let mut state = 7u64;
        let mut next = move || {
            // SplitMix64: deterministic test data.
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        };
        let mut rows: Vec<(u64, Vec<(u8, f32)>)> = (0..3000)
            .map(|_| {
                let key = next();
                let len = 1 + (next() % 17) as usize;
                let row = (0..len)
                    .map(|c| (c as u8, (next() % 2001) as f32 / 7.0 - 142.0))
                    .filter(|&(_, w)| w != 0.0)
                    .collect();
                (key, row)
            })
            .filter(|(_, row): &(u64, Vec<(u8, f32)>)| !row.is_empty())
            .collect();
        rows.sort_by_key(|(key, _)| *key);
        rows.dedup_by_key(|(key, _)| *key);
        let reference: HashMap<u64, Vec<(u8, f32)>> = rows.iter().cloned().collect();
        let model = Model::from_sorted_rows(
            classes.clone(),
            serde_json::json!({}),
            rows.iter().map(|(key, row)| (*key, &row[..])),
        );
        assert_eq!(model.feature_count(), rows.len());
        assert!(model.spill.len() > 1000, "long rows spill");

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("table.model");
        model.save(&path).unwrap();
        let loaded = Model::load(&path).unwrap();
        let mut pruned = Model::load(&path).unwrap();
        pruned.prune(50.0);
        let pruned_reference: HashMap<u64, Vec<(u8, f32)>> = rows
            .iter()
            .map(|(key, row)| {
                let kept = row.iter().copied().filter(|(_, w)| w.abs() >= 50.0);
                (*key, kept.collect::<Vec<_>>())
            })
            .filter(|(_, row)| !row.is_empty())
            .collect();
        assert_eq!(pruned.feature_count(), pruned_reference.len());
        // Stacked both ways round: keys in both models, and keys only in the second.
        let stacked = Model::stacked(&model, &pruned);
        let stacked_back = Model::stacked(&pruned, &model);
        assert_eq!(stacked.classes().len(), 34);
        assert_eq!(stacked.feature_count(), rows.len());

        let score = |reference: &HashMap<u64, Vec<(u8, f32)>>, keys: &[u64]| {
            let mut scores = vec![0.0f32; 17];
            for key in keys {
                for &(class, weight) in reference.get(key).into_iter().flatten() {
                    scores[class as usize] += weight;
                }
            }
            scores
        };
        let mut scores = Vec::new();
        for _ in 0..500 {
            // Known and unknown keys, repeats, up to three chunks.
            let keys: Vec<u64> = (0..(next() % 40))
                .map(|_| match next() % 3 {
                    0 => next(),
                    _ => rows[(next() % rows.len() as u64) as usize].0,
                })
                .collect();
            let expected = score(&reference, &keys);
            for model in [&model, &loaded] {
                model.predict(&keys, &mut scores);
                let bits = |s: &[f32]| s.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                assert_eq!(bits(&scores), bits(&expected));
            }
            pruned.predict(&keys, &mut scores);
            let pruned_expected = score(&pruned_reference, &keys);
            assert_eq!(scores, pruned_expected);
            let bits = |s: &[f32]| s.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            stacked.predict(&keys, &mut scores);
            assert_eq!(bits(&scores[..17]), bits(&expected));
            assert_eq!(bits(&scores[17..]), bits(&pruned_expected));
            stacked_back.predict(&keys, &mut scores);
            assert_eq!(bits(&scores[..17]), bits(&pruned_expected));
            assert_eq!(bits(&scores[17..]), bits(&expected));
        }
        // A key of all ones is the empty slots' key: found when present, not when absent.
        assert!(model.find(u64::MAX).len == 0);
        let last = Model::from_sorted_rows(
            classes,
            serde_json::json!({}),
            [(u64::MAX, &[(3u8, 2.5f32)][..])].into_iter(),
        );
        last.predict(&[u64::MAX, 1], &mut scores);
        assert_eq!(scores[3], 2.5);
    }

    /// Viterbi finds the best allowed sequence, not the best class at each position.
    #[test]
    fn viterbi_keeps_to_the_allowed_transitions() {
        // Classes O, B, I; "I" only after "B" or "I".
        let allows =
            |prev: Option<usize>, c: usize, _last: bool| c != 2 || matches!(prev, Some(1 | 2));
        let token = [[0.0, 1.0, 3.0], [0.0, 0.0, 2.0], [1.0, 0.0, 0.5]];
        let out = viterbi(
            3,
            3,
            |i, t, pairs| {
                t.clear();
                t.extend_from_slice(&token[i]);
                pairs.clear();
                pairs.resize(12, 0.0);
            },
            allows,
        );
        assert_eq!(out, [1, 2, 0]);
        // The same with a fourth class that is never allowed: the loop for any class count.
        let out = viterbi(
            3,
            4,
            |i, t, pairs| {
                t.clear();
                t.extend_from_slice(&token[i]);
                t.push(9.0);
                pairs.clear();
                pairs.resize(20, 0.0);
            },
            |prev, c, last| c != 3 && allows(prev, c, last),
        );
        assert_eq!(out, [1, 2, 0]);
        // A transition bonus can outweigh a token's own scores.
        let out = viterbi(
            2,
            3,
            |_, t, pairs| {
                t.clear();
                t.extend_from_slice(&[1.0, 0.0, 0.0]);
                pairs.clear();
                pairs.resize(12, 0.0);
                pairs[3 + 2] = 5.0; // B → I
                pairs[9 + 1] = 1.5; // start → B
            },
            allows,
        );
        assert_eq!(out, [1, 2]);
        let mut seen = Vec::new();
        sequence_differences(&[1, 2, 0], &[1, 0, 0], |i, class, transition| {
            seen.push((i, class, transition))
        });
        assert_eq!(seen, [(1, true, true), (2, false, true)]);
    }

    #[test]
    fn damaged_model_files_are_errors() {
        assert!(Model::from_bytes(b"nonsense").is_err());
        let mut bytes = MAGIC.to_vec();
        bytes.extend(zstd::encode_all(&[200u8, 0, 0, 0, b'{'][..], 1).unwrap());
        assert!(Model::from_bytes(&bytes).is_err());
    }

    #[test]
    fn feature_keys_are_stable() {
        let mut features = Features::default();
        features.add("w", "the");
        features.add2("t-1|w", "DET", "the");
        // Pinned: changing the hash would silently invalidate every shipped model.
        assert_eq!(features.keys()[0], xxhash_rust::xxh3::xxh3_64(b"w\x1fthe"));
        assert_ne!(features.keys()[0], features.keys()[1]);
    }
}
