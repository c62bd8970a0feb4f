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
import os
import sys
from collections.abc import Iterator
from typing import Any

import numpy as np
from pydantic import Field

from dolma_tools._core import NGRAM_HASH_VERSION, BloomFilter, document_ngrams
from dolma_tools.config.models import StrictModel, StrList
from dolma_tools.errors import ConfigError
from dolma_tools.io import SkipCounter, expand
from dolma_tools.io.formats import iter_records
from dolma_tools.stages.dedupe import bloom as bloom_files
from dolma_tools.stages.dedupe.bloom import BloomConfig
from dolma_tools.stages.dedupe.modes.base import Batch, Decider, FileView, Mode
from dolma_tools.io.attributes import Sidecar
from dolma_tools.stages.dedupe.work import WorkDir, load_json, save_json


class DecontaminationMode(StrictModel):
    """Flag training text that shares word n-grams with evaluation sets."""

    eval_sets: StrList = Field(min_length=1)
    """JSONL (any compression) or Parquet files of benchmark texts."""
    text_fields: StrList = Field(default_factory=lambda: ["text"])
    """Fields of an eval record whose values are joined as its text (e.g. question, choices)."""
    ngram_size: int = Field(default=13, ge=1)
    threshold: float = Field(default=0.0, ge=0, lt=1)
    """A document is flagged when the fraction of its n-grams found in eval sets exceeds this."""
    normalize: bool = True
    """Words are lower-cased runs of letters and digits (punctuation ignored); else split on spaces."""
    bloom: BloomConfig = Field(default_factory=lambda: BloomConfig(fp_rate=1e-9))
    """The eval n-gram filter; with ``path`` it is loaded from there, or built and saved there."""


EVAL_BATCH = 8192
"""Eval texts hashed per Rust call."""


def _eval_texts(mode: DecontaminationMode) -> Iterator[str]:
    """Every text field value of every eval record (lists are flattened)."""
    for path in expand(mode.eval_sets):
        for record in iter_records(path):
            for field in mode.text_fields:
                value = record.get(field) if isinstance(record, dict) else None
                for item in value if isinstance(value, list) else [value]:
                    if isinstance(item, str) and item.strip():
                        yield item


def _build_filter(mode: DecontaminationMode, seed: int, *, quiet: bool) -> tuple[BloomFilter, collections.Counter]:
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
    shape = bloom_files.sizing(mode.bloom, len(hashes), "decontamination.bloom")
    bloom_files.check_memory(shape, mode.bloom, "decontamination.bloom")
    if not quiet:
        print(bloom_files.describe(shape, "decontamination.bloom"), file=sys.stderr)
    bloom = BloomFilter(shape.expected_items, size_bytes=shape.num_bytes, seed=mode.bloom.seed, layout=mode.bloom.layout)
    bloom.add_hashes(hashes)
    return bloom, counters


_filters: dict[str, BloomFilter] = {}


def _filter_for_process(path: str) -> BloomFilter:
    """The eval filter, memory-mapped once per worker process."""
    if path not in _filters:
        _filters[path] = BloomFilter.load(path, mmap=True)
    return _filters[path]


class Decontamination(Mode[DecontaminationMode]):
    name = "decontamination"
    config_key = "decontamination"
    section = DecontaminationMode
    hash_version = NGRAM_HASH_VERSION

    def __init__(self, settings: DecontaminationMode, filter_path: str | None = None) -> None:
        super().__init__(settings)
        self.filter_path = filter_path
        """The eval filter, once `prepare` has built or found it."""

    def check(self) -> None:
        bloom = self.settings.bloom
        if bloom.expected_items is not None:
            where = "decontamination.bloom"
            bloom_files.check_memory(bloom_files.sizing(bloom, bloom.expected_items, where), bloom, where)

    def prepare(self, work: WorkDir, quiet: bool) -> Decontamination:
        """Build (or reuse) the eval-set filter: at ``bloom.path``, else in the work folder."""
        mode = self.settings
        path = mode.bloom.path or work.eval_filter()
        meta = load_json(path + ".json")
        settings = self.key_settings()
        if not (os.path.exists(path) and meta is not None and meta.get("settings") == settings):
            if mode.bloom.path is not None and os.path.exists(path):
                old = meta.get("settings") if meta else None
                reason = (old and bloom_files.hash_version_mismatch(old, settings)) or f"was built from other eval settings ({old})"
                raise ConfigError(f"decontamination.bloom.path: {path} {reason}; remove it or use another path")
            bloom, counts = _build_filter(mode, mode.bloom.seed, quiet=quiet)
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
            bloom.save(path)
            save_json(path + ".json", {"settings": settings, "counts": dict(counts)})
        return Decontamination(mode, path)

    def local_work_reason(self) -> str | None:
        """The eval filter is memory-mapped by every task: it is built in the work folder unless
        ``bloom.path`` names a file."""
        if self.settings.bloom.path is None:
            return ("decontamination.bloom.path: the eval-set filter is memory-mapped by every task; give it a "
                    "local or shared file path")
        return None

    def extract(self, batch: Batch, source: str, skips: SkipCounter | None) -> dict[str, np.ndarray]:
        """Per flagged document: its share of eval n-grams and the merged character spans of matches."""
        assert self.filter_path is not None, "prepare() builds the eval filter before phase 1"
        mode, texts = self.settings, batch.texts
        bloom = _filter_for_process(self.filter_path)
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

    def decider(self, work: WorkDir, files: int, quiet: bool) -> Decider | None:
        return None  # each document is judged against the eval sets alone

    def keys(self) -> tuple[str, ...]:
        return ("document", "overlap")

    def annotate(self, prefix: str, view: FileView, sidecar: Sidecar, counters: collections.Counter) -> None:
        document_key, overlap_key = prefix + "document", prefix + "overlap"
        sidecar.add_keys(document_key, overlap_key)
        doc = view.arrays["doc"]
        sidecar.add_spans(document_key, doc, 0, view.lengths[doc], view.arrays["share"])
        counters["decontamination.documents_flagged"] += len(doc)
        span_doc, span_start, span_end = view.arrays["span_doc"], view.arrays["span_start"], view.arrays["span_end"]
        sidecar.add_spans(overlap_key, span_doc, span_start, span_end, 1.0)
        counters["decontamination.spans_flagged"] += len(span_doc)
        counters["decontamination.chars_flagged"] += int((span_end - span_start).sum())

    def report(self, decided: dict[str, Any]) -> dict[str, Any]:
        """The eval side's figures (texts, n-grams, texts too short to have one)."""
        meta = load_json(self.filter_path + ".json") if self.filter_path else None
        return {key.split(".", 1)[1]: value for key, value in ((meta or {}).get("counts", {})).items()}
