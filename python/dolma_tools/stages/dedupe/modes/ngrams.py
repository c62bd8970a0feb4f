"""BFF-style paragraph dedupe: a paragraph's score is the share of its word n-grams seen before.

Within a paragraph each distinct n-gram counts once (a paragraph repeating itself is not a
duplicate of anything earlier). Phase 2 inserts the n-grams of all files in input order (each
key partition into its own filter) and counts, per paragraph, those already present; paragraphs scoring at least ``threshold`` are
flagged under ``<name>__ngrams__duplicate`` with the score. A paragraph of fewer than
``ngram_size`` words is one key, all its words as one n-gram (BFF's ``min_ngram_size`` to
``max_ngram_size``), so repeated short lines (navigation, footers) score 1.0 from their second
copy; paragraphs below ``min_words`` words or ``min_chars`` word characters are left alone (a
lone ``}`` or ``...`` in code never counts). Words and n-gram hashes come from one Rust call
per batch (``paragraph_ngrams``, see ``dedupe.text``); docs/dedupe.md has the definitions.
"""

from __future__ import annotations

import collections
import numpy as np
from pydantic import Field

from dolma_tools._core import NGRAM_HASH_VERSION, paragraph_ngrams
from dolma_tools.config.models import StrictModel
from dolma_tools.io import SkipCounter
from dolma_tools.stages.dedupe.bloom import BloomConfig
from dolma_tools.stages.dedupe.modes.base import Batch, FileView
from dolma_tools.stages.dedupe.modes.filtered import BloomMode
from dolma_tools.io.attributes import Sidecar


class NgramsMode(StrictModel):
    """BFF-style: a paragraph scores the fraction of its word n-grams seen in earlier paragraphs."""

    ngram_size: int = Field(default=13, ge=1)
    stride: int = Field(default=1, ge=1)
    """Step between n-gram starts (1: every n-gram)."""
    threshold: float = Field(default=0.8, gt=0, le=1)
    """Paragraphs whose score reaches this are flagged."""
    separator: str = Field(default="\n", min_length=1)
    min_words: int = Field(default=3, ge=1)
    """Paragraphs with fewer words are left alone; shorter than ``ngram_size`` but with at least
    this many, a paragraph is one key (set it to ``ngram_size`` to leave every short one alone)."""
    min_chars: int = Field(default=10, ge=0)
    """Paragraphs with fewer word characters (letters, digits, ``_``) are left alone, whatever
    ``normalize``: punctuation-only lines such as ``}`` or ``...`` never count."""
    normalize: bool = True
    """Words are lower-cased runs of letters and digits (punctuation ignored); else split on spaces."""
    bloom: BloomConfig = Field(default_factory=BloomConfig)


class NgramParagraphs(BloomMode[NgramsMode]):
    name = "ngrams"
    config_key = "ngrams"
    section = NgramsMode
    hash_version = NGRAM_HASH_VERSION

    def extract(self, batch: Batch, source: str, skips: SkipCounter | None) -> dict[str, np.ndarray]:
        """Distinct n-gram hashes per paragraph (``hash``, ``para``) and each paragraph's doc/span."""
        mode = self.settings
        hashes, para, doc, start, end = paragraph_ngrams(
            batch.texts, mode.ngram_size, separator=mode.separator, stride=mode.stride,
            min_words=mode.min_words, min_chars=mode.min_chars, normalize=mode.normalize, seed=mode.bloom.seed)
        # int32 paragraph numbers: a quarter less to write and read back per n-gram than int64.
        return {"hash": hashes, "para": para.astype(np.int32), "doc": doc, "start": start, "end": end}

    def decide(self, arrays: dict[str, np.ndarray], seen: np.ndarray) -> dict[str, np.ndarray]:
        """``score[p]``: the share of paragraph p's distinct n-grams present before it (input order)."""
        paragraphs_count = len(arrays["doc"])
        total = np.bincount(arrays["para"], minlength=paragraphs_count)
        repeated = np.bincount(arrays["para"], weights=seen, minlength=paragraphs_count)
        return {"score": repeated / np.maximum(total, 1)}

    def annotate(self, prefix: str, view: FileView, sidecar: Sidecar, counters: collections.Counter) -> None:
        """Add ``<prefix>duplicate`` spans scored by the repeated share, for paragraphs at the threshold."""
        key = prefix + "duplicate"
        sidecar.add_keys(key)
        scores = view.decisions["score"]
        flagged = scores >= self.settings.threshold
        doc, start, end = view.arrays["doc"][flagged], view.arrays["start"][flagged], view.arrays["end"][flagged]
        sidecar.add_spans(key, doc, start, end, scores[flagged])
        counters["ngrams.documents_flagged"] += len(np.unique(doc))
        counters["ngrams.spans_flagged"] += len(doc)
        counters["ngrams.chars_flagged"] += int((end - start).sum())
