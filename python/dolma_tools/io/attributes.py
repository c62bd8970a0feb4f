"""Attribute sidecars (DESIGN.md, "Attributes"): one line per document, written two ways that
give the same bytes, and read back.

* `encode_attributes`: one line from a mapping of key to spans (taggers, one document at a time);
* `Sidecar`: every line of a file from span arrays (dedupe): every key on every line (an empty
  list when nothing is flagged), written in Rust (``encode_attribute_lines``) with no Python object
  per document or span; scores are formatted by msgspec once per distinct value, so the bytes are
  exactly `encode_attributes`' (a hypothesis test holds them to it);
* `iter_attributes`: the lines of a sidecar, checked as they are read.
"""

from __future__ import annotations

from collections.abc import Iterator

import msgspec
import numpy as np
from numpy.typing import ArrayLike

from dolma_tools._core import StringColumn, encode_attribute_lines
from dolma_tools.documents import Span
from dolma_tools.io.jsonl import decode_lines

_encode = msgspec.json.Encoder().encode


def encode_attributes(doc_id: str, attributes: dict[str, list[Span]]) -> bytes:
    """One attribute-sidecar line, newline included."""
    return _encode({"id": doc_id, "attributes": attributes}) + b"\n"


class _AttributeLine(msgspec.Struct):
    id: str
    attributes: dict[str, list[tuple[int, int, float]]]


_decode_attribute_line = msgspec.json.Decoder(_AttributeLine).decode


def iter_attributes(
    path: str, *, transport_params: dict | None = None
) -> Iterator[tuple[int, str, dict[str, list[tuple[int, int, float]]]]]:
    """Yield ``(line_number, id, attributes)`` from an attribute sidecar; any bad line is fatal."""
    for line_number, record in decode_lines(path, _decode_attribute_line, None, transport_params):
        yield line_number, record.id, record.attributes


class Sidecar:
    """Keys in order, and for each key the spans added so far (any document order)."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        self._spans: dict[str, list[tuple[np.ndarray, ...]]] = {}

    def add_keys(self, *keys: str) -> None:
        for key in keys:
            self.keys.append(key)
            self._spans[key] = []

    def add_spans(self, key: str, docs: ArrayLike, starts: ArrayLike, ends: ArrayLike, scores: ArrayLike) -> None:
        """Spans of ``key`` on documents ``docs`` (indices in the file); scalars apply to every span.
        A document's spans keep the order in which they were added."""
        docs = np.asarray(docs, dtype=np.int64)
        shape = docs.shape
        self._spans[key].append((docs, *(np.broadcast_to(np.asarray(values, dtype=dtype), shape)
                                         for values, dtype in ((starts, np.int64), (ends, np.int64), (scores, np.float64)))))

    def encode(self, ids: StringColumn) -> bytes:
        """All lines, newline included, for the documents ``ids`` in file order."""
        columns = [[np.concatenate(parts) if parts else np.zeros(0, dtype=dtype) for parts, dtype in
                    zip(zip(*self._spans[key]) if self._spans[key] else ([], [], [], []),
                        (np.int64, np.int64, np.int64, np.float64))] for key in self.keys]
        # Distinct by bit pattern, so that -0.0 and 0.0 keep their own texts.
        bits, which = np.unique(np.concatenate([scores for *_, scores in columns]).view(np.int64), return_inverse=True)
        texts = [msgspec.json.encode(value) for value in bits.view(np.float64).tolist()]
        spans = []
        position = 0
        for docs, starts, ends, scores in columns:
            order = np.argsort(docs, kind="stable")
            score = which[position:position + len(scores)].astype(np.uint32)
            position += len(scores)
            spans.append((docs[order], starts[order], ends[order], score[order]))
        return encode_attribute_lines(ids, self.keys, spans, texts)
