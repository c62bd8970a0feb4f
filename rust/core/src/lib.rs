//! The deduplication core of dolma-tools, free of Python so that `cargo test` runs on its own.

pub mod hash;
