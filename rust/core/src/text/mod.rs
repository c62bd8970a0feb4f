//! Text to keys for the paragraph, n-gram and decontamination modes of dedupe: paragraphs and
//! words with code-point spans, exact paragraph keys and word n-gram hashes, over batches of
//! texts in parallel.
//!
//! * [`chars`]: whitespace and word characters, defined to agree with Python's `str`.
//! * [`words`]: words (lower-cased `\w+` runs, or whitespace-split tokens) with spans.
//! * [`paragraphs`]: paragraphs with spans; exact paragraph keys ([`paragraph_keys`]).
//! * [`ngrams`]: rolling word n-gram hashes per paragraph ([`paragraph_ngrams`]) and per
//!   document with spans ([`document_ngrams`]).
//!
//! Offsets are code points (Python `str` indices) because attribute spans are. Results are flat
//! parallel arrays in input order, whatever the number of threads.

pub mod chars;
pub mod ngrams;
pub mod paragraphs;
pub mod words;

use std::ops::Range;

use rayon::prelude::*;

use crate::parallel;
pub use ngrams::{document_ngrams, paragraph_ngrams, DocumentNgramConfig, DocumentNgrams, ParagraphNgramConfig, ParagraphNgrams};
pub use paragraphs::{paragraph_keys, ParagraphKeyConfig, ParagraphKeys};

/// The version of the word n-gram hash (words, lower-casing and the n-gram combination). Filters
/// of n-gram hashes are stamped with it; change it whenever any of these changes, so that a filter
/// holding hashes of another scheme is refused instead of never matching. Version 1 was the
/// Python implementation (a weighted sum of word hashes).
pub const NGRAM_HASH_VERSION: u32 = 2;

/// Where things are in a batch: `doc[i]` (index into the batch) and the code-point span
/// `start[i]..end[i]` in that text.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Spans {
    pub doc: Vec<i64>,
    pub start: Vec<i64>,
    pub end: Vec<i64>,
}

impl Spans {
    pub fn len(&self) -> usize {
        self.doc.len()
    }

    pub fn is_empty(&self) -> bool {
        self.doc.is_empty()
    }

    pub(crate) fn reserve(&mut self, additional: usize) {
        self.doc.reserve(additional);
        self.start.reserve(additional);
        self.end.reserve(additional);
    }

    pub(crate) fn push(&mut self, doc: usize, start: usize, end: usize) {
        self.doc.push(doc as i64);
        self.start.push(start as i64);
        self.end.push(end as i64);
    }

    /// The spans of consecutive parts of a batch, joined.
    pub(crate) fn concat(parts: Vec<Spans>) -> Spans {
        let mut doc = Vec::with_capacity(parts.len());
        let mut start = Vec::with_capacity(parts.len());
        let mut end = Vec::with_capacity(parts.len());
        for p in parts {
            doc.push(p.doc);
            start.push(p.start);
            end.push(p.end);
        }
        Spans { doc: concat(doc), start: concat(start), end: concat(end) }
    }
}

/// Vectors joined in order; a single one is returned as it is (outputs are large: no copy).
pub(crate) fn concat<T>(mut parts: Vec<Vec<T>>) -> Vec<T> {
    if parts.len() == 1 {
        return parts.pop().unwrap_or_default();
    }
    let mut out = Vec::with_capacity(parts.iter().map(Vec::len).sum());
    for p in parts {
        out.extend(p);
    }
    out
}

/// Texts below which a batch is not split (thread hand-off costs more than it saves).
const MIN_CHUNK: usize = 256;

/// `f` over consecutive ranges covering `0..len`, on the core's pool when the batch is large
/// enough; the results in range order.
fn over_chunks<T: Send>(len: usize, f: impl Fn(Range<usize>) -> T + Sync) -> Vec<T> {
    let threads = parallel::num_threads();
    if threads <= 1 || len < 2 * MIN_CHUNK {
        return vec![f(0..len)];
    }
    let size = len.div_ceil(threads * 4).max(MIN_CHUNK);
    let ranges: Vec<Range<usize>> = (0..len).step_by(size).map(|s| s..(s + size).min(len)).collect();
    parallel::install(|| ranges.into_par_iter().map(&f).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_split_across_threads_equal_one_pass() {
        let texts: Vec<String> = (0..2000)
            .map(|i| format!("Doc {i} ünï 😀\nsome words repeated in paragraph {}\n\nthe end of doc {i} here", i % 7))
            .collect();
        let keys = ParagraphKeyConfig { separator: "\n".into(), normalize: true, strip: true, min_length: 1, min_words: 1, seed: 0 };
        let grams = ParagraphNgramConfig { separator: "\n".into(), normalize: true, ngram_size: 3, stride: 1, min_words: 2, min_chars: 3, seed: 0 };
        let docs = DocumentNgramConfig { normalize: true, ngram_size: 3, seed: 0 };
        let whole = (paragraph_keys(&texts, &keys).unwrap(), paragraph_ngrams(&texts, &grams).unwrap(), document_ngrams(&texts, &docs).unwrap());
        let pieces: Vec<_> = texts.chunks(100).map(|c| (paragraph_keys(c, &keys).unwrap(), paragraph_ngrams(c, &grams).unwrap())).collect();
        assert_eq!(whole.0.hash, pieces.iter().flat_map(|p| p.0.hash.clone()).collect::<Vec<_>>());
        assert_eq!(whole.1.hash, pieces.iter().flat_map(|p| p.1.hash.clone()).collect::<Vec<_>>());
        // Paragraph indices run on across the chunks of the batch.
        assert_eq!(whole.1.para.last().copied(), Some(whole.1.paragraphs.len() as i64 - 1));
        assert!(whole.1.para.windows(2).all(|w| w[1] - w[0] <= 1 && w[1] >= w[0]));
        assert_eq!(whole.2.spans.doc.last().copied(), Some(1999));
    }
}
