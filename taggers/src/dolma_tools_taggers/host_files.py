"""Per-host files a site publishes at a fixed path (robots.txt, ``/.well-known/tdmrep.json``), from
the store a user gives: WARC files, a JSONL file, or a folder of ``<host><suffix>`` files.

* WARC (``.warc``, ``.warc.gz``, or a folder of them): the response records of ``<url_path>``
  URLs, as Common Crawl publishes its robots.txt fetches. A 2xx response is the host's file
  (transfer and content encodings undone); a 4xx says the host has none (the same as absent);
  other statuses (redirects, server errors) say nothing and are skipped, so are other URLs and
  record types. When a host was fetched more than once the latest ``WARC-Date`` wins (the later
  record in file order on a tie).
* JSONL (plain or ``.gz``/``.zst``): ``{"host": ..., "body": <text>, "fetched": <date>}`` lines;
  ``"status": 404`` (any 4xx) or no body records that the host has none.
* A folder of ``<host><suffix>`` files (the fetch date is then unknown).

Bodies are text: a UTF-8 byte-order mark is dropped and undecodable bytes replaced (robots.txt and
JSON are meant to be UTF-8; parsers ignore what they cannot read).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from urllib.parse import urlsplit

from dolma_tools.errors import InputError
from dolma_tools.io import iter_json

from dolma_tools_taggers.blocklist import normalize_host

_BOM = "\ufeff"
WARC_SUFFIXES = (".warc", ".warc.gz")

HostFile = tuple[str, str, "str | None"]
"""``(normalized host, body, fetch date or None)``."""


def read_host_files(path: str, url_path: str, suffix: str, kind: str) -> dict[str, tuple[str, str | None]]:
    """host → ``(body, fetched)`` from a store (see the module's docstring); ``kind`` names the
    files in errors (``bad_<kind>_entry``)."""
    if os.path.isdir(path):
        names = sorted(os.listdir(path))
        warcs = [os.path.join(path, n) for n in names if n.lower().endswith(WARC_SUFFIXES)]
        entries = _read_warcs(warcs, url_path) if warcs else _read_folder(path, names, suffix)
    elif path.lower().endswith(WARC_SUFFIXES):
        entries = _read_warcs([path], url_path)
    elif os.path.isfile(path) or "://" in path:
        entries = _read_jsonl(path, kind)
    else:
        raise FileNotFoundError(f"{kind} store not found: {path!r} (WARC files, a JSONL file or a folder of <host>{suffix})")
    return {host: (body, fetched) for host, body, fetched in entries}


def _decode(data: bytes) -> str:
    return data.decode("utf-8", errors="replace").removeprefix(_BOM)


def _read_folder(path: str, names: list[str], suffix: str) -> Iterable[HostFile]:
    for name in names:
        if name.endswith(suffix) and (host := normalize_host(name[: -len(suffix)])):
            with open(os.path.join(path, name), "rb") as handle:
                yield host, _decode(handle.read()), None


def _read_jsonl(path: str, kind: str) -> Iterable[HostFile]:
    for line, entry in iter_json(path):
        if not isinstance(entry, dict) or not isinstance(entry.get("host"), str):
            raise InputError(path, line, f"bad_{kind}_entry", 'expected {"host": ..., "body": ..., "fetched": ...}')
        host = normalize_host(entry["host"])
        body = entry.get("body")
        status = entry.get("status", 200)
        if host is None or not (body is None or isinstance(body, str)) or not isinstance(status, int):
            raise InputError(path, line, f"bad_{kind}_entry", f"host {entry['host']!r}: bad host, body or status")
        if 400 <= status < 500 or body is None:
            continue  # the host says it has none: no restriction, the same as absent
        fetched = entry.get("fetched")
        yield host, body.removeprefix(_BOM), str(fetched) if fetched is not None else None


def _read_warcs(paths: list[str], url_path: str) -> Iterator[HostFile]:
    """The latest 2xx fetch of ``url_path`` per host; a later 4xx removes the host's file."""
    from dolma_tools.stages.extract.decode import Undecodable, http_body
    from dolma_tools.stages.extract.records import iter_records

    latest: dict[str, tuple[str, str | None]] = {}
    dates: dict[str, str] = {}
    for path in paths:
        for record in iter_records(path):
            if record.record_type != "response" or record.http_status is None or not record.url:
                continue
            url = urlsplit(record.url.strip())
            host = normalize_host(record.url.strip())
            if url.path != url_path or host is None or (record.date or "") < dates.get(host, ""):
                continue
            if 200 <= record.http_status < 300:
                try:
                    body = http_body(record.payload, record.http_headers)
                except Undecodable as exc:
                    raise InputError(path, None, exc.reason, f"record at byte {record.offset}: {exc}") from None
                latest[host] = (_decode(body), record.date)
            elif 400 <= record.http_status < 500:
                latest.pop(host, None)
            else:
                continue
            dates[host] = record.date or ""
    for host, (body, fetched) in latest.items():
        yield host, body, fetched
