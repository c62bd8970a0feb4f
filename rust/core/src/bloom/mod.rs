//! A concurrent Bloom filter with an atomic test-and-set insert.
//!
//! * **One hash per key.** A key is hashed once with [`hash64`](crate::hash::hash64) (seeded with
//!   the filter's seed); the `k` probe positions come from that one value. Callers that already
//!   hold `hash64(key, seed)` (a numpy array, say) pass it directly to the `*_hash*` methods.
//! * **Two layouts** ([`Layout`]). *Standard* (the default): positions by double hashing
//!   (Kirsch & Mitzenmacher): two 64-bit values `a` and odd `b` are derived from the hash with a
//!   mixer and probe `i` is `fastrange(a + i*b)`, i.e. `((a + i*b) * m) >> 64`. *Blocked*: all `k`
//!   positions inside one 512-bit cache line picked by the hash ([`layout`], [`blocked`]): one
//!   cache miss per key instead of `k`, for some more bits at the same false-positive rate
//!   ([`sizing`]).
//! * **Lock-free bits.** Bits are `AtomicU64` words; adding sets each probe with one `fetch_or`.
//!   Queries and plain adds from any number of threads need no lock.
//! * **Test-and-set.** [`BloomFilter::insert_if_absent_hash`] answers "was this key already
//!   present?" and inserts it. Guarantee: among concurrent callers inserting the same key that was
//!   absent, at most one is told "absent" (exactly one, unless the key is a false positive).
//!
//!   Why a lock is needed for that, and where it sits. With atomic bits alone the guarantee is
//!   impossible without extra false positives: caller A may flip probe 1 and caller B probe 2, and
//!   each sees exactly what it would see if the other bit had been set long ago by another key,
//!   in which case it must answer "absent". So the answer of a caller cannot depend on the bits
//!   alone. We serialise the callers *of one key*: the key's hash picks one of 1024 stripe locks
//!   (tiny spin locks), and the check-and-set of all `k` bits happens under it. Two callers of the
//!   same key take the same stripe; the second one's `fetch_or`s happen after all of the first's
//!   (the lock orders them) and find every bit set, so it answers "present". A lock-free fast path
//!   first reads the bits: if all are set the key is reported present without locking (a caller
//!   that sets the last bit of a key does so under the stripe lock and reports "absent" itself, so
//!   a fast-path "present" never takes the role of the single "absent"). Plain `add`s take no lock
//!   and report nothing. Both layouts follow this protocol.
//! * **Batches.** Queries and adds over a batch run in parallel on the core's pool. A batch
//!   `insert_if_absent` hashes in parallel but applies the keys in input order, so that duplicates
//!   inside a batch are reported as present from their second occurrence on, deterministically
//!   (the blocked layout prefetches the lines of the keys ahead, which changes no answer).
//! * **Fill estimates.** With `X` of the `m` bits set: a key sets a given bit with probability
//!   `r`, `k/m` for standard and `(1 - (1 - 1/512)^k) / B` for blocked (`B` blocks), so
//!   `E[X/m] = 1 - (1 - r)^n` and `n ≈ ln(1 - X/m) / ln(1 - r)`. The false-positive rate now is
//!   `(X/m)^k` for standard and the mean over blocks of `(set bits of the block / 512)^k` for
//!   blocked.
//! * **Files.** See [`file`]: a versioned header then the bits; a read-only memory map or a copy.

mod bits;
mod blocked;
pub mod file;
pub mod layout;
pub mod sizing;

use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use crate::error::{invalid, Error, Result};
use crate::hash::hash64;
use crate::parallel;
use bits::{Bits, Words, WordsFn};
pub use layout::Layout;
use layout::{Probes, BLOCK_BITS};
pub use sizing::Sizing;

const STRIPES: usize = 1024;
/// Batches at least this long run in parallel.
const PARALLEL_MIN: usize = 1 << 14;

/// A Bloom filter; see the module documentation.
pub struct BloomFilter {
    layout: Layout,
    num_bits: u64,
    num_hashes: u32,
    seed: u64,
    bits: Bits,
    locks: Box<[AtomicBool]>,
}

#[inline(always)]
fn test_all<W: Words + ?Sized>(words: &W, p: Probes, k: u32, m: u64) -> bool {
    (0..k).all(|i| {
        let bit = p.bit(i, m);
        words.word((bit >> 6) as usize) & (1u64 << (bit & 63)) != 0
    })
}

/// Stripe spin lock guard.
struct StripeGuard<'a>(&'a AtomicBool);

impl<'a> StripeGuard<'a> {
    fn lock(flag: &'a AtomicBool) -> Self {
        while flag.compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed).is_err() {
            while flag.load(Ordering::Relaxed) {
                std::hint::spin_loop();
            }
        }
        StripeGuard(flag)
    }
}

impl Drop for StripeGuard<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

/// Fill `out[i] = f(i)`, in parallel for long batches.
fn fill_batch(out: &mut [bool], f: impl Fn(usize) -> bool + Sync) {
    if out.len() < PARALLEL_MIN {
        out.iter_mut().enumerate().for_each(|(i, o)| *o = f(i));
    } else {
        parallel::install(|| {
            out.par_iter_mut().enumerate().with_min_len(4096).for_each(|(i, o)| *o = f(i))
        });
    }
}

impl BloomFilter {
    /// An empty filter of the given shape.
    pub fn new(sizing: Sizing, seed: u64) -> Result<Self> {
        let words = usize::try_from(sizing.num_bits / 64)
            .map_err(|_| invalid("filter too large for this platform"))?;
        Self::from_parts(sizing.layout, sizing.num_bits, sizing.num_hashes, seed, Bits::zeroed(words)?)
    }

    fn from_parts(layout: Layout, num_bits: u64, num_hashes: u32, seed: u64, bits: Bits) -> Result<Self> {
        let unit = layout.bits_multiple();
        if num_bits == 0 || num_bits % unit != 0 || bits.len() as u64 * 64 != num_bits {
            return Err(invalid(format!(
                "num_bits must be a positive multiple of {unit} for the {} layout",
                layout.name()
            )));
        }
        if num_hashes == 0 {
            return Err(invalid("num_hashes must be at least 1"));
        }
        let locks = (0..STRIPES).map(|_| AtomicBool::new(false)).collect();
        Ok(Self { layout, num_bits, num_hashes, seed, bits, locks })
    }

    pub fn layout(&self) -> Layout {
        self.layout
    }
    pub fn num_bits(&self) -> u64 {
        self.num_bits
    }
    pub fn num_hashes(&self) -> u32 {
        self.num_hashes
    }
    pub fn seed(&self) -> u64 {
        self.seed
    }
    /// Whether the bits are a read-only memory map (adds are refused).
    pub fn is_read_only(&self) -> bool {
        self.bits.atomics().is_none()
    }

    /// The hash of `key` the filter uses: `hash64(key, seed)`.
    #[inline]
    pub fn key_hash(&self, key: &[u8]) -> u64 {
        hash64(key, self.seed)
    }

    fn writable(&self) -> Result<&[std::sync::atomic::AtomicU64]> {
        self.bits.atomics().ok_or_else(|| {
            Error::ReadOnly("this Bloom filter was loaded read-only (memory-mapped); load it with \
                             mmap=False to update it"
                .into())
        })
    }

    /// Whether the key with hash `h` may be in the filter (no false negatives).
    pub fn contains_hash(&self, h: u64) -> bool {
        struct Q<'a>(&'a BloomFilter, u64);
        impl WordsFn<bool> for Q<'_> {
            fn call<W: Words + ?Sized>(self, words: &W) -> bool {
                let (f, h) = (self.0, self.1);
                match f.layout {
                    Layout::Standard => test_all(words, Probes::of(h), f.num_hashes, f.num_bits),
                    Layout::Blocked => f.blocked_contains(words, h),
                }
            }
        }
        self.bits.with(Q(self, h))
    }

    /// Add the key with hash `h`.
    pub fn add_hash(&self, h: u64) -> Result<()> {
        let words = self.writable()?;
        if self.layout == Layout::Blocked {
            self.blocked_add(words, h);
            return Ok(());
        }
        let p = Probes::of(h);
        for i in 0..self.num_hashes {
            let bit = p.bit(i, self.num_bits);
            let (word, mask) = (&words[(bit >> 6) as usize], 1u64 << (bit & 63));
            // A plain load first: an atomic read-modify-write costs ~20 cycles even when the bit
            // is already set, which it often is in a filling filter.
            if word.load(Ordering::Relaxed) & mask == 0 {
                word.fetch_or(mask, Ordering::Relaxed);
            }
        }
        Ok(())
    }

    /// Insert the key with hash `h`; returns whether it was already present. See the module
    /// documentation for the concurrency guarantee.
    pub fn insert_if_absent_hash(&self, h: u64) -> Result<bool> {
        let words = self.writable()?;
        if self.layout == Layout::Blocked {
            return Ok(self.blocked_insert_if_absent(words, layout::block_start(h, self.num_blocks()), h));
        }
        let (k, m, p) = (self.num_hashes, self.num_bits, Probes::of(h));
        if test_all(words, p, k, m) {
            return Ok(true);
        }
        let _guard = StripeGuard::lock(&self.locks[p.stripe(STRIPES)]);
        let mut flipped = false;
        for i in 0..k {
            let bit = p.bit(i, m);
            let mask = 1u64 << (bit & 63);
            flipped |= words[(bit >> 6) as usize].fetch_or(mask, Ordering::AcqRel) & mask == 0;
        }
        Ok(!flipped)
    }

    pub fn contains(&self, key: &[u8]) -> bool {
        self.contains_hash(self.key_hash(key))
    }
    pub fn add(&self, key: &[u8]) -> Result<()> {
        self.add_hash(self.key_hash(key))
    }
    pub fn insert_if_absent(&self, key: &[u8]) -> Result<bool> {
        self.insert_if_absent_hash(self.key_hash(key))
    }

    /// `out[i]` = whether the key with hash `hash_of(i)` may be present, for `i < out.len()`.
    pub fn contains_batch(&self, out: &mut [bool], hash_of: impl Fn(usize) -> u64 + Sync) {
        struct Q<'a, F> {
            filter: &'a BloomFilter,
            out: &'a mut [bool],
            hash_of: F,
        }
        impl<F: Fn(usize) -> u64 + Sync> WordsFn<()> for Q<'_, F> {
            fn call<W: Words + ?Sized>(self, words: &W) {
                let (f, hash_of) = (self.filter, &self.hash_of);
                match f.layout {
                    Layout::Standard => {
                        let (k, m) = (f.num_hashes, f.num_bits);
                        fill_batch(self.out, |i| test_all(words, Probes::of(hash_of(i)), k, m));
                    }
                    Layout::Blocked => f.blocked_contains_batch(words, self.out, hash_of),
                }
            }
        }
        self.bits.with(Q { filter: self, out, hash_of });
    }

    /// Add the keys with hashes `hash_of(i)` for `i < n`, in parallel for long batches.
    pub fn add_batch(&self, n: usize, hash_of: impl Fn(usize) -> u64 + Sync) -> Result<()> {
        let words = self.writable()?;
        if self.layout == Layout::Blocked {
            self.blocked_add_batch(words, n, hash_of);
            return Ok(());
        }
        let add = |i: usize| {
            let _ = self.add_hash(hash_of(i));
        };
        if n < PARALLEL_MIN {
            (0..n).for_each(add);
        } else {
            parallel::install(|| (0..n).into_par_iter().with_min_len(4096).for_each(add));
        }
        Ok(())
    }

    /// `out[i]` = whether key `i` was present before it was inserted, applying the keys in order
    /// (hashing is done in parallel first for long batches): the same answers as
    /// [`insert_if_absent_hash`](Self::insert_if_absent_hash) on each key in turn.
    pub fn insert_if_absent_batch(&self, out: &mut [bool], hash_of: impl Fn(usize) -> u64 + Sync) -> Result<()> {
        self.writable()?;
        let hashes: Vec<u64> = if out.len() < PARALLEL_MIN {
            (0..out.len()).map(&hash_of).collect()
        } else {
            parallel::install(|| (0..out.len()).into_par_iter().with_min_len(4096).map(&hash_of).collect())
        };
        self.insert_if_absent_hashes(out, &hashes)
    }

    /// [`insert_if_absent_batch`](Self::insert_if_absent_batch) for hashes at hand.
    pub fn insert_if_absent_hashes(&self, out: &mut [bool], hashes: &[u64]) -> Result<()> {
        let words = self.writable()?;
        if out.len() != hashes.len() {
            return Err(invalid(format!("{} outputs for {} hashes", out.len(), hashes.len())));
        }
        match self.layout {
            Layout::Standard => {
                for (o, &h) in out.iter_mut().zip(hashes) {
                    *o = self.insert_if_absent_hash(h)?;
                }
            }
            Layout::Blocked => self.blocked_insert_if_absent_batch(words, out, hashes),
        }
        Ok(())
    }

    /// Number of set bits.
    pub fn count_ones(&self) -> u64 {
        match self.bits.atomics() {
            Some(w) => parallel::install(|| {
                w.par_iter().with_min_len(1 << 16).map(|x| x.load(Ordering::Relaxed).count_ones() as u64).sum()
            }),
            None => {
                let w = self.bits.mapped().unwrap_or(&[]);
                parallel::install(|| w.par_iter().with_min_len(1 << 16).map(|x| x.count_ones() as u64).sum())
            }
        }
    }

    /// Estimated number of distinct keys added, from the fill ratio (see the module
    /// documentation): `-(m/k) ln(1 - X/m)` for standard. Infinite when every bit is set.
    pub fn estimated_len(&self) -> f64 {
        let (m, k) = (self.num_bits as f64, self.num_hashes as f64);
        let clear = (1.0 - self.count_ones() as f64 / m).ln();
        match self.layout {
            Layout::Standard => -(m / k) * clear,
            Layout::Blocked => {
                let q = 1.0 - (1.0 - 1.0 / BLOCK_BITS as f64).powi(self.num_hashes as i32);
                clear / (-q / self.num_blocks() as f64).ln_1p()
            }
        }
    }

    /// The false-positive rate now, from the bits: `(X/m)^k` for standard, the mean over blocks
    /// of `(set bits / 512)^k` for blocked.
    pub fn estimated_fp_rate(&self) -> f64 {
        match self.layout {
            Layout::Standard => (self.count_ones() as f64 / self.num_bits as f64).powi(self.num_hashes as i32),
            Layout::Blocked => {
                struct F<'a>(&'a BloomFilter);
                impl WordsFn<f64> for F<'_> {
                    fn call<W: Words + ?Sized>(self, words: &W) -> f64 {
                        self.0.blocked_fp_from_bits(words)
                    }
                }
                self.bits.with(F(self))
            }
        }
    }

    fn check_compatible(&self, other: &BloomFilter) -> Result<()> {
        let params = |f: &BloomFilter| (f.layout, f.num_bits, f.num_hashes, f.seed);
        if params(self) != params(other) {
            return Err(invalid(format!(
                "cannot combine Bloom filters with different parameters: (layout={}, num_bits={}, \
                 num_hashes={}, seed={}) vs (layout={}, num_bits={}, num_hashes={}, seed={})",
                self.layout.name(),
                self.num_bits,
                self.num_hashes,
                self.seed,
                other.layout.name(),
                other.num_bits,
                other.num_hashes,
                other.seed
            )));
        }
        Ok(())
    }

    /// Add every key of `other` (bitwise OR) into this filter. Parameters must be identical.
    pub fn union_update(&self, other: &BloomFilter) -> Result<()> {
        self.check_compatible(other)?;
        let dst = self.writable()?;
        struct U<'a>(&'a [std::sync::atomic::AtomicU64]);
        impl WordsFn<()> for U<'_> {
            fn call<W: Words + ?Sized>(self, src: &W) {
                let dst = self.0;
                parallel::install(|| {
                    dst.par_iter().enumerate().with_min_len(1 << 16).for_each(|(i, d)| {
                        d.fetch_or(src.word(i), Ordering::Relaxed);
                    })
                });
            }
        }
        other.bits.with(U(dst));
        Ok(())
    }

    /// A new, writable filter holding the keys of both. Parameters must be identical.
    pub fn union(&self, other: &BloomFilter) -> Result<BloomFilter> {
        self.check_compatible(other)?;
        let out = self.to_owned_filter()?;
        out.union_update(other)?;
        Ok(out)
    }

    /// A writable copy.
    pub fn to_owned_filter(&self) -> Result<BloomFilter> {
        struct Copy(usize);
        impl WordsFn<Result<Bits>> for Copy {
            fn call<W: Words + ?Sized>(self, src: &W) -> Result<Bits> {
                Bits::copy_of(src, self.0)
            }
        }
        let bits = self.bits.with(Copy(self.bits.len()))?;
        Self::from_parts(self.layout, self.num_bits, self.num_hashes, self.seed, bits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::seed_stream;
    use std::collections::HashSet;

    const LAYOUTS: [Layout; 2] = [Layout::Standard, Layout::Blocked];

    fn filter(layout: Layout, n: u64, p: f64) -> BloomFilter {
        BloomFilter::new(Sizing::for_fp_rate(n, p, layout).unwrap(), 0).unwrap()
    }

    fn words(f: &BloomFilter) -> Vec<u64> {
        f.bits.atomics().unwrap().iter().map(|w| w.load(Ordering::Relaxed)).collect()
    }

    /// Fill a filter sized for `n` keys at `target` with `n` keys, then probe `n` absent ones:
    /// the measured rate is within 1.25x of the sizing's expected rate (which meets the target, up
    /// to the rounding of the standard layout's k).
    fn check_fp_rate(layout: Layout, n: u64, target: f64) {
        let sizing = Sizing::for_fp_rate(n, target, layout).unwrap();
        let expected = sizing.expected_fp_rate();
        assert!(expected <= target * 1.01 && expected > target / 1.25, "{layout:?}: sizing gives {expected}");
        let f = BloomFilter::new(sizing, 0).unwrap();
        f.add_batch(n as usize, |i| hash64(&(i as u64).to_le_bytes(), 0)).unwrap();
        let mut out = vec![false; n as usize];
        f.contains_batch(&mut out, |i| hash64(&(i as u64).to_le_bytes(), 0));
        assert!(out.iter().all(|&x| x), "false negative");
        f.contains_batch(&mut out, |i| hash64(&((i as u64) + (1 << 40)).to_le_bytes(), 0));
        let rate = out.iter().filter(|&&x| x).count() as f64 / n as f64;
        assert!(
            rate < expected * 1.25 && rate > expected / 1.25,
            "{layout:?} at {target}: measured {rate}, expected {expected}"
        );
        let est = f.estimated_fp_rate();
        assert!((est - expected).abs() < expected * 0.25, "{layout:?}: estimated {est}, expected {expected}");
        let est = f.estimated_len();
        assert!((est - n as f64).abs() < n as f64 * 0.02, "{layout:?}: estimated len {est}");
    }

    #[test]
    fn no_false_negatives_and_fp_rate_near_target() {
        check_fp_rate(Layout::Standard, 1_000_000, 0.01);
        check_fp_rate(Layout::Blocked, 1_000_000, 1e-3);
        check_fp_rate(Layout::Blocked, 1_000_000, 1e-4);
    }

    #[test]
    fn insert_if_absent_reports_duplicates() {
        for layout in LAYOUTS {
            let f = filter(layout, 1000, 1e-6);
            assert_eq!(f.layout(), layout);
            assert!(!f.insert_if_absent(b"a").unwrap());
            assert!(f.insert_if_absent(b"a").unwrap());
            assert!(f.contains(b"a"));
            assert!(!f.contains(b"b"));
            let mut out = vec![false; 4];
            let keys: [&[u8]; 4] = [b"b", b"a", b"b", b"c"];
            f.insert_if_absent_batch(&mut out, |i| f.key_hash(keys[i])).unwrap();
            assert_eq!(out, [false, true, true, false]);
            assert!(f.insert_if_absent_hashes(&mut out, &[1, 2]).is_err());
        }
    }

    #[test]
    fn ordered_batches_equal_one_key_at_a_time() {
        // Random batches with many repeats, on filters small enough for false positives to occur
        // (their answers must match too), some long enough for the parallel paths.
        let mut rng = seed_stream(42);
        for case in 0..24 {
            let layout = LAYOUTS[case % 2];
            let len = (rng.next().unwrap() % if case % 3 == 0 { 60_000 } else { 2_000 }) as usize;
            let universe = 1 + rng.next().unwrap() % (len as u64 + 1);
            let keys: Vec<u64> = (0..len).map(|_| rng.next().unwrap() % universe).collect();
            let hash = |i: usize| hash64(&keys[i].to_le_bytes(), 3);
            let size = 64 * (1 + rng.next().unwrap() % 400);
            let sizing = Sizing::for_size(len.max(1) as u64, size, layout).unwrap();
            let batch = BloomFilter::new(sizing, 3).unwrap();
            let single = BloomFilter::new(sizing, 3).unwrap();
            let mut got = vec![false; len];
            batch.insert_if_absent_batch(&mut got, hash).unwrap();
            let want: Vec<bool> = (0..len).map(|i| single.insert_if_absent_hash(hash(i)).unwrap()).collect();
            assert_eq!(got, want, "case {case}: {layout:?}, {len} keys, {size} bytes");
            assert_eq!(words(&batch), words(&single), "case {case}");
            // Every repeat is reported present, and batch lookups and adds agree with single ones.
            let mut seen = HashSet::new();
            assert!(keys.iter().zip(&got).all(|(k, &present)| seen.insert(*k) || present));
            let mut found = vec![false; len];
            batch.contains_batch(&mut found, |i| hash(i) ^ 1);
            assert!(found.iter().enumerate().all(|(i, &x)| x == batch.contains_hash(hash(i) ^ 1)));
            let added = BloomFilter::new(sizing, 3).unwrap();
            added.add_batch(len, hash).unwrap();
            assert_eq!(words(&added), words(&batch), "case {case}");
        }
    }

    #[test]
    fn concurrent_inserters_never_both_see_a_key_as_new() {
        for layout in LAYOUTS {
            let f = filter(layout, 50_000, 1e-3);
            let keys = 20_000u64;
            let threads = 8;
            let news: Vec<Vec<u64>> = std::thread::scope(|s| {
                let hs: Vec<_> = (0..threads)
                    .map(|t| {
                        let f = &f;
                        s.spawn(move || {
                            // Every thread inserts every key, each in its own order; half of the
                            // threads one key at a time, half in batches.
                            let order: Vec<u64> = (0..keys).map(|j| j.wrapping_mul(2 * t + 1) % keys).collect();
                            let present: Vec<bool> = if t % 2 == 0 {
                                order.iter().map(|k| f.insert_if_absent(&k.to_le_bytes()).unwrap()).collect()
                            } else {
                                let mut out = vec![false; order.len()];
                                for (o, c) in out.chunks_mut(1000).zip(order.chunks(1000)) {
                                    f.insert_if_absent_batch(o, |i| f.key_hash(&c[i].to_le_bytes())).unwrap();
                                }
                                out
                            };
                            order.into_iter().zip(present).filter(|p| !p.1).map(|p| p.0).collect()
                        })
                    })
                    .collect();
                hs.into_iter().map(|h| h.join().unwrap()).collect()
            });
            let mut seen = HashSet::new();
            for k in news.into_iter().flatten() {
                assert!(seen.insert(k), "{layout:?}: key {k} reported new twice");
            }
            // Only false positives can be missing.
            assert!(seen.len() as u64 > keys * 99 / 100, "{layout:?}: {}", seen.len());
        }
    }

    #[test]
    fn union_and_mismatch() {
        for layout in LAYOUTS {
            let a = filter(layout, 1000, 0.01);
            let b = filter(layout, 1000, 0.01);
            a.add(b"x").unwrap();
            b.add(b"y").unwrap();
            let c = a.union(&b).unwrap();
            assert!(c.contains(b"x") && c.contains(b"y"));
            assert_eq!(c.layout(), layout);
            assert!(!a.contains(b"y"));
            a.union_update(&b).unwrap();
            assert!(a.contains(b"y"));
            assert_eq!(words(&a), words(&c));
            let other = filter(layout, 2000, 0.01);
            assert!(a.union(&other).is_err());
            let reseeded = BloomFilter::new(Sizing::for_fp_rate(1000, 0.01, layout).unwrap(), 1).unwrap();
            assert!(a.union_update(&reseeded).is_err());
        }
        // Same size, same k, other layout.
        let s = Sizing::for_size(1000, 1024, Layout::Standard).unwrap();
        let t = Sizing { layout: Layout::Blocked, ..s };
        let (a, b) = (BloomFilter::new(s, 0).unwrap(), BloomFilter::new(t, 0).unwrap());
        assert!(a.union(&b).map(|_| ()).unwrap_err().to_string().contains("layout=standard"));
    }
}
