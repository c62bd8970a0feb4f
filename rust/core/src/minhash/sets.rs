//! Shingle sets and their exact Jaccard similarity, to verify LSH candidate pairs.
//!
//! A document's set is its shingle hashes (see [`super::MinHasher::shingle_hashes`]) cut to their
//! top 32 bits ([`fingerprint`]), sorted and deduplicated ([`sorted_sets`]): 4 bytes a shingle.
//! Two different shingles share a fingerprint with probability 2^-32, so the Jaccard of two sets of `m` and `n` shingles is off
//! by more than `1/max(m, n)` only with probability about `m·n/2^32` (4·10^-5 for two pages of
//! 400 words): exact for deciding a threshold. Sets are stored flat, as `values` with `offsets`
//! (set `i` is `values[offsets[i]..offsets[i + 1]]`); work files hold the unsorted fingerprint
//! lists, and only the documents that verification needs are made sets.

use rayon::prelude::*;

use crate::error::{invalid, Result};
use crate::parallel;

/// The 32-bit fingerprint of a 64-bit shingle hash: its top bits.
#[inline]
pub fn fingerprint(hash: u64) -> u32 {
    (hash >> 32) as u32
}

/// Lists of fingerprints (list `i` at `values[offsets[i]..offsets[i + 1]]`, any order, repeats
/// allowed) as sets: each sorted without repeats, `(values, offsets)`, in parallel.
pub fn sorted_sets(values: &[u32], offsets: &[u64]) -> Result<(Vec<u32>, Vec<u64>)> {
    check_offsets(values, offsets)?;
    Ok(sort_lists(values, &offsets.windows(2).map(|w| (w[0] as usize, w[1] as usize)).collect::<Vec<_>>()))
}

/// Lists `take[0]`, `take[1]`, ... of the lists of [`sorted_sets`] as sets, the others never
/// read: the sets of the few documents that verification needs, straight from a work file's
/// fingerprints (memory-mapped) without gathering them first.
pub fn sorted_sets_of(values: &[u32], offsets: &[u64], take: &[u64]) -> Result<(Vec<u32>, Vec<u64>)> {
    check_offsets(values, offsets)?;
    let lists = offsets.len() - 1;
    if let Some(&bad) = take.iter().find(|&&i| i as usize >= lists) {
        return Err(invalid(format!("list {bad} does not exist ({lists} lists)")));
    }
    Ok(sort_lists(values, &take.iter().map(|&i| (offsets[i as usize] as usize, offsets[i as usize + 1] as usize)).collect::<Vec<_>>()))
}

/// The lists `values[a..b]` of `ranges` sorted without repeats, flat; chunks of lists in parallel,
/// each sorted and deduplicated in place in its chunk's buffer.
fn sort_lists(values: &[u32], ranges: &[(usize, usize)]) -> (Vec<u32>, Vec<u64>) {
    let chunks: Vec<(Vec<u32>, Vec<u64>)> = parallel::install(|| {
        ranges
            .par_chunks(256)
            .map(|chunk| {
                let mut out = Vec::with_capacity(chunk.iter().map(|&(a, b)| b - a).sum());
                let mut sizes = Vec::with_capacity(chunk.len());
                for &(a, b) in chunk {
                    let start = out.len();
                    out.extend_from_slice(&values[a..b]);
                    out[start..].sort_unstable();
                    let mut kept = start;
                    for i in start..out.len() {
                        if kept == start || out[i] != out[kept - 1] {
                            out[kept] = out[i];
                            kept += 1;
                        }
                    }
                    out.truncate(kept);
                    sizes.push((kept - start) as u64);
                }
                (out, sizes)
            })
            .collect()
    });
    let mut out = Vec::with_capacity(chunks.iter().map(|(v, _)| v.len()).sum());
    let mut out_offsets = Vec::with_capacity(ranges.len() + 1);
    out_offsets.push(0);
    for (part, sizes) in chunks {
        out.extend_from_slice(&part);
        for size in sizes {
            out_offsets.push(out_offsets[out_offsets.len() - 1] + size);
        }
    }
    (out, out_offsets)
}

fn check_offsets(values: &[u32], offsets: &[u64]) -> Result<()> {
    if offsets.first() != Some(&0) || offsets.last() != Some(&(values.len() as u64)) {
        return Err(invalid(format!("offsets must run from 0 to {} (the number of values)", values.len())));
    }
    if offsets.windows(2).any(|w| w[1] < w[0]) {
        return Err(invalid("offsets must not decrease"));
    }
    Ok(())
}

/// The Jaccard similarity of two sorted sets without repeats (1.0 when both are empty).
pub fn set_jaccard(a: &[u32], b: &[u32]) -> f64 {
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let union = a.len() + b.len() - common;
    if union == 0 { 1.0 } else { common as f64 / union as f64 }
}

/// Shingle sets stored flat: set `i` is `values[offsets[i]..offsets[i + 1]]`.
#[derive(Debug, Clone, Copy)]
pub struct ShingleSets<'a> {
    values: &'a [u32],
    offsets: &'a [u64],
}

impl<'a> ShingleSets<'a> {
    /// Checks that the offsets start at 0, never decrease and end at `values.len()`, and that
    /// every set is sorted without repeats.
    pub fn new(values: &'a [u32], offsets: &'a [u64]) -> Result<Self> {
        check_offsets(values, offsets)?;
        let sets = Self { values, offsets };
        if (0..sets.len()).any(|i| sets.get(i).windows(2).any(|w| w[1] <= w[0])) {
            return Err(invalid("every shingle set must be sorted without repeats"));
        }
        Ok(sets)
    }

    /// The number of sets.
    pub fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Set `i`.
    pub fn get(&self, i: usize) -> &'a [u32] {
        &self.values[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }
}

/// The exact Jaccard similarity of each pair `(left[k], right[k])` of sets, in parallel.
pub fn jaccard_pairs(sets: &ShingleSets<'_>, left: &[u32], right: &[u32]) -> Result<Vec<f64>> {
    if left.len() != right.len() {
        return Err(invalid(format!("{} left and {} right members: pairs need both", left.len(), right.len())));
    }
    if let Some(&bad) = left.iter().chain(right).find(|&&i| i as usize >= sets.len()) {
        return Err(invalid(format!("set {bad} does not exist ({} sets)", sets.len())));
    }
    Ok(parallel::install(|| {
        left.par_iter()
            .zip(right.par_iter())
            .with_min_len(1024)
            .map(|(&a, &b)| set_jaccard(sets.get(a as usize), sets.get(b as usize)))
            .collect()
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jaccard_of_sorted_sets() {
        assert_eq!(set_jaccard(&[1, 2, 3, 4], &[3, 4, 5, 6]), 2.0 / 6.0);
        assert_eq!(set_jaccard(&[], &[]), 1.0);
        assert_eq!(set_jaccard(&[1], &[]), 0.0);
        let values: Vec<u32> = [5 << 32 | 1, 3 << 32, 5 << 32 | 9].map(fingerprint).to_vec();
        assert_eq!(sorted_sets(&values, &[0, 3]).unwrap(), (vec![3, 5], vec![0, 2]));
        assert_eq!(sorted_sets(&[4, 4, 1], &[0, 0, 3]).unwrap(), (vec![1, 4], vec![0, 0, 2]));
        assert!(sorted_sets(&[1], &[0, 2]).is_err());
        // Only the lists asked for, in the order asked: those of sorted_sets.
        let (values, offsets) = ([9, 2, 2, 7, 5, 5, 1, 3], [0, 3, 3, 6, 8]);
        let all = sorted_sets(&values, &offsets).unwrap();
        assert_eq!(all, (vec![2, 9, 5, 7, 1, 3], vec![0, 2, 2, 4, 6]));
        assert_eq!(sorted_sets_of(&values, &offsets, &[3, 0, 1]).unwrap(), (vec![1, 3, 2, 9], vec![0, 2, 4, 4]));
        assert_eq!(sorted_sets_of(&values, &offsets, &[]).unwrap(), (vec![], vec![0]));
        assert!(sorted_sets_of(&values, &offsets, &[4]).is_err());
    }

    #[test]
    fn pairs_of_flat_sets() {
        let values = [1, 2, 3, 2, 3, 4, 9];
        let offsets = [0, 3, 6, 7];
        let sets = ShingleSets::new(&values, &offsets).unwrap();
        assert_eq!(jaccard_pairs(&sets, &[0, 0, 2], &[1, 2, 2]).unwrap(), [0.5, 0.0, 1.0]);
        assert!(jaccard_pairs(&sets, &[0], &[3]).is_err());
        assert!(jaccard_pairs(&sets, &[0], &[]).is_err());
        assert!(ShingleSets::new(&values, &[0, 3]).is_err());
        assert!(ShingleSets::new(&[2, 1], &[0, 2]).is_err());
    }
}
