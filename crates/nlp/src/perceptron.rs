//! The averaged perceptron shared by the POS tagger and the entity recogniser: hashed sparse
//! features, multi-class weights, training with weight averaging, and a compact model file.
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

/// A trained model: for each feature key, a sparse row of (class, weight).
pub struct Model {
    classes: Vec<String>,
    rows: KeyMap<(u32, u32)>,
    params: Vec<(u16, f32)>,
    meta: serde_json::Value,
}

const MAGIC: &[u8; 8] = b"STLPERC1";

#[derive(Serialize, Deserialize)]
struct Header {
    classes: Vec<String>,
    meta: serde_json::Value,
    features: u64,
}

impl Model {
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
        self.rows.len()
    }

    /// Adds each feature's weights to `scores` (one slot per class, caller-zeroed).
    pub fn add_scores(&self, features: &[u64], scores: &mut [f32]) {
        for key in features {
            if let Some(&(start, len)) = self.rows.get(key) {
                for &(class, weight) in &self.params[start as usize..(start + len) as usize] {
                    scores[class as usize] += weight;
                }
            }
        }
    }

    /// Drops weights smaller than `min_weight` in magnitude, and the rows left empty: the
    /// same model [`Trainer::finish`] would have produced with that threshold.
    pub fn prune(&mut self, min_weight: f32) {
        let mut keys: Vec<u64> = self.rows.keys().copied().collect();
        keys.sort_unstable();
        let mut rows = KeyMap::default();
        let mut params = Vec::new();
        for key in keys {
            let (start, len) = self.rows[&key];
            let first = params.len() as u32;
            params.extend(
                self.params[start as usize..(start + len) as usize]
                    .iter()
                    .filter(|(_, weight)| weight.abs() >= min_weight),
            );
            let kept = params.len() as u32 - first;
            if kept > 0 {
                rows.insert(key, (first, kept));
            }
        }
        self.rows = rows;
        self.params = params;
    }

    /// The best class for these features (ties go to the lower class index).
    pub fn predict(&self, features: &[u64], scores: &mut Vec<f32>) -> usize {
        scores.clear();
        scores.resize(self.classes.len(), 0.0);
        self.add_scores(features, scores);
        argmax(scores)
    }

    /// Writes the model: a magic number, then zstd-compressed header JSON and sparse rows.
    pub fn save(&self, path: &Path) -> io::Result<()> {
        let mut body = Vec::with_capacity(self.params.len() * 5 + self.rows.len() * 9);
        let header = serde_json::to_vec(&Header {
            classes: self.classes.clone(),
            meta: self.meta.clone(),
            features: self.rows.len() as u64,
        })?;
        body.extend_from_slice(&(header.len() as u32).to_le_bytes());
        body.extend_from_slice(&header);
        // Sorted keys: the same model always writes the same bytes.
        let mut keys: Vec<&u64> = self.rows.keys().collect();
        keys.sort_unstable();
        for key in keys {
            let (start, len) = self.rows[key];
            body.extend_from_slice(&key.to_le_bytes());
            body.push(len as u8);
            for &(class, weight) in &self.params[start as usize..(start + len) as usize] {
                body.push(class as u8);
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
        let mut rows = KeyMap::default();
        rows.reserve(header.features as usize);
        let mut params = Vec::new();
        for _ in 0..header.features {
            let key = u64::from_le_bytes(cursor.take(8)?.try_into().unwrap());
            let len = cursor.take(1)?[0] as u32;
            let start = params.len() as u32;
            for _ in 0..len {
                let entry = cursor.take(5)?;
                let class = entry[0] as u16;
                if class as usize >= header.classes.len() {
                    return Err(invalid("weight for an unknown class"));
                }
                params.push((class, f32::from_le_bytes(entry[1..5].try_into().unwrap())));
            }
            rows.insert(key, (start, len));
        }
        Ok(Model {
            classes: header.classes,
            rows,
            params,
            meta: header.meta,
        })
    }
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
        let step = self.step;
        for key in features {
            let row = self.weights.entry(*key).or_default();
            for (class, delta) in [(truth as u16, 1.0f32), (guess as u16, -1.0)] {
                let param = match row.iter_mut().find(|p| p.class == class) {
                    Some(param) => param,
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
        }
    }

    /// Averages the weights into a model, dropping weights smaller than `min_weight` in
    /// magnitude (they barely move a decision and cost space).
    pub fn finish(self, meta: serde_json::Value, min_weight: f32) -> Model {
        let step = self.step.max(1);
        let mut keys: Vec<u64> = self.weights.keys().copied().collect();
        keys.sort_unstable();
        let mut rows = KeyMap::default();
        let mut params = Vec::new();
        for key in keys {
            let start = params.len() as u32;
            for param in &self.weights[&key] {
                let total = param.total + (step - param.stamp) as f64 * param.weight as f64;
                let average = (total / step as f64) as f32;
                if average.abs() >= min_weight && average != 0.0 {
                    params.push((param.class, average));
                }
            }
            let len = params.len() as u32 - start;
            if len > 0 {
                rows.insert(key, (start, len));
            }
        }
        Model {
            classes: self.classes,
            rows,
            params,
            meta,
        }
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
