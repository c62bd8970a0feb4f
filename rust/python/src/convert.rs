//! Borrowing Python data as Rust slices, without copies.

use numpy::PyReadonlyArray1;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};

use crate::jsonl::PyStringColumn;

/// Borrow the UTF-8 bytes of a `str`, or the bytes of a `bytes` object.
pub(crate) fn as_bytes<'a>(obj: &'a Bound<'_, PyAny>) -> PyResult<&'a [u8]> {
    if let Ok(s) = obj.cast::<PyString>() {
        return s.to_str().map(str::as_bytes);
    }
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(b.as_bytes());
    }
    Err(PyTypeError::new_err(format!("expected str or bytes, got {}", obj.get_type().name()?)))
}

/// The items of a sequence of str/bytes, kept alive so that their bytes can be borrowed while the
/// GIL is released (Python `str` and `bytes` are immutable).
pub(crate) fn items<'py>(seq: &Bound<'py, PyAny>) -> PyResult<Vec<Bound<'py, PyAny>>> {
    if seq.is_instance_of::<PyString>() || seq.is_instance_of::<PyBytes>() {
        return Err(PyTypeError::new_err("expected a sequence of str or bytes, got a single str/bytes"));
    }
    seq.try_iter()?.collect()
}

/// Borrow the bytes of every item.
pub(crate) fn byte_slices<'a>(items: &'a [Bound<'_, PyAny>]) -> PyResult<Vec<&'a [u8]>> {
    items.iter().map(as_bytes).collect()
}

/// Borrow the UTF-8 text of every item, which must all be `str`.
pub(crate) fn str_slices<'a>(items: &'a [Bound<'_, PyAny>]) -> PyResult<Vec<&'a str>> {
    items
        .iter()
        .map(|obj| match obj.cast::<PyString>() {
            Ok(s) => s.to_str(),
            Err(_) => Err(PyTypeError::new_err(format!(
                "expected str, got {}",
                obj.get_type().name()?
            ))),
        })
        .collect()
}

/// Texts given to a text function: a `StringColumn`, or any sequence of str.
pub(crate) enum Texts<'py> {
    Column(Bound<'py, PyStringColumn>),
    Items(Vec<Bound<'py, PyAny>>),
}

impl<'py> Texts<'py> {
    pub(crate) fn of(obj: &Bound<'py, PyAny>) -> PyResult<Self> {
        match obj.cast::<PyStringColumn>() {
            Ok(column) => Ok(Texts::Column(column.clone())),
            Err(_) => Ok(Texts::Items(items(obj)?)),
        }
    }

    /// Every text, borrowed (valid while `self` lives; both kinds are immutable).
    pub(crate) fn strs(&self) -> PyResult<Vec<&str>> {
        match self {
            Texts::Column(column) => Ok(column.get().0.strs()),
            Texts::Items(items) => str_slices(items),
        }
    }
}

/// A 1-D uint64 array as a slice, copying only when it is not contiguous.
pub(crate) fn u64_slice<'a>(arr: &'a PyReadonlyArray1<'_, u64>) -> std::borrow::Cow<'a, [u64]> {
    match arr.as_slice() {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => std::borrow::Cow::Owned(arr.as_array().iter().copied().collect()),
    }
}
