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


_REQUIRED_FIELDS = tuple(
    field.name for field in msgspec.structs.fields(Document)
    if field.default is msgspec.NODEFAULT and field.default_factory is msgspec.NODEFAULT
)


def document_problem(value: Any) -> str:
    """Why a decoded JSON value is not a `Document`, judged from the value, not from the
    decoder's message (whose wording changes between msgspec releases): ``missing_field`` when
    required fields are absent and everything present is well typed, else ``wrong_type``."""
    if not isinstance(value, dict):
        return "wrong_type"
    missing = {name: "" for name in _REQUIRED_FIELDS if name not in value}  # every required field is a str
    if not missing:
        return "wrong_type"
    try:
        msgspec.convert({**value, **missing}, Document)
    except msgspec.ValidationError:
        return "wrong_type"
    return "missing_field"


class Span(NamedTuple):
    """A scored slice of a document's text: code-point offsets, end exclusive."""

    start: int
    end: int
    score: float


Attributes = dict[str, list[Span]]
"""What a tagger returns for one document: key → spans (a document-level value is one span)."""
