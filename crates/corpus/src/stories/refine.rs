//! The refinement check on a young story: do its members form two groups that read as two
//! events of the same kind? Works on the members' pairwise cosines alone, so the index can
//! keep them up to date as members join and never rebuild vectors to decide.

/// Pairwise cosines of a story's members: row `i` holds the cosines of member `i` with
/// members `0..i`.
pub(super) type Sims = Vec<Vec<f32>>;

fn sim(sims: &Sims, i: usize, j: usize) -> f32 {
    match i.cmp(&j) {
        std::cmp::Ordering::Greater => sims[i][j],
        std::cmp::Ordering::Less => sims[j][i],
        std::cmp::Ordering::Equal => 1.0,
    }
}

/// The cosine between the centroids (sums of unit vectors) of the members marked `true`
/// and those marked `false`, from the pairwise cosines alone.
pub(super) fn part_cosine(sims: &Sims, side: &[bool]) -> f32 {
    let (mut aa, mut bb, mut ab) = (0.0f32, 0.0f32, 0.0f32);
    for i in 0..side.len() {
        for j in 0..side.len() {
            let s = sim(sims, i, j);
            match (side[i], side[j]) {
                (true, true) => aa += s,
                (false, false) => bb += s,
                _ => ab += s,
            }
        }
    }
    if aa <= 0.0 || bb <= 0.0 {
        return 1.0;
    }
    ab / 2.0 / (aa.sqrt() * bb.sqrt())
}

/// The best two-way split of the members: average-linkage agglomeration down to two groups,
/// then single moves while they lower the cosine between the groups. Returns the side of
/// each member (`true`: the group without member 0, the one that would leave) and the
/// cosine between the two groups, or `None` when no split leaves `min` members on each side.
pub(super) fn best_split(sims: &Sims, min: usize) -> Option<(Vec<bool>, f32)> {
    let n = sims.len();
    let min = min.max(1);
    if n < 2 * min {
        return None;
    }
    // Average linkage: merge the two groups with the highest mean pairwise cosine.
    let mut groups: Vec<Vec<usize>> = (0..n).map(|i| vec![i]).collect();
    while groups.len() > 2 {
        let mut best = (f32::NEG_INFINITY, 0, 1);
        for a in 0..groups.len() {
            for b in a + 1..groups.len() {
                let total: f32 = groups[a]
                    .iter()
                    .flat_map(|&i| groups[b].iter().map(move |&j| (i, j)))
                    .map(|(i, j)| sim(sims, i, j))
                    .sum();
                let mean = total / (groups[a].len() * groups[b].len()) as f32;
                if mean > best.0 {
                    best = (mean, a, b);
                }
            }
        }
        let merged = groups.swap_remove(best.2);
        groups[best.1].extend(merged);
    }
    let mut side = vec![false; n];
    let leaving = usize::from(groups[0].contains(&0));
    for &i in &groups[leaving] {
        side[i] = true;
    }
    let valid = |side: &[bool]| {
        let count = side.iter().filter(|&&s| s).count();
        count >= min && n - count >= min
    };
    // An agglomeration that peels off fewer than `min` members starts from no valid split.
    let mut cos = if valid(&side) {
        part_cosine(sims, &side)
    } else {
        f32::INFINITY
    };
    // Single moves that lower the cosine between the groups (member 0 stays put).
    loop {
        let mut improved = false;
        for i in 1..n {
            side[i] = !side[i];
            // Small groups always look apart (their centroids are noisy): keep `min`.
            let c = if valid(&side) {
                part_cosine(sims, &side)
            } else {
                f32::INFINITY
            };
            if c + 1e-6 < cos {
                cos = c;
                improved = true;
            } else {
                side[i] = !side[i];
            }
        }
        if !improved {
            break;
        }
    }
    valid(&side).then_some((side, cos))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Members 0, 2, 4 close to each other, 1, 3, 5 close to each other, the two groups
    /// apart: interleaved arrivals of two events of the same kind.
    fn two_events() -> Sims {
        (0..6)
            .map(|i| {
                (0..i)
                    .map(|j| if (i + j) % 2 == 0 { 0.8 } else { 0.3 })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn interleaved_events_split_apart() {
        let (side, cos) = best_split(&two_events(), 2).expect("a split");
        assert_eq!(side, [false, true, false, true, false, true]);
        assert!(cos < 0.5, "{cos}");
    }

    #[test]
    fn one_event_has_no_clear_split() {
        let sims: Sims = (0..6).map(|i| vec![0.6; i]).collect();
        let (_, cos) = best_split(&sims, 2).expect("some split");
        assert!(cos > 0.75, "{cos}");
        assert!(best_split(&sims[..3].to_vec(), 2).is_none());
    }
}
