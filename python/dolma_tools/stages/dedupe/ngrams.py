"""BFF-style paragraph dedupe: a paragraph's score is the share of its word n-grams seen before.

Within a paragraph each distinct n-gram counts once (a paragraph repeating itself is not a
duplicate of anything earlier). Phase 2 inserts the n-grams of all files in input order and
counts, per paragraph, those already present; paragraphs scoring at least ``threshold`` are
flagged under ``<name>__ngrams__duplicate`` with the score. Paragraphs shorter than
``ngram_size`` words (or ``min_words``) have no n-grams and are never flagged. Words and n-gram
hashes come from one Rust call per batch (``paragraph_ngrams``, see ``dedupe.text``).
"""

from __future__ import annotations

import collections

import numpy as np

from dolma_tools._core import BloomFilter, paragraph_ngrams
from dolma_tools.stages.dedupe.config import NgramsMode
from dolma_tools.stages.dedupe.sidecar import Sidecar
from dolma_tools.stages.dedupe.text import Texts


def extract(mode: NgramsMode, texts: Texts, seed: int) -> dict[str, np.ndarray]:
    """Distinct n-gram hashes per paragraph (``hash``, ``para``) and each paragraph's doc/span."""
    hashes, para, doc, start, end = paragraph_ngrams(
        texts, mode.ngram_size, separator=mode.separator, stride=mode.stride,
        min_words=mode.min_words or 1, normalize=mode.normalize, seed=seed)
    # int32 paragraph numbers: a quarter less to write and read back per n-gram than int64.
    return {"hash": hashes, "para": para.astype(np.int32), "doc": doc, "start": start, "end": end}


DECIDED_FROM = ("hash", "para", "doc")
"""The arrays `decide` reads (the stage loads only these)."""


def decide(bloom: BloomFilter, arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """``score[p]``: the share of paragraph p's distinct n-grams present before it (input order)."""
    seen = bloom.insert_if_absent_hashes(arrays["hash"])
    paragraphs_count = len(arrays["doc"])
    total = np.bincount(arrays["para"], minlength=paragraphs_count)
    repeated = np.bincount(arrays["para"], weights=seen, minlength=paragraphs_count)
    return {"score": repeated / np.maximum(total, 1)}


def annotate(mode: NgramsMode, prefix: str, arrays: dict[str, np.ndarray], decisions: dict[str, np.ndarray],
             sidecar: Sidecar, counters: collections.Counter) -> None:
    """Add ``<prefix>duplicate`` spans scored by the repeated share, for paragraphs at the threshold."""
    key = prefix + "duplicate"
    sidecar.add_keys(key)
    scores = decisions["score"]
    flagged = scores >= mode.threshold
    doc, start, end = arrays["doc"][flagged], arrays["start"][flagged], arrays["end"][flagged]
    sidecar.add_spans(key, doc, start, end, scores[flagged])
    counters["ngrams.documents_flagged"] += len(np.unique(doc))
    counters["ngrams.spans_flagged"] += len(doc)
    counters["ngrams.chars_flagged"] += int((end - start).sum())
