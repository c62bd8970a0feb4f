//! How big a Bloom filter is and how many hash functions it uses, computed without allocating.
//!
//! **Standard layout.** For `n` expected items and a target false-positive rate `p`, the optimal
//! number of bits is `m = -n ln p / (ln 2)^2` and the optimal number of hash functions
//! `k = (m / n) ln 2`, rounded. We round `m` up to whole 64-bit words and clamp `k` to
//! `1..=MAX_HASHES`: past 32 probes a filter already has a false-positive rate near 2^-32, and more
//! probes only cost time (Dolma's own sizing picks 59 hash functions for 100k items at 1e-4, where
//! the optimum is 13).
//!
//! **Blocked layout.** Keys are not spread evenly over the 512-bit blocks: the number `X` of keys
//! in the block of an absent key is Poisson with mean `λ = n·512/m`, and a crowded block answers
//! "present" far more often than an average one. With `k` independent uniform positions per key,
//! a bit of a block holding `X` keys is still clear with probability `(1 - 1/512)^(kX)`, so
//!
//! ```text
//! fp(m, k) = Σ_x P(X = x) · (1 - (1 - 1/512)^(k·x))^k
//! ```
//!
//! summed numerically outwards from the mode of the Poisson until the tails left cannot change the
//! sum by more than one part in 10^12. `k` minimises `fp(m, k)` over `1..=MAX_HASHES` (it comes out
//! below the standard layout's: 9 at 1e-3, 16 at 1e-6), and `m` is the smallest whole number of
//! blocks whose best `fp` meets the target (a binary search: `fp` falls as `m` grows). That costs
//! more bits than the standard layout for the same rate, increasingly so for small rates (about
//! 8% at 1e-3, 34% at 1e-6, 84% at 1e-9).

use super::layout::{Layout, BLOCK_BITS};
use crate::error::{invalid, Result};

/// The largest number of hash functions a filter uses.
pub const MAX_HASHES: u32 = 32;

/// The largest filter, in bits (2^46 bits = 8 TiB): anything larger is a configuration mistake.
pub const MAX_BITS: u64 = 1 << 46;

/// The shape of a Bloom filter: layout, bits, hash functions and the item count it was sized for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sizing {
    /// Number of bits, a multiple of 64 (of 512 for the blocked layout).
    pub num_bits: u64,
    /// Number of hash functions (probes per key).
    pub num_hashes: u32,
    /// The item count the filter was sized for.
    pub expected_items: u64,
    /// Where each key's bits lie.
    pub layout: Layout,
}

/// The optimal number of hash functions for `num_bits` bits and `items` items, clamped.
pub fn optimal_hashes(layout: Layout, num_bits: u64, items: u64) -> u32 {
    match layout {
        Layout::Standard => {
            let k = (num_bits as f64 / items.max(1) as f64 * std::f64::consts::LN_2).round();
            (k as u32).clamp(1, MAX_HASHES)
        }
        Layout::Blocked => best_blocked_hashes(num_bits, items).0,
    }
}

/// `ln(x!)`: a sum for small `x`, Stirling's series (error below 1e-13) beyond.
fn ln_factorial(x: u64) -> f64 {
    if x < 64 {
        return (2..=x).map(|i| (i as f64).ln()).sum();
    }
    let x = x as f64;
    x * x.ln() - x + 0.5 * (std::f64::consts::TAU * x).ln() + 1.0 / (12.0 * x) - 1.0 / (360.0 * x.powi(3))
}

/// The blocked layout's false-positive rate with `k` probes and `lambda` keys per block on
/// average: `E[(1 - (1 - 1/512)^(kX))^k]`, `X ~ Poisson(lambda)` (see the module documentation).
fn blocked_fp(lambda: f64, k: u32) -> f64 {
    let clear_per_key = (1.0 - 1.0 / BLOCK_BITS as f64).powi(k as i32);
    let hit = |x: u64| (1.0 - clear_per_key.powf(x as f64)).powi(k as i32);
    if lambda > 1e5 {
        // Blocks are all but full and X hardly varies: the sum is its middle term.
        return hit(lambda.round() as u64);
    }
    let mode = lambda.floor() as u64;
    let p_mode = (mode as f64 * lambda.ln() - lambda - ln_factorial(mode)).exp();
    let mut sum = p_mode * hit(mode);
    // Upwards: the tail beyond x is at most p(x) / (1 - lambda / (x + 1)) (geometric bound).
    let (mut x, mut p) = (mode, p_mode);
    loop {
        p *= lambda / (x + 1) as f64;
        x += 1;
        sum += p * hit(x);
        let tail = p * lambda / (x as f64 + 1.0 - lambda);
        if tail <= sum * 1e-12 || p == 0.0 {
            break;
        }
    }
    // Downwards: terms fall with both p and hit; below x, at most p(x) hit(x) / (1 - x / lambda).
    let (mut x, mut p) = (mode, p_mode);
    while x > 0 {
        p *= x as f64 / lambda;
        x -= 1;
        let term = p * hit(x);
        sum += term;
        if term / (1.0 - x as f64 / lambda) <= sum * 1e-12 {
            break;
        }
    }
    sum
}

fn blocked_lambda(num_bits: u64, items: u64) -> f64 {
    items as f64 * BLOCK_BITS as f64 / num_bits as f64
}

/// The `k` with the lowest blocked false-positive rate for this shape, and that rate.
fn best_blocked_hashes(num_bits: u64, items: u64) -> (u32, f64) {
    let lambda = blocked_lambda(num_bits, items.max(1));
    (1..=MAX_HASHES)
        .map(|k| (k, blocked_fp(lambda, k)))
        .fold((1, f64::INFINITY), |best, c| if c.1 < best.1 { c } else { best })
}

fn check_items(expected_items: u64) -> Result<()> {
    if expected_items == 0 {
        return Err(invalid("expected_items must be at least 1"));
    }
    Ok(())
}

/// `bits` rounded up to the layout's granularity (whole words, or whole blocks).
fn round_up(layout: Layout, bits: u64) -> Result<u64> {
    let unit = layout.bits_multiple();
    let units = bits.div_ceil(unit).max(1);
    if units > MAX_BITS / unit {
        return Err(invalid(format!(
            "a Bloom filter of {} bytes is larger than the {} byte limit; raise fp_rate or lower \
             expected_items",
            units.saturating_mul(unit / 8),
            MAX_BITS / 8
        )));
    }
    Ok(units * unit)
}

fn too_big(expected_items: u64, fp_rate: f64) -> crate::error::Error {
    invalid(format!("{expected_items} items at fp_rate {fp_rate} need more than the {} byte limit", MAX_BITS / 8))
}

/// The smallest whole number of blocks whose best blocked rate meets `fp_rate`, starting from
/// the standard layout's size `standard_bits` (a lower bound in practice, not relied upon).
fn blocked_bits_for(expected_items: u64, fp_rate: f64, standard_bits: u64) -> Result<u64> {
    let meets = |blocks: u64| best_blocked_hashes(blocks * BLOCK_BITS, expected_items).1 <= fp_rate;
    let max_blocks = MAX_BITS / BLOCK_BITS;
    let mut hi = standard_bits.div_ceil(BLOCK_BITS).clamp(1, max_blocks);
    while !meets(hi) {
        if hi == max_blocks {
            return Err(too_big(expected_items, fp_rate));
        }
        hi = hi.saturating_mul(2).min(max_blocks);
    }
    // Invariant: `hi` meets the target, `lo` does not (or is zero).
    let mut lo = 0;
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if meets(mid) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Ok(hi * BLOCK_BITS)
}

impl Sizing {
    /// The smallest filter of `layout` for `expected_items` keys at false-positive rate `fp_rate`.
    pub fn for_fp_rate(expected_items: u64, fp_rate: f64, layout: Layout) -> Result<Self> {
        check_items(expected_items)?;
        if !(fp_rate > 0.0 && fp_rate < 1.0) {
            return Err(invalid(format!("fp_rate must be in (0, 1), got {fp_rate}")));
        }
        let ln2 = std::f64::consts::LN_2;
        let bits = (-(expected_items as f64) * fp_rate.ln() / (ln2 * ln2)).ceil();
        if !bits.is_finite() || bits > MAX_BITS as f64 {
            return Err(too_big(expected_items, fp_rate));
        }
        let num_bits = match layout {
            Layout::Standard => round_up(layout, bits as u64)?,
            Layout::Blocked => blocked_bits_for(expected_items, fp_rate, bits as u64)?,
        };
        let num_hashes = optimal_hashes(layout, num_bits, expected_items);
        Ok(Self { num_bits, num_hashes, expected_items, layout })
    }

    /// A filter of `layout` of `size_bytes` bytes (rounded up to whole 8-byte words, or whole
    /// 64-byte blocks) for `expected_items` keys.
    pub fn for_size(expected_items: u64, size_bytes: u64, layout: Layout) -> Result<Self> {
        check_items(expected_items)?;
        if size_bytes == 0 {
            return Err(invalid("size_bytes must be at least 1"));
        }
        let num_bits = round_up(layout, size_bytes.saturating_mul(8))?;
        let num_hashes = optimal_hashes(layout, num_bits, expected_items);
        Ok(Self { num_bits, num_hashes, expected_items, layout })
    }

    /// Memory the bits take, in bytes.
    pub fn num_bytes(&self) -> u64 {
        self.num_bits / 8
    }

    /// The false-positive rate expected once `expected_items` keys are in: `(1 - e^(-kn/m))^k`
    /// for the standard layout, the Poisson sum of the module documentation for the blocked one.
    pub fn expected_fp_rate(&self) -> f64 {
        let k = self.num_hashes;
        match self.layout {
            Layout::Standard => {
                let k = k as f64;
                let fill = 1.0 - (-k * self.expected_items as f64 / self.num_bits as f64).exp();
                fill.powf(k)
            }
            Layout::Blocked => blocked_fp(blocked_lambda(self.num_bits, self.expected_items), k),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STANDARD: Layout = Layout::Standard;
    const BLOCKED: Layout = Layout::Blocked;

    #[test]
    fn optimal_sizing_for_100k_items_at_1e_4() {
        let s = Sizing::for_fp_rate(100_000, 1e-4, STANDARD).unwrap();
        // m = 100000 * ln(1e4) / ln(2)^2 = 1_917_012 bits, rounded up to words.
        assert_eq!(s.num_bits, 1_917_056);
        assert_eq!(s.num_hashes, 13);
        assert!((s.expected_fp_rate() - 1e-4).abs() < 1e-5, "{}", s.expected_fp_rate());
    }

    #[test]
    fn explicit_size_derives_k_and_clamps_it() {
        let s = Sizing::for_size(1_000, 1_000 * 10 / 8, STANDARD).unwrap();
        assert_eq!(s.num_bits, 10_048);
        assert_eq!(s.num_hashes, 7);
        let huge = Sizing::for_size(1, 1 << 20, STANDARD).unwrap();
        assert_eq!(huge.num_hashes, MAX_HASHES);
        let tiny = Sizing::for_size(1_000_000, 8, STANDARD).unwrap();
        assert_eq!(tiny.num_hashes, 1);
    }

    #[test]
    fn bad_arguments_are_errors() {
        assert!(Sizing::for_fp_rate(0, 0.01, STANDARD).is_err());
        assert!(Sizing::for_fp_rate(10, 0.0, STANDARD).is_err());
        assert!(Sizing::for_fp_rate(10, 1.0, STANDARD).is_err());
        assert!(Sizing::for_fp_rate(10, f64::NAN, STANDARD).is_err());
        assert!(Sizing::for_fp_rate(u64::MAX, 1e-300, STANDARD).is_err());
        assert!(Sizing::for_size(10, 0, STANDARD).is_err());
        assert!(Sizing::for_size(10, u64::MAX, STANDARD).is_err());
    }

    #[test]
    fn blocked_sizing_meets_the_target_with_the_fewest_blocks() {
        for (p, k) in [(1e-2, 6), (1e-3, 9), (1e-4, 12), (1e-6, 16)] {
            let s = Sizing::for_fp_rate(1_000_000, p, BLOCKED).unwrap();
            let standard = Sizing::for_fp_rate(1_000_000, p, STANDARD).unwrap();
            assert_eq!(s.num_bits % BLOCK_BITS, 0);
            assert_eq!(s.num_hashes, k, "fp {p}");
            assert!(s.expected_fp_rate() <= p, "{} > {p}", s.expected_fp_rate());
            assert!(s.num_bits > standard.num_bits && s.num_bits < standard.num_bits * 3 / 2);
            // One block less misses the target, whatever k.
            let smaller = s.num_bits - BLOCK_BITS;
            assert!((1..=MAX_HASHES).all(|k| blocked_fp(blocked_lambda(smaller, 1_000_000), k) > p));
        }
    }

    #[test]
    fn blocked_rate_falls_with_size_and_rises_with_items() {
        let rate = |bytes: u64, n: u64| Sizing::for_size(n, bytes, BLOCKED).unwrap().expected_fp_rate();
        let mut last = 1.0;
        for bytes in (1..=40).map(|i| i * 100_000) {
            let r = rate(bytes, 200_000);
            assert!(r < last, "{bytes}: {r} !< {last}");
            last = r;
        }
        assert!(rate(1_000_000, 100_000) < rate(1_000_000, 200_000));
        // A smaller target needs a bigger filter.
        let sizes: Vec<u64> = [1e-2, 1e-3, 1e-5, 1e-7, 1e-9]
            .iter()
            .map(|&p| Sizing::for_fp_rate(10_000, p, BLOCKED).unwrap().num_bits)
            .collect();
        assert!(sizes.windows(2).all(|w| w[0] < w[1]), "{sizes:?}");
    }

    #[test]
    fn blocked_rate_is_the_poisson_mixture() {
        // One key per block on average, k = 1: a probe hits a set bit iff one of the X keys of the
        // block set it, so fp = E[1 - (511/512)^X] = 1 - e^(-1/512) exactly.
        let exact = 1.0 - (-1.0f64 / 512.0).exp();
        assert!((blocked_fp(1.0, 1) - exact).abs() < exact * 1e-9);
        // Far below one key per block, the rate is that of the blocks holding one key.
        let s = Sizing { num_bits: 512 * 1000, num_hashes: 2, expected_items: 1, layout: BLOCKED };
        let one_key = (1.0 - (511.0f64 / 512.0).powi(2)).powi(2);
        assert!((s.expected_fp_rate() - one_key / 1000.0).abs() < one_key * 1e-5);
        assert!((ln_factorial(100) - (1..=100u64).map(|i| (i as f64).ln()).sum::<f64>()).abs() < 1e-9);
    }

    #[test]
    fn blocked_k_stays_sane_and_sizes_are_whole_blocks() {
        let s = Sizing::for_size(1000, 1, BLOCKED).unwrap();
        assert_eq!((s.num_bits, s.num_hashes), (512, 1));
        let roomy = Sizing::for_size(1, 1 << 20, BLOCKED).unwrap();
        assert!(roomy.num_hashes <= MAX_HASHES);
        let tight = Sizing::for_fp_rate(1_000, 1e-12, BLOCKED).unwrap();
        assert!((16..=MAX_HASHES).contains(&tight.num_hashes), "{}", tight.num_hashes);
        assert!(Sizing::for_size(10, u64::MAX, BLOCKED).is_err());
        assert!(Sizing::for_fp_rate(u64::MAX / 4, 1e-9, BLOCKED).is_err());
    }
}
