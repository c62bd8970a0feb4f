"""Streaming reads of documents and attributes, with precise errors, and line-oriented writes.

Every reader yields ``(line_number, value)`` with 1-based line numbers (row numbers for Parquet)
so that each stage can report ``file:line: reason``. A bad line raises `InputError` unless a
`SkipCounter` is given, in which case it is counted by reason and left out. Memory per file is
constant: one line (or one Parquet batch) at a time.
"""

from __future__ import annotations

import collections
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

import msgspec

from dolma_tools.documents import Document, Span
from dolma_tools.errors import InputError
from dolma_tools.io.compression import DECOMPRESSION_ERRORS, atomic_writer, open_read

_BOM = b"\xef\xbb\xbf"
_decode_document = msgspec.json.Decoder(Document).decode
_decode_any = msgspec.json.Decoder().decode
_encode = msgspec.json.Encoder().encode


class SkipCounter(collections.Counter):
    """Counts lines left out, by reason, under ``on_error: skip``."""

    def handle(self, error: InputError) -> None:
        self[error.reason] += 1


def _line_error(path: str, line_number: int, exc: Exception) -> InputError:
    if isinstance(exc, UnicodeDecodeError):
        return InputError(path, line_number, "invalid_utf8", str(exc))
    if isinstance(exc, msgspec.ValidationError):
        message = str(exc)
        reason = "missing_field" if "missing required field" in message else "wrong_type"
        return InputError(path, line_number, reason, message)
    return InputError(path, line_number, "malformed_json", str(exc))


READ_BLOCK = 4 << 20
"""Decompressed bytes read at a time; lines are cut out of each block with one ``split``."""


def _split_lines(stream: BinaryIO) -> Iterator[bytes]:
    """Lines of ``stream`` without their ``\n``, a line spanning two blocks joined."""
    tail = b""
    while block := stream.read(READ_BLOCK):
        lines = block.split(b"\n")
        if tail:
            lines[0] = tail + lines[0]
        tail = lines.pop()
        yield from lines
    if tail:
        yield tail


def iter_lines(path: str, transport_params: dict | None = None) -> Iterator[tuple[int, bytes]]:
    """Yield ``(line_number, raw_line)`` (no newline); a corrupt or truncated archive is an `InputError`."""
    line_number = 0
    try:
        with open_read(path, transport_params) as stream:
            for line_number, line in enumerate(_split_lines(stream), start=1):
                if line_number == 1 and line.startswith(_BOM):
                    line = line[len(_BOM):]
                yield line_number, line
    except FileNotFoundError as exc:
        raise InputError(path, None, "not_found", str(exc)) from exc
    except DECOMPRESSION_ERRORS as exc:
        raise InputError(path, line_number + 1, "truncated_or_corrupt_archive", str(exc)) from exc


def _decode_lines(
    path: str,
    decode,
    skips: SkipCounter | None,
    transport_params: dict | None,
) -> Iterator[tuple[int, Any]]:
    try:
        for line_number, line in iter_lines(path, transport_params):
            try:
                yield line_number, decode(line)
                continue
            except (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError) as exc:
                error = (_line_error(path, line_number, exc) if line.strip()
                         else InputError(path, line_number, "blank_line", "empty line in a JSONL file"))
            if skips is None:
                raise error
            skips.handle(error)
    except InputError as error:  # with skips, only a damaged archive gets here: the rest of the file is lost
        if skips is None:
            raise
        skips.handle(error)


def iter_documents(
    path: str,
    *,
    skips: SkipCounter | None = None,
    transport_params: dict | None = None,
) -> Iterator[tuple[int, Document]]:
    """Yield ``(line_number, Document)`` from a JSONL (any compression) or Parquet file."""
    if path.endswith(".parquet"):
        from dolma_tools.io.parquet import iter_parquet_documents

        yield from iter_parquet_documents(path, skips=skips, transport_params=transport_params)
        return
    yield from _decode_lines(path, _decode_document, skips, transport_params)


class _AttributeLine(msgspec.Struct):
    id: str
    attributes: dict[str, list[tuple[int, int, float]]]


_decode_attribute_line = msgspec.json.Decoder(_AttributeLine).decode


def iter_attributes(
    path: str, *, transport_params: dict | None = None
) -> Iterator[tuple[int, str, dict[str, list[tuple[int, int, float]]]]]:
    """Yield ``(line_number, id, attributes)`` from an attribute sidecar; any bad line is fatal."""
    for line_number, record in _decode_lines(path, _decode_attribute_line, None, transport_params):
        yield line_number, record.id, record.attributes


def iter_json(path: str, *, transport_params: dict | None = None) -> Iterator[tuple[int, Any]]:
    """Yield ``(line_number, object)`` for JSONL files of any shape (eval sets, labels ...)."""
    yield from _decode_lines(path, _decode_any, None, transport_params)


def encode_attributes(doc_id: str, attributes: dict[str, list[Span]]) -> bytes:
    """One attribute-sidecar line, newline included."""
    return _encode({"id": doc_id, "attributes": attributes}) + b"\n"


def encode_json(value: Any) -> bytes:
    """One JSONL line, newline included."""
    return _encode(value) + b"\n"


def write_lines(path: str, lines: Iterable[bytes], transport_params: dict | None = None) -> int:
    """Atomically write pre-encoded lines; returns the number written."""
    count = 0
    with atomic_writer(path, transport_params) as stream:
        for line in lines:
            stream.write(line)
            count += 1
    return count
