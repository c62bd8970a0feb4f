"""Type stubs of ``dolma_tools._core``, the Rust deduplication core (hand-written)."""

from collections.abc import Sequence
from os import PathLike
from typing import Any, Literal, final

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "__version__",
    "CoreError",
    "InvalidArgumentError",
    "CorruptFileError",
    "ParameterMismatchError",
    "UnsupportedInputError",
    "ReadOnlyError",
    "hash64",
    "hash64_batch",
    "hash64_arrow",
    "set_num_threads",
    "get_num_threads",
    "BloomSizing",
    "BloomFilter",
    "MinHasher",
    "jaccard",
    "jaccard_pairs",
    "sorted_sets",
    "LshIndex",
    "lsh_clusters",
    "optimal_bands",
    "lsh_band_keys",
    "lsh_bucket_links",
    "lsh_union",
    "NGRAM_HASH_VERSION",
    "StringColumn",
    "scan_documents",
    "encode_attribute_lines",
    "metadata_offsets",
    "paragraph_keys",
    "paragraph_ngrams",
    "document_ngrams",
    "ByteLevelBpe",
]

__version__: str

class CoreError(ValueError):
    """Base class of the errors the Rust core raises (a ValueError, for older callers).

    Missing files raise ``FileNotFoundError`` and other OS failures ``OSError``, as usual.
    """

class InvalidArgumentError(CoreError):
    """An argument is outside its domain; nothing was done."""

class CorruptFileError(CoreError):
    """A file is damaged or not in the expected format (bad magic, truncated, failed checksum ...)."""

class ParameterMismatchError(CoreError):
    """A valid file was written with other parameters than the ones asked for."""

class UnsupportedInputError(CoreError):
    """Valid input this implementation does not reproduce exactly; use the reference implementation."""

class ReadOnlyError(CoreError):
    """The object is read-only (a memory-mapped filter) and the operation would modify it."""

def hash64(data: str | bytes, seed: int = 0) -> int:
    """XXH3-64 of a str (as UTF-8) or bytes, with an optional seed."""

def hash64_batch(items: Sequence[str | bytes] | StringColumn, seed: int = 0) -> NDArray[np.uint64]:
    """XXH3-64 of each item, as a uint64 array."""

def hash64_arrow(array: Any, seed: int = 0) -> NDArray[np.uint64]:
    """XXH3-64 of each element of a pyarrow string/binary Array or ChunkedArray (no nulls)."""

def set_num_threads(n: int | None) -> None:
    """Set the number of threads of the batch calls (None: RAYON_NUM_THREADS or the core count)."""

def get_num_threads() -> int:
    """The number of threads the batch calls use."""

@final
class BloomSizing:
    """The shape of a Bloom filter, computed without allocating it."""

    @property
    def num_bits(self) -> int: ...
    @property
    def num_bytes(self) -> int: ...
    @property
    def num_hashes(self) -> int: ...
    @property
    def expected_items(self) -> int: ...
    @property
    def expected_fp_rate(self) -> float: ...
    @property
    def layout(self) -> Literal["standard", "blocked"]: ...

@final
class BloomFilter:
    """A concurrent Bloom filter of str/bytes keys (hashed with ``hash64(key, seed)``)."""

    def __new__(
        cls,
        expected_items: int,
        fp_rate: float | None = None,
        *,
        size_bytes: int | None = None,
        seed: int = 0,
        layout: Literal["standard", "blocked"] = "standard",
    ) -> BloomFilter: ...
    @staticmethod
    def sizing(
        expected_items: int,
        fp_rate: float | None = None,
        *,
        size_bytes: int | None = None,
        layout: Literal["standard", "blocked"] = "standard",
    ) -> BloomSizing: ...
    @staticmethod
    def load(
        path: str | PathLike[str],
        expected_items: int | None = None,
        fp_rate: float | None = None,
        *,
        size_bytes: int | None = None,
        seed: int | None = None,
        mmap: bool = False,
        layout: Literal["standard", "blocked"] | None = None,
    ) -> BloomFilter: ...
    def save(self, path: str | PathLike[str]) -> None: ...
    @property
    def num_bits(self) -> int: ...
    @property
    def num_hashes(self) -> int: ...
    @property
    def seed(self) -> int: ...
    @property
    def read_only(self) -> bool: ...
    @property
    def layout(self) -> Literal["standard", "blocked"]: ...
    def add(self, key: str | bytes) -> None: ...
    def insert_if_absent(self, key: str | bytes) -> bool: ...
    def __contains__(self, key: str | bytes, /) -> bool: ...
    def __len__(self) -> int: ...
    def add_many(self, keys: Sequence[str | bytes]) -> None: ...
    def contains_many(self, keys: Sequence[str | bytes]) -> NDArray[np.bool_]: ...
    def insert_if_absent_many(self, keys: Sequence[str | bytes]) -> NDArray[np.bool_]: ...
    def add_arrow(self, array: Any) -> None: ...
    def contains_arrow(self, array: Any) -> NDArray[np.bool_]: ...
    def insert_if_absent_arrow(self, array: Any) -> NDArray[np.bool_]: ...
    def add_hashes(self, hashes: NDArray[np.uint64]) -> None: ...
    def contains_hashes(self, hashes: NDArray[np.uint64]) -> NDArray[np.bool_]: ...
    def insert_if_absent_hashes(self, hashes: NDArray[np.uint64]) -> NDArray[np.bool_]: ...
    def estimated_len(self) -> float: ...
    def estimated_fp_rate(self) -> float: ...
    def union(self, other: BloomFilter) -> BloomFilter: ...
    def union_update(self, other: BloomFilter) -> None: ...
    def __or__(self, other: BloomFilter, /) -> BloomFilter: ...
    def __ror__(self, other: BloomFilter, /) -> BloomFilter: ...

@final
class MinHasher:
    """Computes MinHash signatures (uint32) of texts, entirely in Rust."""

    def __new__(
        cls,
        num_perm: int = 128,
        *,
        seed: int = 1,
        ngram: int = 5,
        mode: Literal["word", "char"] = "word",
        lowercase: bool = True,
        remove_punctuation: bool = True,
        collapse_whitespace: bool = True,
    ) -> MinHasher: ...
    @property
    def num_perm(self) -> int: ...
    @property
    def seed(self) -> int: ...
    @property
    def ngram(self) -> int: ...
    @property
    def mode(self) -> Literal["word", "char"]: ...
    def signatures(self, docs: Sequence[str] | StringColumn) -> NDArray[np.uint32]: ...
    def signatures_and_fingerprints(
        self, docs: Sequence[str] | StringColumn
    ) -> tuple[NDArray[np.uint32], NDArray[np.uint32], NDArray[np.uint64]]:
        """``(signatures, values, offsets)``: text i's shingle fingerprints are ``values[offsets[i]:offsets[i + 1]]``
        (the top 32 bits of its shingle hashes, in shingle order, repeats included; see `sorted_sets`)."""
    def signature(self, text: str) -> NDArray[np.uint32]: ...
    def signature_from_hashes(self, hashes: NDArray[np.uint64]) -> NDArray[np.uint32]: ...
    def shingles(self, text: str) -> list[str]: ...
    def shingle_hashes(self, text: str) -> NDArray[np.uint64]: ...

def jaccard(a: NDArray[np.uint32], b: NDArray[np.uint32]) -> float:
    """Estimated Jaccard similarity of two signatures: the fraction of equal slots."""

def sorted_sets(
    values: NDArray[np.uint32], offsets: NDArray[np.uint64], take: NDArray[np.uint64] | None = None
) -> tuple[NDArray[np.uint32], NDArray[np.uint64]]:
    """Fingerprint lists (``values[offsets[i]:offsets[i + 1]]``) as shingle sets: each sorted, without
    repeats; with ``take``, only lists ``take[0]``, ``take[1]``, ... (the others never read)."""

def jaccard_pairs(
    values: NDArray[np.uint32], offsets: NDArray[np.uint64], left: NDArray[np.uint32], right: NDArray[np.uint32]
) -> NDArray[np.float64]:
    """Exact Jaccard of shingle sets ``left[k]`` and ``right[k]`` (sets as ``sorted_sets`` gives them)."""

def optimal_bands(
    threshold: float, num_perm: int, *, fp_weight: float = 0.5, fn_weight: float = 0.5
) -> tuple[int, int]:
    """The (bands, rows) minimising weighted false-positive and false-negative areas."""

def lsh_clusters(
    signatures: NDArray[np.uint32],
    *,
    threshold: float = 0.8,
    bands: int | None = None,
    rows: int | None = None,
    verify: bool = False,
    fp_weight: float = 0.5,
    fn_weight: float = 0.5,
) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
    """Cluster a (documents, num_perm) signature array: (cluster_id, similarity)."""

def lsh_band_keys(signatures: NDArray[np.uint32], band: int, rows: int) -> NDArray[np.uint64]:
    """Band ``band``'s key of each row of a (documents, num_perm) signature array (as `LshIndex` buckets)."""

def lsh_bucket_links(
    keys: NDArray[np.uint64],
    docs: NDArray[np.uint64],
    *,
    threshold: float | None = None,
    members: NDArray[np.uint64] | None = None,
    signatures: NDArray[np.uint32] | None = None,
    set_values: NDArray[np.uint32] | None = None,
    set_offsets: NDArray[np.uint64] | None = None,
) -> tuple[NDArray[np.uint64], NDArray[np.uint64]]:
    """The links of whole buckets in records sorted by (key, doc), verified with the members' data."""

def lsh_union(
    parent: NDArray[np.uint64], left: NDArray[np.uint64], right: NDArray[np.uint64], *, flatten: bool = False
) -> None:
    """Union-find in place (roots: smallest members); ``flatten`` replaces every parent by its root."""

@final
class LshIndex:
    """An LSH index filled in batches of signatures, then clustered."""

    def __new__(
        cls,
        num_perm: int,
        *,
        threshold: float = 0.8,
        bands: int | None = None,
        rows: int | None = None,
        fp_weight: float = 0.5,
        fn_weight: float = 0.5,
    ) -> LshIndex: ...
    @property
    def num_perm(self) -> int: ...
    @property
    def threshold(self) -> float: ...
    @property
    def bands(self) -> int: ...
    @property
    def rows(self) -> int: ...
    def __len__(self) -> int: ...
    def add(self, signatures: NDArray[np.uint32], start_index: int | None = None) -> int: ...
    def clusters(self, *, verify: bool = False) -> tuple[NDArray[np.int64], NDArray[np.float32]]: ...
    def candidates(self) -> NDArray[np.uint32]:
        """Documents sharing a band key with another one, ascending."""
    def clusters_exact(
        self, docs: NDArray[np.uint32], values: NDArray[np.uint32], offsets: NDArray[np.uint64], threshold: float
    ) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
        """Clusters whose links reach ``threshold`` in exact Jaccard; set k belongs to ``docs[k]``."""

NGRAM_HASH_VERSION: int
"""Version of the word n-gram hash scheme of ``paragraph_ngrams`` and ``document_ngrams``."""

def paragraph_keys(
    texts: Sequence[str] | StringColumn,
    separator: str = "\n",
    *,
    normalize: bool = False,
    strip: bool = False,
    min_length: int = 1,
    min_words: int = 1,
    seed: int = 0,
) -> tuple[NDArray[np.uint64], NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """Key hash and code-point span of every eligible paragraph: ``(hash, doc, start, end)``."""

def paragraph_ngrams(
    texts: Sequence[str] | StringColumn,
    ngram_size: int,
    *,
    separator: str = "\n",
    stride: int = 1,
    min_words: int = 1,
    min_chars: int = 0,
    normalize: bool = True,
    seed: int = 0,
) -> tuple[NDArray[np.uint64], NDArray[np.int64], NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """Distinct n-gram hashes per paragraph with ``min_words`` words and ``min_chars`` word characters
    (one hash of all its words when it is shorter than ``ngram_size``): ``(hash, para, doc, start,
    end)``, the last three per paragraph."""

def document_ngrams(
    texts: Sequence[str] | StringColumn, ngram_size: int, *, normalize: bool = True, seed: int = 0
) -> tuple[NDArray[np.uint64], NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """Every word n-gram of every text with its code-point span: ``(hash, doc, start, end)``."""

@final
class StringColumn:
    """Strings packed in one UTF-8 buffer; the text functions take it like a list of str."""

    @staticmethod
    def from_list(values: Sequence[str]) -> StringColumn: ...
    @staticmethod
    def from_arrays(data: NDArray[np.uint8], offsets: NDArray[np.int64]) -> StringColumn: ...
    @staticmethod
    def concat(columns: Sequence[StringColumn]) -> StringColumn: ...
    def to_arrays(self) -> tuple[NDArray[np.uint8], NDArray[np.int64]]: ...
    def byte_lengths(self) -> NDArray[np.int64]: ...
    def char_lengths(self) -> NDArray[np.int64]: ...
    def word_counts(self) -> NDArray[np.int64]:
        """Maximal runs of bytes above 0x20 per string (ASCII spaces and controls separate words)."""
    def tolist(self) -> list[str]: ...
    def __len__(self) -> int: ...
    def __getitem__(self, key: int, /) -> str: ...

def scan_documents(
    data: bytes, prefix: bytes | None = None, *, last: bool = False
) -> tuple[StringColumn, StringColumn, StringColumn, list[int], int, int]:
    """``(ids, texts, sources, rejected, lines, consumed)`` of the whole JSONL lines of ``prefix + data``."""

def metadata_offsets(data: bytes) -> tuple[NDArray[np.int64], NDArray[np.int64], tuple[int, str] | None]:
    """``(start, end, bad)`` of a decompressed token-shard metadata CSV; ``bad`` is ``(row, reason)``
    of the first malformed row (the arrays are then empty)."""

def encode_attribute_lines(
    ids: StringColumn,
    keys: Sequence[str],
    spans: Sequence[tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64], NDArray[np.uint32]]],
    scores: Sequence[bytes],
) -> bytes:
    """Attribute sidecar lines: every key on every line, spans ``(doc, start, end, score index)``."""

@final
class ByteLevelBpe:
    """Byte-level BPE with exactly the ids of ``tokenizers`` for the ``tokenizer.json`` it accepts."""

    @staticmethod
    def from_file(path: str | PathLike[str]) -> ByteLevelBpe:
        """Load a ``tokenizer.json``; `UnsupportedInputError` names a part of the pipeline it does not
        reproduce, `CorruptFileError` says the file is not JSON."""
    @staticmethod
    def from_str(json: str) -> ByteLevelBpe:
        """Build from the text of a ``tokenizer.json`` (`UnsupportedInputError` as in ``from_file``;
        `InvalidArgumentError` for text that is not JSON)."""
    def encode(self, text: str) -> list[int]:
        """``Tokenizer.encode(text, add_special_tokens=False).ids``."""
    def encode_batch(
        self,
        texts: Sequence[str],
        *,
        bos: int | None = None,
        eos: int | None = None,
        dtype: Literal["uint16", "uint32"] = "uint32",
    ) -> tuple[NDArray[np.uint16] | NDArray[np.uint32], NDArray[np.int64]]:
        """Every text as ``[bos] ids [eos]``, concatenated, and each text's length (parallel, no GIL)."""
