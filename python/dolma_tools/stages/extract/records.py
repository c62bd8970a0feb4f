"""WARC and WET records, read with FastWARC and checked so that a damaged file is never read short.

FastWARC parses records fast but forgives what we must not: a file cut inside a record returns the
record's first bytes as if complete, and a file cut inside the next record's header or a gzip
trailer just ends the iteration (measured with FastWARC 2.0.1 at every cut position of a small
WARC). So each record's block is compared with its declared ``Content-Length``, and once the
iteration ends the bytes after the last record are read again and must be exactly that record,
its gzip members complete. A record whose declared length lies makes FastWARC fail on the record
after it; the record is held back until the next one parses, so the suspect one is never emitted.

Most records of a crawl are not documents (requests, images, scripts). A caller's ``wanted`` test
sees each record before its payload is read; the payload of an unwanted one is consumed (and its
length checked) without being copied.
"""

from __future__ import annotations

import dataclasses
import zlib
from collections.abc import Callable, Iterator

from dolma_tools.errors import InputError
from dolma_tools.io.compression import open_raw

TAIL_LIMIT = 256 << 20
"""Bytes after the last record read back for the end-of-file check (one record, in practice)."""


@dataclasses.dataclass(slots=True)
class Record:
    """One WARC record: what extraction needs, with the HTTP payload as raw bytes."""

    offset: int
    """Where the record starts in the file as stored (the gzip member's offset when compressed)."""
    record_id: str
    record_type: str
    date: str | None
    url: str | None
    warc_content_type: str
    http_status: int | None
    http_headers: list[tuple[str, str]]
    """``(lower-cased name, value)`` in file order."""
    payload: bytes
    """Empty when the reader's ``wanted`` test refused the record."""
    payload_length: int
    """The payload's length as the record declares it (checked against the bytes in the file)."""


def _fastwarc():
    """FastWARC's iterator, imported on use: the module loads without the ``warc`` extra."""
    from fastwarc.warc import ArchiveIterator

    return ArchiveIterator


def _record(raw, path: str, wanted: Callable[[Record], bool] | None) -> Record:
    """Copy one FastWARC record out, checking its block against the declared length; the payload
    stays empty when ``wanted`` says no."""
    headers = {name.lower(): value for name, value in reversed(raw.headers.items())}  # the first of a name wins
    record_type = str(raw.record_type)
    status = None
    http_headers: list[tuple[str, str]] = []
    if raw.is_http and record_type == "response":  # requests and revisits are never documents
        raw.parse_http(auto_decode="none")
        http = raw.http_headers
        status = http.status_code
        http_headers = [(name.lower(), value) for name, value in http.items()]
    expected = raw.content_length
    record = Record(
        offset=raw.stream_pos,
        record_id=headers.get("warc-record-id") or "",
        record_type=record_type,
        date=headers.get("warc-date"),
        url=headers.get("warc-target-uri"),
        warc_content_type=headers.get("content-type") or "",
        http_status=status,
        http_headers=http_headers,
        payload=b"",
        payload_length=expected,
    )
    if wanted is None or wanted(record):
        record.payload = raw.reader.read()
        length = len(record.payload)
    else:
        length = raw.reader.consume()
    if length != expected:
        declared = int(headers.get("content-length") or 0)
        raise InputError(
            path, None, "truncated_record",
            f"record at byte {raw.stream_pos} declares {declared} bytes but the file ends after "
            f"{declared - expected + length}",
        )
    return record


def iter_records(path: str, transport_params: dict | None = None,
                 wanted: Callable[[Record], bool] | None = None) -> Iterator[Record]:
    """Every record of a ``.warc``, ``.warc.gz``, ``.wet`` or ``.wet.gz`` file, in file order.

    ``wanted(record)``, when given, decides from the headers alone whether the
    payload is read; records it refuses come with an empty payload. Raises `InputError`
    (``not_found``, ``truncated_record``, ``corrupt_record`` or ``truncated_archive``) naming the
    byte offset; nothing after a damaged record is returned.
    """
    iterator_class = _fastwarc()
    held: Record | None = None
    try:
        with open_raw(path, transport_params) as stream:
            for raw in iterator_class(stream, parse_http=False, auto_decode="none"):
                try:
                    record = _record(raw, path, wanted)
                except InputError:
                    if held is not None:
                        yield held  # complete: it was followed by a parsable record
                    raise
                if held is not None:
                    yield held
                held = record
    except FileNotFoundError as exc:
        raise InputError(path, None, "not_found", str(exc)) from None
    except OSError as exc:
        where = f"after the record at byte {held.offset}" if held else "in the first record"
        raise InputError(
            path, None, "corrupt_record",
            f"{where}: {exc} (a record whose Content-Length is wrong, or damaged bytes)",
        ) from None
    _check_tail(path, held, transport_params)
    if held is not None:
        yield held


def _check_tail(path: str, last: Record | None, transport_params: dict | None) -> None:
    """The bytes from the last record to the end must be that record, complete, and nothing else."""
    start = last.offset if last else 0
    with open_raw(path, transport_params) as stream:
        stream.seek(start)
        tail = stream.read(TAIL_LIMIT + 1)
    if len(tail) > TAIL_LIMIT:
        return  # a record this large was length-checked already; reading more proves little
    data = _gunzip_members(path, start, tail) if tail[:2] == b"\x1f\x8b" else tail
    if last is None:
        if data.strip():
            raise InputError(path, None, "corrupt_record", "no WARC record could be read from the file")
        return
    header_end = data.find(b"\r\n\r\n")
    block_end = header_end + 4 + int(_header_value(data[:header_end], b"content-length") or 0)
    rest = data[block_end:] if header_end >= 0 else data
    if header_end < 0 or not rest.startswith(b"\r\n\r\n") or rest.strip(b"\r\n"):
        raise InputError(
            path, None, "truncated_archive",
            f"the file does not end with a complete record after byte {start} (cut short or damaged)",
        )


def _header_value(header: bytes, name: bytes) -> bytes | None:
    for line in header.split(b"\r\n")[1:]:
        key, _, value = line.partition(b":")
        if key.strip().lower() == name:
            return value.strip()
    return None


def _gunzip_members(path: str, start: int, data: bytes) -> bytes:
    """Concatenated gzip members, each required to be complete (trailer included)."""
    out = []
    while data:
        inflater = zlib.decompressobj(wbits=31)
        try:
            out.append(inflater.decompress(data))
        except zlib.error as exc:
            raise InputError(path, None, "truncated_archive", f"gzip data after byte {start}: {exc}") from None
        if not inflater.eof:
            raise InputError(path, None, "truncated_archive", f"the gzip member after byte {start} is cut short")
        data = inflater.unused_data
    return b"".join(out)
