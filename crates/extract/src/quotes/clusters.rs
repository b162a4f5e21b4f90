//! Word clusters for the attribution tagger: the entity recogniser's clusters
//! (`models/clusters.tsv.zst`, induced from unlabelled text), keyed by lower-cased word and
//! carried inside the quote model. They let the tagger generalise from the reporting verbs
//! PolNeAR shows to verbs it does not ("bemoaning" sits near "lamenting").

use std::hash::BuildHasherDefault;
use std::io::{self, Read};
use std::path::Path;

use hashbrown::HashMap;
use storyline_nlp::perceptron::IdentityHasher;

#[derive(Debug, Default)]
pub struct WordClusters {
    words: HashMap<String, [u16; 3]>,
    /// The same clusters keyed by [`word_hash`]: the tagger has that hash of every token
    /// already, and a lookup by it skips hashing and comparing the string again.
    by_hash: HashMap<u64, [u16; 3], BuildHasherDefault<IdentityHasher>>,
}

/// The xxh3 hash of a lower-cased word, as the tagger makes it. Two of the 73k cluster
/// words sharing a hash, or another word hitting one, is a 64-bit collision: not a concern.
pub fn word_hash(lower: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(lower.as_bytes())
}

impl WordClusters {
    /// Reads the recogniser's cluster file (see `storyline_nlp::ner::Clusters`).
    pub fn read_ner_file(path: &Path) -> io::Result<WordClusters> {
        let clusters = storyline_nlp::ner::Clusters::load(path)
            .map_err(|e| io::Error::other(format!("{}: {e}", path.display())))?;
        Ok(WordClusters::from_text(&clusters.to_text()))
    }

    /// `word<TAB>id<TAB>id<TAB>id` lines (a `#` header line is skipped). A lower-case entry
    /// wins over a capitalised one for the same lower-cased word.
    fn from_text(text: &str) -> WordClusters {
        let mut words: HashMap<String, [u16; 3]> = HashMap::new();
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let mut fields = line.split('\t');
            let Some(word) = fields.next() else { continue };
            let mut ids = [0u16; 3];
            for (slot, field) in ids.iter_mut().zip(fields) {
                *slot = field.parse().unwrap_or(0);
            }
            let lower = word.to_lowercase();
            if lower == word || !words.contains_key(&lower) {
                words.insert(lower, ids);
            }
        }
        let by_hash = words
            .iter()
            .map(|(word, ids)| (word_hash(word), *ids))
            .collect();
        WordClusters { words, by_hash }
    }

    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The clusters of the word whose [`word_hash`] is `hash`.
    pub fn get(&self, hash: u64) -> Option<[u16; 3]> {
        self.by_hash.get(&hash).copied()
    }

    /// zstd-compressed text, sorted, so the same clusters always give the same bytes.
    pub fn to_bytes(&self) -> io::Result<Vec<u8>> {
        let mut entries: Vec<(&String, &[u16; 3])> = self.words.iter().collect();
        entries.sort();
        let mut text = String::new();
        for (word, ids) in entries {
            text.push_str(word);
            for id in ids {
                text.push('\t');
                text.push_str(&id.to_string());
            }
            text.push('\n');
        }
        zstd::encode_all(text.as_bytes(), 19)
    }

    pub fn from_bytes(bytes: &[u8]) -> io::Result<WordClusters> {
        let mut text = String::new();
        zstd::stream::read::Decoder::new(bytes)?.read_to_string(&mut text)?;
        Ok(WordClusters::from_text(&text))
    }
}
