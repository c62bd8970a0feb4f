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
import sys
from collections.abc import Iterator

import numpy as np

from dolma_tools._core import BloomFilter
from dolma_tools.dedupe.bloom import check_memory, describe, sizing
from dolma_tools.dedupe.config import DecontaminationMode
from dolma_tools.dedupe.text import ngram_hashes, word_spans
from dolma_tools.documents import Document, Span
from dolma_tools.io import expand, iter_json


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
    words: list[str] = []
    sizes: list[int] = []
    counters: collections.Counter = collections.Counter()
    for text in _eval_texts(mode):
        tokens = word_spans(text, mode.normalize)[0]
        counters["decontamination.eval_texts"] += 1
        if len(tokens) < mode.ngram_size:
            counters["decontamination.eval_texts_too_short"] += 1
            continue
        words.extend(tokens)
        sizes.append(len(tokens))
    hashes = np.unique(ngram_hashes(words, np.asarray(sizes, dtype=np.int64), mode.ngram_size, 1, seed)[0])
    counters["decontamination.eval_ngrams"] = len(hashes)
    shape = sizing(mode.bloom, len(hashes), "decontamination.bloom")
    check_memory(shape, mode.bloom, "decontamination.bloom")
    if not quiet:
        print(describe(shape, "decontamination.bloom"), file=sys.stderr)
    bloom = BloomFilter(shape.expected_items, size_bytes=shape.num_bytes, seed=mode.bloom.seed)
    bloom.add_hashes(hashes)
    return bloom, counters


_filters: dict[str, BloomFilter] = {}


def _filter_for_process(path: str) -> BloomFilter:
    """The eval filter, memory-mapped once per worker process."""
    if path not in _filters:
        _filters[path] = BloomFilter.load(path, mmap=True)
    return _filters[path]


def extract(mode: DecontaminationMode, docs: list[Document], filter_path: str) -> dict[str, np.ndarray]:
    """Per flagged document: its share of eval n-grams and the merged character spans of matches."""
    bloom = _filter_for_process(filter_path)
    n = mode.ngram_size
    words: list[str] = []
    sizes: list[int] = []
    starts: list[int] = []
    ends: list[int] = []
    for doc in docs:
        tokens, token_starts, token_ends = word_spans(doc.text, mode.normalize)
        words.extend(tokens)
        starts.extend(token_starts)
        ends.extend(token_ends)
        sizes.append(len(tokens))
    size_array = np.asarray(sizes, dtype=np.int64)
    hashes, groups = ngram_hashes(words, size_array, n, 1, mode.bloom.seed)
    hits = bloom.contains_hashes(hashes)
    totals = np.bincount(groups, minlength=len(docs))
    shares = np.bincount(groups, weights=hits, minlength=len(docs)) / np.maximum(totals, 1)
    flagged = np.flatnonzero(shares > mode.threshold)
    first_word = np.cumsum(size_array) - size_array
    first_ngram = np.cumsum(totals) - totals
    span_doc: list[int] = []
    span_start: list[int] = []
    span_end: list[int] = []
    for index in flagged.tolist():
        local = np.flatnonzero(hits[first_ngram[index]:first_ngram[index] + totals[index]])
        base = int(first_word[index])
        run_start = run_end = -1
        for position in local.tolist():
            begin, finish = starts[base + position], ends[base + position + n - 1]
            if begin <= run_end:
                run_end = max(run_end, finish)
                continue
            if run_end >= 0:
                span_doc.append(index), span_start.append(run_start), span_end.append(run_end)
            run_start, run_end = begin, finish
        if run_end >= 0:
            span_doc.append(index), span_start.append(run_start), span_end.append(run_end)
    return {"doc": flagged.astype(np.int64), "share": shares[flagged],
            "span_doc": np.asarray(span_doc, dtype=np.int64), "span_start": np.asarray(span_start, dtype=np.int64),
            "span_end": np.asarray(span_end, dtype=np.int64)}


def annotate(prefix: str, arrays: dict[str, np.ndarray], lengths: np.ndarray,
             out: list[dict[str, list[Span]]], counters: collections.Counter) -> None:
    document_key, overlap_key = prefix + "document", prefix + "overlap"
    for attributes in out:
        attributes[document_key] = []
        attributes[overlap_key] = []
    for index, share in zip(arrays["doc"].tolist(), arrays["share"].tolist()):
        out[index][document_key] = [Span(0, int(lengths[index]), float(share))]
        counters["decontamination.documents_flagged"] += 1
    for index, start, end in zip(arrays["span_doc"].tolist(), arrays["span_start"].tolist(), arrays["span_end"].tolist()):
        out[index][overlap_key].append(Span(start, end, 1.0))
        counters["decontamination.spans_flagged"] += 1
        counters["decontamination.chars_flagged"] += end - start

