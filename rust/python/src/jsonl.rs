//! `StringColumn`, `scan_documents` and `encode_attribute_lines`: documents' ids and texts read
//! from JSONL bytes into packed columns, which the text functions take like a list of str, and
//! attribute lines written from span arrays (see `dolma_tools_core::jsonl`).

use dolma_tools_core::jsonl::{self, KeySpans, StringColumn};
use numpy::{IntoPyArray, PyArray1, PyReadonlyArray1};
use pyo3::exceptions::PyIndexError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::error::{invalid_argument, IntoPy};


/// Strings packed in one UTF-8 buffer: immutable, indexable, and accepted wherever the text
/// functions take a sequence of str (no Python object per string).
#[pyclass(name = "StringColumn", module = "dolma_tools._core", frozen)]
pub(crate) struct PyStringColumn(pub(crate) StringColumn);

#[pymethods]
impl PyStringColumn {
    /// A column of the given str values.
    #[staticmethod]
    fn from_list(values: Vec<String>) -> Self {
        Self(StringColumn::from_strs(&values))
    }

    /// A column from `data` (uint8) and `offsets` (int64, `len + 1` values from 0 to
    /// `len(data)`), as returned by `to_arrays`; checked (offsets, UTF-8).
    #[staticmethod]
    fn from_arrays(data: PyReadonlyArray1<'_, u8>, offsets: PyReadonlyArray1<'_, i64>) -> PyResult<Self> {
        let offsets = offsets
            .as_array()
            .iter()
            .map(|&o| usize::try_from(o).map_err(|_| invalid_argument("negative offset")))
            .collect::<PyResult<Vec<_>>>()?;
        StringColumn::from_parts(data.as_array().to_vec(), offsets).map(Self).py()
    }

    /// The columns one after the other.
    #[staticmethod]
    fn concat(columns: Vec<Bound<'_, PyStringColumn>>) -> Self {
        let parts: Vec<&StringColumn> = columns.iter().map(|c| &c.get().0).collect();
        Self(StringColumn::concat(&parts))
    }

    /// `(data, offsets)`: the UTF-8 bytes (uint8) and the `len + 1` offsets (int64), copied.
    fn to_arrays<'py>(&self, py: Python<'py>) -> (Bound<'py, PyArray1<u8>>, Bound<'py, PyArray1<i64>>) {
        let offsets: Vec<i64> = self.0.offsets().iter().map(|&o| o as i64).collect();
        (self.0.data().to_vec().into_pyarray(py), offsets.into_pyarray(py))
    }

    /// Each string's length in UTF-8 bytes, as int64.
    fn byte_lengths<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<i64>> {
        self.0.byte_lengths().into_pyarray(py)
    }

    /// Each string's words, as int64: maximal runs of bytes above 0x20 (ASCII spaces and control
    /// characters separate words; other characters, no-break spaces included, do not).
    fn word_counts<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<i64>> {
        let column = &self.0;
        let counts = py.detach(|| column.word_counts());
        counts.into_pyarray(py)
    }

    /// Each string's length in code points (Python's `len`), as int64.
    fn char_lengths<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<i64>> {
        self.0.char_lengths().into_pyarray(py)
    }

    fn tolist(&self) -> Vec<&str> {
        self.0.strs()
    }

    fn __len__(&self) -> usize {
        self.0.len()
    }

    fn __getitem__(&self, index: isize) -> PyResult<&str> {
        let len = self.0.len() as isize;
        let i = if index < 0 { index + len } else { index };
        if i < 0 || i >= len {
            return Err(PyIndexError::new_err("StringColumn index out of range"));
        }
        Ok(self.0.get(i as usize))
    }

    fn __repr__(&self) -> String {
        format!("StringColumn(len={}, bytes={})", self.0.len(), self.0.data().len())
    }
}

/// Scan the whole JSONL lines of `prefix + data` for Dolma documents, without joining them:
/// `(ids, texts, sources, rejected, lines, consumed)`. `prefix` is the unfinished line carried from the
/// previous block; the lines scanned are `(prefix + data[:consumed]).split(b"\n")` less the empty
/// piece after the last newline, `consumed` running through the last newline of `data` (all of
/// it when `last`, the end of the file, where the final piece is a line too). `ids`, `texts` and
/// `sources` (empty where absent) are the columns of the lines accepted; `rejected` the 0-based indices of the lines not
/// accepted (decode those with the Python reader: it raises the precise error, or accepts a line
/// this stricter scanner refused). Releases the GIL.
#[pyfunction]
#[pyo3(signature = (data, prefix = None, *, last = false))]
pub(crate) fn scan_documents(
    py: Python<'_>,
    data: &Bound<'_, PyBytes>,
    prefix: Option<&Bound<'_, PyBytes>>,
    last: bool,
) -> (PyStringColumn, PyStringColumn, PyStringColumn, Vec<usize>, usize, usize) {
    let (data, prefix) = (data.as_bytes(), prefix.map_or(&b""[..], |p| p.as_bytes()));
    let out = py.detach(|| jsonl::scan_documents(prefix, data, last));
    (PyStringColumn(out.ids), PyStringColumn(out.texts), PyStringColumn(out.sources), out.rejected, out.lines, out.consumed)
}

type SpanArrays<'py> = (PyReadonlyArray1<'py, i64>, PyReadonlyArray1<'py, i64>, PyReadonlyArray1<'py, i64>, PyReadonlyArray1<'py, u32>);

/// Attribute sidecar lines (bytes, newline included) for the documents `ids`: every key of `keys`
/// on every line, with the spans of `spans[k] = (doc, start, end, score)` (int64 arrays but
/// `score`, uint32 indices into `scores`, the JSON texts of the score values; `doc` sorted).
#[pyfunction]
pub(crate) fn encode_attribute_lines<'py>(
    py: Python<'py>,
    ids: &Bound<'py, PyStringColumn>,
    keys: Vec<String>,
    spans: Vec<SpanArrays<'py>>,
    scores: Vec<Vec<u8>>,
) -> PyResult<Bound<'py, PyBytes>> {
    let arrays: Vec<_> = spans
        .iter()
        .map(|(d, s, e, c)| Ok((i64s(d)?, i64s(s)?, i64s(e)?, c.as_slice().map_err(|e| invalid_argument(e.to_string()))?)))
        .collect::<PyResult<_>>()?;
    let spans: Vec<KeySpans> =
        arrays.iter().map(|(doc, start, end, score)| KeySpans { doc, start, end, score }).collect();
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    let scores: Vec<&[u8]> = scores.iter().map(Vec::as_slice).collect();
    let column = &ids.get().0;
    let out = py.detach(|| jsonl::attribute_lines(column, &keys, &spans, &scores)).py()?;
    Ok(PyBytes::new(py, &out))
}

fn i64s<'a>(array: &'a PyReadonlyArray1<'_, i64>) -> PyResult<&'a [i64]> {
    array.as_slice().map_err(|_| invalid_argument("span arrays must be contiguous"))
}
