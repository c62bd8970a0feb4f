//! `hash64`, `hash64_batch` and the thread-count settings.

use dolma_tools_core::{hash, parallel};
use numpy::{IntoPyArray, PyArray1};
use pyo3::prelude::*;
use rayon::prelude::*;

use crate::arrow;
use crate::convert::{as_bytes, byte_slices, Texts};
use crate::error::IntoPy;

/// XXH3-64 of a str (as UTF-8) or bytes, with an optional seed.
#[pyfunction]
#[pyo3(signature = (data, seed = 0))]
pub(crate) fn hash64(data: &Bound<'_, PyAny>, seed: u64) -> PyResult<u64> {
    Ok(hash::hash64(as_bytes(data)?, seed))
}

/// XXH3-64 of each item of a sequence of str or bytes (or of a `StringColumn`), as a uint64 numpy array.
#[pyfunction]
#[pyo3(signature = (items, seed = 0))]
pub(crate) fn hash64_batch<'py>(
    py: Python<'py>,
    items: &Bound<'py, PyAny>,
    seed: u64,
) -> PyResult<Bound<'py, PyArray1<u64>>> {
    let texts = Texts::of(items)?;
    let keys: Vec<&[u8]> = match &texts {
        Texts::Column(_) => texts.strs()?.into_iter().map(str::as_bytes).collect(),
        Texts::Items(objs) => byte_slices(objs)?,
    };
    let hashes: Vec<u64> = py.detach(|| {
        if keys.len() < 1 << 14 {
            keys.iter().map(|k| hash::hash64(k, seed)).collect()
        } else {
            parallel::install(|| keys.par_iter().with_min_len(4096).map(|k| hash::hash64(k, seed)).collect())
        }
    });
    Ok(hashes.into_pyarray(py))
}

/// XXH3-64 of each element of a pyarrow string/binary Array or ChunkedArray (nulls refused),
/// read zero-copy from its buffers, as a uint64 numpy array equal to `hash64_batch` of its items.
#[pyfunction]
#[pyo3(signature = (array, seed = 0))]
pub(crate) fn hash64_arrow<'py>(py: Python<'py>, array: &Bound<'py, PyAny>, seed: u64) -> PyResult<Bound<'py, PyArray1<u64>>> {
    let chunks = arrow::chunks(array)?;
    let keys = chunks.iter().map(|c| c.keys()).collect::<PyResult<Vec<_>>>()?;
    let total: usize = keys.iter().map(|k| k.len).sum();
    let mut out = vec![0u64; total];
    py.detach(|| {
        let mut rest = &mut out[..];
        for k in &keys {
            let (head, tail) = rest.split_at_mut(k.len);
            rest = tail;
            if k.len < 1 << 14 {
                head.iter_mut().enumerate().for_each(|(i, h)| *h = hash::hash64(k.get(i), seed));
            } else {
                parallel::install(|| {
                    head.par_iter_mut().enumerate().with_min_len(4096).for_each(|(i, h)| *h = hash::hash64(k.get(i), seed))
                });
            }
        }
    });
    Ok(out.into_pyarray(py))
}

/// Set the number of threads the batch calls use (None: the default, `RAYON_NUM_THREADS` or the
/// number of cores).
#[pyfunction]
pub(crate) fn set_num_threads(n: Option<usize>) -> PyResult<()> {
    parallel::set_num_threads(n).py()
}

/// The number of threads the batch calls use.
#[pyfunction]
pub(crate) fn get_num_threads() -> usize {
    parallel::num_threads()
}
