"""Decontamination: flag training text that shares word n-grams (13 by default) with eval sets.

The eval side is read once into a Bloom filter of n-gram hashes (built in the parent process,
saved in the work folder or at ``bloom.path``, then memory-mapped read-only by every worker).
Each document's n-grams run across paragraph breaks (a benchmark item pasted as question plus
answer lines still matches). A document whose share of n-grams found in the filter exceeds
``threshold`` gets ``<name>__decontamination__document`` (that share, document-level) and
``<name>__decontamination__overlap`` spans covering each run of matching n-grams (score 1.0).
Eval texts shorter than ``ngram_size`` words have no n-grams; the report counts them.
"""

from __future__ import annotations

import collections
import itertools
import sys
from collections.abc import Iterator

import numpy as np

from dolma_tools._core import BloomFilter, document_ngrams
from dolma_tools.stages.dedupe.bloom import check_memory, describe, sizing
from dolma_tools.stages.dedupe.config import DecontaminationMode
from dolma_tools.stages.dedupe.sidecar import Sidecar
from dolma_tools.stages.dedupe.text import Texts
from dolma_tools.io import expand, iter_json

EVAL_BATCH = 8192
"""Eval texts hashed per Rust call."""


def _eval_texts(mode: DecontaminationMode) -> Iterator[str]:
    """Every text field value of every eval record (lists are flattened)."""
    for path in expand(mode.eval_sets):
        if path.endswith(".parquet"):
            import pyarrow.parquet as pq

            records = iter(pq.read_table(path).to_pylist())
        else:
            records = (record for _, record in iter_json(path))
        for record in records:
            for field in mode.text_fields:
                value = record.get(field) if isinstance(record, dict) else None
                for item in value if isinstance(value, list) else [value]:
                    if isinstance(item, str) and item.strip():
                        yield item


def build_filter(mode: DecontaminationMode, seed: int, *, quiet: bool) -> tuple[BloomFilter, collections.Counter]:
    """A filter holding every n-gram of the eval sets, and counts for the report."""
    counters: collections.Counter = collections.Counter()
    parts: list[np.ndarray] = [np.empty(0, dtype=np.uint64)]
    texts = _eval_texts(mode)
    while batch := list(itertools.islice(texts, EVAL_BATCH)):
        hashes, doc, _, _ = document_ngrams(batch, mode.ngram_size, normalize=mode.normalize, seed=seed)
        counters["decontamination.eval_texts"] += len(batch)
        too_short = len(batch) - len(np.unique(doc))
        if too_short:
            counters["decontamination.eval_texts_too_short"] += too_short
        parts.append(np.unique(hashes))
    hashes = np.unique(np.concatenate(parts))
    counters["decontamination.eval_ngrams"] = len(hashes)
    shape = sizing(mode.bloom, len(hashes), "decontamination.bloom")
    check_memory(shape, mode.bloom, "decontamination.bloom")
    if not quiet:
        print(describe(shape, "decontamination.bloom"), file=sys.stderr)
    bloom = BloomFilter(shape.expected_items, size_bytes=shape.num_bytes, seed=mode.bloom.seed, layout=mode.bloom.layout)
    bloom.add_hashes(hashes)
    return bloom, counters


_filters: dict[str, BloomFilter] = {}


def _filter_for_process(path: str) -> BloomFilter:
    """The eval filter, memory-mapped once per worker process."""
    if path not in _filters:
        _filters[path] = BloomFilter.load(path, mmap=True)
    return _filters[path]


def extract(mode: DecontaminationMode, texts: Texts, filter_path: str) -> dict[str, np.ndarray]:
    """Per flagged document: its share of eval n-grams and the merged character spans of matches."""
    bloom = _filter_for_process(filter_path)
    hashes, doc, start, end = document_ngrams(texts, mode.ngram_size, normalize=mode.normalize,
                                              seed=mode.bloom.seed)
    hits = bloom.contains_hashes(hashes)
    totals = np.bincount(doc, minlength=len(texts))
    shares = np.bincount(doc, weights=hits, minlength=len(texts)) / np.maximum(totals, 1)
    flagged = shares > mode.threshold
    # Matching n-grams of flagged documents, in order; a run continues while the next one starts
    # within the previous one (n-gram ends only grow within a document).
    keep = hits & flagged[doc]
    doc, start, end = doc[keep], start[keep], end[keep]
    new_run = np.ones(len(doc), dtype=bool)
    new_run[1:] = (doc[1:] != doc[:-1]) | (start[1:] > end[:-1])
    firsts = np.flatnonzero(new_run)
    lasts = np.append(firsts[1:] - 1, len(doc) - 1) if len(doc) else firsts
    indices = np.flatnonzero(flagged)
    return {"doc": indices.astype(np.int64), "share": shares[indices],
            "span_doc": doc[firsts], "span_start": start[firsts], "span_end": end[lasts]}


def annotate(prefix: str, arrays: dict[str, np.ndarray], lengths: np.ndarray,
             sidecar: Sidecar, counters: collections.Counter) -> None:
    document_key, overlap_key = prefix + "document", prefix + "overlap"
    sidecar.add_keys(document_key, overlap_key)
    doc = arrays["doc"]
    sidecar.add_spans(document_key, doc, 0, lengths[doc], arrays["share"])
    counters["decontamination.documents_flagged"] += len(doc)
    span_doc, span_start, span_end = arrays["span_doc"], arrays["span_start"], arrays["span_end"]
    sidecar.add_spans(overlap_key, span_doc, span_start, span_end, 1.0)
    counters["decontamination.spans_flagged"] += len(span_doc)
    counters["decontamination.chars_flagged"] += int((span_end - span_start).sum())

