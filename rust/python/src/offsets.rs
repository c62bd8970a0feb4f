//! `metadata_offsets`: the token offsets of a shard's metadata CSV (see `dolma_tools_core::offsets`).

use dolma_tools_core::offsets;
use numpy::{IntoPyArray, PyArray1};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

type I64s<'py> = Bound<'py, PyArray1<i64>>;

/// `(start, end, bad)` of the decompressed metadata CSV `data`: int64 arrays of every row's two
/// leading fields, and `bad`, None or `(row, reason)` for the first row that is not
/// `start,end,id,source,provenance` (1-based, blank lines not counted; the arrays are then empty).
/// Releases the GIL.
#[pyfunction]
pub(crate) fn metadata_offsets<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyBytes>,
) -> (I64s<'py>, I64s<'py>, Option<(usize, String)>) {
    let data = data.as_bytes();
    let (out, bad) = match py.detach(|| offsets::metadata_offsets(data)) {
        Ok(out) => (out, None),
        Err(bad) => (offsets::Offsets::default(), Some((bad.row, bad.reason))),
    };
    (out.start.into_pyarray(py), out.end.into_pyarray(py), bad)
}
