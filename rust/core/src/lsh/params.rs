//! Choosing the banding (b bands of r rows) for a similarity threshold.
//!
//! Two documents of Jaccard similarity `s` share at least one band key with probability
//! `P(s) = 1 - (1 - s^r)^b` (the S-curve). For a threshold `t`, the false-positive mass is the area
//! under the curve left of `t`, `∫_0^t P(s) ds`, and the false-negative mass the area above it right
//! of `t`, `∫_t^1 (1 - P(s)) ds`. We pick the `(b, r)` with `b·r ≤ num_perm` minimising
//! `w_fp·FP + w_fn·FN`, integrating with Simpson's rule on 200 intervals each side.

use crate::error::{invalid, Result};

/// `bands` bands of `rows` rows each (`bands·rows ≤ num_perm`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Banding {
    pub bands: usize,
    pub rows: usize,
}

/// The probability that two documents of similarity `s` become candidates.
pub fn collision_probability(s: f64, banding: Banding) -> f64 {
    1.0 - (1.0 - s.powi(banding.rows as i32)).powi(banding.bands as i32)
}

fn simpson(f: impl Fn(f64) -> f64, a: f64, b: f64) -> f64 {
    const N: usize = 200;
    if b <= a {
        return 0.0;
    }
    let h = (b - a) / N as f64;
    let inner: f64 = (1..N).map(|i| f(a + i as f64 * h) * if i % 2 == 1 { 4.0 } else { 2.0 }).sum();
    (f(a) + inner + f(b)) * h / 3.0
}

/// Check a threshold.
pub fn check_threshold(threshold: f64) -> Result<()> {
    if !(threshold > 0.0 && threshold < 1.0) {
        return Err(invalid(format!("threshold must be in (0, 1), got {threshold}")));
    }
    Ok(())
}

/// Check a given banding against `num_perm`.
pub fn check_banding(banding: Banding, num_perm: usize) -> Result<()> {
    if banding.bands == 0 || banding.rows == 0 {
        return Err(invalid("bands and rows must be at least 1"));
    }
    if banding.bands.saturating_mul(banding.rows) > num_perm {
        return Err(invalid(format!(
            "bands * rows = {} * {} exceeds num_perm = {num_perm}",
            banding.bands, banding.rows
        )));
    }
    Ok(())
}

/// The banding minimising `fp_weight·FP + fn_weight·FN` at `threshold` for `num_perm` slots.
pub fn optimal_banding(threshold: f64, num_perm: usize, fp_weight: f64, fn_weight: f64) -> Result<Banding> {
    check_threshold(threshold)?;
    if num_perm == 0 {
        return Err(invalid("num_perm must be at least 1"));
    }
    let ok = |w: f64| w.is_finite() && w >= 0.0;
    if !ok(fp_weight) || !ok(fn_weight) || fp_weight + fn_weight <= 0.0 {
        return Err(invalid("fp_weight and fn_weight must be non-negative and not both zero"));
    }
    let mut best = (f64::INFINITY, Banding { bands: 1, rows: 1 });
    for bands in 1..=num_perm {
        for rows in 1..=num_perm / bands {
            let bd = Banding { bands, rows };
            let fp = simpson(|s| collision_probability(s, bd), 0.0, threshold);
            let fne = simpson(|s| 1.0 - collision_probability(s, bd), threshold, 1.0);
            let err = fp_weight * fp + fn_weight * fne;
            if err < best.0 {
                best = (err, bd);
            }
        }
    }
    Ok(best.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn optimal_bandings_are_sensible() {
        // The S-curve's midpoint (1/b)^(1/r) sits near the threshold.
        for (t, p) in [(0.5, 128usize), (0.8, 112), (0.9, 256), (0.7, 64)] {
            let bd = optimal_banding(t, p, 0.5, 0.5).unwrap();
            assert!(bd.bands * bd.rows <= p);
            let mid = (1.0 / bd.bands as f64).powf(1.0 / bd.rows as f64);
            assert!((mid - t).abs() < 0.12, "t={t} p={p} {bd:?} midpoint {mid}");
        }
        // Weighting false negatives more gives more bands (a curve further left).
        let fnw = optimal_banding(0.8, 128, 0.1, 0.9).unwrap();
        let fpw = optimal_banding(0.8, 128, 0.9, 0.1).unwrap();
        assert!(collision_probability(0.7, fnw) > collision_probability(0.7, fpw));
    }

    #[test]
    fn bad_arguments() {
        assert!(optimal_banding(0.0, 128, 0.5, 0.5).is_err());
        assert!(optimal_banding(1.0, 128, 0.5, 0.5).is_err());
        assert!(optimal_banding(0.5, 0, 0.5, 0.5).is_err());
        assert!(optimal_banding(0.5, 8, 0.0, 0.0).is_err());
        assert!(check_banding(Banding { bands: 10, rows: 13 }, 128).is_err());
        assert!(check_banding(Banding { bands: 0, rows: 1 }, 128).is_err());
    }
}
