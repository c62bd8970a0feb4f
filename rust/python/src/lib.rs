//! `dolma_tools._core`: type conversion between Python and `dolma_tools_core`, nothing more.
//!
//! * `error`: core errors to Python exceptions (one place).
//! * `convert`: borrowing str/bytes/numpy data as slices.
//! * `arrow`: borrowing pyarrow string/binary arrays' buffers.
//! * `hashing`: `hash64`, `hash64_batch`, thread-count settings.
//! * `bloom`: `BloomFilter`, `BloomSizing`.
//! * `minhash`: `MinHasher`, `jaccard`, `sorted_sets`, `jaccard_pairs`.
//! * `lsh`: `LshIndex`, `lsh_clusters`, `optimal_bands`, `lsh_band_keys`, `lsh_bucket_links`, `lsh_union`.
//! * `jsonl`: `StringColumn`, `scan_documents`, `encode_attribute_lines`.
//! * `text`: `paragraph_keys`, `paragraph_ngrams`, `document_ngrams`, `NGRAM_HASH_VERSION`.
//! * `offsets`: `metadata_offsets`.
//! * `bpe`: `ByteLevelBpe`.

mod arrow;
mod bloom;
mod bpe;
mod convert;
mod error;
mod hashing;
mod jsonl;
mod lsh;
mod minhash;
mod offsets;
mod text;

use pyo3::prelude::*;

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    error::register(m)?;
    m.add_function(wrap_pyfunction!(hashing::hash64, m)?)?;
    m.add_function(wrap_pyfunction!(hashing::hash64_batch, m)?)?;
    m.add_function(wrap_pyfunction!(hashing::hash64_arrow, m)?)?;
    m.add_function(wrap_pyfunction!(hashing::set_num_threads, m)?)?;
    m.add_function(wrap_pyfunction!(hashing::get_num_threads, m)?)?;
    m.add_class::<bloom::PyBloomSizing>()?;
    m.add_class::<bloom::PyBloomFilter>()?;
    m.add_class::<minhash::PyMinHasher>()?;
    m.add_function(wrap_pyfunction!(minhash::jaccard, m)?)?;
    m.add_function(wrap_pyfunction!(minhash::sorted_sets, m)?)?;
    m.add_function(wrap_pyfunction!(minhash::jaccard_pairs, m)?)?;
    m.add_class::<lsh::PyLshIndex>()?;
    m.add_function(wrap_pyfunction!(lsh::lsh_clusters, m)?)?;
    m.add_function(wrap_pyfunction!(lsh::optimal_bands, m)?)?;
    m.add_function(wrap_pyfunction!(lsh::lsh_band_keys, m)?)?;
    m.add_function(wrap_pyfunction!(lsh::lsh_bucket_links, m)?)?;
    m.add_function(wrap_pyfunction!(lsh::lsh_union, m)?)?;
    m.add_function(wrap_pyfunction!(text::paragraph_keys, m)?)?;
    m.add_function(wrap_pyfunction!(text::paragraph_ngrams, m)?)?;
    m.add_function(wrap_pyfunction!(text::document_ngrams, m)?)?;
    m.add_class::<jsonl::PyStringColumn>()?;
    m.add_function(wrap_pyfunction!(jsonl::scan_documents, m)?)?;
    m.add_function(wrap_pyfunction!(jsonl::encode_attribute_lines, m)?)?;
    m.add_function(wrap_pyfunction!(offsets::metadata_offsets, m)?)?;
    m.add("NGRAM_HASH_VERSION", dolma_tools_core::text::NGRAM_HASH_VERSION)?;
    m.add_class::<bpe::PyByteLevelBpe>()?;
    Ok(())
}
