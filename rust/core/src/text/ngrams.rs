//! Word n-gram hashes: per paragraph (the n-gram paragraph mode) and per document with spans
//! (decontamination). Both sides of decontamination, eval sets and training documents, use
//! [`document_ngrams`], so their hashes agree by construction.
//!
//! A paragraph with fewer words than the n-gram size (but at least `min_words` words and
//! `min_chars` word characters) is one key: the hash of all its words as one short n-gram, as
//! BFF does between its `min_ngram_size` and `max_ngram_size`. Repeated short lines (navigation,
//! "Share this", copyright footers) are then found; a line with too little text (`}`, `...`,
//! `end`) is never a key. Paragraphs of at least `ngram_size` words hash exactly as before.
//!
//! Each word (see [`for_each_word`]) is hashed once, `w = hash64(word, seed)`. The n-gram of
//! words `w_0 .. w_{n-1}` hashes to `mix64(Σ_j w_j · B^(n-1-j) mod 2^64)` with `B` =
//! [`NGRAM_BASE`] (odd) and [`mix64`] the SplitMix64 finaliser. The sum is a polynomial in the word
//! hashes, so each n-gram's sum follows from the previous one in two multiplications whatever
//! `n` (a rolling hash), and it is order-sensitive: two n-grams that differ only by swapping two
//! different words collide only if those words' hashes differ by a multiple of about 2^59.

use super::chars::is_word;
use super::paragraphs::for_each_paragraph;
use super::words::for_each_word;
use super::{concat, over_chunks, Spans};
use crate::error::{invalid, Result};
use crate::hash::{hash64, mix64};

/// The base of the n-gram polynomial (odd, so every power of it is a bijection mod 2^64).
pub const NGRAM_BASE: u64 = 0x9E37_79B9_7F4A_7C15;

/// The hash of one n-gram from the hashes of its words, in order (the definition that
/// [`for_each_ngram`] computes incrementally).
pub fn ngram_hash(words: &[u64]) -> u64 {
    mix64(words.iter().fold(0u64, |p, &w| p.wrapping_mul(NGRAM_BASE).wrapping_add(w)))
}

/// Call `f(i, hash)` for the n-grams of `words` (word hashes) starting at `i = 0, stride,
/// 2·stride, ...`, in order. Fewer than `n` words give no n-gram.
pub fn for_each_ngram(words: &[u64], n: usize, stride: usize, mut f: impl FnMut(usize, u64)) {
    if n == 0 || stride == 0 || words.len() < n {
        return;
    }
    let top = (1..n).fold(1u64, |p, _| p.wrapping_mul(NGRAM_BASE));
    let mut sum = words[..n].iter().fold(0u64, |p, &w| p.wrapping_mul(NGRAM_BASE).wrapping_add(w));
    let last = words.len() - n;
    let mut next = 0;
    for i in 0..=last {
        if i == next {
            f(i, mix64(sum));
            next += stride;
        }
        if i < last {
            sum = sum.wrapping_sub(words[i].wrapping_mul(top)).wrapping_mul(NGRAM_BASE).wrapping_add(words[i + n]);
        }
    }
}

/// A guess of the number of n-grams of `texts` to size outputs up front: one a word, a word every
/// six bytes (English averages about that). Outputs are large, and growing them by doubling
/// copies them and touches twice the memory; a wrong guess costs only that again.
fn expected_ngrams<S: AsRef<str>>(texts: &[S]) -> usize {
    texts.iter().map(|t| t.as_ref().len()).sum::<usize>() / 6
}

fn check(ngram_size: usize, stride: usize) -> Result<()> {
    if ngram_size == 0 || stride == 0 {
        return Err(invalid(format!("ngram_size and stride must be at least 1, got {ngram_size} and {stride}")));
    }
    Ok(())
}

/// Settings of paragraph n-grams.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParagraphNgramConfig {
    pub separator: String,
    pub normalize: bool,
    pub ngram_size: usize,
    pub stride: usize,
    /// Paragraphs with fewer words than this are left out; those with at least this many but
    /// fewer than `ngram_size` are hashed whole (one key).
    pub min_words: usize,
    /// Paragraphs with fewer word characters (`\w`, whatever `normalize`) are left out.
    pub min_chars: usize,
    pub seed: u64,
}

/// The distinct n-grams of each kept paragraph: `hash[i]` belongs to paragraph `para[i]`, whose
/// span is `paragraphs[para[i]]`. Within a paragraph the hashes are ascending.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ParagraphNgrams {
    pub hash: Vec<u64>,
    pub para: Vec<i64>,
    pub paragraphs: Spans,
}

/// Whether `text` has at least `enough` word characters (counting stops there).
fn word_chars_reach(text: &str, enough: usize) -> bool {
    enough == 0 || text.chars().filter(|&c| is_word(c)).take(enough).count() == enough
}

/// The distinct n-gram hashes of every paragraph of `texts` with enough words (short ones
/// hashed whole), in input order.
pub fn paragraph_ngrams<S: AsRef<str> + Sync>(texts: &[S], cfg: &ParagraphNgramConfig) -> Result<ParagraphNgrams> {
    check(cfg.ngram_size, cfg.stride)?;
    if cfg.separator.is_empty() {
        return Err(invalid("separator must not be empty"));
    }
    let minimum = cfg.min_words.max(1);
    let chunks = over_chunks(texts.len(), |range| {
        let mut out = ParagraphNgrams::default();
        let expected = expected_ngrams(&texts[range.clone()]);
        out.hash.reserve(expected);
        out.para.reserve(expected);
        let (mut buf, mut words, mut grams) = (String::new(), Vec::new(), Vec::new());
        for doc in range {
            for_each_paragraph(texts[doc].as_ref(), &cfg.separator, |part, start, end| {
                words.clear();
                for_each_word(part, cfg.normalize, &mut buf, |w, _, _| words.push(hash64(w, cfg.seed)));
                if words.len() < minimum || !word_chars_reach(part, cfg.min_chars) {
                    return;
                }
                grams.clear();
                if words.len() < cfg.ngram_size {
                    grams.push(ngram_hash(&words));
                } else {
                    for_each_ngram(&words, cfg.ngram_size, cfg.stride, |_, h| grams.push(h));
                    grams.sort_unstable();
                    grams.dedup();
                }
                let para = out.paragraphs.len() as i64;
                out.hash.extend_from_slice(&grams);
                out.para.resize(out.para.len() + grams.len(), para);
                out.paragraphs.push(doc, start, end);
            });
        }
        out
    });
    let (mut hash, mut para, mut paragraphs) = (Vec::new(), Vec::new(), Vec::new());
    let mut shift = 0;
    for mut chunk in chunks {
        // Paragraph indices run on from the previous chunks'.
        chunk.para.iter_mut().for_each(|p| *p += shift);
        shift += chunk.paragraphs.len() as i64;
        hash.push(chunk.hash);
        para.push(chunk.para);
        paragraphs.push(chunk.paragraphs);
    }
    Ok(ParagraphNgrams { hash: concat(hash), para: concat(para), paragraphs: Spans::concat(paragraphs) })
}

/// Settings of document n-grams.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentNgramConfig {
    pub normalize: bool,
    pub ngram_size: usize,
    pub seed: u64,
}

/// Every n-gram of every document (stride 1, duplicates included, in order): `hash[i]` and its
/// span `spans[i]`, from its first word's start to its last word's end (code points).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct DocumentNgrams {
    pub hash: Vec<u64>,
    pub spans: Spans,
}

/// The n-grams of `texts` with their spans, across paragraph breaks (a text is one run of words).
pub fn document_ngrams<S: AsRef<str> + Sync>(texts: &[S], cfg: &DocumentNgramConfig) -> Result<DocumentNgrams> {
    check(cfg.ngram_size, 1)?;
    let n = cfg.ngram_size;
    let chunks = over_chunks(texts.len(), |range| {
        let mut out = DocumentNgrams::default();
        out.hash.reserve(expected_ngrams(&texts[range.clone()]));
        out.spans.reserve(out.hash.capacity());
        let mut buf = String::new();
        let (mut words, mut starts, mut ends) = (Vec::new(), Vec::new(), Vec::new());
        for doc in range {
            words.clear();
            starts.clear();
            ends.clear();
            for_each_word(texts[doc].as_ref(), cfg.normalize, &mut buf, |w, s, e| {
                words.push(hash64(w, cfg.seed));
                starts.push(s);
                ends.push(e);
            });
            for_each_ngram(&words, n, 1, |i, h| {
                out.hash.push(h);
                out.spans.push(doc, starts[i], ends[i + n - 1]);
            });
        }
        out
    });
    let (hash, spans) = chunks.into_iter().map(|c| (c.hash, c.spans)).unzip();
    Ok(DocumentNgrams { hash: concat(hash), spans: Spans::concat(spans) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word_hashes(text: &str, seed: u64) -> Vec<u64> {
        text.split_whitespace().map(|w| hash64(w.as_bytes(), seed)).collect()
    }

    #[test]
    fn rolling_hashes_equal_the_definition() {
        let words: Vec<u64> = (0..40u64).map(|i| hash64(&i.to_le_bytes(), 1)).collect();
        for n in [1, 2, 5, 13] {
            for stride in [1, 2, 3, 20] {
                let mut got = Vec::new();
                for_each_ngram(&words, n, stride, |i, h| got.push((i, h)));
                let want: Vec<(usize, u64)> = (0..=words.len() - n).step_by(stride).map(|i| (i, ngram_hash(&words[i..i + n]))).collect();
                assert_eq!(got, want, "n={n} stride={stride}");
            }
        }
        let mut none = 0;
        for_each_ngram(&words[..4], 5, 1, |_, _| none += 1);
        assert_eq!(none, 0);
    }

    #[test]
    fn ngram_hash_is_order_sensitive() {
        let w = word_hashes("a b c", 0);
        assert_ne!(ngram_hash(&w), ngram_hash(&[w[1], w[0], w[2]]));
        assert_ne!(ngram_hash(&w[..2]), ngram_hash(&w[1..]));
    }

    #[test]
    fn paragraph_ngrams_are_distinct_per_paragraph_and_skip_short_paragraphs() {
        let cfg = ParagraphNgramConfig { separator: "\n".into(), normalize: true, ngram_size: 2, stride: 1, min_words: 2, min_chars: 0, seed: 3 };
        let texts = ["A b a b a\nshort\nc, d E", "", "x y"];
        let got = paragraph_ngrams(&texts, &cfg).unwrap();
        assert_eq!(got.paragraphs.doc, [0, 0, 2]);
        assert_eq!(got.paragraphs.start, [0, 16, 0]);
        assert_eq!(got.paragraphs.end, [10, 22, 3]);
        let mut first: Vec<u64> = [word_hashes("a b", 3), word_hashes("b a", 3)].iter().map(|w| ngram_hash(w)).collect();
        first.sort_unstable();
        assert_eq!(&got.hash[..2], first.as_slice());
        let mut third: Vec<u64> = [word_hashes("c d", 3), word_hashes("d e", 3)].iter().map(|w| ngram_hash(w)).collect();
        third.sort_unstable();
        assert_eq!(&got.hash[2..4], third.as_slice());
        assert_eq!(got.para, [0, 0, 1, 1, 2]);
        let fewer = paragraph_ngrams(&texts, &ParagraphNgramConfig { min_words: 4, ..cfg.clone() }).unwrap();
        assert_eq!(fewer.paragraphs.start, [0]);
        assert!(paragraph_ngrams(&texts, &ParagraphNgramConfig { stride: 0, ..cfg }).is_err());
    }

    #[test]
    fn short_paragraphs_are_one_key_unless_too_short() {
        let cfg = ParagraphNgramConfig { separator: "\n".into(), normalize: true, ngram_size: 5, stride: 1, min_words: 1, min_chars: 4, seed: 3 };
        let texts = ["Share this page\n}\n...\nend\nfive words are enough here\n  Share THIS, page!"];
        let got = paragraph_ngrams(&texts, &cfg).unwrap();
        // `}` and `...` have no word characters, `end` too few; the five-word line is one n-gram.
        assert_eq!(got.paragraphs.start, [0, 26, 53]);
        let share = ngram_hash(&word_hashes("share this page", 3));
        assert_eq!(got.hash, [share, ngram_hash(&word_hashes("five words are enough here", 3)), share]);
        assert_eq!(got.para, [0, 1, 2]);
        // Unnormalised, `}` is a word but still has no word character; `end` passes at min_chars 3.
        let plain = paragraph_ngrams(&texts, &ParagraphNgramConfig { normalize: false, min_chars: 3, ..cfg.clone() }).unwrap();
        assert_eq!(plain.paragraphs.start, [0, 22, 26, 53]);
        // min_words at the n-gram size: short paragraphs are left out (the behaviour before).
        let long_only = paragraph_ngrams(&texts, &ParagraphNgramConfig { min_words: 5, ..cfg }).unwrap();
        assert_eq!(long_only.paragraphs.start, [26]);
    }

    #[test]
    fn document_ngrams_carry_code_point_spans() {
        let cfg = DocumentNgramConfig { normalize: true, ngram_size: 2, seed: 9 };
        let got = document_ngrams(&["🎉 Un, deux\ntrois", "seul"], &cfg).unwrap();
        assert_eq!(got.hash, [ngram_hash(&word_hashes("un deux", 9)), ngram_hash(&word_hashes("deux trois", 9))]);
        assert_eq!(got.spans.doc, [0, 0]);
        assert_eq!(got.spans.start, [2, 6]);
        assert_eq!(got.spans.end, [10, 16]);
    }
}
