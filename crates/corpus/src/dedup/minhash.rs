//! MinHash signatures over shingle sets and LSH banding: texts whose shingle sets overlap
//! strongly share at least one band key with high probability, so candidates are found
//! without comparing against every stored text.

/// Bands × rows = hashes per signature. With 16 bands of 4 rows, a pair at Jaccard 0.5 is
/// a candidate with probability 1 - (1 - 0.5^4)^16 ≈ 0.64, at 0.8 with ≈ 1.0; candidates
/// are then checked exactly, so the bands only decide what is compared.
pub const BANDS: usize = 16;
const ROWS: usize = 4;
const HASHES: usize = BANDS * ROWS;

/// The band keys of a shingle set (empty set: no keys, so it never matches).
pub fn band_keys(shingles: &[u64]) -> Option<[u64; BANDS]> {
    if shingles.is_empty() {
        return None;
    }
    let mut mins = [u64::MAX; HASHES];
    for &s in shingles {
        for (i, min) in mins.iter_mut().enumerate() {
            let h = permute(s, i as u64);
            if h < *min {
                *min = h;
            }
        }
    }
    let mut keys = [0u64; BANDS];
    for (b, key) in keys.iter_mut().enumerate() {
        let rows = &mins[b * ROWS..(b + 1) * ROWS];
        *key = rows.iter().fold(b as u64, |acc, &m| mix(acc ^ m));
    }
    Some(keys)
}

/// One of `HASHES` independent hash functions of an already well-mixed shingle hash.
fn permute(x: u64, i: u64) -> u64 {
    mix(x ^ (i.wrapping_add(1)).wrapping_mul(0x9e37_79b9_7f4a_7c15))
}

/// The splitmix64 finaliser.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similar_sets_share_bands_and_different_sets_do_not() {
        let a: Vec<u64> = (0..200u64).map(mix).collect();
        let mut b = a.clone();
        b.truncate(190);
        b.extend((1000..1010u64).map(mix));
        b.sort_unstable();
        let c: Vec<u64> = (5000..5200u64).map(mix).collect();
        let (ka, kb, kc) = (
            band_keys(&a).unwrap(),
            band_keys(&b).unwrap(),
            band_keys(&c).unwrap(),
        );
        assert!(ka.iter().zip(&kb).any(|(x, y)| x == y));
        assert!(ka.iter().zip(&kc).all(|(x, y)| x != y));
        assert!(band_keys(&[]).is_none());
    }
}
