"""Exact duplicate paragraphs: every copy after the first (input order) is flagged as a span.

A paragraph is the text between separators; its span runs from its first character through its
trailing separator (code-point offsets), so removing flagged spans leaves no empty lines. Its key
is the paragraph exactly as written (indentation and trailing spaces included: code, poetry and
tables keep their variants apart), or without surrounding whitespace with ``strip``, or
lower-cased with whitespace runs collapsed with ``normalize`` (docs/dedupe.md). Short
paragraphs (``min_length``, ``min_words``) are never keys: one-word lines such as "Menu" repeat
everywhere and are not what paragraph dedupe is for. Splitting, keys and hashes are one Rust call
per batch (``paragraph_keys``, see ``dedupe.text``).
"""

from __future__ import annotations

import collections

import numpy as np
from pydantic import Field

from dolma_tools._core import paragraph_keys
from dolma_tools.config.models import StrictModel
from dolma_tools.io import SkipCounter
from dolma_tools.stages.dedupe.bloom import BloomConfig
from dolma_tools.stages.dedupe.modes.base import Batch, FileView
from dolma_tools.stages.dedupe.modes.filtered import BloomMode
from dolma_tools.io.attributes import Sidecar


class ParagraphsMode(StrictModel):
    """Exact duplicate paragraphs; every copy after the first is flagged as a span."""

    separator: str = Field(default="\n", min_length=1)
    """What splits a text into paragraphs."""
    min_length: int = Field(default=1, ge=1)
    """Paragraphs shorter than this (code points, after stripping spaces) are never flagged."""
    min_words: int = Field(default=1, ge=1)
    """Paragraphs with fewer whitespace-separated words are never flagged."""
    normalize: bool = False
    """Compare paragraphs lower-cased with runs of whitespace collapsed (and stripped)."""
    strip: bool = False
    """Compare paragraphs without their leading and trailing whitespace (indentation, trailing
    spaces, a ``\r`` before the newline); off, keys are exact."""
    bloom: BloomConfig = Field(default_factory=BloomConfig)


class ExactParagraphs(BloomMode[ParagraphsMode]):
    name = "paragraphs"
    config_key = "paragraphs"
    section = ParagraphsMode

    def extract(self, batch: Batch, source: str, skips: SkipCounter | None) -> dict[str, np.ndarray]:
        """Hash, document index and span of every eligible paragraph, in input order."""
        mode = self.settings
        hashes, doc, start, end = paragraph_keys(batch.texts, mode.separator, normalize=mode.normalize, strip=mode.strip,
                                                 min_length=mode.min_length, min_words=mode.min_words,
                                                 seed=mode.bloom.seed)
        return {"hash": hashes, "doc": doc, "start": start, "end": end}

    def annotate(self, prefix: str, view: FileView, sidecar: Sidecar, counters: collections.Counter) -> None:
        """Add ``<prefix>duplicate`` spans (score 1.0) for repeated paragraphs."""
        key = prefix + "duplicate"
        sidecar.add_keys(key)
        flagged = view.decisions["duplicate"]
        doc, start, end = view.arrays["doc"][flagged], view.arrays["start"][flagged], view.arrays["end"][flagged]
        sidecar.add_spans(key, doc, start, end, 1.0)
        counters["paragraphs.documents_flagged"] += len(np.unique(doc))
        counters["paragraphs.spans_flagged"] += len(doc)
        counters["paragraphs.chars_flagged"] += int((end - start).sum())
