"""Exact duplicate documents: one key per document (its text, or a field such as ``metadata.url``).

Phase 1 hashes each document's key; phase 2 inserts the hashes into the Bloom filter in input
order, so the first copy is the one whose key was absent; phase 3 flags the others with a
document-level span ``[0, len(text), 1.0]`` under ``<name>__documents__duplicate``.
"""

from __future__ import annotations

import collections
from typing import Any

import msgspec
import numpy as np

from dolma_tools._core import hash64_batch
from dolma_tools.stages.dedupe.bloom import repeated_keys
from dolma_tools.stages.dedupe.config import DocumentsMode
from dolma_tools.stages.dedupe.sidecar import Sidecar
from dolma_tools.stages.dedupe.text import Texts, normalize_key
from dolma_tools.documents import Document
from dolma_tools.errors import InputError
from dolma_tools.io import SkipCounter

_MISSING = object()


def key_of(doc: Document, path: str) -> Any:
    """The value at a dotted field path, or ``_MISSING``."""
    head, _, rest = path.partition(".")
    value: Any = getattr(doc, head)
    for part in rest.split(".") if rest else ():
        if not isinstance(value, dict) or part not in value:
            return _MISSING
        value = value[part]
    return _MISSING if value is None else value


def extract(mode: DocumentsMode, texts: Texts, docs: list[Document] | None, lines: list[int] | None, source: str,
            skips: SkipCounter | None, seed: int) -> dict[str, np.ndarray]:
    """``hash`` of every keyed document and ``doc``, its index; a missing key is an error or a skip.
    Keyed on ``text``, only ``texts`` is read; any other key reads whole documents."""
    if mode.key == "text":
        keys = [normalize_key(text) for text in texts] if mode.normalize else texts
        return {"hash": hash64_batch(keys, seed), "doc": np.arange(len(texts), dtype=np.int64)}
    assert docs is not None and lines is not None, "a key other than text needs whole documents"
    keys: list[str] = []
    indices: list[int] = []
    for index, (doc, line) in enumerate(zip(docs, lines)):
        value = key_of(doc, mode.key)
        if value is _MISSING:
            error = InputError(source, line, "missing_key", f"document {doc.id!r} has no {mode.key!r}")
            if skips is None:
                raise error
            skips.handle(error)
            continue
        key = value if isinstance(value, str) else msgspec.json.encode(value).decode()
        keys.append(normalize_key(key) if mode.normalize else key)
        indices.append(index)
    return {"hash": hash64_batch(keys, seed), "doc": np.asarray(indices, dtype=np.int64)}


decide = repeated_keys  # the stage calls each Bloom mode's ``decide``
DECIDED_FROM = ("hash",)
"""The arrays `decide` reads (the stage loads only these)."""


def annotate(prefix: str, arrays: dict[str, np.ndarray], decisions: dict[str, np.ndarray],
             lengths: np.ndarray, sidecar: Sidecar, counters: collections.Counter) -> None:
    """Add ``<prefix>duplicate`` to each document's attributes (empty when it is a first copy)."""
    key = prefix + "duplicate"
    sidecar.add_keys(key)
    index = arrays["doc"][decisions["duplicate"]]
    length = lengths[index]
    sidecar.add_spans(key, index, 0, length, 1.0)
    counters["documents.documents_flagged"] += len(index)
    counters["documents.chars_flagged"] += int(length.sum())
