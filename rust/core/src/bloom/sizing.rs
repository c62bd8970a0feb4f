//! How big a Bloom filter is and how many hash functions it uses, computed without allocating.
//!
//! For `n` expected items and a target false-positive rate `p`, the optimal number of bits is
//! `m = -n ln p / (ln 2)^2` and the optimal number of hash functions `k = (m / n) ln 2`, rounded.
//! We round `m` up to whole 64-bit words and clamp `k` to `1..=MAX_HASHES`: past 32 probes a filter
//! already has a false-positive rate near 2^-32, and more probes only cost time (Dolma's own sizing
//! picks 59 hash functions for 100k items at 1e-4, where the optimum is 13).

use crate::error::{invalid, Result};

/// The largest number of hash functions a filter uses.
pub const MAX_HASHES: u32 = 32;

/// The largest filter, in bits (2^46 bits = 8 TiB): anything larger is a configuration mistake.
pub const MAX_BITS: u64 = 1 << 46;

/// The shape of a Bloom filter: bits, hash functions and the item count it was sized for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sizing {
    /// Number of bits, a multiple of 64.
    pub num_bits: u64,
    /// Number of hash functions (probes per key).
    pub num_hashes: u32,
    /// The item count the filter was sized for.
    pub expected_items: u64,
}

/// The optimal number of hash functions for `num_bits` bits and `items` items, clamped.
pub fn optimal_hashes(num_bits: u64, items: u64) -> u32 {
    let k = (num_bits as f64 / items.max(1) as f64 * std::f64::consts::LN_2).round();
    (k as u32).clamp(1, MAX_HASHES)
}

fn check_items(expected_items: u64) -> Result<()> {
    if expected_items == 0 {
        return Err(invalid("expected_items must be at least 1"));
    }
    Ok(())
}

fn round_to_words(bits: u64) -> Result<u64> {
    let words = bits.div_ceil(64).max(1);
    if words > MAX_BITS / 64 {
        return Err(invalid(format!(
            "a Bloom filter of {} bytes is larger than the {} byte limit; raise fp_rate or lower \
             expected_items",
            words.saturating_mul(8),
            MAX_BITS / 8
        )));
    }
    Ok(words * 64)
}

impl Sizing {
    /// The optimal filter for `expected_items` keys at false-positive rate `fp_rate`.
    pub fn for_fp_rate(expected_items: u64, fp_rate: f64) -> Result<Self> {
        check_items(expected_items)?;
        if !(fp_rate > 0.0 && fp_rate < 1.0) {
            return Err(invalid(format!("fp_rate must be in (0, 1), got {fp_rate}")));
        }
        let ln2 = std::f64::consts::LN_2;
        let bits = (-(expected_items as f64) * fp_rate.ln() / (ln2 * ln2)).ceil();
        if !bits.is_finite() || bits > MAX_BITS as f64 {
            return Err(invalid(format!(
                "{expected_items} items at fp_rate {fp_rate} need more than the {} byte limit",
                MAX_BITS / 8
            )));
        }
        let num_bits = round_to_words(bits as u64)?;
        Ok(Self { num_bits, num_hashes: optimal_hashes(num_bits, expected_items), expected_items })
    }

    /// A filter of `size_bytes` bytes (rounded up to whole 8-byte words) for `expected_items` keys.
    pub fn for_size(expected_items: u64, size_bytes: u64) -> Result<Self> {
        check_items(expected_items)?;
        if size_bytes == 0 {
            return Err(invalid("size_bytes must be at least 1"));
        }
        let num_bits = round_to_words(size_bytes.saturating_mul(8))?;
        Ok(Self { num_bits, num_hashes: optimal_hashes(num_bits, expected_items), expected_items })
    }

    /// Memory the bits take, in bytes.
    pub fn num_bytes(&self) -> u64 {
        self.num_bits / 8
    }

    /// The false-positive rate expected once `expected_items` keys are in: `(1 - e^(-kn/m))^k`.
    pub fn expected_fp_rate(&self) -> f64 {
        let k = self.num_hashes as f64;
        let fill = 1.0 - (-k * self.expected_items as f64 / self.num_bits as f64).exp();
        fill.powf(k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn optimal_sizing_for_100k_items_at_1e_4() {
        let s = Sizing::for_fp_rate(100_000, 1e-4).unwrap();
        // m = 100000 * ln(1e4) / ln(2)^2 = 1_917_012 bits, rounded up to words.
        assert_eq!(s.num_bits, 1_917_056);
        assert_eq!(s.num_hashes, 13);
        assert!((s.expected_fp_rate() - 1e-4).abs() < 1e-5, "{}", s.expected_fp_rate());
    }

    #[test]
    fn explicit_size_derives_k_and_clamps_it() {
        let s = Sizing::for_size(1_000, 1_000 * 10 / 8).unwrap();
        assert_eq!(s.num_bits, 10_048);
        assert_eq!(s.num_hashes, 7);
        let huge = Sizing::for_size(1, 1 << 20).unwrap();
        assert_eq!(huge.num_hashes, MAX_HASHES);
        let tiny = Sizing::for_size(1_000_000, 8).unwrap();
        assert_eq!(tiny.num_hashes, 1);
    }

    #[test]
    fn bad_arguments_are_errors() {
        assert!(Sizing::for_fp_rate(0, 0.01).is_err());
        assert!(Sizing::for_fp_rate(10, 0.0).is_err());
        assert!(Sizing::for_fp_rate(10, 1.0).is_err());
        assert!(Sizing::for_fp_rate(10, f64::NAN).is_err());
        assert!(Sizing::for_fp_rate(u64::MAX, 1e-300).is_err());
        assert!(Sizing::for_size(10, 0).is_err());
        assert!(Sizing::for_size(10, u64::MAX).is_err());
    }
}
