//! `MinHasher` and `jaccard`: thin wrappers of `dolma_tools_core::minhash`.

use dolma_tools_core::minhash::sets::ShingleSets;
use dolma_tools_core::minhash::{self, MinHasher, ShingleConfig, ShingleMode};
use numpy::ndarray::Array2;
use numpy::{IntoPyArray, PyArray1, PyArray2, PyReadonlyArray1};
use pyo3::prelude::*;

use crate::convert::{Texts, u64_slice};
use crate::error::{invalid_argument, IntoPy};

/// Computes MinHash signatures of texts, entirely in Rust.
///
/// Texts are normalised (`lowercase`, `remove_punctuation`: Unicode P* and ASCII punctuation,
/// `collapse_whitespace`), cut into `ngram`-grams of words (`mode="word"`, words joined by one
/// space) or characters (`mode="char"`); a text shorter than `ngram` gives one shingle, the whole
/// normalised text. Character shingles are hashed with `hash64(shingle, seed)`; word shingles
/// from the hashes of their words, `hash64(word, seed)`, combined in order (see
/// `shingle_hashes`). The 64-bit shingle hashes are mapped through
/// `num_perm` multiply-add-shift permutations drawn from `seed`; signatures are uint32.
#[pyclass(frozen, name = "MinHasher", module = "dolma_tools._core")]
pub(crate) struct PyMinHasher(MinHasher);

#[pymethods]
impl PyMinHasher {
    #[new]
    #[pyo3(signature = (num_perm = 128, *, seed = 1, ngram = 5, mode = "word", lowercase = true, remove_punctuation = true, collapse_whitespace = true))]
    fn new(
        num_perm: usize,
        seed: u64,
        ngram: usize,
        mode: &str,
        lowercase: bool,
        remove_punctuation: bool,
        collapse_whitespace: bool,
    ) -> PyResult<Self> {
        let mode = match mode {
            "word" => ShingleMode::Word,
            "char" => ShingleMode::Char,
            other => return Err(invalid_argument(format!("mode must be 'word' or 'char', got {other:?}"))),
        };
        let cfg = ShingleConfig { ngram, mode, lowercase, remove_punctuation, collapse_whitespace };
        MinHasher::new(num_perm, seed, cfg).py().map(Self)
    }

    /// Number of permutations (signature length).
    #[getter]
    fn num_perm(&self) -> usize {
        self.0.num_perm()
    }
    /// Seed of the shingle hash and of the permutations.
    #[getter]
    fn seed(&self) -> u64 {
        self.0.seed()
    }
    /// Shingle length in words or characters.
    #[getter]
    fn ngram(&self) -> usize {
        self.0.config().ngram
    }
    /// "word" or "char".
    #[getter]
    fn mode(&self) -> &'static str {
        match self.0.config().mode {
            ShingleMode::Word => "word",
            ShingleMode::Char => "char",
        }
    }

    /// Signatures of a sequence of str (or a `StringColumn`), as a (len(docs), num_perm) uint32 array. Releases the GIL
    /// and runs in parallel.
    fn signatures<'py>(&self, py: Python<'py>, docs: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyArray2<u32>>> {
        let texts = Texts::of(docs)?;
        let texts = texts.strs()?;
        let sigs = py.detach(|| self.0.signatures(&texts));
        let arr = Array2::from_shape_vec((texts.len(), self.0.num_perm()), sigs)
            .map_err(|e| invalid_argument(e.to_string()))?;
        Ok(arr.into_pyarray(py))
    }

    /// Signatures as `signatures` gives them, with each text's shingle fingerprints: `(signatures,
    /// values, offsets)`, text `i`'s being `values[offsets[i]:offsets[i + 1]]` (uint32, the top 32
    /// bits of its shingle hashes, in shingle order, repeats included). One pass hashes the
    /// shingles for both; `sorted_sets` makes sets of the few lists that verification needs.
    #[allow(clippy::type_complexity)]
    fn signatures_and_fingerprints<'py>(
        &self,
        py: Python<'py>,
        docs: &Bound<'py, PyAny>,
    ) -> PyResult<(Bound<'py, PyArray2<u32>>, Bound<'py, PyArray1<u32>>, Bound<'py, PyArray1<u64>>)> {
        let texts = Texts::of(docs)?;
        let texts = texts.strs()?;
        let (sigs, values, offsets) = py.detach(|| self.0.signatures_and_fingerprints(&texts));
        let arr = Array2::from_shape_vec((texts.len(), self.0.num_perm()), sigs)
            .map_err(|e| invalid_argument(e.to_string()))?;
        Ok((arr.into_pyarray(py), values.into_pyarray(py), offsets.into_pyarray(py)))
    }

    /// The signature of one text, as a uint32 array of num_perm values.
    fn signature<'py>(&self, py: Python<'py>, text: &str) -> Bound<'py, PyArray1<u32>> {
        self.0.signature(text).into_pyarray(py)
    }

    /// The signature of a set of precomputed shingle hashes (uint64), e.g. from `shingle_hashes`.
    fn signature_from_hashes<'py>(&self, py: Python<'py>, hashes: PyReadonlyArray1<'py, u64>) -> PyResult<Bound<'py, PyArray1<u32>>> {
        let mut sig = vec![0u32; self.0.num_perm()];
        self.0.signature_of_hashes(&u64_slice(&hashes), &mut sig).py()?;
        Ok(sig.into_pyarray(py))
    }

    /// The shingles of a text, in order, duplicates included.
    fn shingles(&self, text: &str) -> Vec<String> {
        self.0.shingles(text)
    }

    /// The 64-bit hash of every shingle of a text, in order, duplicates included: for `mode="char"`
    /// `hash64(shingle, seed)`; for `mode="word"` the word hashes `w_i = hash64(word_i, seed)` of
    /// the shingle's words combined as `h = k·0x9E3779B97F4A7C15; h = (rotl64(h, 23) ^ w_i) ·
    /// 0xFF51AFD7ED558CCD` (mod 2^64, k the number of words), then the SplitMix64 finaliser.
    fn shingle_hashes<'py>(&self, py: Python<'py>, text: &str) -> Bound<'py, PyArray1<u64>> {
        self.0.shingle_hashes(text).into_pyarray(py)
    }

    fn __repr__(&self) -> String {
        let c = self.0.config();
        format!(
            "MinHasher(num_perm={}, seed={}, ngram={}, mode={:?}, lowercase={}, remove_punctuation={}, collapse_whitespace={})",
            self.0.num_perm(),
            self.0.seed(),
            c.ngram,
            self.mode(),
            py_bool(c.lowercase),
            py_bool(c.remove_punctuation),
            py_bool(c.collapse_whitespace)
        )
    }
}

fn py_bool(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}

/// Estimated Jaccard similarity of two signatures: the fraction of equal slots.
#[pyfunction]
pub(crate) fn jaccard(a: PyReadonlyArray1<'_, u32>, b: PyReadonlyArray1<'_, u32>) -> PyResult<f64> {
    let (a, b) = (a.as_array(), b.as_array());
    let (a, b): (Vec<u32>, Vec<u32>) = (a.iter().copied().collect(), b.iter().copied().collect());
    minhash::jaccard(&a, &b).py()
}

/// Lists of fingerprints (`values[offsets[i]:offsets[i + 1]]`, any order, repeats allowed, as
/// `MinHasher.signatures_and_fingerprints` gives them) as shingle sets: `(values, offsets)`, each
/// list sorted without repeats; with `take` (uint64 list numbers) only lists `take[0]`,
/// `take[1]`, ... in that order, the others never read (`values` may be memory-mapped). Releases
/// the GIL and runs in parallel.
#[pyfunction]
#[pyo3(signature = (values, offsets, take = None))]
pub(crate) fn sorted_sets<'py>(
    py: Python<'py>,
    values: PyReadonlyArray1<'py, u32>,
    offsets: PyReadonlyArray1<'py, u64>,
    take: Option<PyReadonlyArray1<'py, u64>>,
) -> PyResult<(Bound<'py, PyArray1<u32>>, Bound<'py, PyArray1<u64>>)> {
    let (values, offsets) = (values.as_slice()?, offsets.as_slice()?);
    let take = take.as_ref().map(|t| t.as_slice()).transpose()?;
    let (values, offsets) = py
        .detach(|| match take {
            None => minhash::sets::sorted_sets(values, offsets),
            Some(take) => minhash::sets::sorted_sets_of(values, offsets, take),
        })
        .py()?;
    Ok((values.into_pyarray(py), offsets.into_pyarray(py)))
}

/// The exact Jaccard similarity of shingle sets `left[k]` and `right[k]` for each k (float64):
/// sets as `sorted_sets` gives them (`values`, `offsets`).
#[pyfunction]
pub(crate) fn jaccard_pairs<'py>(
    py: Python<'py>,
    values: PyReadonlyArray1<'py, u32>,
    offsets: PyReadonlyArray1<'py, u64>,
    left: PyReadonlyArray1<'py, u32>,
    right: PyReadonlyArray1<'py, u32>,
) -> PyResult<Bound<'py, PyArray1<f64>>> {
    let (values, offsets, left, right) = (values.as_slice()?, offsets.as_slice()?, left.as_slice()?, right.as_slice()?);
    let sets = ShingleSets::new(values, offsets).py()?;
    Ok(py.detach(|| minhash::sets::jaccard_pairs(&sets, left, right)).py()?.into_pyarray(py))
}
