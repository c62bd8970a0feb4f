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
from pydantic import Field, field_validator

from dolma_tools._core import hash64_batch
from dolma_tools.config.models import StrictModel
from dolma_tools.documents import Document
from dolma_tools.errors import InputError
from dolma_tools.io import SkipCounter
from dolma_tools.stages.dedupe.bloom import BloomConfig
from dolma_tools.stages.dedupe.modes.base import Batch, FileView
from dolma_tools.stages.dedupe.modes.filtered import BloomMode
from dolma_tools.io.attributes import Sidecar
from dolma_tools.stages.dedupe.text import normalize_key

DOCUMENT_FIELDS = ("text", "id", "source", "added", "created", "metadata")
"""Top-level fields a documents key may start with (the ones `Document` keeps)."""


class DocumentsMode(StrictModel):
    """Exact duplicate documents by a key; every copy after the first is flagged."""

    key: str = "text"
    """Field path of the key: ``text`` (default) or e.g. ``metadata.url``."""
    normalize: bool = False
    """Compare keys lower-cased with runs of whitespace collapsed."""
    bloom: BloomConfig = Field(default_factory=BloomConfig)

    @field_validator("key")
    @classmethod
    def _known_field(cls, value: str) -> str:
        head = value.split(".", 1)[0]
        if head not in DOCUMENT_FIELDS or (head != "metadata" and "." in value) or value == "metadata":
            raise ValueError(
                f"key {value!r}: use one of text, id, source, added, created, or metadata.<path>; "
                "other top-level fields are not read (move them under metadata)"
            )
        return value


MISSING = object()


def key_of(doc: Document, path: str) -> Any:
    """The value at a dotted field path, or ``MISSING``."""
    head, _, rest = path.partition(".")
    value: Any = getattr(doc, head)
    for part in rest.split(".") if rest else ():
        if not isinstance(value, dict) or part not in value:
            return MISSING
        value = value[part]
    return MISSING if value is None else value


class ExactDocuments(BloomMode[DocumentsMode]):
    name = "documents"
    config_key = "documents_mode"  # (``documents`` is the stage's input list)
    section = DocumentsMode

    def reads_whole_documents(self) -> bool:
        return self.settings.key != "text"

    def extract(self, batch: Batch, source: str, skips: SkipCounter | None) -> dict[str, np.ndarray]:
        """``hash`` of every keyed document and ``doc``, its index; a missing key is an error or a skip.
        Keyed on ``text``, only ``texts`` is read; any other key reads whole documents."""
        if self.settings.key == "text":
            keys = [normalize_key(text) for text in batch.texts] if self.settings.normalize else batch.texts
            return {"hash": hash64_batch(keys, self.settings.bloom.seed), "doc": np.arange(len(batch.texts), dtype=np.int64)}
        assert batch.docs is not None and batch.lines is not None, "a key other than text needs whole documents"
        keys: list[str] = []
        indices: list[int] = []
        for index, (doc, line) in enumerate(zip(batch.docs, batch.lines)):
            value = key_of(doc, self.settings.key)
            if value is MISSING:
                error = InputError(source, line, "missing_key", f"document {doc.id!r} has no {self.settings.key!r}")
                if skips is None:
                    raise error
                skips.handle(error)
                continue
            key = value if isinstance(value, str) else msgspec.json.encode(value).decode()
            keys.append(normalize_key(key) if self.settings.normalize else key)
            indices.append(index)
        return {"hash": hash64_batch(keys, self.settings.bloom.seed), "doc": np.asarray(indices, dtype=np.int64)}

    def annotate(self, prefix: str, view: FileView, sidecar: Sidecar, counters: collections.Counter) -> None:
        """Add ``<prefix>duplicate`` to each document's attributes (empty when it is a first copy)."""
        key = prefix + "duplicate"
        sidecar.add_keys(key)
        index = view.arrays["doc"][view.decisions["duplicate"]]
        length = view.lengths[index]
        sidecar.add_spans(key, index, 0, length, 1.0)
        counters["documents.documents_flagged"] += len(index)
        counters["documents.chars_flagged"] += int(length.sum())
