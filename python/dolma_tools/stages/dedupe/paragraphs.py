"""Exact duplicate paragraphs: every copy after the first (input order) is flagged as a span.

A paragraph is the text between separators; its span runs from its first character through its
trailing separator (code-point offsets), so removing flagged spans leaves no empty lines. Short
paragraphs (``min_length``, ``min_words``) are never keys: one-word lines such as "Menu" repeat
everywhere and are not what paragraph dedupe is for. Splitting, keys and hashes are one Rust call
per batch (``paragraph_keys``, see ``dedupe.text``).
"""

from __future__ import annotations

import collections

import numpy as np

from dolma_tools._core import paragraph_keys
from dolma_tools.stages.dedupe.bloom import repeated_keys
from dolma_tools.stages.dedupe.config import ParagraphsMode
from dolma_tools.stages.dedupe.sidecar import Sidecar
from dolma_tools.stages.dedupe.text import Texts


def extract(mode: ParagraphsMode, texts: Texts, seed: int) -> dict[str, np.ndarray]:
    """Hash, document index and span of every eligible paragraph, in input order."""
    hashes, doc, start, end = paragraph_keys(texts, mode.separator, normalize=mode.normalize,
                                             min_length=mode.min_length, min_words=mode.min_words, seed=seed)
    return {"hash": hashes, "doc": doc, "start": start, "end": end}


decide = repeated_keys  # the stage calls each Bloom mode's ``decide``
DECIDED_FROM = ("hash",)
"""The arrays `decide` reads (the stage loads only these)."""


def annotate(prefix: str, arrays: dict[str, np.ndarray], decisions: dict[str, np.ndarray],
             lengths: np.ndarray, sidecar: Sidecar, counters: collections.Counter) -> None:
    """Add ``<prefix>duplicate`` spans (score 1.0) for repeated paragraphs."""
    key = prefix + "duplicate"
    sidecar.add_keys(key)
    flagged = decisions["duplicate"]
    doc, start, end = arrays["doc"][flagged], arrays["start"][flagged], arrays["end"][flagged]
    sidecar.add_spans(key, doc, start, end, 1.0)
    counters["paragraphs.documents_flagged"] += len(np.unique(doc))
    counters["paragraphs.spans_flagged"] += len(doc)
    counters["paragraphs.chars_flagged"] += int((end - start).sum())
