"""WARC files for the extract tests: the real crawl pywb ships, and small ones written here."""

from __future__ import annotations

import gzip
import importlib.metadata
import io
from pathlib import Path

import pytest

PYWB = "pywb==2.10.0"


def pywb_warc(name: str = "iana.warc.gz") -> Path | None:
    """A file of pywb's ``sample_archive/warcs`` (installed with ``pip install --no-deps pywb``)."""
    try:
        files = importlib.metadata.files("pywb") or []
    except importlib.metadata.PackageNotFoundError:
        return None
    for file in files:
        if str(file).endswith(f"sample_archive/warcs/{name}"):
            return Path(str(file.locate())).resolve()
    return None


needs_pywb = pytest.mark.skipif(pywb_warc() is None, reason=f"needs the crawl in pywb (pip install --no-deps {PYWB})")


def html_page(title: str, paragraph: str, head: str = "") -> str:
    return (f"<html><head><title>{title}</title>{head}</head><body><nav>Home | About</nav>"
            f"<article><h1>{title}</h1><p>{paragraph}</p></article></body></html>")


def response_record(url: str, body: bytes, headers: list[tuple[str, str]] | None = None,
                    status: str = "200 OK") -> bytes:
    """One uncompressed WARC response record, as warcio writes it."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=False)
    http = StatusAndHeaders(status, headers or [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http,
                                                  length=len(body)))
    return buffer.getvalue()


def request_record(url: str) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=False)
    http = StatusAndHeaders(f"GET {url} HTTP/1.1", [("Host", "example.com")], is_http_request=True)
    writer.write_record(writer.create_warc_record(url, "request", http_headers=http))
    return buffer.getvalue()


def write_warc(path: Path, records: list[bytes], compress: bool = True) -> Path:
    """Records as one gzip member each (as crawlers write them), or concatenated."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"".join(gzip.compress(r, mtime=0) for r in records) if compress else b"".join(records))
    return path


def pages(count: int) -> list[bytes]:
    return [
        response_record(f"http://site{i}.example/page", html_page(
            f"Page {i}", f"Gardens number {i} grow tomatoes, beans and sunflowers along a sunny wall. " * 3,
        ).encode())
        for i in range(count)
    ]
