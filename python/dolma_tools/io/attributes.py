"""Attribute sidecars (DESIGN.md, "Attributes"): one line per document, written two ways that
give the same bytes, and read back.

* `encode_attributes`: one line from a mapping of key to spans (taggers, one document at a time);
* `Sidecar`: every line of a file from span arrays (dedupe): every key on every line (an empty
  list when nothing is flagged), written in Rust (``encode_attribute_lines``) with no Python object
  per document or span; scores are formatted by msgspec once per distinct value, so the bytes are
  exactly `encode_attributes`' (a hypothesis test holds them to it). A span's value is a number,
  or a string where a key names something (dedupe's ``__survivor``: the id of the kept copy);
* `iter_attributes`: the lines of a sidecar, checked as they are read.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

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
    attributes: dict[str, list[tuple[int, int, float | str]]]


_decode_attribute_line = msgspec.json.Decoder(_AttributeLine).decode


def iter_attributes(
    path: str, *, transport_params: dict | None = None
) -> Iterator[tuple[int, str, dict[str, list[tuple[int, int, float | str]]]]]:
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

    def add_spans(self, key: str, docs: ArrayLike, starts: ArrayLike, ends: ArrayLike,
                  scores: ArrayLike | Sequence[str]) -> None:
        """Spans of ``key`` on documents ``docs`` (indices in the file); scalars apply to every span.
        ``scores`` are numbers, or strings (one per span). A document's spans keep the order in
        which they were added."""
        docs = np.asarray(docs, dtype=np.int64)
        shape = docs.shape
        if isinstance(scores, (list, tuple)) and scores and isinstance(scores[0], str):
            values = np.asarray(scores, dtype=object)
        else:
            values = np.broadcast_to(np.asarray(scores, dtype=np.float64), shape)
        self._spans[key].append((docs, *(np.broadcast_to(np.asarray(v, dtype=np.int64), shape) for v in (starts, ends)),
                                 values))

    def encode(self, ids: StringColumn) -> bytes:
        """All lines, newline included, for the documents ``ids`` in file order."""
        parts = [part for key in self.keys for part in self._spans[key]]
        numbers = [values for *_, values in parts if values.dtype != object]
        # Distinct by bit pattern, so that -0.0 and 0.0 keep their own texts.
        bits = np.unique(np.concatenate(numbers).view(np.int64)) if numbers else np.zeros(0, dtype=np.int64)
        labels = sorted({label for *_, values in parts if values.dtype == object for label in values})
        label_index = {label: len(bits) + i for i, label in enumerate(labels)}
        texts = [msgspec.json.encode(value) for value in [*bits.view(np.float64).tolist(), *labels]]
        spans = []
        for key in self.keys:
            columns = [np.concatenate(c) if c else np.zeros(0, dtype=np.int64) for c in zip(*self._spans[key])][:3]
            docs, starts, ends = columns if columns else [np.zeros(0, dtype=np.int64)] * 3
            score = np.concatenate([np.searchsorted(bits, values.view(np.int64)) if values.dtype != object
                                    else np.fromiter((label_index[v] for v in values), dtype=np.int64, count=len(values))
                                    for *_, values in self._spans[key]] or [np.zeros(0, dtype=np.int64)])
            order = np.argsort(docs, kind="stable")
            spans.append((docs[order], starts[order], ends[order], score[order].astype(np.uint32)))
        return encode_attribute_lines(ids, self.keys, spans, texts)
