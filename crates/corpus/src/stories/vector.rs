//! Sparse term vectors keyed by term hash, and deterministic maps for them.

use std::hash::{BuildHasherDefault, Hasher};

use hashbrown::HashMap;

/// Term hashes are already uniform 64-bit values, so the map uses them as they are; being
/// unseeded also makes iteration order, and so float sums, the same on every run.
#[derive(Default, Clone, Copy)]
pub struct TermHasher(u64);

impl Hasher for TermHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

pub type TermMap<V> = HashMap<u64, V, BuildHasherDefault<TermHasher>>;
/// String-keyed map with a fixed (unseeded) hasher, for the same determinism.
pub type NameMap<V> = HashMap<String, V, xxhash_rust::xxh3::Xxh3DefaultBuilder>;

/// Euclidean norm of a sparse vector.
pub fn norm<'a>(values: impl Iterator<Item = &'a f32>) -> f32 {
    values.map(|v| v * v).sum::<f32>().sqrt()
}

/// Euclidean norm of a map, summed in term order so the result does not depend on the
/// map's history (a restored index must compute exactly what the original did).
pub fn map_norm(map: &TermMap<f32>) -> f32 {
    let mut entries: Vec<(u64, f32)> = map.iter().map(|(h, w)| (*h, *w)).collect();
    entries.sort_unstable_by_key(|e| e.0);
    norm(entries.iter().map(|e| &e.1))
}

/// Dot product of a sorted sparse vector with a map.
pub fn dot(a: &[(u64, f32)], b: &TermMap<f32>) -> f32 {
    a.iter().filter_map(|(h, w)| b.get(h).map(|v| v * w)).sum()
}

/// Dot product of two vectors sorted by term.
pub fn dot_sorted(a: &[(u64, f32)], b: &[(u64, f32)]) -> f32 {
    let (mut i, mut j, mut sum) = (0, 0, 0.0f32);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                sum += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    sum
}

/// Dot product of two maps, summed in term order (see `map_norm`).
pub fn dot_maps(a: &TermMap<f32>, b: &TermMap<f32>) -> f32 {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let mut entries: Vec<(u64, f32)> = small.iter().map(|(h, w)| (*h, *w)).collect();
    entries.sort_unstable_by_key(|e| e.0);
    dot(&entries, large)
}

/// Keeps the `keep` largest entries once the map holds more than twice that (amortised);
/// ties go to the smaller hash so the result does not depend on map order.
pub fn trim(map: &mut TermMap<f32>, keep: usize) {
    if map.len() <= keep.saturating_mul(2) {
        return;
    }
    let mut entries: Vec<(u64, f32)> = map.iter().map(|(h, w)| (*h, *w)).collect();
    sort_by_weight(&mut entries);
    entries.truncate(keep);
    map.clear();
    map.extend(entries);
}

/// Largest weight first, then smaller hash.
pub fn sort_by_weight(entries: &mut [(u64, f32)]) {
    entries.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trim_keeps_the_heaviest() {
        let mut map: TermMap<f32> = (0..10u64).map(|i| (i, i as f32)).collect();
        trim(&mut map, 2);
        let mut kept: Vec<u64> = map.keys().copied().collect();
        kept.sort_unstable();
        assert_eq!(kept, [8, 9]);
        let a = [(8u64, 1.0f32), (20, 5.0)];
        assert_eq!(dot(&a, &map), 8.0);
        assert_eq!(dot_sorted(&a, &[(3, 2.0), (8, 0.5), (20, 2.0)]), 10.5);
        assert_eq!(dot_maps(&map, &map), 145.0);
        assert_eq!(norm([3.0f32, 4.0].iter()), 5.0);
    }
}
