"""The attribute lines of one documents file, built sparsely.

Every enabled key is on every line (an empty list when nothing is flagged), but most documents
have no spans at all: their lines are one shared template around the encoded id, and only
flagged documents are encoded key by key. The bytes are those of `dolma_tools.io.encode_attributes`.
"""

from __future__ import annotations

from collections.abc import Iterable

import msgspec

from dolma_tools.documents import Span
from dolma_tools.io import encode_attributes

_encode = msgspec.json.Encoder().encode
_ID_PREFIX = b'{"id":'


class Sidecar:
    """Keys in order, and the spans of the documents that have any, by index in the file."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        self._spans: dict[int, dict[str, list[Span]]] = {}

    def add_keys(self, *keys: str) -> None:
        self.keys.extend(keys)

    def add_spans(self, key: str, docs: Iterable[int], starts: Iterable[int], ends: Iterable[int],
                  scores: Iterable[float]) -> None:
        """Append spans of ``key`` to documents ``docs`` (indices in the file), in the order given."""
        table = self._spans
        for index, span in zip(docs, map(Span, starts, ends, scores)):
            entry = table.get(index)
            if entry is None:
                table[index] = {key: [span]}
            elif key in entry:
                entry[key].append(span)
            else:
                entry[key] = [span]

    def encode(self, ids: list[str]) -> bytes:
        """All lines, newline included, for the documents ``ids`` in file order."""
        suffix = encode_attributes("", {key: [] for key in self.keys})[len(_ID_PREFIX) + 2:]
        lines = []
        for index, doc_id in enumerate(ids):
            spans = self._spans.get(index)
            if spans:
                lines.append(encode_attributes(doc_id, {key: spans.get(key, []) for key in self.keys}))
            else:
                lines.append(_ID_PREFIX + _encode(doc_id) + suffix)
        return b"".join(lines)
