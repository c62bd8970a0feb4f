//! The hot loops of MinHash: word-shingle hashes from word hashes, and the fold of shingle hashes
//! through the permutations.
//!
//! Each is one portable loop, compiled three times: for AVX-512 (native 64-bit multiplies and
//! rotates, 8 lanes), for AVX2 and for the baseline target; the widest one the CPU supports is
//! picked at run time. Every variant computes exactly the same values.

use super::{combine_start, combine_step};
use crate::hash::mix64;

/// Permutations processed together, their running minima kept in registers over all hashes. With
/// 8, LLVM vectorises across hashes (8 per AVX-512 register, one register of minima per
/// permutation); it measured faster than 16 or 32.
const BLOCK: usize = 8;

/// `out[i] = combine_word_hashes(&words[i..i + n])` for every `i < out.len()`.
///
/// One pass over `out` per word of a shingle, so that each pass vectorises across shingles.
#[inline(always)]
fn combine_windows_portable(words: &[u64], n: usize, out: &mut [u64]) {
    out.fill(combine_start(n));
    for k in 0..n {
        for (h, &w) in out.iter_mut().zip(&words[k..]) {
            *h = combine_step(*h, w);
        }
    }
    for h in out {
        *h = mix64(*h);
    }
}

/// `sig[j] = min(sig[j], (a[j]·h + b[j] mod 2^64) >> 32)` for every hash `h`.
///
/// `>> 32` is monotonic, so the minimum is taken over the 64-bit values and shifted once.
#[inline(always)]
fn fold_portable(a: &[u64], b: &[u64], sig: &mut [u32], hashes: &[u64]) {
    let n = sig.len();
    let (a, b) = (&a[..n], &b[..n]);
    let blocks = n / BLOCK * BLOCK;
    for start in (0..blocks).step_by(BLOCK) {
        let mut ab = [0u64; BLOCK];
        let mut bb = [0u64; BLOCK];
        ab.copy_from_slice(&a[start..start + BLOCK]);
        bb.copy_from_slice(&b[start..start + BLOCK]);
        let mut acc = [u64::MAX; BLOCK];
        for &h in hashes {
            for l in 0..BLOCK {
                acc[l] = acc[l].min(ab[l].wrapping_mul(h).wrapping_add(bb[l]));
            }
        }
        for l in 0..BLOCK {
            sig[start + l] = sig[start + l].min((acc[l] >> 32) as u32);
        }
    }
    for &h in hashes {
        for j in blocks..n {
            let v = (a[j].wrapping_mul(h).wrapping_add(b[j]) >> 32) as u32;
            sig[j] = sig[j].min(v);
        }
    }
}

/// `pub fn $name` running `$portable` compiled for the widest instruction set the CPU has
/// (`$avx512`, `$avx2`: the compiled variants, named so that tests can call each).
macro_rules! dispatched {
    ($(#[$doc:meta])* pub fn $name:ident($($arg:ident: $ty:ty),*) => $portable:ident, $avx512:ident, $avx2:ident) => {
        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = "avx512f,avx512dq,avx512vl,avx512bw")]
        unsafe fn $avx512($($arg: $ty),*) {
            $portable($($arg),*)
        }

        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = "avx2")]
        unsafe fn $avx2($($arg: $ty),*) {
            $portable($($arg),*)
        }

        $(#[$doc])*
        pub fn $name($($arg: $ty),*) {
            #[cfg(target_arch = "x86_64")]
            {
                if is_x86_feature_detected!("avx512dq") && is_x86_feature_detected!("avx512vl") && is_x86_feature_detected!("avx512bw") {
                    // SAFETY: the features this variant was compiled for are present.
                    return unsafe { $avx512($($arg),*) };
                }
                if is_x86_feature_detected!("avx2") {
                    // SAFETY: as above.
                    return unsafe { $avx2($($arg),*) };
                }
            }
            $portable($($arg),*)
        }
    };
}

dispatched! {
    /// Fold `hashes` into `sig`.
    pub fn fold(a: &[u64], b: &[u64], sig: &mut [u32], hashes: &[u64]) => fold_portable, fold_avx512, fold_avx2
}

dispatched! {
    /// The hashes of the word shingles of `n` words into `out` (one per window of `words`).
    pub fn combine_windows(words: &[u64], n: usize, out: &mut [u64]) => combine_windows_portable, combine_windows_avx512, combine_windows_avx2
}

#[cfg(test)]
mod tests {
    use super::super::combine_word_hashes;
    use super::*;
    use crate::hash::seed_stream;

    #[test]
    fn fold_follows_the_definition() {
        let a: Vec<u64> = seed_stream(1).take(37).map(|x| x | 1).collect();
        let b: Vec<u64> = seed_stream(2).take(37).collect();
        let hashes: Vec<u64> = seed_stream(3).take(101).collect();
        let want: Vec<u32> = (0..37)
            .map(|j| hashes.iter().map(|&h| (a[j].wrapping_mul(h).wrapping_add(b[j]) >> 32) as u32).min().unwrap())
            .collect();
        let mut got = vec![u32::MAX; 37];
        fold_portable(&a, &b, &mut got, &hashes);
        assert_eq!(got, want);
        // Folding more hashes into a signature keeps the smaller value of each slot.
        let mut part = vec![u32::MAX; 37];
        fold_portable(&a, &b, &mut part, &hashes[..50]);
        fold_portable(&a, &b, &mut part, &hashes[50..]);
        assert_eq!(part, want);
    }

    #[test]
    fn every_variant_agrees() {
        let a: Vec<u64> = seed_stream(1).take(37).map(|x| x | 1).collect();
        let b: Vec<u64> = seed_stream(2).take(37).collect();
        let hashes: Vec<u64> = seed_stream(3).take(101).collect();
        let mut want = vec![u32::MAX; 37];
        fold_portable(&a, &b, &mut want, &hashes);
        let words: Vec<u64> = seed_stream(4).take(45).collect();
        for n in [1, 2, 5, 9] {
            let windows: Vec<u64> = words.windows(n).map(combine_word_hashes).collect();
            let mut got = vec![0; windows.len()];
            combine_windows_portable(&words, n, &mut got);
            assert_eq!(got, windows, "{n}");
        }
        type Fold = fn(&[u64], &[u64], &mut [u32], &[u64]);
        type Combine = fn(&[u64], usize, &mut [u64]);
        let mut variants: Vec<(&str, Fold, Combine)> = vec![("dispatched", fold, combine_windows)];
        #[cfg(target_arch = "x86_64")]
        {
            if is_x86_feature_detected!("avx2") {
                // SAFETY: the features these variants were compiled for are present.
                variants.push(("avx2", |a, b, s, h| unsafe { fold_avx2(a, b, s, h) }, |w, n, o| unsafe { combine_windows_avx2(w, n, o) }));
            }
            if is_x86_feature_detected!("avx512dq") && is_x86_feature_detected!("avx512vl") && is_x86_feature_detected!("avx512bw") {
                // SAFETY: as above.
                variants.push(("avx512", |a, b, s, h| unsafe { fold_avx512(a, b, s, h) }, |w, n, o| unsafe { combine_windows_avx512(w, n, o) }));
            }
        }
        for (name, fold_variant, combine_variant) in variants {
            let mut got = vec![u32::MAX; 37];
            fold_variant(&a, &b, &mut got, &hashes);
            assert_eq!(got, want, "{name}");
            for n in [1, 2, 5, 9] {
                let windows: Vec<u64> = words.windows(n).map(combine_word_hashes).collect();
                let mut got = vec![0; windows.len()];
                combine_variant(&words, n, &mut got);
                assert_eq!(got, windows, "{name} {n}");
            }
        }
    }
}
