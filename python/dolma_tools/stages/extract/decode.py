"""From the bytes of an HTTP payload to text: transfer and content encodings, then the charset.

The charset is the first of these that decodes the whole page strictly: a byte-order mark, the
HTTP ``Content-Type`` charset, a ``<meta charset>`` in the first 4 KB, then Resiliparse's
detector (trained on web pages; it told cp1252, Shift_JIS, GB18030, KOI8-R and ISO-8859-2 apart
on short pages where charset-normalizer missed ISO-8859-2). A page none of them decodes is
`Undecodable`, counted by the stage, never decoded with replacement characters.
"""

from __future__ import annotations

import codecs
import re
import zlib

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE)
_HTTP_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_CHUNK_START = re.compile(rb"[0-9A-Fa-f]{1,16}[ \t]*(;[^\r\n]*)?\r\n")
SNIFF_BYTES = 4096


class Undecodable(ValueError):
    """A payload that cannot be turned into text; ``reason`` names the counter."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


def header(headers: list[tuple[str, str]], name: str) -> str | None:
    """The values of one HTTP header, joined with ``, `` as RFC 9110 allows; ``headers`` and ``name``
    are lower-cased (`records.Record.http_headers`)."""
    values = [value for key, value in headers if key == name]
    return ", ".join(values) if values else None


def _dechunk(data: bytes) -> bytes:
    out: list[bytes] = []
    position = 0
    while True:
        line_end = data.find(b"\r\n", position)
        if line_end < 0:
            raise Undecodable("bad_chunked_encoding", "a chunk size line is missing")
        size_text = data[position:line_end].split(b";")[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            raise Undecodable("bad_chunked_encoding", f"bad chunk size {size_text[:20]!r}") from None
        if size == 0:
            return b"".join(out)
        start = line_end + 2
        if start + size > len(data):
            raise Undecodable("bad_chunked_encoding", "a chunk runs past the end of the payload")
        out.append(data[start:start + size])
        position = start + size + 2


def _inflate(data: bytes, coding: str) -> bytes:
    if coding in ("gzip", "x-gzip"):
        if not data.startswith(b"\x1f\x8b"):
            return data  # the crawler stored it decoded and kept the header
        wbits = 31
    elif coding == "deflate":
        wbits = 15 if data[:1] == b"\x78" else -15  # zlib-wrapped as the RFC says, or raw as servers send
    elif coding == "br":
        try:
            import brotli
        except ImportError:
            raise Undecodable("unsupported_content_encoding", "br (install 'brotli' to decode it)") from None
        try:
            return brotli.decompress(data)
        except brotli.error as exc:
            raise Undecodable("bad_content_encoding", f"br: {exc}") from None
    else:
        raise Undecodable("unsupported_content_encoding", coding)
    inflater = zlib.decompressobj(wbits)
    try:
        body = inflater.decompress(data)
    except zlib.error as exc:
        raise Undecodable("bad_content_encoding", f"{coding}: {exc}") from None
    if not inflater.eof:
        raise Undecodable("bad_content_encoding", f"{coding} data is cut short")
    return body


def http_body(payload: bytes, headers: list[tuple[str, str]]) -> bytes:
    """The entity body: ``Transfer-Encoding: chunked`` removed, ``Content-Encoding`` undone.

    Crawlers that already decoded the body mostly drop or rename these headers (Common Crawl
    does), but some keep them (pywb's ``iana.warc.gz`` says ``chunked`` over plain HTML), so a
    payload that does not start like its declared encoding is taken as already decoded.
    """
    chunked = "chunked" in (header(headers, "transfer-encoding") or "").lower()
    if chunked and _CHUNK_START.match(payload):
        payload = _dechunk(payload)
    codings = [c.strip().lower() for c in (header(headers, "content-encoding") or "").split(",") if c.strip()]
    for coding in reversed(codings):
        if coding != "identity":
            payload = _inflate(payload, coding)
    return payload


def _usable(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def declared_charset(content_type: str | None) -> str | None:
    """The charset named in a ``Content-Type`` value, if Python knows it."""
    match = _HTTP_CHARSET.search(content_type or "")
    return _usable(match.group(1)) if match else None


def to_text(body: bytes, http_charset: str | None) -> tuple[str, str]:
    """Decode ``body`` with the first charset that decodes it strictly; returns (text, charset)."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return _strict(body[len(bom):], name, "bom")
    candidates = [http_charset]
    meta = _META_CHARSET.search(body[:SNIFF_BYTES])
    if meta:
        candidates.append(_usable(meta.group(1).decode("ascii")))
    for name in dict.fromkeys(c for c in candidates if c):
        try:
            return body.decode(name), name
        except (UnicodeDecodeError, LookupError):
            continue
    from resiliparse.parse.encoding import detect_encoding

    detected = _usable(detect_encoding(body)) or "utf-8"
    return _strict(body, detected, "detected")


def _strict(body: bytes, name: str, how: str) -> tuple[str, str]:
    try:
        return body.decode(name), name
    except UnicodeDecodeError as exc:
        raise Undecodable("undecodable", f"not valid {name} ({how}): {exc.reason} at byte {exc.start}") from None
