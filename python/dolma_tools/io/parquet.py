"""Parquet documents: same columns as the JSONL contract, read a batch at a time."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

import msgspec

from dolma_tools.documents import Document, document_problem
from dolma_tools.errors import InputError
from dolma_tools.io.compression import atomic_writer, is_remote

if TYPE_CHECKING:
    from dolma_tools.io.jsonl import SkipCounter

BATCH_ROWS = 4096
_COLUMNS = ("id", "text", "source", "added", "created", "metadata")


def _open_parquet(path: str, transport_params: dict | None):
    import pyarrow.parquet as pq

    if is_remote(path):
        import smart_open

        return pq.ParquetFile(smart_open.open(path, "rb", transport_params=transport_params or {}))
    return pq.ParquetFile(path.removeprefix("file://"))


def iter_parquet_rows(path: str, transport_params: dict | None = None) -> Iterator[dict]:
    """Every row of a Parquet file of any columns, as a mapping, a batch at a time."""
    try:
        parquet = _open_parquet(path, transport_params)
    except Exception as exc:
        raise InputError(path, None, "corrupt_parquet", str(exc)) from exc
    for batch in parquet.iter_batches(batch_size=BATCH_ROWS):
        yield from batch.to_pylist()


def iter_parquet_documents(
    path: str, *, skips: SkipCounter | None = None, transport_params: dict | None = None
) -> Iterator[tuple[int, Document]]:
    """Yield ``(row_number, Document)``; a row with a missing or mistyped field is an error."""
    try:
        parquet = _open_parquet(path, transport_params)
    except Exception as exc:
        raise InputError(path, None, "corrupt_parquet", str(exc)) from exc
    present = [c for c in _COLUMNS if c in parquet.schema_arrow.names]
    for required in ("id", "text"):
        if required not in present:
            raise InputError(path, None, "missing_field", f"Parquet file has no {required!r} column")
    row_number = 0
    for batch in parquet.iter_batches(batch_size=BATCH_ROWS, columns=present):
        for row in batch.to_pylist():
            row_number += 1
            try:
                yield row_number, msgspec.convert(row, Document)
            except msgspec.ValidationError as exc:
                error = InputError(path, row_number, document_problem({key: value for key, value in row.items() if value is not None}), str(exc))
                if skips is None:
                    raise error from exc
                skips.handle(error)


def write_parquet_documents(
    path: str, documents: Iterable[Document], transport_params: dict | None = None
) -> int:
    """Atomically write documents to one Parquet file; returns the number written."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [doc.to_dict() for doc in documents]
    table = pa.Table.from_pylist(rows) if rows else pa.table({"id": pa.array([], pa.string()),
                                                               "text": pa.array([], pa.string())})
    with atomic_writer(path, transport_params) as stream:
        pq.write_table(table, stream, compression="zstd")
    return len(rows)
