"""The document and span types shared by every stage (DESIGN.md, "Data contracts")."""

from __future__ import annotations

from typing import Any, NamedTuple

import msgspec


class Document(msgspec.Struct, kw_only=True, omit_defaults=True):
    """One line of a Dolma documents file.

    Unknown top-level keys are ignored on read; ``metadata`` is kept as a plain dict.
    """

    id: str
    text: str
    source: str = ""
    added: str | None = None
    created: str | None = None
    metadata: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return msgspec.structs.asdict(self)


class Span(NamedTuple):
    """A scored slice of a document's text: code-point offsets, end exclusive."""

    start: int
    end: int
    score: float


Attributes = dict[str, list[Span]]
"""What a tagger returns for one document: key → spans (a document-level value is one span)."""
