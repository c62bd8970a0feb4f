"""ARC files (``.arc``, ``.arc.gz``: the Internet Archive's format before WARC), read with warcio
(FastWARC reads no ARC) into the same `Record` as WARC records, checked as strictly.

warcio forgives damage as FastWARC does: a record cut short comes back short, a declared length
of ``-1`` or ``abc`` reads as an empty record, a length that lies only prints a warning, and a
file cut inside a header just ends. So every declared length must be a number and be read in
full, a record followed by stray bytes is an error, a record is held back until the next one
parses, the bytes after the last record must be line ends, and a ``.arc.gz`` must end with a
complete gzip member.

ARC records have no record id: the id is a UUID derived from the file's name and the record's
offset in it (stable across runs and worker counts, unique while file names are), and the date
is the ARC's ``YYYYMMDDhhmmss`` written as WARC writes dates.
"""

from __future__ import annotations

import os
import re
import uuid
import zlib
from collections.abc import Callable, Iterator

from dolma_tools.errors import InputError
from dolma_tools.io.compression import open_raw
from dolma_tools.stages.extract.records import TAIL_LIMIT, Record

ARC_SUFFIXES = (".arc", ".arc.gz")
_ID_NAMESPACE = uuid.UUID("0b4c3a4e-5d8e-4c61-9a3a-2f6f1d6c7a10")
"""Namespace of ARC record ids (any fixed UUID; changing it changes every ARC document id)."""
_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})")


def is_arc(path: str) -> bool:
    return path.lower().endswith(ARC_SUFFIXES)


def record_id(path: str, offset: int) -> str:
    """``<urn:uuid:...>`` for the record at ``offset`` of the file named like ``path``."""
    return f"<urn:uuid:{uuid.uuid5(_ID_NAMESPACE, f'{os.path.basename(path)}#{offset}')}>"


def _date(value: str) -> str | None:
    match = _DATE.match(value or "")
    return "{}-{}-{}T{}:{}:{}Z".format(*match.groups()) if match else None


def _record(raw, path: str, iterator, wanted: Callable[[Record], bool] | None) -> Record:
    """One warcio record as a `Record`; its offset is known only once its payload is read."""
    headers = dict(raw.rec_headers.headers)
    declared = headers.get("length", "")
    if not declared.isdigit():
        where = f"after byte {iterator.offset}" if iterator.offset else "at the start"
        raise InputError(path, None, "corrupt_record", f"a record {where} declares length {declared!r}")
    http = raw.http_headers
    status = http.get_statuscode() if http is not None else None
    record = Record(
        offset=-1,
        record_id="",
        record_type="response" if raw.rec_type == "response" else "arc_header",
        date=_date(headers.get("archive-date", "")),
        url=headers.get("uri"),
        warc_content_type=headers.get("content-type") or "",
        http_status=int(status) if status and status.isdigit() else None,
        http_headers=[(name.lower(), value) for name, value in (http.headers if http is not None else [])],
        payload=b"",
        payload_length=0,
    )
    stream = raw.raw_stream
    if wanted is None or wanted(record):
        record.payload = stream.read()
    else:
        while stream.read(1 << 16):
            pass
    record.payload_length = len(record.payload)
    if getattr(stream, "limit", 0) > 0:
        raise InputError(path, None, "truncated_record",
                         f"a record after byte {iterator.offset} declares {declared} bytes but the file ends before them")
    errors = iterator.err_count
    record.offset = iterator.get_record_offset()  # reads to the record's end: after the payload
    if iterator.err_count > errors:  # warcio found bytes, not a line end, after the declared length
        raise InputError(path, None, "corrupt_record",
                         f"the record at byte {record.offset} is followed by stray bytes: its declared length {declared} is wrong")
    record.record_id = record_id(path, record.offset)
    return record


def iter_arc_records(path: str, transport_params: dict | None = None,
                     wanted: Callable[[Record], bool] | None = None) -> Iterator[Record]:
    """Every record of an ARC file, as `records.iter_records` gives WARC records (same errors)."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    held: Record | None = None
    end = 0  # where the last record read ends in the file as stored
    try:
        with open_raw(path, transport_params) as stream:
            iterator = ArchiveIterator(stream)
            for raw in iterator:
                try:
                    record = _record(raw, path, iterator, wanted)
                except InputError:
                    if held is not None:
                        yield held
                    raise
                end = record.offset + iterator.get_record_length()
                if held is not None:
                    yield held
                held = record
    except FileNotFoundError as exc:
        raise InputError(path, None, "not_found", str(exc)) from None
    except (ArchiveLoadFailed, OSError, ValueError, EOFError, zlib.error) as exc:
        where = f"after the record at byte {held.offset}" if held else "in the first record"
        raise InputError(path, None, "corrupt_record", f"{where}: {exc}") from None
    _check_end(path, end, transport_params)
    if path.lower().endswith(".gz"):
        _check_gzip_members(path, transport_params)
    if held is not None:
        yield held


def _check_end(path: str, end: int, transport_params: dict | None) -> None:
    """Nothing but line ends after the last record (warcio stops quietly inside a header)."""
    with open_raw(path, transport_params) as stream:
        stream.seek(end)
        rest = stream.read(TAIL_LIMIT)
    if rest.strip(b"\r\n"):
        what = "no ARC record could be read from the file" if end == 0 else f"the file does not end with a complete record after byte {end}"
        raise InputError(path, None, "truncated_archive" if end else "corrupt_record", what)


def _check_gzip_members(path: str, transport_params: dict | None) -> None:
    """Every gzip member of the file complete, its trailer included (warcio does not check)."""
    inflater = None  # the member being read; None between members
    with open_raw(path, transport_params) as stream:
        while chunk := stream.read(1 << 20):
            while chunk:
                inflater = inflater or zlib.decompressobj(wbits=31)
                try:
                    inflater.decompress(chunk)
                except zlib.error as exc:
                    raise InputError(path, None, "truncated_archive", f"gzip data: {exc}") from None
                chunk, inflater = (inflater.unused_data, None) if inflater.eof else (b"", inflater)
    if inflater is not None:
        raise InputError(path, None, "truncated_archive", "the last gzip member is cut short")
