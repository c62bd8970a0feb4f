//! Exact similarities remembered across bands.
//!
//! A pair of near duplicates shares most of its band keys, so exact verification meets the same
//! pair in many bands (up to `bands` times) and, for the similarity column, once more. The
//! memo computes each pair's Jaccard once: a pure function of the two sets, so the links, the
//! clusters and the similarities are the very ones of computing it every time, in any thread
//! order. It holds 16 bytes and a hash slot per distinct pair compared, in shards behind their
//! own locks (the similarity is computed outside the lock; two threads meeting a new pair at
//! once both compute the same value).

use std::sync::Mutex;

use rustc_hash::FxHashMap;

const SHARDS: usize = 64;

/// `similar(a, b)` (symmetric) with each unordered pair computed once.
pub struct PairMemo<'a> {
    shards: Vec<Mutex<FxHashMap<u64, f64>>>,
    similar: &'a (dyn Fn(u32, u32) -> f64 + Sync),
}

impl<'a> PairMemo<'a> {
    pub fn new(similar: &'a (dyn Fn(u32, u32) -> f64 + Sync)) -> Self {
        Self { shards: (0..SHARDS).map(|_| Mutex::new(FxHashMap::default())).collect(), similar }
    }

    /// The similarity of `a` and `b`, computed on the first call for the pair.
    pub fn get(&self, a: u32, b: u32) -> f64 {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        let key = (lo as u64) << 32 | hi as u64;
        // Fibonacci hashing of the key picks the shard.
        let shard = &self.shards[(key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 58) as usize % SHARDS];
        if let Some(&v) = shard.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return v;
        }
        let v = (self.similar)(lo, hi);
        shard.lock().unwrap_or_else(|e| e.into_inner()).insert(key, v);
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn each_pair_is_computed_once_in_either_order() {
        let calls = AtomicUsize::new(0);
        let similar = |a: u32, b: u32| {
            calls.fetch_add(1, Ordering::Relaxed);
            (a * 10 + b) as f64
        };
        let memo = PairMemo::new(&similar);
        assert_eq!(memo.get(1, 2), 12.0);
        assert_eq!(memo.get(2, 1), 12.0); // the pair (1, 2): asked with the smaller first
        assert_eq!(memo.get(3, 2), 23.0);
        assert_eq!(calls.load(Ordering::Relaxed), 2);
    }
}
