//! The one 64-bit hash used everywhere: XXH3-64 with a seed.
//!
//! XXH3 is specified byte for byte, so a value computed today on x86 equals one computed tomorrow
//! on ARM; filters and signatures written to disk stay valid across runs, processes and platforms.

use xxhash_rust::xxh3::xxh3_64_with_seed;

/// Hash `data` with `seed`.
#[inline]
pub fn hash64(data: &[u8], seed: u64) -> u64 {
    xxh3_64_with_seed(data, seed)
}

/// A fast bijective 64-bit mixer (the SplitMix64 finaliser): spreads the entropy of every input
/// bit over every output bit. Used to derive further values from one hash, never on raw data.
#[inline]
pub fn mix64(mut x: u64) -> u64 {
    x ^= x >> 30;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^= x >> 27;
    x = x.wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// A deterministic stream of 64-bit values from a seed (SplitMix64), for drawing parameters such
/// as MinHash permutations.
pub fn seed_stream(seed: u64) -> impl Iterator<Item = u64> {
    let mut state = seed;
    std::iter::repeat_with(move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix64(state)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_published_xxh3_test_vector() {
        // XXH3_64bits("", seed 0) from the xxHash reference implementation.
        assert_eq!(hash64(b"", 0), 0x2D06_8005_38D3_94C2);
    }

    #[test]
    fn seed_changes_the_value() {
        assert_ne!(hash64(b"dolma", 0), hash64(b"dolma", 1));
    }

    #[test]
    fn mixer_is_not_the_identity_and_stream_is_deterministic() {
        assert_ne!(mix64(1), 1);
        let a: Vec<u64> = seed_stream(7).take(4).collect();
        let b: Vec<u64> = seed_stream(7).take(4).collect();
        assert_eq!(a, b);
        assert_ne!(a[0], a[1]);
    }
}
