"""``dolma-tools extract``: its config, and the check that the optional packages are installed."""

from __future__ import annotations

import datetime
import importlib.util
from typing import Literal

from pydantic import Field, field_validator

from dolma_tools.config.models import ExecutionConfig, FileName, StrList
from dolma_tools.errors import ConfigError

SIGNAL_HEADERS = ("x-robots-tag", "tdm-reservation", "tdm-policy", "content-usage", "link")
"""HTTP response headers kept in ``metadata.headers``: the ones sites use to say how pages may be
used (X-Robots-Tag ``noai``, TDMRep, IETF aipref ``Content-Usage``; ``Link`` can point to a TDM
policy)."""

SIGNAL_META = ("robots", "googlebot", "bingbot", "gptbot", "ccbot", "claudebot", "google-extended",
               "tdm-reservation", "tdm-policy", "content-usage", "x-robots-tag")
"""``<meta>`` names (or ``http-equiv``) kept in ``metadata.meta``."""



class ExtractConfig(ExecutionConfig):
    """``dolma-tools extract``: WARC/WET files to Dolma documents, one documents file per WARC file."""

    warcs: StrList = Field(min_length=1)
    """WARC/WET/ARC files, folders or globs (``.warc``, ``.warc.gz``, ``.wet``, ``.wet.gz``, ``.arc``,
    ``.arc.gz``; local or s3://)."""
    destination: str
    """Output root: documents go to ``<destination>/documents/<source>/<warc name>.jsonl.gz``."""
    source: FileName = "common-crawl"
    """The documents' ``source`` field and the folder below ``documents/``."""
    extractor: Literal["resiliparse", "trafilatura"] = "resiliparse"
    """Main-text extractor: ``resiliparse`` (fast) or ``trafilatura`` (better boilerplate removal, slower)."""
    added: str | None = None
    """The ``added`` time stamp of every document; default: today's date (UTC). Set it to get
    byte-identical output from runs on different days."""
    keep_headers: StrList = Field(default_factory=lambda: list(SIGNAL_HEADERS))
    """HTTP response headers copied to ``metadata.headers`` (case-insensitive)."""
    keep_meta: StrList = Field(default_factory=lambda: list(SIGNAL_META))
    """``<meta>`` names copied to ``metadata.meta`` (case-insensitive)."""
    html_types: StrList = Field(default_factory=lambda: ["text/html", "application/xhtml+xml"])
    """HTTP content types treated as HTML; other responses are counted as ``dropped.not_html``."""
    max_payload_bytes: int = Field(default=16 << 20, ge=1)
    """Pages larger than this are counted as ``dropped.too_large`` instead of parsed."""

    @field_validator("added", mode="before")
    @classmethod
    def _iso(cls, value: object) -> object:
        """YAML (and ``--added 2024-05-01``) read a bare date as a date: keep it as written."""
        return value.isoformat() if isinstance(value, datetime.date) else value

    @field_validator("keep_headers", "keep_meta", "html_types")
    @classmethod
    def _lower(cls, values: list[str]) -> list[str]:
        return [v.strip().lower() for v in values]


def require_packages(extractor: str) -> None:
    """Fail before any work when the optional ``warc`` packages are missing."""
    from dolma_tools.stages.extract.html import REQUIRED_MODULES

    missing = [m for m in REQUIRED_MODULES[extractor] if importlib.util.find_spec(m) is None]
    if missing:
        raise ConfigError(
            f"extract with extractor {extractor!r} needs {', '.join(missing)}: "
            "pip install 'dolma-tools[warc]'"
        )
