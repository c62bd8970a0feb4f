//! Where a key's `k` bits lie in the filter: the two layouts and their probe positions.
//!
//! * **Standard**: the `k` bits are spread over the whole array (double hashing, see the module
//!   documentation of [`bloom`](super)). Fewest bits for a false-positive rate, but `k` cache
//!   misses per key once the filter outgrows the caches.
//! * **Blocked**: the key's hash picks one 512-bit block (one 64-byte cache line; the bits are
//!   allocated and mapped 64-byte aligned) and all `k` bits fall inside it: one cache miss per
//!   key, which software prefetching hides in batches. Positions inside the block are `k`
//!   independent 9-bit slices of mixed 64-bit values (seven slices per value), not double hashing:
//!   in a space of 512, double hashing has only 2^17 distinct probe patterns, so two keys of one
//!   block would collide on all bits far more often than the target rate. The price is a few
//!   more bits for the same rate, which [`sizing`](super::sizing) computes.

use crate::error::{invalid, Result};
use crate::hash::mix64;

/// Bits in one block of the blocked layout (a 64-byte cache line).
pub const BLOCK_BITS: u64 = 512;
/// 64-bit words in one block.
pub(crate) const BLOCK_WORDS: usize = 8;

/// How the bits of a key are placed; recorded in the file header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Layout {
    /// `k` bits anywhere in the array (the original layout).
    #[default]
    Standard,
    /// `k` bits inside one 512-bit, cache-line-aligned block.
    Blocked,
}

impl Layout {
    /// The name used in Python and in messages.
    pub fn name(self) -> &'static str {
        match self {
            Layout::Standard => "standard",
            Layout::Blocked => "blocked",
        }
    }

    /// The layout called `name` ("standard" or "blocked").
    pub fn from_name(name: &str) -> Result<Self> {
        match name {
            "standard" => Ok(Layout::Standard),
            "blocked" => Ok(Layout::Blocked),
            _ => Err(invalid(format!("unknown Bloom filter layout {name:?}: use \"standard\" or \"blocked\""))),
        }
    }

    /// The code stored in a file header.
    pub(crate) fn code(self) -> u32 {
        match self {
            Layout::Standard => 0,
            Layout::Blocked => 1,
        }
    }

    pub(crate) fn from_code(code: u32) -> Option<Self> {
        match code {
            0 => Some(Layout::Standard),
            1 => Some(Layout::Blocked),
            _ => None,
        }
    }

    /// The granularity of the bit count: a word, or a whole block.
    pub(crate) fn bits_multiple(self) -> u64 {
        match self {
            Layout::Standard => 64,
            Layout::Blocked => BLOCK_BITS,
        }
    }
}

/// The standard layout's probes of one key hash: probe `i` is `fastrange(a + i*b)`.
#[derive(Clone, Copy)]
pub(crate) struct Probes {
    a: u64,
    b: u64,
}

impl Probes {
    #[inline(always)]
    pub(crate) fn of(h: u64) -> Self {
        Probes { a: mix64(h ^ 0x6A09_E667_F3BC_C908), b: mix64(h ^ 0xBB67_AE85_84CA_A73B) | 1 }
    }

    #[inline(always)]
    pub(crate) fn bit(&self, i: u32, num_bits: u64) -> u64 {
        let x = self.a.wrapping_add((i as u64).wrapping_mul(self.b));
        ((x as u128 * num_bits as u128) >> 64) as u64
    }

    /// The stripe lock of the key among `stripes`.
    #[inline(always)]
    pub(crate) fn stripe(&self, stripes: usize) -> usize {
        (self.b >> 54) as usize % stripes
    }
}

/// The first word of the block of key hash `h` among `num_blocks` blocks.
#[inline(always)]
pub(crate) fn block_start(h: u64, num_blocks: u64) -> usize {
    let block = (mix64(h ^ 0x3C6E_F372_FE94_F82B) as u128 * num_blocks as u128) >> 64;
    block as usize * BLOCK_WORDS
}

/// Call `f` on the `k` positions (0..512) of the bits of key hash `h` in its block while it
/// returns true; returns whether it always did. The positions are 9-bit slices, seven from each of
/// a stream of mixed values, mixed as needed (a query that stops early mixes less).
#[inline(always)]
pub(crate) fn block_positions(h: u64, k: u32, mut f: impl FnMut(u64) -> bool) -> bool {
    let mut state = h ^ 0xA54F_F53A_5F1D_36F1;
    let mut left = k;
    while left > 0 {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut v = mix64(state);
        for _ in 0..left.min(7) {
            if !f(v & 511) {
                return false;
            }
            v >>= 9;
        }
        left = left.saturating_sub(7);
    }
    true
}

/// For each of a block's eight words, the mask of the bits of key hash `h` in it.
#[inline(always)]
pub(crate) fn block_masks(h: u64, k: u32) -> [u64; BLOCK_WORDS] {
    let mut masks = [0u64; BLOCK_WORDS];
    block_positions(h, k, |pos| {
        masks[(pos >> 6) as usize] |= 1u64 << (pos & 63);
        true
    });
    masks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_codes_round_trip() {
        for l in [Layout::Standard, Layout::Blocked] {
            assert_eq!(Layout::from_name(l.name()).unwrap(), l);
            assert_eq!(Layout::from_code(l.code()), Some(l));
        }
        assert!(Layout::from_name("Blocked").unwrap_err().to_string().contains("\"standard\" or \"blocked\""));
        assert_eq!(Layout::from_code(2), None);
    }

    #[test]
    fn blocks_spread_and_masks_hold_the_k_slices() {
        let blocks = 1000;
        let mut hit = vec![0u32; blocks as usize];
        for h in 0..20_000u64 {
            let start = block_start(h, blocks);
            assert_eq!(start % BLOCK_WORDS, 0);
            hit[start / BLOCK_WORDS] += 1;
            let masks = block_masks(h, 20);
            let mut positions = Vec::new();
            assert!(block_positions(h, 20, |p| {
                positions.push(p);
                true
            }));
            assert_eq!(positions.len(), 20);
            assert!(positions.iter().all(|&p| masks[(p >> 6) as usize] >> (p & 63) & 1 == 1));
            let ones: u32 = masks.iter().map(|m| m.count_ones()).sum();
            // 20 slices, a few of which may coincide.
            assert!((15..=20).contains(&ones), "{ones}");
            // A walk stopped early sees a prefix of the same positions.
            let mut seen = 0;
            assert!(!block_positions(h, 20, |_| {
                seen += 1;
                seen < 3
            }));
            assert_eq!(seen, 3);
        }
        // Consecutive hashes spread over the blocks (20 per block on average).
        assert!(hit.iter().all(|&c| c > 2 && c < 50), "{:?}", hit.iter().max());
    }
}
