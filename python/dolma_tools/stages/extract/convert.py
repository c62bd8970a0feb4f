"""One WARC record to one Dolma document, or the reason it is not one.

Reasons (``dropped.<reason>`` counters): ``not_response`` (requests, warcinfo, metadata, revisits),
``http_status`` (not 2xx), ``not_html``, ``too_large``, ``no_record_id``, a decoding reason from
`decode` (``undecodable``, ``bad_content_encoding`` ...), ``extractor_error`` and
``no_main_text``. WET ``conversion`` records and ``text/plain`` resources are already text.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from dolma_tools.documents import Document
from dolma_tools.stages.extract.decode import Undecodable, declared_charset, header, http_body, to_text
from dolma_tools.stages.extract.html import Extractor, meta_tags, parse
from dolma_tools.stages.extract.records import Record

_TEXT_TYPES = ("text/plain",)


@dataclasses.dataclass(frozen=True)
class Settings:
    """What a conversion depends on (part of a task, so picklable)."""

    source: str
    added: str
    keep_headers: tuple[str, ...]
    keep_meta: tuple[str, ...]
    html_types: tuple[str, ...]
    max_payload_bytes: int


def document_id(record_id: str) -> str:
    """``<urn:uuid:X>`` → ``X``: stable across runs, and the id Common Crawl's indexes use."""
    value = record_id.strip().removeprefix("<").removesuffix(">")
    return value.removeprefix("urn:uuid:")


def _mime(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


def _content_type(record: Record) -> str | None:
    if record.record_type == "response" and record.http_status is not None:
        return header(record.http_headers, "content-type")
    return record.warc_content_type


def header_reason(record: Record, settings: Settings) -> str | None:
    """The reason ``record`` is no document that its headers alone give (before its payload is
    read), or None."""
    if record.record_type == "response" and record.http_status is not None:
        if record.http_status // 100 != 2:
            return "http_status"
    elif record.record_type not in ("resource", "conversion"):
        return "not_response"
    mime = _mime(_content_type(record))
    is_text = mime in _TEXT_TYPES and record.record_type != "response"
    if mime not in settings.html_types and not is_text:
        return "not_html"
    if record.payload_length > settings.max_payload_bytes:
        return "too_large"
    return None


def convert(record: Record, warc_file: str, settings: Settings, extract: Extractor) -> Document | str:
    """The document for ``record``, or the name of the reason it has none."""
    reason = header_reason(record, settings)
    if reason is not None:
        return reason
    content_type = _content_type(record)
    mime = _mime(content_type)
    is_text = mime in _TEXT_TYPES and record.record_type != "response"
    doc_id = document_id(record.record_id)
    if not doc_id:
        return "no_record_id"
    try:
        body = http_body(record.payload, record.http_headers)
        text, charset = to_text(body, declared_charset(content_type))
    except Undecodable as exc:
        return exc.reason
    meta: dict[str, str] = {}
    if not is_text:
        try:
            tree = parse(text)
            meta = meta_tags(tree, settings.keep_meta)
            text = extract(tree, text)
        except Exception:  # noqa: BLE001 - an extractor crash on one page is that page's problem
            return "extractor_error"
    text = text.strip()
    if not text:
        return "no_main_text"
    return Document(
        id=doc_id,
        text=text,
        source=settings.source,
        added=settings.added,
        created=record.date,
        metadata=_metadata(record, warc_file, mime, charset, meta, settings),
    )


def _metadata(record: Record, warc_file: str, mime: str, charset: str, meta: dict[str, str],
              settings: Settings) -> dict[str, Any]:
    headers = {name: value for name in settings.keep_headers
               if (value := header(record.http_headers, name)) is not None}
    return {
        "url": record.url,
        "content_type": mime,
        "charset": charset,
        "http_status": record.http_status,
        "headers": headers,
        "meta": meta,
        "warc_file": warc_file,
        "warc_offset": record.offset,
        "warc_record_id": record.record_id,
    }
