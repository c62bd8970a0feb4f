"""Streaming reads of documents and attributes, with precise errors, and line-oriented writes.

Every reader yields ``(line_number, value)`` with 1-based line numbers (row numbers for Parquet)
so that each stage can report ``file:line: reason``; `iter_document_columns` yields the ids and
texts of blocks of documents instead. A bad line raises `InputError` unless a `SkipCounter` is
given, in which case it is counted by reason and left out. Memory per file is constant: one
block of lines (or one Parquet batch) at a time.
"""

from __future__ import annotations

import collections
import dataclasses
import itertools
import logging
from collections.abc import Iterable, Iterator
from typing import Any

import msgspec

from dolma_tools._core import StringColumn, scan_documents
from dolma_tools.documents import Document, document_problem
from dolma_tools.errors import InputError
from dolma_tools.io.formats import is_parquet
from dolma_tools.io.compression import DECOMPRESSION_ERRORS, EmptyArchiveError, atomic_writer, read_blocks

_BOM = b"\xef\xbb\xbf"
_LINE_ERRORS = (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError)
_decode_document = msgspec.json.Decoder(Document).decode
_decode_any = msgspec.json.Decoder().decode
_encode = msgspec.json.Encoder().encode


_log = logging.getLogger(__name__)
_LOGGED_REASONS = frozenset({"truncated_or_corrupt_archive", "empty_file", "corrupt_parquet"})
"""Skips that lose a whole file or its tail: each is also logged with its place."""


class SkipCounter(collections.Counter):
    """Counts lines left out, by reason, under ``on_error: skip``."""

    def handle(self, error: InputError) -> None:
        self[error.reason] += 1
        if error.reason in _LOGGED_REASONS:
            _log.warning("skipped %s", error)


def _line_problem(line: bytes) -> str:
    """Why a line the typed decoder refused is bad, judged from its bytes: not UTF-8, not JSON,
    or JSON of the wrong shape."""
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return "invalid_utf8"
    try:
        value = _decode_any(line)
    except msgspec.DecodeError:
        return "malformed_json"
    return document_problem(value)


def _line_error(path: str, line_number: int, line: bytes, exc: Exception) -> InputError:
    return InputError(path, line_number, _line_problem(line), str(exc))


READ_BLOCK = 4 << 20
"""Decompressed bytes read at a time; lines are cut out of each block with one ``split``."""


def _chunks(path: str, transport_params: dict | None) -> Iterator[bytes]:
    """The decompressed file in blocks of about ``READ_BLOCK`` bytes, a leading BOM dropped. Missing
    files and damaged archives raise as they are, after every byte decoded before the damage: the
    callers know which line they reached."""
    blocks = read_blocks(path, READ_BLOCK, transport_params)
    first = next(blocks, b"")
    yield first[len(_BOM):] if first.startswith(_BOM) else first
    yield from blocks


def _read_error(path: str, line: int, exc: Exception) -> InputError:
    if isinstance(exc, FileNotFoundError):
        return InputError(path, None, "not_found", str(exc))
    if isinstance(exc, EmptyArchiveError):
        return InputError(path, None, "empty_file", str(exc))
    return InputError(path, line, "truncated_or_corrupt_archive", str(exc))


_READ_ERRORS = (FileNotFoundError, *DECOMPRESSION_ERRORS)


def _line_blocks(path: str, transport_params: dict | None) -> Iterator[tuple[int, bytes]]:
    """``(number of its first line, block)``: the file as blocks of whole lines joined by ``\n``
    (``block.split(b"\n")`` are its lines); a corrupt or truncated archive is an `InputError`."""
    first = 1
    tail = b""
    try:
        for chunk in _chunks(path, transport_params):
            block = tail + chunk if tail else chunk
            cut = block.rfind(b"\n")
            if cut < 0:
                tail = block
                continue
            block, tail = block[:cut], block[cut + 1:]
            yield first, block
            first += block.count(b"\n") + 1
        if tail:  # the last line, without a newline
            yield first, tail
    except _READ_ERRORS as exc:
        raise _read_error(path, first, exc) from exc


def iter_lines(path: str, transport_params: dict | None = None) -> Iterator[tuple[int, bytes]]:
    """Yield ``(line_number, raw_line)`` (no newline); a corrupt or truncated archive is an `InputError`."""
    for first, block in _line_blocks(path, transport_params):
        yield from enumerate(block.split(b"\n"), start=first)


def _bad_line(path: str, line_number: int, line: bytes, exc: Exception) -> InputError:
    if not line.strip():
        return InputError(path, line_number, "blank_line", "empty line in a JSONL file")
    return _line_error(path, line_number, line, exc)


def decode_lines(
    path: str,
    decode,
    skips: SkipCounter | None,
    transport_params: dict | None,
) -> Iterator[tuple[int, Any]]:
    """``(line_number, decode(line))`` for every line; a bad line is raised, or counted in ``skips``."""
    try:
        for line_number, line in iter_lines(path, transport_params):
            try:
                yield line_number, decode(line)
                continue
            except _LINE_ERRORS as exc:
                error = _bad_line(path, line_number, line, exc)
            if skips is None:
                raise error
            skips.handle(error)
    except InputError as error:  # with skips, only a damaged archive gets here: its damaged tail is one skip
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
    if is_parquet(path):
        from dolma_tools.io.parquet import iter_parquet_documents

        yield from iter_parquet_documents(path, skips=skips, transport_params=transport_params)
        return
    yield from decode_lines(path, _decode_document, skips, transport_params)


@dataclasses.dataclass(frozen=True)
class DocumentColumns:
    """The ``id``, ``text`` and ``source`` of a run of documents, packed (no Python object per document)."""

    ids: StringColumn
    texts: StringColumn
    sources: StringColumn

    def __len__(self) -> int:
        return len(self.ids)


def iter_document_columns(
    path: str,
    *,
    skips: SkipCounter | None = None,
    transport_params: dict | None = None,
) -> Iterator[DocumentColumns]:
    """The ``id``, ``text`` and ``source`` of every document of a file, a block at a time, for stages
    that need nothing else: the same documents, errors and skips as `iter_documents`, read several times faster.

    JSONL blocks are scanned in Rust (``scan_documents``); a line the scanner refuses is decoded
    here as `iter_documents` decodes it, so errors keep their file, line and reason, and a line
    msgspec accepts after all (a repeated key, say) sends its block down the slow road.
    """
    if is_parquet(path):
        yield from _columns_of_documents(iter_documents(path, skips=skips, transport_params=transport_params))
        return
    first = 1
    tail = b""
    try:
        for data in itertools.chain(_chunks(path, transport_params), [b""]):  # b"": the end of the file
            last = not data
            if last and not tail:
                break
            ids, texts, sources, rejected, lines, consumed = scan_documents(data, tail, last=last)
            columns = DocumentColumns(ids, texts, sources)
            if rejected:
                columns = _arbitrate(path, first, tail + data[:consumed], last, columns, rejected, skips)
            if len(columns.ids):
                yield columns
            first += lines
            tail = data[consumed:] if lines else tail + data  # (a line longer than a block)
    except (*_READ_ERRORS, InputError) as exc:
        error = exc if isinstance(exc, InputError) else _read_error(path, first, exc)
        if skips is None:
            raise error from (None if error is exc else exc)
        skips.handle(error)  # with skips, only a damaged archive gets here: its damaged tail is one skip


def _arbitrate(path: str, first: int, scanned: bytes, last: bool, columns: DocumentColumns,
               rejected: list[int], skips: SkipCounter | None) -> DocumentColumns:
    """Decide the lines the scanner refused, in line order: errors are raised or counted; if msgspec
    accepts one, the block's columns are rebuilt with it in its place."""
    lines = scanned.split(b"\n")
    if not last:
        lines.pop()  # the empty piece after the block's last newline
    accepted: dict[int, Document] = {}
    for index in rejected:
        try:
            accepted[index] = _decode_document(lines[index])
        except _LINE_ERRORS as exc:
            error = _bad_line(path, first + index, lines[index], exc)
            if skips is None:
                raise error from None
            skips.handle(error)
    if not accepted:
        return columns
    refused = set(rejected)
    fast = iter(range(len(columns.ids)))
    documents: list[Document] = []
    for index in range(len(lines)):
        if index in accepted:
            documents.append(accepted[index])
        elif index not in refused:
            position = next(fast)
            documents.append(Document(id=columns.ids[position], text=columns.texts[position],
                                      source=columns.sources[position]))
    return _packed(documents)


def _packed(documents: list[Document]) -> DocumentColumns:
    return DocumentColumns(StringColumn.from_list([d.id for d in documents]), StringColumn.from_list([d.text for d in documents]),
                           StringColumn.from_list([d.source for d in documents]))


def _columns_of_documents(documents: Iterator[tuple[int, Document]], batch: int = 8192) -> Iterator[DocumentColumns]:
    run: list[Document] = []
    for _, doc in documents:
        run.append(doc)
        if len(run) == batch:
            yield _packed(run)
            run = []
    if run:
        yield _packed(run)


def iter_json(path: str, *, transport_params: dict | None = None) -> Iterator[tuple[int, Any]]:
    """Yield ``(line_number, object)`` for JSONL files of any shape (eval sets, labels ...)."""
    yield from decode_lines(path, _decode_any, None, transport_params)


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


def decode_document_line(path: str, line_number: int, line: bytes) -> Document:
    """One JSONL line as a `Document`, or the `InputError` `iter_documents` would raise for it."""
    try:
        return _decode_document(line)
    except _LINE_ERRORS as exc:
        raise _bad_line(path, line_number, line, exc) from None
