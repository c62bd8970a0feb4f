//! `paragraph_keys`, `paragraph_ngrams`, `document_ngrams`: thin wrappers of
//! `dolma_tools_core::text`. Each takes a sequence of str (or a `StringColumn`), releases the GIL and returns numpy
//! arrays (uint64 hashes, int64 indices and code-point offsets).

use dolma_tools_core::text::{self, DocumentNgramConfig, ParagraphKeyConfig, ParagraphNgramConfig, Spans};
use numpy::{IntoPyArray, PyArray1};
use pyo3::prelude::*;

use crate::convert::Texts;
use crate::error::IntoPy;

type U64s<'py> = Bound<'py, PyArray1<u64>>;
type I64s<'py> = Bound<'py, PyArray1<i64>>;

fn spans(py: Python<'_>, s: Spans) -> (I64s<'_>, I64s<'_>, I64s<'_>) {
    (s.doc.into_pyarray(py), s.start.into_pyarray(py), s.end.into_pyarray(py))
}

/// The key hash and span of every eligible paragraph: `(hash, doc, start, end)`.
///
/// Paragraphs are `text.split(separator)`; a span ends past the trailing separator (but for the
/// last paragraph), in code points. The key is the paragraph exactly, or with `strip` without
/// its leading and trailing whitespace, or with `normalize` its whitespace runs collapsed to one
/// space, stripped and lower-cased; `hash64(key, seed)` is its hash. A paragraph is eligible when
/// it has at least `min_length` code points once stripped and (when `min_words > 1`) at least
/// `min_words` whitespace-separated words.
#[pyfunction]
#[pyo3(signature = (texts, separator = "\n", *, normalize = false, strip = false, min_length = 1, min_words = 1, seed = 0))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn paragraph_keys<'py>(
    py: Python<'py>,
    texts: &Bound<'py, PyAny>,
    separator: &str,
    normalize: bool,
    strip: bool,
    min_length: usize,
    min_words: usize,
    seed: u64,
) -> PyResult<(U64s<'py>, I64s<'py>, I64s<'py>, I64s<'py>)> {
    let texts = Texts::of(texts)?;
    let texts = texts.strs()?;
    let cfg = ParagraphKeyConfig { separator: separator.to_owned(), normalize, strip, min_length, min_words, seed };
    let out = py.detach(|| text::paragraph_keys(&texts, &cfg)).py()?;
    let (doc, start, end) = spans(py, out.spans);
    Ok((out.hash.into_pyarray(py), doc, start, end))
}

/// The distinct word n-gram hashes of every paragraph with at least `min_words` words and
/// `min_chars` word characters: `(hash, para, doc, start, end)`, where `hash[i]` belongs to
/// paragraph `para[i]` and paragraph `p` is at `doc[p]`, `start[p]:end[p]` (spans as in
/// `paragraph_keys`). Within a paragraph the hashes are ascending; a paragraph of fewer than
/// `ngram_size` words has one hash, that of all its words as one n-gram.
///
/// Words are lower-cased runs of `\w` characters (letters, numbers, `_`) with `normalize`, else
/// whitespace-split tokens. An n-gram's hash combines the `hash64(word, seed)` of its words in
/// order (`NGRAM_HASH_VERSION` names the scheme); n-grams start every `stride` words.
#[pyfunction]
#[pyo3(signature = (texts, ngram_size, *, separator = "\n", stride = 1, min_words = 1, min_chars = 0, normalize = true, seed = 0))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn paragraph_ngrams<'py>(
    py: Python<'py>,
    texts: &Bound<'py, PyAny>,
    ngram_size: usize,
    separator: &str,
    stride: usize,
    min_words: usize,
    min_chars: usize,
    normalize: bool,
    seed: u64,
) -> PyResult<(U64s<'py>, I64s<'py>, I64s<'py>, I64s<'py>, I64s<'py>)> {
    let texts = Texts::of(texts)?;
    let texts = texts.strs()?;
    let cfg = ParagraphNgramConfig { separator: separator.to_owned(), normalize, ngram_size, stride, min_words, min_chars, seed };
    let out = py.detach(|| text::paragraph_ngrams(&texts, &cfg)).py()?;
    let (doc, start, end) = spans(py, out.paragraphs);
    Ok((out.hash.into_pyarray(py), out.para.into_pyarray(py), doc, start, end))
}

/// Every word n-gram of every text (stride 1, in order, across paragraph breaks) with its span
/// from its first word's start to its last word's end: `(hash, doc, start, end)`. Words and
/// hashes as in `paragraph_ngrams`; a text with fewer than `ngram_size` words has none.
#[pyfunction]
#[pyo3(signature = (texts, ngram_size, *, normalize = true, seed = 0))]
pub(crate) fn document_ngrams<'py>(
    py: Python<'py>,
    texts: &Bound<'py, PyAny>,
    ngram_size: usize,
    normalize: bool,
    seed: u64,
) -> PyResult<(U64s<'py>, I64s<'py>, I64s<'py>, I64s<'py>)> {
    let texts = Texts::of(texts)?;
    let texts = texts.strs()?;
    let cfg = DocumentNgramConfig { normalize, ngram_size, seed };
    let out = py.detach(|| text::document_ngrams(&texts, &cfg)).py()?;
    let (doc, start, end) = spans(py, out.spans);
    Ok((out.hash.into_pyarray(py), doc, start, end))
}
