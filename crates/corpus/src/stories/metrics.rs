//! Clustering scores against gold classes: pairwise and BCubed precision, recall and F1.

use hashbrown::HashMap;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Prf {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl Prf {
    fn new(precision: f64, recall: f64) -> Prf {
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        Prf {
            precision,
            recall,
            f1,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Scores {
    pub items: usize,
    pub gold_clusters: usize,
    pub predicted_clusters: usize,
    pub pairwise: Prf,
    pub bcubed: Prf,
}

/// Scores predicted cluster labels against gold labels, item by item (`gold[i]` and
/// `predicted[i]` belong to the same item). Empty input scores zero.
pub fn score<G: AsRef<str>, P: AsRef<str>>(gold: &[G], predicted: &[P]) -> Scores {
    let n = gold.len().min(predicted.len());
    let mut gold_sizes: HashMap<&str, u64> = HashMap::new();
    let mut pred_sizes: HashMap<&str, u64> = HashMap::new();
    let mut joint: HashMap<(&str, &str), u64> = HashMap::new();
    for i in 0..n {
        let (g, p) = (gold[i].as_ref(), predicted[i].as_ref());
        *gold_sizes.entry(g).or_default() += 1;
        *pred_sizes.entry(p).or_default() += 1;
        *joint.entry((g, p)).or_default() += 1;
    }
    let pairs = |k: u64| k * k.saturating_sub(1) / 2;
    let together: u64 = joint.values().map(|&k| pairs(k)).sum();
    let gold_pairs: u64 = gold_sizes.values().map(|&k| pairs(k)).sum();
    let pred_pairs: u64 = pred_sizes.values().map(|&k| pairs(k)).sum();
    let ratio = |a: u64, b: u64| if b == 0 { 1.0 } else { a as f64 / b as f64 };
    // BCubed: each item's precision is the share of its predicted cluster in its gold class,
    // summed over items; an overlap cell of size k contributes k * k / size.
    let (mut bp, mut br) = (0.0, 0.0);
    for (&(g, p), &k) in &joint {
        let k = k as f64;
        bp += k * k / pred_sizes[p] as f64;
        br += k * k / gold_sizes[g] as f64;
    }
    let (bp, br) = if n == 0 {
        (0.0, 0.0)
    } else {
        (bp / n as f64, br / n as f64)
    };
    Scores {
        items: n,
        gold_clusters: gold_sizes.len(),
        predicted_clusters: pred_sizes.len(),
        pairwise: if n == 0 {
            Prf::new(0.0, 0.0)
        } else {
            Prf::new(ratio(together, pred_pairs), ratio(together, gold_pairs))
        },
        bcubed: Prf::new(bp, br),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_and_split_clusterings() {
        let gold = ["a", "a", "b", "b"];
        let s = score(&gold, &["x", "x", "y", "y"]);
        assert_eq!((s.pairwise.f1, s.bcubed.f1), (1.0, 1.0));
        // Everything in one cluster: full recall, half the pairs wrong.
        let s = score(&gold, &["x", "x", "x", "x"]);
        assert_eq!(s.pairwise.recall, 1.0);
        assert!((s.pairwise.precision - 2.0 / 6.0).abs() < 1e-9);
        assert!((s.bcubed.precision - 0.5).abs() < 1e-9);
        assert_eq!(s.bcubed.recall, 1.0);
        // All singletons: full precision, BCubed recall 1/2.
        let s = score(&gold, &["1", "2", "3", "4"]);
        assert_eq!(s.bcubed.precision, 1.0);
        assert!((s.bcubed.recall - 0.5).abs() < 1e-9);
        assert_eq!(s.pairwise.recall, 0.0);
        let empty: [&str; 0] = [];
        assert_eq!(score(&empty, &empty).bcubed.f1, 0.0);
    }
}
