//! The one place where core errors become Python exceptions, and the exception classes.
//!
//! Every class below subclasses `CoreError`, itself a `ValueError`, so callers written against
//! `ValueError` keep working while new ones catch by meaning:
//!
//! | core error           | Python exception                                  |
//! |----------------------|---------------------------------------------------|
//! | `InvalidArgument`    | `InvalidArgumentError`                            |
//! | `CorruptFile`        | `CorruptFileError` (the message names the file)   |
//! | `ParameterMismatch`  | `ParameterMismatchError` (names the file)         |
//! | `ReadOnly`           | `ReadOnlyError`                                   |
//! | `Unsupported`        | `UnsupportedInputError` (names what)              |
//! | `Io` (not found)     | `FileNotFoundError`                               |
//! | `Io` (other)         | `OSError` with the OS errno (so its subclass)     |
//!
//! Argument checks done in the binding itself raise `InvalidArgumentError` too, through
//! [`invalid_argument`]: a caller cannot tell, and need not, which layer refused.

use dolma_tools_core::Error;
use pyo3::create_exception;
use pyo3::exceptions::{PyFileNotFoundError, PyOSError, PyValueError};
use pyo3::prelude::*;

create_exception!(
    dolma_tools._core,
    CoreError,
    PyValueError,
    "Base class of the errors the Rust core raises (a ValueError, for older callers)."
);
create_exception!(
    dolma_tools._core,
    InvalidArgumentError,
    CoreError,
    "An argument is outside its domain; nothing was done."
);
create_exception!(
    dolma_tools._core,
    CorruptFileError,
    CoreError,
    "A file is damaged or not in the expected format (bad magic, truncated, failed checksum ...)."
);
create_exception!(
    dolma_tools._core,
    ParameterMismatchError,
    CoreError,
    "A valid file was written with other parameters than the ones asked for."
);
create_exception!(
    dolma_tools._core,
    UnsupportedInputError,
    CoreError,
    "Valid input this implementation does not reproduce exactly; use the reference implementation."
);
create_exception!(
    dolma_tools._core,
    ReadOnlyError,
    CoreError,
    "The object is read-only (a memory-mapped filter) and the operation would modify it."
);

/// Add the exception classes to the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("CoreError", py.get_type::<CoreError>())?;
    m.add("InvalidArgumentError", py.get_type::<InvalidArgumentError>())?;
    m.add("CorruptFileError", py.get_type::<CorruptFileError>())?;
    m.add("ParameterMismatchError", py.get_type::<ParameterMismatchError>())?;
    m.add("UnsupportedInputError", py.get_type::<UnsupportedInputError>())?;
    m.add("ReadOnlyError", py.get_type::<ReadOnlyError>())?;
    Ok(())
}

/// Convert a core error into the matching Python exception.
pub(crate) fn to_py(err: Error) -> PyErr {
    let msg = err.to_string();
    match err {
        Error::Io { source, .. } => match source.kind() {
            std::io::ErrorKind::NotFound => PyFileNotFoundError::new_err(msg),
            _ => match source.raw_os_error() {
                Some(errno) => PyOSError::new_err((errno, msg)),
                None => PyOSError::new_err(msg),
            },
        },
        Error::InvalidArgument(_) => InvalidArgumentError::new_err(msg),
        Error::CorruptFile { .. } => CorruptFileError::new_err(msg),
        Error::ParameterMismatch { .. } => ParameterMismatchError::new_err(msg),
        Error::ReadOnly(_) => ReadOnlyError::new_err(msg),
        Error::Unsupported(_) => UnsupportedInputError::new_err(msg),
    }
}

/// An argument refused by the binding itself, raised like one the core refuses.
pub(crate) fn invalid_argument(msg: impl Into<String>) -> PyErr {
    to_py(Error::InvalidArgument(msg.into()))
}

/// `.py()` on a core result: the error converted, the value unchanged.
pub(crate) trait IntoPy<T> {
    fn py(self) -> PyResult<T>;
}

impl<T> IntoPy<T> for dolma_tools_core::Result<T> {
    fn py(self) -> PyResult<T> {
        self.map_err(to_py)
    }
}
