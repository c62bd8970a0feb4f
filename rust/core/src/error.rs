//! The one error type of the core. The binding crate maps each variant to a Python exception in
//! one place (`rust/python/src/error.rs`).

use std::path::PathBuf;

/// Everything that can go wrong in the core, by meaning rather than by origin.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An argument is out of its domain (a zero size, a rate outside (0, 1), ...). Nothing was done.
    #[error("{0}")]
    InvalidArgument(String),

    /// The operating system refused a file operation.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// A file exists but is not what it claims to be: wrong magic, unknown version, truncated,
    /// inconsistent header or failed checksum.
    #[error("{}: damaged or not in the expected format: {reason}", path.display())]
    CorruptFile { path: PathBuf, reason: String },

    /// A file is valid but was written with other parameters than the ones asked for.
    #[error("{}: {reason}", path.display())]
    ParameterMismatch { path: PathBuf, reason: String },

    /// The operation needs a writable object and this one is read-only (e.g. a memory-mapped filter).
    #[error("{0}")]
    ReadOnly(String),

    /// The input is valid but asks for something this implementation does not reproduce exactly (a
    /// tokenizer pipeline it does not know); the caller should use the reference implementation.
    #[error("unsupported: {0}")]
    Unsupported(String),
}

/// The core's result type.
pub type Result<T> = std::result::Result<T, Error>;

/// Shorthand for an [`Error::InvalidArgument`].
pub(crate) fn invalid(msg: impl Into<String>) -> Error {
    Error::InvalidArgument(msg.into())
}

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io { path: path.into(), source }
    }

    pub(crate) fn corrupt(path: impl Into<PathBuf>, reason: impl Into<String>) -> Self {
        Error::CorruptFile { path: path.into(), reason: reason.into() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_file() {
        let e = Error::CorruptFile { path: "x.bloom".into(), reason: "truncated".into() };
        assert_eq!(e.to_string(), "x.bloom: damaged or not in the expected format: truncated");
    }
}
