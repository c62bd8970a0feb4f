"""Exact duplicate paragraphs: every copy after the first (input order) is flagged as a span.

A paragraph is the text between separators; its span runs from its first character through its
trailing separator (code-point offsets), so removing flagged spans leaves no empty lines. Short
paragraphs (``min_length``, ``min_words``) are never keys: one-word lines such as "Menu" repeat
everywhere and are not what paragraph dedupe is for.
"""

from __future__ import annotations

import collections

import numpy as np

from dolma_tools._core import hash64_batch
from dolma_tools.dedupe.bloom import repeated_keys
from dolma_tools.dedupe.config import ParagraphsMode
from dolma_tools.dedupe.text import normalize_key, paragraphs
from dolma_tools.documents import Document, Span


def extract(mode: ParagraphsMode, docs: list[Document], seed: int) -> dict[str, np.ndarray]:
    """Hash, document index and span of every eligible paragraph, in input order."""
    keys: list[str] = []
    where: list[tuple[int, int, int]] = []
    for index, doc in enumerate(docs):
        for part, start, end in paragraphs(doc.text, mode.separator):
            key = normalize_key(part) if mode.normalize else part.strip()
            if len(key) < mode.min_length or (mode.min_words > 1 and len(key.split()) < mode.min_words):
                continue
            keys.append(key)
            where.append((index, start, end))
    table = np.asarray(where, dtype=np.int64).reshape(-1, 3)
    return {"hash": hash64_batch(keys, seed), "doc": table[:, 0], "start": table[:, 1], "end": table[:, 2]}


decide = repeated_keys  # the stage calls each Bloom mode's ``decide``


def annotate(prefix: str, arrays: dict[str, np.ndarray], decisions: dict[str, np.ndarray],
             lengths: np.ndarray, out: list[dict[str, list[Span]]], counters: collections.Counter) -> None:
    """Add ``<prefix>duplicate`` spans (score 1.0) for repeated paragraphs."""
    key = prefix + "duplicate"
    for attributes in out:
        attributes[key] = []
    flagged = decisions["duplicate"]
    for index, start, end in zip(arrays["doc"][flagged].tolist(), arrays["start"][flagged].tolist(),
                                 arrays["end"][flagged].tolist()):
        if not out[index][key]:
            counters["paragraphs.documents_flagged"] += 1
        out[index][key].append(Span(start, end, 1.0))
        counters["paragraphs.spans_flagged"] += 1
        counters["paragraphs.chars_flagged"] += end - start
