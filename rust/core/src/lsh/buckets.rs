//! Buckets into links, shared by the in-memory path and the out-of-core path.
//!
//! A band's `(key, doc)` records sorted by `(key, doc)` hold its buckets as runs of equal keys.
//! [`bucket_links`] turns the buckets of two or more members into links by the representative
//! rule of the module docs of [`super`]; it only needs every bucket whole and in `doc` order, so
//! the out-of-core path (Python: sorted runs on disk, merged chunk by chunk, each chunk ending
//! on a bucket boundary) gets the very links of the in-memory path. [`member_links`] is that
//! path's entry: documents are global `u64` ordinals, and verification looks up the signature
//! or shingle set of a bucket member among the `members` whose data the caller read.

use crate::error::{invalid, Result};
use crate::minhash::sets::{set_jaccard, ShingleSets};

use super::{band_key, similarity, MAX_REPRESENTATIVES};

/// How candidate links are checked: not at all, or by a similarity of two documents that must
/// reach a threshold (estimated from signatures, or exact from shingle sets).
pub type Check<'a, D> = Option<(f64, &'a (dyn Fn(D, D) -> f64 + Sync))>;

/// The links of the buckets of two or more members in `records` (sorted by `(key, doc)`).
pub fn bucket_links<D: Copy>(records: &[(u64, D)], check: Check<'_, D>) -> Vec<(D, D)> {
    let mut links = Vec::new();
    let mut reps: Vec<D> = Vec::with_capacity(MAX_REPRESENTATIVES);
    for bucket in records.chunk_by(|x, y| x.0 == y.0).filter(|b| b.len() > 1) {
        let first = bucket[0].1;
        match check {
            None => links.extend(bucket[1..].iter().map(|&(_, d)| (first, d))),
            Some((t, similar)) => {
                reps.clear();
                reps.push(first);
                for &(_, d) in &bucket[1..] {
                    match reps.iter().find(|&&r| similar(r, d) >= t) {
                        Some(&r) => links.push((r, d)),
                        None if reps.len() < MAX_REPRESENTATIVES => reps.push(d),
                        None => {}
                    }
                }
            }
        }
    }
    links
}

/// Band `band`'s key of each row of row-major `sigs` (`num_perm` columns).
pub fn band_keys(sigs: &[u32], num_perm: usize, band: usize, rows: usize) -> Result<Vec<u64>> {
    if num_perm == 0 || sigs.len() % num_perm != 0 {
        return Err(invalid("signature data length is not a multiple of num_perm"));
    }
    if (band + 1) * rows > num_perm {
        return Err(invalid(format!("band {band} of {rows} rows runs past num_perm = {num_perm}")));
    }
    let mut buf = Vec::with_capacity(rows * 4);
    Ok(sigs.chunks_exact(num_perm).map(|s| band_key(&s[band * rows..(band + 1) * rows], band, &mut buf)).collect())
}

/// What the out-of-core path verifies links with, for the `members` (ascending) it read.
pub enum MemberData<'a> {
    /// Every candidate is kept.
    Unverified,
    /// Row k (`num_perm` values) is the signature of `members[k]`.
    Signatures { members: &'a [u64], sigs: &'a [u32], num_perm: usize, threshold: f64 },
    /// Set k is the shingle set of `members[k]`.
    Sets { members: &'a [u64], sets: ShingleSets<'a>, threshold: f64 },
}

/// The links of the buckets in `keys`/`docs` (sorted by `(key, doc)`, every bucket whole).
pub fn member_links(keys: &[u64], docs: &[u64], data: &MemberData<'_>) -> Result<Vec<(u64, u64)>> {
    if keys.len() != docs.len() {
        return Err(invalid(format!("{} keys for {} documents", keys.len(), docs.len())));
    }
    let records: Vec<(u64, u64)> = keys.iter().copied().zip(docs.iter().copied()).collect();
    if records.windows(2).any(|w| w[1] <= w[0]) {
        return Err(invalid("records must be sorted by (key, doc) without repeats"));
    }
    let members = match data {
        MemberData::Unverified => return Ok(bucket_links(&records, None)),
        MemberData::Signatures { members, sigs, num_perm, .. } => {
            if sigs.len() != members.len() * num_perm {
                return Err(invalid(format!("{} signature values for {} members", sigs.len(), members.len())));
            }
            *members
        }
        MemberData::Sets { members, sets, .. } => {
            if sets.len() != members.len() {
                return Err(invalid(format!("{} shingle sets for {} members", sets.len(), members.len())));
            }
            *members
        }
    };
    if members.windows(2).any(|w| w[1] <= w[0]) {
        return Err(invalid("members must be ascending without repeats"));
    }
    let in_buckets = records.chunk_by(|x, y| x.0 == y.0).filter(|b| b.len() > 1).flatten();
    if let Some((_, d)) = in_buckets.into_iter().find(|(_, d)| members.binary_search(d).is_err()) {
        return Err(invalid(format!("document {d} is in a bucket but not among the members given")));
    }
    let at = |d: u64| members.binary_search(&d).expect("checked above");
    let (threshold, similar): (f64, Box<dyn Fn(u64, u64) -> f64 + Sync>) = match *data {
        MemberData::Signatures { sigs, num_perm, threshold, .. } => {
            let row = move |d: u64| &sigs[at(d) * num_perm..(at(d) + 1) * num_perm];
            (threshold, Box::new(move |a, b| similarity(row(a), row(b)) as f64))
        }
        MemberData::Sets { sets, threshold, .. } => (threshold, Box::new(move |a, b| set_jaccard(sets.get(at(a)), sets.get(at(b))))),
        MemberData::Unverified => unreachable!("returned above"),
    };
    Ok(bucket_links(&records, Some((threshold, similar.as_ref()))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn representatives_link_each_member_to_the_first_it_matches() {
        // One bucket 1, 4, 7, 9 where 4 matches nothing, 7 matches 4, 9 matches 1; a lone key.
        let keys = [3, 3, 3, 3, 5];
        let docs = [1, 4, 7, 9, 2];
        assert_eq!(member_links(&keys, &docs, &MemberData::Unverified).unwrap(), [(1, 4), (1, 7), (1, 9)]);
        let values = [1, 2, 8, 9, 8, 9, 1, 2];
        let offsets = [0, 2, 4, 6, 8];
        let sets = ShingleSets::new(&values, &offsets).unwrap();
        let data = MemberData::Sets { members: &[1, 4, 7, 9], sets, threshold: 0.5 };
        assert_eq!(member_links(&keys, &docs, &data).unwrap(), [(4, 7), (1, 9)]);
        let missing = MemberData::Sets { members: &[1, 4, 7, 8], sets, threshold: 0.5 };
        assert!(member_links(&keys, &docs, &missing).unwrap_err().to_string().contains("document 9"));
        assert!(member_links(&[5, 3], &[1, 2], &MemberData::Unverified).is_err());
    }

    #[test]
    fn band_keys_match_the_in_memory_banding() {
        let sigs: Vec<u32> = (0..16).collect();  // two documents of 8 slots
        let keys = band_keys(&sigs, 8, 1, 4).unwrap();
        let mut buf = Vec::new();
        assert_eq!(keys, [band_key(&sigs[4..8], 1, &mut buf), band_key(&sigs[12..16], 1, &mut buf)]);
        assert!(band_keys(&sigs, 8, 2, 4).is_err());
        assert!(band_keys(&sigs[..7], 8, 0, 4).is_err());
    }
}
