"""Documents whose URL is on a user's domain blocklist (exact domain or any subdomain of it).

The list file has one domain a line (``#`` comments and blank lines ignored); a line may also be
a full URL, whose host is taken. The document's URL is read from ``metadata[url_field]``
(``url`` by default). Hosts are compared lower-cased, without a trailing dot, a port or user
info, and in IDNA (punycode) form, so ``Bücher.example`` and ``xn--bcher-kva.example`` are the
same entry. ``example.com`` blocks ``example.com`` and ``news.example.com`` but not
``badexample.com``. Key: ``blocked`` (document-level, 1.0 or 0.0; 0.0 when there is no URL).
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from dolma_tools.documents import Attributes, Document
from dolma_tools.taggers.base import Tagger, document_span


def normalize_host(value: str) -> str | None:
    """The comparable host of a URL or bare domain, or None when there is none."""
    value = value.strip()
    if not value:
        return None
    host = urlsplit(value if "//" in value else f"//{value}").hostname
    if not host:
        return None
    host = host.rstrip(".")
    if host.isascii():
        return host  # already its IDNA form; the codec would cost more than the rest together
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def read_domains(path: str) -> frozenset[str]:
    """The hosts of a domain list file (one domain or URL a line, ``#`` comments)."""
    if not os.path.isfile(path):
        raise FileNotFoundError(f"domain list not found: {path!r}")
    with open(path, encoding="utf-8") as handle:
        hosts = (normalize_host(line) for line in handle if not line.lstrip().startswith("#"))
        domains = frozenset(host for host in hosts if host)
    if not domains:
        raise ValueError(f"domain list {path!r} has no entries")
    return domains


def in_domains(host: str, domains: frozenset[str]) -> bool:
    """Whether ``host`` (normalized) is one of ``domains`` or a subdomain of one."""
    labels = host.split(".")
    return any(".".join(labels[i:]) in domains for i in range(len(labels)))


class DomainBlocklistTagger(Tagger):
    name = "domain_blocklist_v1"
    description = "1.0 when metadata.url's host is a listed domain or a subdomain of one (key: blocked)."
    keys = ("blocked",)

    def __init__(self, blocklist_path: str, url_field: str = "url") -> None:
        self.domains = read_domains(blocklist_path)
        self.url_field = url_field

    def is_blocked(self, url: str) -> bool:
        host = normalize_host(url)
        return host is not None and in_domains(host, self.domains)

    def predict(self, doc: Document) -> Attributes:
        url = (doc.metadata or {}).get(self.url_field)
        return {"blocked": document_span(doc, isinstance(url, str) and self.is_blocked(url))}
