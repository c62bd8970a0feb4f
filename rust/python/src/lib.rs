//! `dolma_tools._core`: type conversion between Python and `dolma_tools_core`, nothing more.

use numpy::{IntoPyArray, PyArray1};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};

/// Borrow the UTF-8 bytes of a `str`, or the bytes of a `bytes` object.
fn as_bytes<'a>(obj: &'a Bound<'_, PyAny>) -> PyResult<&'a [u8]> {
    if let Ok(s) = obj.cast::<PyString>() {
        return s.to_str().map(str::as_bytes);
    }
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(b.as_bytes());
    }
    Err(pyo3::exceptions::PyTypeError::new_err(format!(
        "expected str or bytes, got {}",
        obj.get_type().name()?
    )))
}

/// XXH3-64 of a str (as UTF-8) or bytes, with an optional seed.
#[pyfunction]
#[pyo3(signature = (data, seed = 0))]
fn hash64(data: &Bound<'_, PyAny>, seed: u64) -> PyResult<u64> {
    Ok(dolma_tools_core::hash::hash64(as_bytes(data)?, seed))
}

/// XXH3-64 of each item of a list of str or bytes, as a uint64 numpy array.
#[pyfunction]
#[pyo3(signature = (items, seed = 0))]
fn hash64_batch<'py>(
    py: Python<'py>,
    items: Vec<Bound<'py, PyAny>>,
    seed: u64,
) -> PyResult<Bound<'py, PyArray1<u64>>> {
    let hashes = items
        .iter()
        .map(|item| as_bytes(item).map(|b| dolma_tools_core::hash::hash64(b, seed)))
        .collect::<PyResult<Vec<u64>>>()?;
    Ok(hashes.into_pyarray(py))
}

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(hash64, m)?)?;
    m.add_function(wrap_pyfunction!(hash64_batch, m)?)?;
    Ok(())
}
