//! Coreference scores over gold mentions: MUC (Vilain et al. 1995), B³ (Bagga & Baldwin
//! 1998), entity-based CEAF (CEAF-e, Luo 2005, φ4 similarity) and their CoNLL average, as the
//! CoNLL-2012 reference scorer computes them. Clusters are lists of mention ids; key and
//! response must partition the same mentions (singletons included).

use hashbrown::HashMap;

/// Precision, recall and F1, as fractions.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Prf {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl Prf {
    fn new(p_num: f64, p_den: f64, r_num: f64, r_den: f64) -> Prf {
        let precision = if p_den > 0.0 { p_num / p_den } else { 0.0 };
        let recall = if r_den > 0.0 { r_num / r_den } else { 0.0 };
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

/// All four scores.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Scores {
    pub muc: Prf,
    pub b3: Prf,
    pub ceaf_e: Prf,
    /// Mean of the three F1s.
    pub conll: f64,
}

pub fn score(key: &[Vec<u32>], response: &[Vec<u32>]) -> Scores {
    let muc = muc(key, response);
    let b3 = b_cubed(key, response);
    let ceaf_e = ceaf_e(key, response);
    Scores {
        muc,
        b3,
        ceaf_e,
        conll: (muc.f1 + b3.f1 + ceaf_e.f1) / 3.0,
    }
}

fn owner(clusters: &[Vec<u32>]) -> HashMap<u32, usize> {
    let mut map = HashMap::new();
    for (i, c) in clusters.iter().enumerate() {
        for &m in c {
            map.insert(m, i);
        }
    }
    map
}

/// Links kept: for each cluster, its size minus the parts the other partition splits it into.
fn muc_side(a: &[Vec<u32>], b: &[Vec<u32>]) -> (f64, f64) {
    let of_b = owner(b);
    let (mut num, mut den) = (0.0, 0.0);
    for cluster in a {
        let mut parts: Vec<Option<usize>> = Vec::new();
        let mut unowned = 0usize;
        for m in cluster {
            match of_b.get(m) {
                Some(&c) => {
                    if !parts.contains(&Some(c)) {
                        parts.push(Some(c));
                    }
                }
                None => unowned += 1,
            }
        }
        let partitions = parts.len() + unowned;
        num += (cluster.len() - partitions) as f64;
        den += (cluster.len().saturating_sub(1)) as f64;
    }
    (num, den)
}

pub fn muc(key: &[Vec<u32>], response: &[Vec<u32>]) -> Prf {
    let (r_num, r_den) = muc_side(key, response);
    let (p_num, p_den) = muc_side(response, key);
    Prf::new(p_num, p_den, r_num, r_den)
}

fn b3_side(a: &[Vec<u32>], b: &[Vec<u32>]) -> (f64, f64) {
    let of_b = owner(b);
    let (mut num, mut den) = (0.0, 0.0);
    for cluster in a {
        let mut overlap: HashMap<usize, usize> = HashMap::new();
        for m in cluster {
            if let Some(&c) = of_b.get(m) {
                *overlap.entry(c).or_insert(0) += 1;
            }
        }
        let n = cluster.len() as f64;
        for count in overlap.values() {
            num += (*count as f64) * (*count as f64) / n;
        }
        den += n;
    }
    (num, den)
}

pub fn b_cubed(key: &[Vec<u32>], response: &[Vec<u32>]) -> Prf {
    let (r_num, r_den) = b3_side(key, response);
    let (p_num, p_den) = b3_side(response, key);
    Prf::new(p_num, p_den, r_num, r_den)
}

/// CEAF-e: the best one-to-one alignment of key and response clusters under
/// φ4(K, R) = 2|K ∩ R| / (|K| + |R|). The alignment is solved per connected group of
/// overlapping clusters, which gives the same optimum as one global assignment.
pub fn ceaf_e(key: &[Vec<u32>], response: &[Vec<u32>]) -> Prf {
    let of_r = owner(response);
    // Union-find over key clusters joined by shared response clusters.
    let mut groups: HashMap<usize, (Vec<usize>, Vec<usize>)> = HashMap::new();
    let mut parent: Vec<usize> = (0..key.len()).collect();
    fn find(parent: &mut [usize], x: usize) -> usize {
        let mut x = x;
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    let mut first_key_of_response: HashMap<usize, usize> = HashMap::new();
    for (k, cluster) in key.iter().enumerate() {
        for m in cluster {
            if let Some(&r) = of_r.get(m) {
                match first_key_of_response.get(&r) {
                    Some(&k0) => {
                        let (a, b) = (find(&mut parent, k0), find(&mut parent, k));
                        parent[a] = b;
                    }
                    None => {
                        first_key_of_response.insert(r, k);
                    }
                }
            }
        }
    }
    for k in 0..key.len() {
        let root = find(&mut parent, k);
        groups.entry(root).or_default().0.push(k);
    }
    for (&r, &k) in &first_key_of_response {
        let root = find(&mut parent, k);
        groups.entry(root).or_default().1.push(r);
    }
    let mut total = 0.0;
    for (keys, mut responses) in groups.into_values() {
        responses.sort_unstable();
        if responses.is_empty() {
            continue;
        }
        let sim = |k: usize, r: usize| -> f64 {
            let common = key[k].iter().filter(|m| of_r.get(*m) == Some(&r)).count();
            2.0 * common as f64 / (key[k].len() + response[r].len()) as f64
        };
        let matrix: Vec<Vec<f64>> = keys
            .iter()
            .map(|&k| responses.iter().map(|&r| sim(k, r)).collect())
            .collect();
        total += max_assignment(&matrix);
    }
    Prf::new(total, response.len() as f64, total, key.len() as f64)
}

/// Maximum-weight assignment (Hungarian algorithm, O(n³)) of a rows × cols matrix.
fn max_assignment(weights: &[Vec<f64>]) -> f64 {
    let rows = weights.len();
    let cols = weights.first().map_or(0, Vec::len);
    let n = rows.max(cols);
    if n == 0 {
        return 0.0;
    }
    let cost = |i: usize, j: usize| -> f64 {
        if i < rows && j < cols {
            -weights[i][j]
        } else {
            0.0
        }
    };
    // Potentials formulation (e-maxx), 1-based with a dummy column 0.
    let inf = f64::INFINITY;
    let mut u = vec![0.0; n + 1];
    let mut v = vec![0.0; n + 1];
    let mut p = vec![0usize; n + 1];
    let mut way = vec![0usize; n + 1];
    for i in 1..=n {
        p[0] = i;
        let mut j0 = 0;
        let mut minv = vec![inf; n + 1];
        let mut used = vec![false; n + 1];
        loop {
            used[j0] = true;
            let i0 = p[j0];
            let mut delta = inf;
            let mut j1 = 0;
            for j in 1..=n {
                if !used[j] {
                    let cur = cost(i0 - 1, j - 1) - u[i0] - v[j];
                    if cur < minv[j] {
                        minv[j] = cur;
                        way[j] = j0;
                    }
                    if minv[j] < delta {
                        delta = minv[j];
                        j1 = j;
                    }
                }
            }
            for j in 0..=n {
                if used[j] {
                    u[p[j]] += delta;
                    v[j] -= delta;
                } else {
                    minv[j] -= delta;
                }
            }
            j0 = j1;
            if p[j0] == 0 {
                break;
            }
        }
        loop {
            let j1 = way[j0];
            p[j0] = p[j1];
            j0 = j1;
            if j0 == 0 {
                break;
            }
        }
    }
    (1..=n)
        .filter(|&j| p[j] > 0)
        .map(|j| -cost(p[j] - 1, j - 1))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-4
    }

    #[test]
    fn perfect_response_scores_one() {
        let key = vec![vec![1, 2, 3], vec![4, 5], vec![6]];
        let s = score(&key, &key);
        assert!(close(s.muc.f1, 1.0) && close(s.b3.f1, 1.0) && close(s.ceaf_e.f1, 1.0));
    }

    /// The worked example of Pradhan et al. 2014 (reference scorer tests): key {a b c}
    /// {d e f g}, response {a b} {c d} {f g h i}, with h and i absent from the key. Here
    /// over the same mentions, so h and i are key singletons.
    #[test]
    fn known_values() {
        let key = vec![vec![1, 2, 3], vec![4, 5, 6, 7], vec![8], vec![9]];
        let response = vec![vec![1, 2], vec![3, 4], vec![5], vec![6, 7, 8, 9]];
        let m = muc(&key, &response);
        // Key links 2 + 3 = 5; response keeps 1 + 0 + 1 = 2... recall = (3-2 + 4-3)/5.
        assert!(close(m.recall, 2.0 / 5.0), "{m:?}");
        // Response links 1 + 1 + 3 = 5; kept (2-1) + (2-2) + (4-3) = 2.
        assert!(close(m.precision, 2.0 / 5.0), "{m:?}");
        let b = b_cubed(&key, &response);
        // Recall: a,b 2/3 each, c 1/3, d 1/4, e 1/4, f,g 2/4, h 1, i 1 → sum 5.1667 / 9.
        assert!(
            close(b.recall, (4.0 / 3.0 + 1.0 / 3.0 + 0.5 + 1.0 + 2.0) / 9.0),
            "{b:?}"
        );
        let c = ceaf_e(&key, &response);
        assert!(c.f1 > 0.0 && c.f1 < 1.0);
    }

    #[test]
    fn assignment_is_optimal() {
        let w = vec![vec![0.9, 0.8], vec![0.85, 0.1]];
        assert!(close(max_assignment(&w), 0.8 + 0.85));
    }
}
