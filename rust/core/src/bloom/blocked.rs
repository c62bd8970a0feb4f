//! The blocked layout's operations: one cache line per key, and batches that prefetch it.
//!
//! A key's bits all lie in one 64-byte block, so a query is a few loads from one line (it stops at
//! the first clear bit, having mixed only the values it needed) and an add at most eight
//! `fetch_or`s on it (one per word holding some of the key's bits, skipped when a plain load shows
//! them set). In a filter far bigger than the caches the cost of a key is the miss on that line;
//! batches hide it by locating the block of the key `PREFETCH_DISTANCE` places ahead and issuing a
//! software prefetch for it, so that many misses are in flight while keys are applied one by one.
//! Batch inserts keep input order exactly (the prefetch is only a hint), so their answers equal
//! those of single inserts in a loop.
//!
//! `insert_if_absent` keeps the stripe-lock protocol of the standard layout (see the module
//! documentation of [`bloom`](super)): a lock-free test of the block, then the check-and-set of
//! the key's words under the key's stripe lock. Each new key thus costs one atomic
//! compare-and-swap and about seven atomic ORs (k=16 bits over eight words), ~10 ns each on the
//! virtual machine of `benchmarks/results/core.md`: the bound of an ordered insert of new keys.

use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;

use super::bits::Words;
use super::layout::{block_masks, block_positions, block_start, BLOCK_WORDS};
use super::{BloomFilter, StripeGuard, PARALLEL_MIN, STRIPES};
use crate::parallel;

/// How many keys ahead the block is prefetched. Enough to keep a core's line-fill buffers busy
/// while a key is applied, few enough that the lines are still in L1 when used (8 to 32 measure
/// the same).
const PREFETCH_DISTANCE: usize = 16;
/// Keys hashed together before they are probed by the parallel batches.
const CHUNK: usize = 512;

/// Whether every bit of key hash `h` is set in its block, which starts at word `first`.
#[inline(always)]
pub(super) fn block_has<W: Words + ?Sized>(words: &W, first: usize, h: u64, k: u32) -> bool {
    block_positions(h, k, |pos| words.word(first + (pos >> 6) as usize) & (1u64 << (pos & 63)) != 0)
}

/// Set the key's bits (`masks`, per word of the block at `first`); returns whether some of them
/// were clear when this call looked.
///
/// Words whose bits are all set are only loaded (an atomic read-modify-write costs ~20 cycles
/// even when it changes nothing), and the others get a `fetch_or` whose old value is not needed:
/// under the key's stripe lock, "some bit was clear" already means that no earlier caller of this
/// key got through, so the key was absent. Another key setting the same bits between the load and
/// the `fetch_or` can only turn a "present" into an "absent" for this one caller, never give a key
/// two "absent"s. Relaxed is enough: the stripe lock orders the callers of one key.
#[inline(always)]
pub(super) fn set_block(words: &[AtomicU64], first: usize, masks: &[u64; BLOCK_WORDS]) -> bool {
    let mut flipped = false;
    for (w, &m) in words[first..first + BLOCK_WORDS].iter().zip(masks) {
        if w.load(Ordering::Relaxed) & m != m {
            w.fetch_or(m, Ordering::Relaxed);
            flipped = true;
        }
    }
    flipped
}

/// Call `f(i, first word of the block of key i)` for every `i` in order, the block of key `i + D`
/// being located and prefetched before key `i` is applied (a ring holds the `D` block starts in
/// between).
#[inline(always)]
fn pipelined<W: Words + ?Sized>(words: &W, hashes: &[u64], blocks: u64, mut f: impl FnMut(usize, usize)) {
    const D: usize = PREFETCH_DISTANCE;
    let ahead = |h: u64| {
        let start = block_start(h, blocks);
        words.prefetch(start);
        start
    };
    let mut ring = [0usize; D];
    for (slot, &h) in ring.iter_mut().zip(hashes) {
        *slot = ahead(h);
    }
    for i in 0..hashes.len() {
        let first = match hashes.get(i + D) {
            Some(&next) => std::mem::replace(&mut ring[i % D], ahead(next)),
            None => ring[i % D],
        };
        f(i, first);
    }
}

/// Run `f(out chunk, hashes of its keys)` over chunks of `CHUNK` consecutive keys, in parallel
/// for long batches; a chunk's hashes are all computed before `f` sees them, so that it can look
/// ahead. `out` has one element per key (`()` where nothing is written back).
fn for_chunks<O: Send>(out: &mut [O], hash_of: impl Fn(usize) -> u64 + Sync, f: impl Fn(&mut [O], &[u64]) + Sync) {
    let chunk = |(c, out): (usize, &mut [O])| {
        let mut hashes = [0u64; CHUNK];
        for (j, h) in hashes[..out.len()].iter_mut().enumerate() {
            *h = hash_of(c * CHUNK + j);
        }
        let len = out.len();
        f(out, &hashes[..len]);
    };
    if out.len() < PARALLEL_MIN {
        out.chunks_mut(CHUNK).enumerate().for_each(chunk);
    } else {
        parallel::install(|| out.par_chunks_mut(CHUNK).enumerate().with_min_len(8).for_each(chunk));
    }
}

impl BloomFilter {
    pub(super) fn num_blocks(&self) -> u64 {
        self.num_bits / (BLOCK_WORDS as u64 * 64)
    }

    /// Whether key hash `h` may be present (blocked layout).
    #[inline(always)]
    pub(super) fn blocked_contains<W: Words + ?Sized>(&self, words: &W, h: u64) -> bool {
        block_has(words, block_start(h, self.num_blocks()), h, self.num_hashes)
    }

    /// Add key hash `h` (blocked layout).
    pub(super) fn blocked_add(&self, words: &[AtomicU64], h: u64) {
        set_block(words, block_start(h, self.num_blocks()), &block_masks(h, self.num_hashes));
    }

    /// `insert_if_absent` of key hash `h`, whose block starts at word `first`: whether it was
    /// present.
    #[inline(always)]
    pub(super) fn blocked_insert_if_absent(&self, words: &[AtomicU64], first: usize, h: u64) -> bool {
        if block_has(words, first, h, self.num_hashes) {
            return true;
        }
        // The stripe from the block: free, and shared by all callers of one key.
        let _guard = StripeGuard::lock(&self.locks[first / BLOCK_WORDS % STRIPES]);
        !set_block(words, first, &block_masks(h, self.num_hashes))
    }

    /// `contains_batch` for the blocked layout.
    pub(super) fn blocked_contains_batch<W: Words + ?Sized>(
        &self,
        words: &W,
        out: &mut [bool],
        hash_of: impl Fn(usize) -> u64 + Sync,
    ) {
        let (k, blocks) = (self.num_hashes, self.num_blocks());
        for_chunks(out, hash_of, |out, hashes| {
            pipelined(words, hashes, blocks, |i, first| out[i] = block_has(words, first, hashes[i], k))
        });
    }

    /// `add_batch` for the blocked layout.
    pub(super) fn blocked_add_batch(&self, words: &[AtomicU64], n: usize, hash_of: impl Fn(usize) -> u64 + Sync) {
        let (k, blocks) = (self.num_hashes, self.num_blocks());
        // Zero-sized outputs: the vector allocates nothing.
        for_chunks(&mut vec![(); n], hash_of, |_, hashes| {
            pipelined(words, hashes, blocks, |i, first| {
                set_block(words, first, &block_masks(hashes[i], k));
            })
        });
    }

    /// `insert_if_absent_batch` for the blocked layout: strictly in order, prefetching ahead.
    pub(super) fn blocked_insert_if_absent_batch(&self, words: &[AtomicU64], out: &mut [bool], hashes: &[u64]) {
        pipelined(words, hashes, self.num_blocks(), |i, first| {
            out[i] = self.blocked_insert_if_absent(words, first, hashes[i])
        });
    }

    /// The probability that an absent key is reported present, from the bits as they are: the
    /// mean over blocks of `(set bits / 512)^k` (a random key picks a block uniformly, then `k`
    /// uniform positions in it).
    pub(super) fn blocked_fp_from_bits<W: Words + ?Sized>(&self, words: &W) -> f64 {
        let (k, blocks) = (self.num_hashes as i32, self.num_blocks());
        let block_rate = |b: usize| {
            let first = b * BLOCK_WORDS;
            let ones: u32 = (first..first + BLOCK_WORDS).map(|i| words.word(i).count_ones()).sum();
            (ones as f64 / 512.0).powi(k)
        };
        let sum: f64 =
            parallel::install(|| (0..blocks as usize).into_par_iter().with_min_len(1 << 13).map(block_rate).sum());
        sum / blocks as f64
    }
}
