//! The attribution tagger's weights in one flat table: for every feature key of the three
//! layer models, the weights of all 13 classes (source/cue 5, content 3, second source/cue
//! pass 5) side by side in one 64-byte slot.
//!
//! Tagging spends nearly all its time looking up feature weights. With one table per model
//! (`storyline_nlp::perceptron::Model`: a hash map to a row, then the row's weights) each
//! lookup misses the cache twice and each token's 51 base features are looked up once per
//! pass. Here a key is one cache line holding every pass's weights, so the base features of
//! a token are summed once for all three passes, and the keys of a whole article, known in
//! advance, are prefetched.
//!
//! The table is built from the models' files (the pinned `STLPERC1` format written by
//! `Model::save`), so the quote model file keeps its layout.

use std::io::{self, Read};
use std::ops::Range;

use serde::Deserialize;

/// Classes of all three layers together.
pub const CLASSES: usize = 13;

/// Each layer's slice of a slot's weights.
pub const SC: Range<usize> = 0..5;
pub const CONTENT: Range<usize> = 5..8;
pub const SC2: Range<usize> = 8..13;

/// One key with its weights; `used` marks an occupied slot (0 or 1). A cache line.
#[derive(Clone, Copy, Default)]
#[repr(C, align(64))]
struct Slot {
    key: u64,
    weights: [f32; CLASSES],
    used: u32,
}

/// How far ahead of the current key the batch sums prefetch.
const PREFETCH_AHEAD: usize = 16;

/// The merged weight table.
pub struct Weights {
    slots: Vec<Slot>,
    mask: usize,
    /// An empty slot: its weights are all zero.
    zero: usize,
    /// Keys with a weight in each model.
    counts: [usize; 3],
}

/// A parsed model file: class names, metadata and (key, class, weight) triples.
pub struct ModelPart {
    pub classes: Vec<String>,
    pub meta: serde_json::Value,
    rows: Vec<(u64, u8, f32)>,
}

#[derive(Deserialize)]
struct Header {
    classes: Vec<String>,
    meta: serde_json::Value,
    features: u64,
}

fn invalid(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("quote model: {what}"))
}

impl ModelPart {
    /// Reads a perceptron model file: `STLPERC1`, then zstd of a u32 header length, the
    /// header JSON, and per feature its u64 key, a u8 row length and (u8 class, f32 weight)
    /// pairs, all little-endian.
    pub fn from_bytes(bytes: &[u8]) -> io::Result<ModelPart> {
        let compressed = bytes
            .strip_prefix(b"STLPERC1")
            .ok_or_else(|| invalid("not a perceptron model (bad magic number)"))?;
        let mut body = Vec::new();
        zstd::stream::read::Decoder::new(compressed)?.read_to_end(&mut body)?;
        let mut rest = &body[..];
        let mut take = |n: usize| -> io::Result<&[u8]> {
            if rest.len() < n {
                return Err(invalid("model part is truncated"));
            }
            let (head, tail) = rest.split_at(n);
            rest = tail;
            Ok(head)
        };
        let header_len = u32::from_le_bytes(take(4)?.try_into().unwrap_or_default()) as usize;
        let header: Header = serde_json::from_slice(take(header_len)?)
            .map_err(|e| invalid(&format!("bad model header: {e}")))?;
        let mut rows = Vec::with_capacity(header.features as usize * 2);
        for _ in 0..header.features {
            let key = u64::from_le_bytes(take(8)?.try_into().unwrap_or_default());
            let len = take(1)?[0];
            for _ in 0..len {
                let entry = take(5)?;
                if usize::from(entry[0]) >= header.classes.len() {
                    return Err(invalid("weight for an unknown class"));
                }
                let weight = f32::from_le_bytes(entry[1..5].try_into().unwrap_or_default());
                rows.push((key, entry[0], weight));
            }
        }
        Ok(ModelPart {
            classes: header.classes,
            meta: header.meta,
            rows,
        })
    }
}

impl Weights {
    /// Merges the three layers' models; each must have its layer's number of classes.
    pub fn new(sc: &ModelPart, content: &ModelPart, sc2: &ModelPart) -> io::Result<Weights> {
        let parts = [(sc, SC), (content, CONTENT), (sc2, SC2)];
        for (part, range) in &parts {
            if part.classes.len() != range.len() {
                return Err(invalid("a layer model has the wrong number of classes"));
            }
        }
        let mut keys: Vec<u64> = parts
            .iter()
            .flat_map(|(part, _)| part.rows.iter().map(|r| r.0))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        // At most half full: probes stay short.
        let capacity = (keys.len() * 2).next_power_of_two().max(16);
        let mut weights = Weights {
            slots: vec![Slot::default(); capacity],
            mask: capacity - 1,
            zero: 0,
            counts: [0; 3],
        };
        for (layer, (part, range)) in parts.iter().enumerate() {
            let mut previous = None;
            for &(key, class, weight) in &part.rows {
                if previous != Some(key) {
                    weights.counts[layer] += 1;
                    previous = Some(key);
                }
                weights.slot_mut(key).weights[range.start + usize::from(class)] = weight;
            }
        }
        // At most half the slots are used.
        weights.zero = weights.slots.iter().position(|s| s.used == 0).unwrap_or(0);
        Ok(weights)
    }

    /// Keys with a weight in each layer's model.
    pub fn counts(&self) -> [usize; 3] {
        self.counts
    }

    fn slot_mut(&mut self, key: u64) -> &mut Slot {
        let mut i = key as usize & self.mask;
        while self.slots[i].used != 0 && self.slots[i].key != key {
            i = (i + 1) & self.mask;
        }
        let slot = &mut self.slots[i];
        slot.key = key;
        slot.used = 1;
        slot
    }

    /// The slot of `key`, or an empty one (zero weights) if no model has it: what
    /// [`Weights::add_runs`] reads for an entry marked resolved.
    pub fn slot_or_zero(&self, key: u64) -> usize {
        self.probe(key)
            .filter(|&i| self.slots[i].used != 0)
            .unwrap_or(self.zero)
    }

    /// Every layer's weights for `key`, if a model has it.
    #[inline]
    pub fn get(&self, key: u64) -> Option<&[f32; CLASSES]> {
        self.find(key).map(|slot| &slot.weights)
    }

    /// The slot holding `key`, if a model has it.
    #[inline(always)]
    fn find(&self, key: u64) -> Option<&Slot> {
        let i = self.probe(key)?;
        // SAFETY: `probe` returns indices in bounds.
        let slot = unsafe { self.slots.get_unchecked(i) };
        (slot.used != 0).then_some(slot)
    }

    /// [`Weights::find`] for adding weights: a matching key is taken without checking that
    /// its slot is used. Only the key 0 can match an empty slot, whose weights are all zero,
    /// so the sum is the same (adding +0.0 changes at most the sign of a zero) for one
    /// comparison less on every lookup.
    #[inline(always)]
    fn find_to_add(&self, key: u64) -> Option<&Slot> {
        let i = self.probe(key)?;
        // SAFETY: `probe` returns indices in bounds.
        Some(unsafe { self.slots.get_unchecked(i) })
    }

    /// Where `key` is: linear probing from `key & mask` up to the first empty slot. The key
    /// is compared first: a hit is the common case, and an empty slot's key (0) matches
    /// only the key 0 (the caller decides whether an unused match counts).
    #[inline(always)]
    fn probe(&self, key: u64) -> Option<usize> {
        let slots = &self.slots[..];
        let mut i = key as usize & self.mask;
        loop {
            debug_assert!(i < slots.len());
            // SAFETY: `slots.len() == mask + 1` (a power of two, set in `new` and never
            // changed), so `i & mask` is always in bounds.
            let slot = unsafe { slots.get_unchecked(i) };
            if slot.key == key {
                return Some(i);
            }
            if slot.used == 0 {
                return None;
            }
            i = (i + 1) & self.mask;
        }
    }

    /// Starts loading the slot where `key` would be.
    #[inline]
    pub fn prefetch(&self, key: u64) {
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
            let slot: *const Slot = self.slots[..]
                .as_ptr()
                .wrapping_add(key as usize & self.mask);
            // SAFETY: SSE is part of x86_64, and a prefetch never faults or reads into
            // the program's state.
            unsafe { _mm_prefetch::<_MM_HINT_T0>(slot.cast()) };
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = key;
    }

    /// Adds the weights of `keys` in `layer` (a slice such as [`SC`]) to `scores`.
    #[inline]
    pub fn add(&self, keys: &[u64], layer: Range<usize>, scores: &mut [f32]) {
        for &key in keys {
            if let Some(weights) = self.get(key) {
                for (score, weight) in scores.iter_mut().zip(&weights[layer.clone()]) {
                    *score += weight;
                }
            }
        }
    }

    /// Adds the weights (every layer's) of run `k` of `resolved.len()` keys to
    /// `sums[rows[k]]`, in key order, prefetching the keys ahead. Where `resolved[f]` holds,
    /// the `f`-th entry of every run is not a key but its slot ([`Weights::slot_or_zero`],
    /// found once for a feature with a small domain), read without probing. (A plain index loop: the lookups
    /// are most of the tagger's work, and an iterator adapter for the look-ahead cost a
    /// third more instructions per key.)
    pub fn add_runs(
        &self,
        keys: &[u64],
        resolved: &[bool],
        rows: &[usize],
        sums: &mut [[f32; CLASSES]],
    ) {
        let per = resolved.len().max(1);
        let mut j = 0;
        for (run, &row) in keys.chunks(per).zip(rows) {
            let mut sum = sums[row];
            for (&key, &slot_given) in run.iter().zip(resolved) {
                // A slot number, masked, is its own slot: the prefetch serves both.
                if let Some(&next) = keys.get(j + PREFETCH_AHEAD) {
                    self.prefetch(next);
                }
                j += 1;
                let found = if slot_given {
                    Some(&self.slots[key as usize])
                } else {
                    self.find_to_add(key)
                };
                if let Some(slot) = found {
                    for (score, weight) in sum.iter_mut().zip(&slot.weights) {
                        *score += weight;
                    }
                }
            }
            sums[row] = sum;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(classes: usize, rows: Vec<(u64, u8, f32)>) -> ModelPart {
        ModelPart {
            classes: (0..classes).map(|c| c.to_string()).collect(),
            meta: serde_json::Value::Null,
            rows,
        }
    }

    #[test]
    fn merges_layers_and_adds_runs() {
        let sc = part(5, vec![(7, 1, 0.5), (7, 3, -1.0), (9, 0, 2.0)]);
        let content = part(3, vec![(7, 2, 4.0)]);
        let sc2 = part(5, vec![(11, 4, 3.0)]);
        let weights = Weights::new(&sc, &content, &sc2).unwrap();
        assert_eq!(weights.counts(), [2, 1, 1]);
        let mut scores = [0.0; 5];
        weights.add(&[7, 9, 12345], SC, &mut scores);
        assert_eq!(scores, [2.0, 0.5, 0.0, -1.0, 0.0]);
        let mut sums = [[0.0; CLASSES]; 3];
        weights.add_runs(&[7, 11, 9, 9], &[false; 2], &[2, 0], &mut sums);
        assert_eq!(sums[2][CONTENT.start + 2], 4.0);
        assert_eq!(sums[2][SC2.start + 4], 3.0);
        assert_eq!(sums[0][SC.start], 4.0);
        assert_eq!(sums[1], [0.0; CLASSES]);
        // The same with the second key of each run given as its slot, and an absent key's
        // slot adding nothing.
        let given = [
            7,
            weights.slot_or_zero(11) as u64,
            9,
            weights.slot_or_zero(9) as u64,
        ];
        let mut again = [[0.0; CLASSES]; 3];
        weights.add_runs(&given, &[false, true], &[2, 0], &mut again);
        assert_eq!(again, sums);
        let mut zero = [[0.0; CLASSES]; 1];
        weights.add_runs(
            &[weights.slot_or_zero(12345) as u64],
            &[true],
            &[0],
            &mut zero,
        );
        assert_eq!(zero[0], [0.0; CLASSES]);
        assert!(Weights::new(&part(3, vec![]), &content, &sc2).is_err());
        assert!(ModelPart::from_bytes(b"STLPERC1garbage").is_err());
    }

    /// The reader agrees with `storyline_nlp`'s own: every weight of a model it saved.
    #[test]
    fn reads_what_the_perceptron_saves() {
        use storyline_nlp::perceptron::{Model, Trainer};
        let classes = |n: usize| (0..n).map(|c| c.to_string()).collect::<Vec<_>>();
        let train = |n: usize, salt: u64| {
            let mut trainer = Trainer::new(classes(n));
            let mut scores = Vec::new();
            for step in 0..200u64 {
                let features = [step % 7 + salt, step % 5 + 100, 1000];
                let guess = trainer.predict(&features, &mut scores);
                trainer.update((step % n as u64) as usize, guess, &features);
            }
            trainer.finish(serde_json::json!({"salt": salt}), 0.0)
        };
        let (sc, content, sc2) = (train(5, 0), train(3, 3), train(5, 50));
        let dir = tempfile::tempdir().unwrap();
        let parse = |model: &Model, name: &str| {
            let path = dir.path().join(name);
            model.save(&path).unwrap();
            ModelPart::from_bytes(&std::fs::read(&path).unwrap()).unwrap()
        };
        let parts = [parse(&sc, "sc"), parse(&content, "ct"), parse(&sc2, "sc2")];
        assert_eq!(parts[1].meta["salt"], 3);
        let weights = Weights::new(&parts[0], &parts[1], &parts[2]).unwrap();
        assert_eq!(
            weights.counts(),
            [
                sc.feature_count(),
                content.feature_count(),
                sc2.feature_count()
            ]
        );
        for key in (0..60).chain([100, 101, 102, 103, 104, 1000]) {
            for (model, layer) in [(&sc, SC), (&content, CONTENT), (&sc2, SC2)] {
                let mut expected = vec![0.0; layer.len()];
                model.add_scores(&[key], &mut expected);
                let mut got = vec![0.0; layer.len()];
                weights.add(&[key], layer, &mut got);
                assert_eq!(got, expected, "key {key}");
            }
        }
    }
}
