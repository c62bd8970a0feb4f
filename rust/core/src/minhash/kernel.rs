//! The hot loop of MinHash: fold shingle hashes into a signature through the permutations.
//!
//! One portable loop, compiled three times: for AVX-512 (native 64-bit multiplies, 8 lanes), for
//! AVX2 and for the baseline target; the widest one the CPU supports is picked at run time.
//! Every variant computes exactly the same values.

/// Permutations processed together, their running minima kept in registers over all hashes.
const BLOCK: usize = 8;

/// `sig[j] = min(sig[j], (a[j]·h + b[j] mod 2^64) >> 32)` for every hash `h`.
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

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq,avx512vl,avx512bw")]
unsafe fn fold_avx512(a: &[u64], b: &[u64], sig: &mut [u32], hashes: &[u64]) {
    fold_portable(a, b, sig, hashes)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn fold_avx2(a: &[u64], b: &[u64], sig: &mut [u32], hashes: &[u64]) {
    fold_portable(a, b, sig, hashes)
}

/// Fold `hashes` into `sig` with the fastest variant for this CPU.
pub fn fold(a: &[u64], b: &[u64], sig: &mut [u32], hashes: &[u64]) {
    #[cfg(target_arch = "x86_64")]
    {
        if is_x86_feature_detected!("avx512dq") && is_x86_feature_detected!("avx512vl") && is_x86_feature_detected!("avx512bw") {
            // SAFETY: the features this variant was compiled for are present.
            return unsafe { fold_avx512(a, b, sig, hashes) };
        }
        if is_x86_feature_detected!("avx2") {
            // SAFETY: as above.
            return unsafe { fold_avx2(a, b, sig, hashes) };
        }
    }
    fold_portable(a, b, sig, hashes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_agrees() {
        let a: Vec<u64> = crate::hash::seed_stream(1).take(37).map(|x| x | 1).collect();
        let b: Vec<u64> = crate::hash::seed_stream(2).take(37).collect();
        let hashes: Vec<u64> = crate::hash::seed_stream(3).take(101).collect();
        let mut want = vec![u32::MAX; 37];
        fold_portable(&a, &b, &mut want, &hashes);
        let mut got = vec![u32::MAX; 37];
        fold(&a, &b, &mut got, &hashes);
        assert_eq!(got, want);
        #[cfg(target_arch = "x86_64")]
        if is_x86_feature_detected!("avx2") {
            let mut g2 = vec![u32::MAX; 37];
            unsafe { fold_avx2(&a, &b, &mut g2, &hashes) };
            assert_eq!(g2, want);
        }
    }
}
