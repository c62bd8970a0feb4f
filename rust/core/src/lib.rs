//! The core of dolma-tools (deduplication, text hot loops, BPE encoding), free of Python so that
//! `cargo test` runs on its own.
//!
//! * [`hash`]: the one 64-bit hash (XXH3-64, seeded) every other part uses.
//! * [`bloom`]: a concurrent Bloom filter with test-and-set inserts and versioned files.
//! * [`minhash`]: normalisation, shingling and MinHash signatures of documents.
//! * [`lsh`]: banding of signatures and near-duplicate clusters.
//! * [`jsonl`]: the `id` and `text` of JSONL documents into packed string columns (fast reads).
//! * [`text`]: paragraphs, words and word n-gram hashes of texts (paragraph and n-gram modes).
//! * [`offsets`]: the token offsets of a shard's metadata CSV (what `check` reads).
//! * [`bpe`]: a byte-level BPE encoder with exactly the ids of Hugging Face `tokenizers`.
//! * [`parallel`]: the fork-safe thread pool behind every parallel call.
//! * [`error`]: the one error type.

pub mod bloom;
pub mod bpe;
pub mod error;
pub mod hash;
pub mod jsonl;
pub mod lsh;
pub mod minhash;
pub mod offsets;
pub mod parallel;
pub mod text;

pub use error::{Error, Result};
