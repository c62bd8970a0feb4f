"""Reading a documents file together with its attribute sidecars, line by line, ids checked.

Sidecars are matched by position (DESIGN.md: same line order), and every line's id must equal
the document's: a mismatch or a sidecar of another length stops with ``file:line: reason``
(it cannot be skipped, since the files could not be realigned). Lines skipped under
``on_error: skip`` are absent from sidecars written by ``tag`` too, so they stay aligned.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from dolma_tools.documents import Document
from dolma_tools.errors import InputError
from dolma_tools.io import SkipCounter, attributes_path, iter_attributes, iter_documents


def sidecar_paths(path: str, runs: Sequence[str]) -> list[str]:
    """The attribute files of ``path`` for each run, in order."""
    return [attributes_path(path, run) for run in runs]


def iter_joined(
    path: str, runs: Sequence[str], skips: SkipCounter | None = None
) -> Iterator[tuple[int, Document, dict[str, list]]]:
    """Yield ``(line_number, document, merged attributes)`` for every document of ``path``."""
    sidecars = [(p, iter_attributes(p)) for p in sidecar_paths(path, runs)]
    for line_number, doc in iter_documents(path, skips=skips):
        merged: dict[str, list] = {}
        for sidecar, reader in sidecars:
            item = next(reader, None)
            if item is None:
                raise InputError(path, line_number, "attributes_too_short",
                                 f"{sidecar} ends before document {doc.id!r}")
            attribute_line, attribute_id, attributes = item
            if attribute_id != doc.id:
                raise InputError(path, line_number, "attribute_id_mismatch",
                                 f"document id {doc.id!r}, but {sidecar}:{attribute_line} has id {attribute_id!r}")
            merged.update(attributes)
        yield line_number, doc, merged
    for sidecar, reader in sidecars:
        extra = next(reader, None)
        if extra is not None:
            raise InputError(sidecar, extra[0], "attributes_too_long", f"more attribute lines than documents in {path}")
