//! MinHash signatures of documents.
//!
//! Each shingle (see [`shingle`]) is hashed to 64 bits. Character shingles: `hash64(shingle,
//! seed)`. Word shingles: each word once (found by [`words`] without building the normalised
//! text), `w = hash64(word, seed)`, and a shingle of words `w_1..w_k` is
//! [`combine_word_hashes`]`(w_1..w_k)` (so a text of N words costs N byte-string hashes, not
//! N·n). Permutation `j` of
//! the 64-bit hash `h` is the multiply-add-shift map `π_j(h) = (a_j·h + b_j mod 2^64) >> 32`
//! with `a_j` odd and `b_j` drawn from the seed (Dietzfelbinger's strongly universal family from
//! 64-bit keys to 32-bit values). It plays the role of datasketch's `(a·h + b) mod (2^61 - 1)`
//! truncated to 32 bits, at the cost of one 64-bit multiply, and vectorises. Signature values are
//! therefore `u32`, like datasketch's: a signature is `num_perm × 4` bytes.
//!
//! Slot `j` of a signature is `min` over the shingles of `π_j(h)`. The fraction of equal slots of
//! two signatures estimates the Jaccard similarity of their shingle sets, with standard error
//! `sqrt(J(1-J)/num_perm)`.

mod kernel;
pub mod sets;
pub mod shingle;
pub mod words;

use rayon::prelude::*;

use crate::error::{invalid, Result};
use crate::hash::{hash64, mix64, seed_stream};
use crate::parallel;
pub use shingle::{ShingleConfig, ShingleMode};
use shingle::{for_each_shingle, Scratch};
use words::{for_each_word, WordScratch};

/// The hash of a word shingle from the hashes of its words, in order.
///
/// `h = len·K1; h = (rotl(h, 23) ^ w)·K2` for each word hash `w`, then the SplitMix64 finaliser.
/// Each step is a bijection of `h` for a fixed `w` and of `w` for a fixed `h`, so two shingles of
/// equal length that differ in one word never collide.
#[inline]
pub fn combine_word_hashes(words: &[u64]) -> u64 {
    mix64(words.iter().fold(combine_start(words.len()), |h, &w| combine_step(h, w)))
}

/// `h` before the first word of a shingle of `len` words.
#[inline(always)]
fn combine_start(len: usize) -> u64 {
    (len as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// `h` after word hash `w`.
#[inline(always)]
fn combine_step(h: u64, w: u64) -> u64 {
    (h.rotate_left(23) ^ w).wrapping_mul(0xFF51_AFD7_ED55_8CCD)
}

/// Reusable buffers of a signature computation.
#[derive(Default)]
pub struct Buffers {
    shingles: Scratch,
    word: WordScratch,
    words: Vec<u64>,
    hashes: Vec<u64>,
}

/// Computes signatures with fixed permutations and shingling.
#[derive(Debug, Clone)]
pub struct MinHasher {
    cfg: ShingleConfig,
    seed: u64,
    a: Vec<u64>,
    b: Vec<u64>,
}

impl MinHasher {
    /// `num_perm` permutations drawn from `seed`.
    pub fn new(num_perm: usize, seed: u64, cfg: ShingleConfig) -> Result<Self> {
        if num_perm == 0 {
            return Err(invalid("num_perm must be at least 1"));
        }
        cfg.validate()?;
        let mut stream = seed_stream(seed ^ 0x4D49_4E48_4153_4821);
        let (a, b) = (0..num_perm).map(|_| (stream.next().unwrap_or(1) | 1, stream.next().unwrap_or(0))).unzip();
        Ok(Self { cfg, seed, a, b })
    }

    pub fn num_perm(&self) -> usize {
        self.a.len()
    }
    pub fn seed(&self) -> u64 {
        self.seed
    }
    pub fn config(&self) -> &ShingleConfig {
        &self.cfg
    }

    /// The shingle hashes of `text`, in order, duplicates included.
    pub fn shingle_hashes(&self, text: &str) -> Vec<u64> {
        let mut b = Buffers::default();
        self.hash_shingles(text, &mut b);
        b.hashes
    }

    /// The shingle hashes of `text` into `b.hashes`.
    fn hash_shingles(&self, text: &str, b: &mut Buffers) {
        b.hashes.clear();
        match self.cfg.mode {
            ShingleMode::Char => {
                let hashes = &mut b.hashes;
                for_each_shingle(text, &self.cfg, &mut b.shingles, |s| hashes.push(hash64(s.as_bytes(), self.seed)));
            }
            ShingleMode::Word => {
                let words = &mut b.words;
                words.clear();
                for_each_word(text, &self.cfg, &mut b.word, |w| words.push(hash64(w, self.seed)));
                let n = self.cfg.ngram;
                if words.len() < n {
                    b.hashes.push(combine_word_hashes(words));
                } else {
                    b.hashes.resize(words.len() - n + 1, 0);
                    kernel::combine_windows(words, n, &mut b.hashes);
                }
            }
        }
    }

    /// The shingles of `text` as strings, in order, duplicates included.
    pub fn shingles(&self, text: &str) -> Vec<String> {
        shingle::shingles(text, &self.cfg)
    }

    /// The signature of a set of shingle hashes into `sig` (`num_perm` slots).
    pub fn signature_of_hashes(&self, hashes: &[u64], sig: &mut [u32]) -> Result<()> {
        if sig.len() != self.num_perm() {
            return Err(invalid("signature length must equal num_perm"));
        }
        sig.fill(u32::MAX);
        kernel::fold(&self.a, &self.b, sig, hashes);
        Ok(())
    }

    fn signature_with(&self, text: &str, b: &mut Buffers, sig: &mut [u32]) {
        self.hash_shingles(text, b);
        sig.fill(u32::MAX);
        kernel::fold(&self.a, &self.b, sig, &b.hashes);
    }

    /// The signature of one text.
    pub fn signature(&self, text: &str) -> Vec<u32> {
        let mut sig = vec![0; self.num_perm()];
        self.signature_with(text, &mut Default::default(), &mut sig);
        sig
    }

    /// Signatures of a batch (as [`Self::signatures`]) and the shingle fingerprints of each
    /// document (see [`sets`]) in shingle order, repeats included: `(signatures, values, offsets)`
    /// with `offsets.len() == docs.len() + 1`. The shingles are hashed once for both; making the
    /// fingerprints sets ([`sets::sorted_sets`]) is left to the few documents that need it.
    pub fn signatures_and_fingerprints<S: AsRef<str> + Sync>(&self, docs: &[S]) -> (Vec<u32>, Vec<u32>, Vec<u64>) {
        const DOCS: usize = 64;
        let p = self.num_perm();
        let mut out = vec![0u32; docs.len() * p];
        let parts: Vec<(Vec<u32>, Vec<u64>)> = parallel::install(|| {
            out.par_chunks_mut(p * DOCS)
                .zip(docs.par_chunks(DOCS))
                .map_init(Buffers::default, |scratch, (sigs, chunk)| {
                    let (mut values, mut sizes) = (Vec::new(), Vec::with_capacity(chunk.len()));
                    for (sig, doc) in sigs.chunks_mut(p).zip(chunk) {
                        self.signature_with(doc.as_ref(), scratch, sig);
                        values.extend(scratch.hashes.iter().map(|&h| sets::fingerprint(h)));
                        sizes.push(scratch.hashes.len() as u64);
                    }
                    (values, sizes)
                })
                .collect()
        });
        let mut offsets = Vec::with_capacity(docs.len() + 1);
        offsets.push(0u64);
        let mut values = Vec::with_capacity(parts.iter().map(|(v, _)| v.len()).sum());
        for (part, sizes) in parts {
            values.extend_from_slice(&part);
            for size in sizes {
                offsets.push(offsets[offsets.len() - 1] + size);
            }
        }
        (out, values, offsets)
    }

    /// Signatures of a batch, row-major (`docs.len() × num_perm`), computed in parallel.
    pub fn signatures<S: AsRef<str> + Sync>(&self, docs: &[S]) -> Vec<u32> {
        let p = self.num_perm();
        let mut out = vec![0u32; docs.len() * p];
        parallel::install(|| {
            out.par_chunks_mut(p).zip(docs.par_iter()).with_min_len(16).for_each_init(
                Buffers::default,
                |scratch, (sig, doc)| self.signature_with(doc.as_ref(), scratch, sig),
            )
        });
        out
    }
}

/// The estimated Jaccard similarity of two signatures: the fraction of equal slots.
pub fn jaccard(a: &[u32], b: &[u32]) -> Result<f64> {
    if a.len() != b.len() || a.is_empty() {
        return Err(invalid(format!(
            "signatures must be non-empty and of equal length, got {} and {}",
            a.len(),
            b.len()
        )));
    }
    Ok(equal_slots(a, b) as f64 / a.len() as f64)
}

/// The number of equal slots of two signatures of equal length.
#[inline]
pub fn equal_slots(a: &[u32], b: &[u32]) -> usize {
    a.iter().zip(b).filter(|(x, y)| x == y).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimates_jaccard_within_the_standard_error() {
        // Sets with exact Jaccard 1/3, 0.6 and 0.9; 256 permutations; several seeds.
        for lo in [500u64, 250, 52] {
            let hi = lo + 1000;
            let set_a: Vec<u64> = (0..1000).map(|i| hash64(&u64::to_le_bytes(i), 0)).collect();
            let set_b: Vec<u64> = (lo..hi).map(|i| hash64(&u64::to_le_bytes(i), 0)).collect();
            let inter = (1000 - lo) as f64;
            let exact_j = inter / (2000.0 - inter);
            let mut total = 0.0;
            let seeds = 8;
            for seed in 0..seeds {
                let m = MinHasher::new(256, seed, ShingleConfig::default()).unwrap();
                let (mut sa, mut sb) = (vec![0; 256], vec![0; 256]);
                m.signature_of_hashes(&set_a, &mut sa).unwrap();
                m.signature_of_hashes(&set_b, &mut sb).unwrap();
                let est = jaccard(&sa, &sb).unwrap();
                let se = (exact_j * (1.0 - exact_j) / 256.0).sqrt();
                assert!((est - exact_j).abs() < 4.0 * se, "seed {seed}: {est} vs {exact_j}");
                total += est;
            }
            let se_mean = (exact_j * (1.0 - exact_j) / 256.0 / seeds as f64).sqrt();
            assert!((total / seeds as f64 - exact_j).abs() < 4.0 * se_mean);
        }
    }

    #[test]
    fn batch_equals_single_and_is_deterministic() {
        let m = MinHasher::new(64, 3, ShingleConfig::default()).unwrap();
        let docs = ["The quick brown fox jumps over the lazy dog today", "", "short one"];
        let batch = m.signatures(&docs);
        for (i, d) in docs.iter().enumerate() {
            assert_eq!(&batch[i * 64..(i + 1) * 64], m.signature(d).as_slice());
        }
        assert_eq!(batch, MinHasher::new(64, 3, ShingleConfig::default()).unwrap().signatures(&docs));
        assert_ne!(batch, MinHasher::new(64, 4, ShingleConfig::default()).unwrap().signatures(&docs));
        // Identical after normalisation: identical signatures.
        assert_eq!(m.signature("Hello,   WORLD"), m.signature("hello world"));
    }

    #[test]
    fn shingle_hashes_follow_the_shingles() {
        for mode in [ShingleMode::Word, ShingleMode::Char] {
            for ngram in [1, 3, 5] {
                let cfg = ShingleConfig { ngram, mode, ..Default::default() };
                let m = MinHasher::new(8, 7, cfg).unwrap();
                for t in ["", "One two.", "Hello,  WORLD! «How» are you? Fine — thanks, ÇA VA\u{a0}bien", "a b a b a b"] {
                    let want: Vec<u64> = m
                        .shingles(t)
                        .iter()
                        .map(|s| match mode {
                            ShingleMode::Char => hash64(s.as_bytes(), 7),
                            ShingleMode::Word => combine_word_hashes(
                                &s.split(' ').filter(|w| !w.is_empty()).map(|w| hash64(w.as_bytes(), 7)).collect::<Vec<_>>(),
                            ),
                        })
                        .collect();
                    assert_eq!(m.shingle_hashes(t), want, "{t:?} {mode:?} {ngram}");
                }
            }
        }
    }

    #[test]
    fn sets_come_with_the_same_signatures() {
        let m = MinHasher::new(16, 3, ShingleConfig { ngram: 2, ..Default::default() }).unwrap();
        let docs = ["a b c a b", "", "x"];
        let (sigs, values, offsets) = m.signatures_and_fingerprints(&docs);
        assert_eq!(sigs, m.signatures(&docs));
        assert_eq!(offsets, [0, 4, 5, 6]); // a b, b c, c a, a b; the empty text and "x" are one shingle each
        let want: Vec<u32> = m.shingle_hashes("a b c a b").iter().map(|&h| sets::fingerprint(h)).collect();
        assert_eq!(values[..4], want);
        let (set_values, set_offsets) = sets::sorted_sets(&values, &offsets).unwrap();
        assert_eq!(set_offsets, [0, 3, 4, 5]);
        let mut distinct = want.clone();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(set_values[..3], distinct);
        let many: Vec<String> = (0..300).map(|i| format!("text number {i} with some words {}", i % 7)).collect();
        let (sigs, _, offsets) = m.signatures_and_fingerprints(&many);
        assert_eq!(sigs, m.signatures(&many));
        assert_eq!(offsets.len(), 301);
    }

    #[test]
    fn bad_arguments() {
        assert!(MinHasher::new(0, 0, ShingleConfig::default()).is_err());
        assert!(MinHasher::new(8, 0, ShingleConfig { ngram: 0, ..Default::default() }).is_err());
        assert!(jaccard(&[1, 2], &[1]).is_err());
        assert!(jaccard(&[], &[]).is_err());
    }

    /// A fixed corpus: texts drawn from every ASCII byte, multi-byte letters, Unicode spaces and
    /// punctuation, short and long words, at random.
    fn corpus() -> Vec<String> {
        let alphabet: Vec<char> = (0u8..0x80)
            .map(char::from)
            .chain("ÉéßİΣ€—«»\u{a0}\u{2003}\u{3000}\u{85}ǅﬁ😀".chars())
            .chain("      eeaaiioouu".chars())
            .collect();
        let mut rnd = seed_stream(2024);
        let mut texts: Vec<String> = (0..400)
            .map(|_| {
                let len = rnd.next().unwrap() as usize % 700;
                (0..len).map(|_| alphabet[rnd.next().unwrap() as usize % alphabet.len()]).collect()
            })
            .collect();
        texts.push(String::new());
        texts.push("Some words. Then, More Words; and a loooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooong one!".repeat(5));
        texts
    }

    #[test]
    fn signatures_equal_those_of_the_first_implementation() {
        let configs = [
            ShingleConfig::default(),
            ShingleConfig { ngram: 1, ..Default::default() },
            ShingleConfig { ngram: 3, lowercase: false, remove_punctuation: false, ..Default::default() },
            ShingleConfig { ngram: 5, mode: ShingleMode::Char, ..Default::default() },
        ];
        let mut digest = 0u64;
        for cfg in configs {
            let m = MinHasher::new(37, 42, cfg).unwrap();
            for t in corpus() {
                for v in m.signature(&t) {
                    digest = mix64(digest ^ v as u64);
                }
            }
        }
        // The value the first implementation (before the word scanner and kernels of today) gave.
        assert_eq!(digest, 0xe830_1b5f_f964_c7ab, "{digest:#018x}");
    }
}
