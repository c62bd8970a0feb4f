"""Document file formats, chosen by extension in this one place: JSONL with any compression
(`dolma_tools.io.jsonl`), or Parquet with the same columns (`dolma_tools.io.parquet`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

PARQUET_SUFFIX = ".parquet"
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".json.gz", ".jsonl.zst", ".json.zst", ".jsonl.zstd", ".json.zstd",
                  ".jsonl.bz2", ".json.bz2")
DOCUMENT_SUFFIXES = (*JSONL_SUFFIXES, PARQUET_SUFFIX)
"""What a folder or glob of documents is searched for."""


def is_parquet(path: str) -> bool:
    return path.lower().endswith(PARQUET_SUFFIX)


def iter_records(path: str, transport_params: dict | None = None) -> Iterator[Any]:
    """Every record of a JSONL or Parquet file of any shape (eval sets, labels), as decoded JSON
    or a row mapping; a bad JSONL line is an `InputError` naming it."""
    if is_parquet(path):
        from dolma_tools.io.parquet import iter_parquet_rows

        yield from iter_parquet_rows(path, transport_params)
        return
    from dolma_tools.io.jsonl import iter_json

    for _, record in iter_json(path, transport_params=transport_params):
        yield record
