//! Duplicates: the same text stored twice (exact), a lightly edited copy (near-duplicate:
//! MinHash + LSH candidates over word shingles, confirmed by exact Jaccard), and a wire story
//! re-used by another outlet (syndicated: most of the shorter text's shingles appear in the
//! other, or both credit the same agency and share wording). Duplicates are links to the
//! first-seen (canonical) article, never deletions.
//!
//! The index keeps the most recent `Config::window` articles, so memory is bounded by that
//! window rather than by the stream.

mod minhash;
pub mod shingles;

use std::collections::VecDeque;

use hashbrown::HashMap;
use serde::{Deserialize, Serialize};

use minhash::BANDS;

/// How an article duplicates its canonical article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DuplicateKind {
    /// The same normalised text (the same article id).
    Exact,
    /// Shingle Jaccard at or above `Config::near_duplicate`.
    NearDuplicate,
    /// Re-used wire copy: see the module documentation.
    Syndicated,
}

impl DuplicateKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DuplicateKind::Exact => "exact",
            DuplicateKind::NearDuplicate => "near_duplicate",
            DuplicateKind::Syndicated => "syndicated",
        }
    }

    pub fn parse(s: &str) -> Option<DuplicateKind> {
        match s {
            "exact" => Some(DuplicateKind::Exact),
            "near_duplicate" => Some(DuplicateKind::NearDuplicate),
            "syndicated" => Some(DuplicateKind::Syndicated),
            _ => None,
        }
    }
}

/// `article_id` duplicates `canonical_id`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DuplicateLink {
    pub article_id: String,
    pub canonical_id: String,
    pub kind: DuplicateKind,
    /// Shingle Jaccard similarity (1 for exact duplicates).
    pub similarity: f32,
}

/// Thresholds and window of the duplicate finder.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Config {
    /// Jaccard at or above which two texts are near-duplicates.
    pub near_duplicate: f32,
    /// Containment (shared shingles over the smaller text's) at or above which the
    /// smaller text is a syndicated copy.
    pub syndication: f32,
    /// Jaccard at or above which two texts crediting the same agency are syndicated.
    pub credited_syndication: f32,
    /// Articles remembered for comparison.
    pub window: usize,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            near_duplicate: 0.8,
            syndication: 0.6,
            credited_syndication: 0.25,
            window: 100_000,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    id: String,
    canonical: String,
    shingles: Vec<u64>,
    credit: Option<String>,
}

/// Remembers recent articles' shingles and finds what a new article duplicates.
#[derive(Debug, Clone)]
pub struct DuplicateIndex {
    config: Config,
    /// Recent entries; `entries[i]` has sequence number `first + i`.
    entries: VecDeque<(Option<[u64; BANDS]>, Entry)>,
    first: u64,
    bands: HashMap<u64, Vec<u64>>,
    ids: HashMap<String, u64>,
}

/// The index's persistent form: its entries, oldest first (band keys are recomputed).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DuplicateState {
    entries: Vec<Entry>,
    first: u64,
}

impl DuplicateIndex {
    pub fn new(config: Config) -> DuplicateIndex {
        DuplicateIndex {
            config,
            entries: VecDeque::new(),
            first: 0,
            bands: HashMap::new(),
            ids: HashMap::new(),
        }
    }

    /// Finds what `id` duplicates (the best match, exact first), then remembers it.
    pub fn check_and_add(
        &mut self,
        id: &str,
        shingles: &[u64],
        credit: Option<&str>,
    ) -> Option<DuplicateLink> {
        if let Some(&seq) = self.ids.get(id) {
            let canonical = self.entry(seq).map(|e| e.canonical.clone())?;
            return Some(DuplicateLink {
                article_id: id.to_string(),
                canonical_id: canonical,
                kind: DuplicateKind::Exact,
                similarity: 1.0,
            });
        }
        let keys = minhash::band_keys(shingles);
        let link = keys.and_then(|keys| self.best_match(id, &keys, shingles, credit));
        let canonical = link
            .as_ref()
            .map_or_else(|| id.to_string(), |l| l.canonical_id.clone());
        // A copy is represented by its canonical article: only canonicals are candidates,
        // so ten thousand copies of one text cost one comparison each, not a growing list.
        let keys = if link.is_some() { None } else { keys };
        self.push(
            keys,
            Entry {
                id: id.to_string(),
                canonical,
                shingles: shingles.to_vec(),
                credit: credit.map(str::to_string),
            },
        );
        link
    }

    fn best_match(
        &self,
        id: &str,
        keys: &[u64; BANDS],
        shingles: &[u64],
        credit: Option<&str>,
    ) -> Option<DuplicateLink> {
        let mut candidates: Vec<u64> = keys
            .iter()
            .filter_map(|k| self.bands.get(k))
            .flatten()
            .copied()
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        let mut best: Option<(DuplicateKind, f32, &Entry)> = None;
        for seq in candidates {
            let Some(entry) = self.entry(seq) else {
                continue;
            };
            let (jaccard, containment) = shingles::overlap(shingles, &entry.shingles);
            let same_credit = credit.is_some() && credit == entry.credit.as_deref();
            let kind = if jaccard >= self.config.near_duplicate {
                DuplicateKind::NearDuplicate
            } else if containment >= self.config.syndication
                || (same_credit && jaccard >= self.config.credited_syndication)
            {
                DuplicateKind::Syndicated
            } else {
                continue;
            };
            // Earlier entries win ties, so the canonical is the first-seen copy.
            if best.is_none_or(|(_, s, _)| jaccard > s) {
                best = Some((kind, jaccard, entry));
            }
        }
        best.map(|(kind, similarity, entry)| DuplicateLink {
            article_id: id.to_string(),
            canonical_id: entry.canonical.clone(),
            kind,
            similarity,
        })
    }

    fn entry(&self, seq: u64) -> Option<&Entry> {
        let i = usize::try_from(seq.checked_sub(self.first)?).ok()?;
        self.entries.get(i).map(|(_, e)| e)
    }

    fn push(&mut self, keys: Option<[u64; BANDS]>, entry: Entry) {
        let seq = self.first + self.entries.len() as u64;
        if let Some(keys) = &keys {
            for k in keys {
                self.bands.entry(*k).or_default().push(seq);
            }
        }
        self.ids.insert(entry.id.clone(), seq);
        self.entries.push_back((keys, entry));
        while self.entries.len() > self.config.window.max(1) {
            self.evict_oldest();
        }
    }

    fn evict_oldest(&mut self) {
        let Some((keys, entry)) = self.entries.pop_front() else {
            return;
        };
        let seq = self.first;
        self.first += 1;
        if self.ids.get(&entry.id) == Some(&seq) {
            self.ids.remove(&entry.id);
        }
        for k in keys.iter().flatten() {
            if let Some(list) = self.bands.get_mut(k) {
                list.retain(|&s| s != seq);
                if list.is_empty() {
                    self.bands.remove(k);
                }
            }
        }
    }

    /// Articles currently remembered.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn state(&self) -> DuplicateState {
        DuplicateState {
            entries: self.entries.iter().map(|(_, e)| e.clone()).collect(),
            first: self.first,
        }
    }

    pub fn from_state(config: Config, state: DuplicateState) -> DuplicateIndex {
        let mut index = DuplicateIndex::new(config);
        index.first = state.first;
        for entry in state.entries {
            // Only canonical articles are indexed (see `check_and_add`).
            let keys = if entry.canonical == entry.id {
                minhash::band_keys(&entry.shingles)
            } else {
                None
            };
            index.push(keys, entry);
        }
        index
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(text: &str) -> Vec<u64> {
        let mut w = Vec::new();
        shingles::word_hashes(text, &mut w);
        shingles::shingles(&w)
    }

    const BASE: &str = "The harbour authority closed the northern pier on Tuesday after storm \
        damage was found in three support columns, and engineers expect repairs to take \
        at least six weeks while ferries use the southern terminal instead of the old one.";

    #[test]
    fn exact_near_and_syndicated() {
        let mut index = DuplicateIndex::new(Config::default());
        assert_eq!(index.check_and_add("a", &sh(BASE), None), None);
        let exact = index.check_and_add("a", &sh(BASE), None).unwrap();
        assert_eq!(exact.kind, DuplicateKind::Exact);
        let edited = BASE.replace("old one", "old pier");
        let near = index.check_and_add("b", &sh(&edited), None).unwrap();
        assert_eq!(
            (near.kind, near.canonical_id.as_str()),
            (DuplicateKind::NearDuplicate, "a")
        );
        let extended = format!(
            "{BASE} Local shops said trade had already fallen sharply since the storm hit \
             the coast last month, and the council promised a support fund for owners."
        );
        let syndicated = index.check_and_add("c", &sh(&extended), None).unwrap();
        assert_eq!(syndicated.kind, DuplicateKind::Syndicated);
        assert_eq!(syndicated.canonical_id, "a");
        let other = "Voters in the eastern district elect a new council on Sunday, with \
                     turnout expected to be low after a quiet campaign about parking fees.";
        assert_eq!(index.check_and_add("d", &sh(other), None), None);
        assert_eq!(index.check_and_add("e", &[], None), None);
    }

    #[test]
    fn window_bounds_memory_and_state_round_trips() {
        let config = Config {
            window: 3,
            ..Config::default()
        };
        let mut index = DuplicateIndex::new(config);
        for i in 0..10 {
            let text = format!("{BASE} Item number {i} in the series of unrelated words {i}x.");
            index.check_and_add(&format!("id{i}"), &sh(&text), None);
        }
        assert_eq!(index.len(), 3);
        assert!(index.bands.values().map(Vec::len).sum::<usize>() <= 3 * BANDS);
        let restored = DuplicateIndex::from_state(config, index.state());
        assert_eq!(restored.len(), 3);
        assert_eq!(restored.first, index.first);
        let mut restored = restored;
        let link = restored.check_and_add("id9", &[], None).unwrap();
        assert_eq!(link.kind, DuplicateKind::Exact);
    }
}
