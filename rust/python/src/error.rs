//! The one place where core errors become Python exceptions.
//!
//! | core error           | Python exception                         |
//! |----------------------|------------------------------------------|
//! | `InvalidArgument`    | `ValueError`                             |
//! | `CorruptFile`        | `ValueError` (the message names the file) |
//! | `ParameterMismatch`  | `ValueError` (the message names the file) |
//! | `ReadOnly`           | `ValueError`                             |
//! | `Unsupported`        | `ValueError` (the message names what)    |
//! | `Io` (not found)     | `FileNotFoundError`                      |
//! | `Io` (other)         | `OSError` with the OS errno              |

use dolma_tools_core::Error;
use pyo3::exceptions::{PyFileNotFoundError, PyOSError, PyValueError};
use pyo3::PyErr;

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
        Error::InvalidArgument(_)
        | Error::CorruptFile { .. }
        | Error::ParameterMismatch { .. }
        | Error::ReadOnly(_)
        | Error::Unsupported(_) => PyValueError::new_err(msg),
    }
}

/// `.py()` on a core result: the error converted, the value unchanged.
pub(crate) trait IntoPy<T> {
    fn py(self) -> pyo3::PyResult<T>;
}

impl<T> IntoPy<T> for dolma_tools_core::Result<T> {
    fn py(self) -> pyo3::PyResult<T> {
        self.map_err(to_py)
    }
}
