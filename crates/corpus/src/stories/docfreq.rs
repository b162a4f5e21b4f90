//! Document frequencies learnt from the stream itself, in a fixed table of hashed buckets so
//! memory does not grow with the vocabulary.

use serde::{Deserialize, Serialize};

const BUCKET_BITS: u32 = 20;

#[derive(Debug, Clone)]
pub struct DocFreq {
    docs: u64,
    counts: Vec<u32>,
}

/// The persistent form: non-zero buckets only.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DocFreqState {
    docs: u64,
    buckets: Vec<(u32, u32)>,
}

impl DocFreqState {
    pub fn new(docs: u64, buckets: Vec<(u32, u32)>) -> DocFreqState {
        DocFreqState { docs, buckets }
    }

    /// Documents counted, and the non-zero (bucket, count) pairs in bucket order.
    pub fn parts(&self) -> (u64, &[(u32, u32)]) {
        (self.docs, &self.buckets)
    }
}

impl Default for DocFreq {
    fn default() -> DocFreq {
        DocFreq {
            docs: 0,
            counts: vec![0; 1 << BUCKET_BITS],
        }
    }
}

impl DocFreq {
    fn bucket(term: u64) -> usize {
        (term >> (64 - BUCKET_BITS)) as usize
    }

    /// Smoothed inverse document frequency: rare terms weigh more; before any document has
    /// been seen every term weighs 1.
    pub fn idf(&self, term: u64) -> f32 {
        let df = self.counts[Self::bucket(term)] as f32;
        ((self.docs as f32 + 1.0) / (df + 1.0)).ln() + 1.0
    }

    /// Counts one document with these (distinct) terms.
    pub fn add(&mut self, terms: impl Iterator<Item = u64>) {
        self.docs += 1;
        for t in terms {
            let c = &mut self.counts[Self::bucket(t)];
            *c = c.saturating_add(1);
        }
    }

    pub fn state(&self) -> DocFreqState {
        DocFreqState {
            docs: self.docs,
            buckets: self
                .counts
                .iter()
                .enumerate()
                .filter(|(_, c)| **c > 0)
                .map(|(i, c)| (i as u32, *c))
                .collect(),
        }
    }

    pub fn from_state(state: &DocFreqState) -> DocFreq {
        let mut df = DocFreq {
            docs: state.docs,
            ..DocFreq::default()
        };
        for &(i, c) in &state.buckets {
            if let Some(slot) = df.counts.get_mut(i as usize) {
                *slot = c;
            }
        }
        df
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rare_terms_weigh_more_and_state_round_trips() {
        let mut df = DocFreq::default();
        let common = 1u64 << 63;
        let rare = 1u64 << 62;
        for _ in 0..9 {
            df.add([common].into_iter());
        }
        df.add([common, rare].into_iter());
        assert!(df.idf(rare) > df.idf(common));
        let back = DocFreq::from_state(&df.state());
        assert_eq!(back.idf(rare), df.idf(rare));
        assert_eq!(back.docs, 10);
    }
}
