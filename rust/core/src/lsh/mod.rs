//! Locality-sensitive hashing of MinHash signatures into near-duplicate clusters.
//!
//! # Banding and candidates
//!
//! A signature of `num_perm` slots is cut into `b` bands of `r` consecutive slots (slots past
//! `b·r` are not banded but count in verification). The key of band `j` of a document is
//! `hash64(the r slot values as little-endian u32 bytes, seed = j)`. Two documents are candidates
//! when they share a key in some band. For each band we sort the `(key, doc)` pairs and walk the
//! runs of equal keys (buckets); a bucket never materialises its pairs: without verification every
//! member is linked to the bucket's first (smallest) member, which connects the bucket with
//! `size - 1` links. The links go into a union-find whose roots are always the smallest index of
//! their set (see [`union_find`]); connected components are the clusters.
//!
//! # Verification
//!
//! With `verify`, a link is only made between documents whose estimated Jaccard (fraction of
//! equal slots of the full signatures) is at least the threshold. The exact rule, per bucket,
//! members in increasing index: the first member is the bucket's first representative; each later
//! member is compared with the representatives in order and linked to the first one it matches;
//! if it matches none it becomes a representative itself, while there are fewer than
//! [`MAX_REPRESENTATIVES`]; past that, it gets no link from this bucket (other bands may still link
//! it). A bucket of one near-duplicate group costs `size - 1` comparisons; the worst case is
//! `size × MAX_REPRESENTATIVES`, never quadratic.
//!
//! Exact verification ([`LshIndex::clusters_exact`]) follows the same rule with the exact
//! Jaccard of the two documents' shingle sets (see [`crate::minhash::sets`]) in place of the
//! estimate, so a low banding threshold (many candidates) keeps its precision; only the
//! candidates' sets ([`LshIndex::candidates`]) are needed. Two things make it cheap without
//! changing a link: the bands are sorted once, by [`LshIndex::candidates`], whose buckets of two
//! or more the index keeps for [`LshIndex::clusters_exact`]; and a pair that many bands bring up
//! (near duplicates share most band keys) has its Jaccard computed once ([`memo`]).
//!
//! Skipping a comparison because the two documents are already connected would not keep the
//! links: whether a member matches decides whether it becomes a representative, and a later
//! member may match only that one (bucket `a, b, c` with `a`, `b` connected through another band
//! but `J(a, b)` below the threshold, and `c` similar to `b` alone: the rule links `c` to `b`, a
//! skip would leave `c` out).
//!
//! # Output, determinism
//!
//! `cluster_id[i]` is the smallest document index of i's cluster (`i` for a singleton), and
//! `similarity[i]` the estimated Jaccard of i's signature with that representative's (1.0 for the
//! representative itself; documents may be linked through chains, so it can be below the
//! threshold). Sorting is by `(key, doc)`, a total order, bands are processed independently and
//! unions commute, so the output does not depend on the thread count.
//!
//! # Memory (in-memory path)
//!
//! The index holds the signatures, `4·num_perm` bytes per document (448 B for 112 permutations),
//! and nothing else between calls. Clustering adds, per band processed at the same time (one per
//! thread), 16 bytes per document for the `(key, doc)` pairs, plus 4 bytes per document for the
//! union-find and 12 for the output arrays. For 1M documents, 112 permutations and 2 threads:
//! 448 MB of signatures + 32 MB + 16 MB: under 1.2× the signature bytes. Exact verification
//! adds the kept buckets (16 bytes per candidate membership: a candidate in `k` bands counts `k`
//! times) and the memo (about 20 bytes per distinct pair compared), both in proportion to the
//! candidates, not the corpus.
//!
//! # Beyond RAM
//!
//! When the signatures of a corpus exceed memory, the same algorithm runs from disk (Python:
//! `dolma_tools.stages.dedupe.modes.lsh_disk`): per band, [`band_keys`] of each input file's
//! signatures go into sorted runs of `(key, doc)` records on disk, a merge streams them in
//! `(key, doc)` order in chunks that end on bucket boundaries, and [`member_links`] turns each
//! chunk's buckets into the links above (verification reads only the members' signatures or
//! sets). Links of every band then feed a union-find of `u64` parents ([`union_find`]), the
//! only structure of corpus size: 8 bytes a document. Both paths walk each bucket in `doc`
//! order with the same rule, and unions commute, so the clusters are identical.

pub mod buckets;
pub mod memo;
pub mod params;
pub mod union_find;

use std::sync::OnceLock;

use rayon::prelude::*;

use crate::error::{invalid, Result};
use crate::hash::hash64;
use crate::minhash::equal_slots;
use crate::minhash::sets::{set_jaccard, ShingleSets};
use crate::parallel;
pub use buckets::{band_keys, bucket_links, member_links, MemberData};
use buckets::Check;
use memo::PairMemo;
pub use params::{optimal_banding, Banding};
use union_find::roots_of;

/// Representatives kept per bucket when verifying.
pub const MAX_REPRESENTATIVES: usize = 8;

/// A run of consecutive documents' signatures, row-major.
#[derive(Debug, Clone, Copy)]
pub struct SignatureBlock<'a> {
    pub start: usize,
    pub sigs: &'a [u32],
}

/// The result of clustering.
#[derive(Debug, Clone, PartialEq)]
pub struct Clusters {
    /// Smallest document index of each document's cluster.
    pub cluster_id: Vec<u32>,
    /// Estimated Jaccard of each document with its cluster's representative.
    pub similarity: Vec<f32>,
}

/// Signatures of documents `0..n` spread over blocks sorted by start.
struct Signatures<'a> {
    blocks: Vec<SignatureBlock<'a>>,
    num_perm: usize,
    n: usize,
}

impl<'a> Signatures<'a> {
    fn new(mut blocks: Vec<SignatureBlock<'a>>, num_perm: usize) -> Result<Self> {
        blocks.sort_by_key(|b| b.start);
        let mut n = 0;
        for b in &blocks {
            if b.start != n {
                return Err(invalid(if b.start > n {
                    format!("documents {n}..{} were never added", b.start)
                } else {
                    format!("document {} was added twice", b.start)
                }));
            }
            n += b.sigs.len() / num_perm;
        }
        if n > u32::MAX as usize {
            return Err(invalid("more than 2^32 - 1 documents"));
        }
        Ok(Self { blocks, num_perm, n })
    }

    fn get(&self, doc: usize) -> &[u32] {
        let bi = self.blocks.partition_point(|b| b.start <= doc) - 1;
        let b = &self.blocks[bi];
        let off = (doc - b.start) * self.num_perm;
        &b.sigs[off..off + self.num_perm]
    }

    fn rows(&self) -> impl Iterator<Item = (usize, &[u32])> + '_ {
        self.blocks
            .iter()
            .flat_map(move |b| b.sigs.chunks_exact(self.num_perm).enumerate().map(move |(i, s)| (b.start + i, s)))
    }
}

fn band_key(slots: &[u32], band: usize, buf: &mut Vec<u8>) -> u64 {
    buf.clear();
    slots.iter().for_each(|v| buf.extend_from_slice(&v.to_le_bytes()));
    hash64(buf, band as u64)
}

fn similarity(a: &[u32], b: &[u32]) -> f32 {
    equal_slots(a, b) as f32 / a.len() as f32
}

/// Band `band`'s `(key, doc)` pairs of every document, sorted (runs of equal keys are buckets).
fn band_pairs(sigs: &Signatures<'_>, band: usize, rows: usize) -> Vec<(u64, u32)> {
    let mut buf = Vec::with_capacity(rows * 4);
    let mut pairs: Vec<(u64, u32)> = Vec::with_capacity(sigs.n);
    pairs.extend(sigs.rows().map(|(i, s)| (band_key(&s[band * rows..(band + 1) * rows], band, &mut buf), i as u32)));
    pairs.sort_unstable();
    pairs
}

/// The links one band contributes.
fn band_links(sigs: &Signatures<'_>, band: usize, rows: usize, check: Check<'_, u32>) -> Vec<(u32, u32)> {
    bucket_links(&band_pairs(sigs, band, rows), check)
}

fn cluster(sigs: &Signatures<'_>, banding: Banding, check: Check<'_, u32>) -> Clusters {
    let links: Vec<Vec<(u32, u32)>> = parallel::install(|| {
        (0..banding.bands).into_par_iter().map(|band| band_links(sigs, band, banding.rows, check)).collect()
    });
    finish(sigs, links, check)
}

/// Clusters from each band's links; `similarity` of each member with its cluster's root.
fn finish(sigs: &Signatures<'_>, links: Vec<Vec<(u32, u32)>>, check: Check<'_, u32>) -> Clusters {
    let cluster_id = roots_of(sigs.n, links.iter().flatten().copied());
    let similarity = parallel::install(|| {
        cluster_id
            .par_iter()
            .enumerate()
            .with_min_len(4096)
            .map(|(i, &r)| match check {
                _ if r as usize == i => 1.0,
                Some((_, similar)) => similar(r, i as u32) as f32,
                None => similarity(sigs.get(i), sigs.get(r as usize)),
            })
            .collect()
    });
    Clusters { cluster_id, similarity }
}

/// Each band's buckets of two or more members: their `(key, doc)` records, sorted. Everything
/// [`bucket_links`] reads (it skips buckets of one), 16 bytes a candidate membership.
fn candidate_buckets(sigs: &Signatures<'_>, banding: Banding) -> Vec<Vec<(u64, u32)>> {
    parallel::install(|| {
        (0..banding.bands)
            .into_par_iter()
            .map(|band| {
                let pairs = band_pairs(sigs, band, banding.rows);
                pairs.chunk_by(|x, y| x.0 == y.0).filter(|b| b.len() > 1).flatten().copied().collect()
            })
            .collect()
    })
}

/// The documents in some band's bucket of two or more (sorted): the only ones exact
/// verification needs the shingle sets of.
fn candidate_docs(n: usize, buckets: &[Vec<(u64, u32)>]) -> Vec<u32> {
    let mut seen = vec![false; n];
    buckets.iter().flatten().for_each(|&(_, d)| seen[d as usize] = true);
    seen.iter().enumerate().filter(|(_, &s)| s).map(|(d, _)| d as u32).collect()
}

/// The banding to use: the given one (checked) or the optimal one for the threshold.
pub fn resolve_banding(num_perm: usize, threshold: f64, banding: Option<Banding>, weights: (f64, f64)) -> Result<Banding> {
    params::check_threshold(threshold)?;
    if num_perm == 0 {
        return Err(invalid("num_perm must be at least 1"));
    }
    match banding {
        Some(b) => params::check_banding(b, num_perm).map(|()| b),
        None => optimal_banding(threshold, num_perm, weights.0, weights.1),
    }
}

/// Cluster signatures given as blocks (borrowed, no copy). `verify` drops links below the threshold.
pub fn cluster_blocks(
    blocks: Vec<SignatureBlock<'_>>,
    num_perm: usize,
    threshold: f64,
    banding: Banding,
    verify: bool,
) -> Result<Clusters> {
    params::check_banding(banding, num_perm)?;
    for b in &blocks {
        if b.sigs.len() % num_perm != 0 {
            return Err(invalid("signature data length is not a multiple of num_perm"));
        }
    }
    let sigs = Signatures::new(blocks, num_perm)?;
    let estimated = |a: u32, b: u32| similarity(sigs.get(a as usize), sigs.get(b as usize)) as f64;
    Ok(cluster(&sigs, banding, verify.then_some((threshold, &estimated as &(dyn Fn(u32, u32) -> f64 + Sync)))))
}

/// An index that collects signatures in batches, then clusters them all.
#[derive(Debug, Clone)]
pub struct LshIndex {
    num_perm: usize,
    threshold: f64,
    banding: Banding,
    batches: Vec<(usize, Vec<u32>)>,
    next: usize,
    count: usize,
    /// Each band's buckets of two or more, from [`Self::candidates`] for [`Self::clusters_exact`]
    /// (the bands are sorted once for both); cleared by [`Self::add`].
    buckets: OnceLock<Vec<Vec<(u64, u32)>>>,
}

impl LshIndex {
    /// An empty index; `banding` None picks the optimal one for `threshold` with `weights`
    /// (false positive, false negative).
    pub fn new(num_perm: usize, threshold: f64, banding: Option<Banding>, weights: (f64, f64)) -> Result<Self> {
        let banding = resolve_banding(num_perm, threshold, banding, weights)?;
        Ok(Self { num_perm, threshold, banding, batches: Vec::new(), next: 0, count: 0, buckets: OnceLock::new() })
    }

    pub fn num_perm(&self) -> usize {
        self.num_perm
    }
    pub fn threshold(&self) -> f64 {
        self.threshold
    }
    pub fn banding(&self) -> Banding {
        self.banding
    }
    /// Number of documents added.
    pub fn len(&self) -> usize {
        self.count
    }
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Add the row-major signatures of documents `start..start + rows` (`start` None: right after
    /// the highest index added so far). Returns the start used. Ranges must not overlap.
    pub fn add(&mut self, sigs: Vec<u32>, start: Option<usize>) -> Result<usize> {
        if sigs.len() % self.num_perm != 0 {
            return Err(invalid(format!(
                "signatures must have num_perm = {} columns (got {} values)",
                self.num_perm,
                sigs.len()
            )));
        }
        let rows = sigs.len() / self.num_perm;
        let start = start.unwrap_or(self.next);
        let end = start.checked_add(rows).filter(|&e| e <= u32::MAX as usize).ok_or_else(|| invalid("document index too large"))?;
        if let Some((s, _)) = self.batches.iter().find(|(s, v)| {
            let e = s + v.len() / self.num_perm;
            start < e && *s < end
        }) {
            return Err(invalid(format!("documents {start}..{end} overlap a batch added at {s}")));
        }
        self.next = self.next.max(end);
        self.count += rows;
        self.batches.push((start, sigs));
        self.buckets = OnceLock::new();
        Ok(start)
    }

    fn blocks(&self) -> Vec<SignatureBlock<'_>> {
        self.batches.iter().map(|(s, v)| SignatureBlock { start: *s, sigs: v }).collect()
    }

    /// Cluster every document added; the indices must cover `0..len` without gaps.
    pub fn clusters(&self, verify: bool) -> Result<Clusters> {
        cluster_blocks(self.blocks(), self.num_perm, self.threshold, self.banding, verify)
    }

    /// The documents that share a band key with another one (sorted): the candidates.
    pub fn candidates(&self) -> Result<Vec<u32>> {
        let sigs = Signatures::new(self.blocks(), self.num_perm)?;
        Ok(candidate_docs(sigs.n, self.buckets(&sigs)))
    }

    /// The bands' buckets of two or more, sorted once per set of documents added.
    fn buckets(&self, sigs: &Signatures<'_>) -> &[Vec<(u64, u32)>] {
        self.buckets.get_or_init(|| candidate_buckets(sigs, self.banding))
    }

    /// Cluster with exact verification: a candidate link is kept only when the shingle sets of
    /// its two documents have a Jaccard of at least `threshold` ([`set_jaccard`]). `docs`
    /// (ascending) names the document of each set; documents without one (not candidates)
    /// stay singletons. `similarity` is then the exact Jaccard with the representative.
    ///
    /// The same links as [`cluster`] with the exact check: the buckets are those [`Self::candidates`]
    /// sorted (kept, not sorted again), and each pair's Jaccard is computed once however many
    /// bands bring it up ([`PairMemo`]).
    pub fn clusters_exact(&self, docs: &[u32], sets: &ShingleSets<'_>, threshold: f64) -> Result<Clusters> {
        params::check_threshold(threshold)?;
        if docs.len() != sets.len() {
            return Err(invalid(format!("{} documents for {} shingle sets", docs.len(), sets.len())));
        }
        if docs.windows(2).any(|w| w[1] <= w[0]) {
            return Err(invalid("documents of the shingle sets must be ascending without repeats"));
        }
        let sigs = Signatures::new(self.blocks(), self.num_perm)?;
        let set_of = |d: u32| docs.binary_search(&d).ok().map(|k| sets.get(k));
        let exact = |a: u32, b: u32| match (set_of(a), set_of(b)) {
            (Some(x), Some(y)) => set_jaccard(x, y),
            _ => 0.0,
        };
        let memo = PairMemo::new(&exact);
        let remembered = |a: u32, b: u32| memo.get(a, b);
        let check: Check<'_, u32> = Some((threshold, &remembered));
        let buckets = self.buckets(&sigs);
        let links = parallel::install(|| buckets.par_iter().map(|records| bucket_links(records, check)).collect());
        Ok(finish(&sigs, links, check))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::minhash::{MinHasher, ShingleConfig};

    /// Pairs of shingle sets with exact Jaccard `j`: the fraction of pairs found at a banding.
    fn recall(j: f64, banding: Banding, pairs: usize) -> f64 {
        let m = MinHasher::new(128, 5, ShingleConfig::default()).unwrap();
        let size = 200u64;
        // |A ∩ B| = c, |A ∪ B| = 2·size - c, J = c / (2·size - c)  =>  c = 2·size·J / (1 + J).
        let common = (2.0 * size as f64 * j / (1.0 + j)).round() as u64;
        let mut sigs = Vec::new();
        for p in 0..pairs as u64 {
            let base = p * 10_000;
            let a: Vec<u64> = (base..base + size).map(|x| hash64(&x.to_le_bytes(), 1)).collect();
            let b: Vec<u64> = (base + size - common..base + 2 * size - common).map(|x| hash64(&x.to_le_bytes(), 1)).collect();
            for set in [a, b] {
                let mut s = vec![0; 128];
                m.signature_of_hashes(&set, &mut s).unwrap();
                sigs.extend(s);
            }
        }
        let c = cluster_blocks(vec![SignatureBlock { start: 0, sigs: &sigs }], 128, 0.5, banding, false).unwrap();
        (0..pairs).filter(|p| c.cluster_id[2 * p + 1] == (2 * p) as u32).count() as f64 / pairs as f64
    }

    #[test]
    fn recall_follows_the_s_curve() {
        let bd = Banding { bands: 16, rows: 8 };
        for j in [0.3, 0.6, 0.75, 0.9] {
            let want = params::collision_probability(j, bd);
            let got = recall(j, bd, 300);
            // Binomial standard error over 300 pairs is at most 0.029; allow 4 of them (the
            // Jaccard of a pair is itself rounded, so leave some room).
            assert!((got - want).abs() < 0.12, "J={j}: recall {got}, S-curve {want}");
        }
        assert!(recall(0.95, bd, 100) > 0.99);
        assert!(recall(0.1, bd, 100) < 0.01);
    }

    fn planted() -> Vec<u32> {
        // 3 identical signatures, 2 near-identical, the rest distinct.
        let p = 16;
        let mut sigs: Vec<u32> = (0..10 * p as u32).map(|x| x.wrapping_mul(2_654_435_761)).collect();
        for d in [4usize, 7] {
            let row: Vec<u32> = sigs[p..2 * p].to_vec();
            sigs[d * p..(d + 1) * p].copy_from_slice(&row);
        }
        let row: Vec<u32> = sigs[2 * p..3 * p].to_vec();
        sigs[9 * p..10 * p].copy_from_slice(&row);
        sigs[9 * p] ^= 1; // 15 of 16 slots equal
        sigs
    }

    #[test]
    fn clusters_are_named_by_their_smallest_member_in_any_batch_order() {
        let sigs = planted();
        let bd = Banding { bands: 4, rows: 4 };
        let mut idx = LshIndex::new(16, 0.9, Some(bd), (0.5, 0.5)).unwrap();
        idx.add(sigs[5 * 16..].to_vec(), Some(5)).unwrap();
        idx.add(sigs[..5 * 16].to_vec(), Some(0)).unwrap();
        let c = idx.clusters(false).unwrap();
        assert_eq!(c.cluster_id, [0, 1, 2, 3, 1, 5, 6, 1, 8, 2]);
        assert_eq!(c.similarity[4], 1.0);
        assert_eq!(c.similarity[9], 15.0 / 16.0);
        // Verification at 0.95 drops the 15/16 link, keeps the identical ones.
        let mut strict = LshIndex::new(16, 0.95, Some(bd), (0.5, 0.5)).unwrap();
        strict.add(sigs.clone(), None).unwrap();
        assert_eq!(strict.clusters(true).unwrap().cluster_id, [0, 1, 2, 3, 1, 5, 6, 1, 8, 9]);
        // Same result from one borrowed block as from the index batches.
        let one = cluster_blocks(vec![SignatureBlock { start: 0, sigs: &sigs }], 16, 0.9, bd, false).unwrap();
        assert_eq!(one, c);
    }

    #[test]
    fn exact_verification_drops_pairs_below_the_threshold() {
        let sigs = planted();
        let bd = Banding { bands: 4, rows: 4 };
        let mut idx = LshIndex::new(16, 0.9, Some(bd), (0.5, 0.5)).unwrap();
        idx.add(sigs, None).unwrap();
        let docs = idx.candidates().unwrap();
        assert_eq!(docs, [1, 2, 4, 7, 9]);
        // 1 and 7 are one set, 4 shares four of six shingles with it (J = 2/3), 2 and 9 nothing.
        let values = [1, 2, 3, 4, 5, 7, 1, 2, 3, 4, 6, 1, 2, 3, 4, 5, 8];
        let offsets = [0, 5, 6, 11, 16, 17];
        let sets = ShingleSets::new(&values, &offsets).unwrap();
        let c = idx.clusters_exact(&docs, &sets, 0.6).unwrap();
        assert_eq!(c.cluster_id, [0, 1, 2, 3, 1, 5, 6, 1, 8, 9]);
        assert_eq!(c.similarity[4], 4.0 / 6.0);
        assert_eq!(c.similarity[7], 1.0);
        let strict = idx.clusters_exact(&docs, &sets, 0.7).unwrap();
        assert_eq!(strict.cluster_id, [0, 1, 2, 3, 4, 5, 6, 1, 8, 9]);
        assert!(idx.clusters_exact(&docs[1..], &sets, 0.6).is_err());
    }

    #[test]
    fn bad_batches() {
        let mut idx = LshIndex::new(16, 0.8, Some(Banding { bands: 4, rows: 4 }), (0.5, 0.5)).unwrap();
        assert!(idx.add(vec![0; 17], None).is_err());
        idx.add(vec![0; 32], Some(2)).unwrap();
        assert!(idx.add(vec![0; 16], Some(3)).is_err());
        assert!(idx.clusters(false).unwrap_err().to_string().contains("never added"));
        assert!(LshIndex::new(16, 0.8, Some(Banding { bands: 5, rows: 4 }), (0.5, 0.5)).is_err());
        assert!(LshIndex::new(0, 0.8, None, (0.5, 0.5)).is_err());
    }
}
