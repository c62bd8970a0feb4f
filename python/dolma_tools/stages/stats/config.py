"""The ``stats`` stage config."""

from __future__ import annotations

from pydantic import Field

from dolma_tools.config.models import ExecutionConfig, StrList

class StatsConfig(ExecutionConfig):
    """``dolma-tools stats``: measure documents, their attribute sidecars and token shards."""

    documents: StrList = Field(default_factory=list)
    """Document files, folders or globs (below a ``documents/`` folder when attributes are read)."""
    attributes: StrList | None = None
    """Attribute sets to read (names under ``attributes/``); default: every set found beside the
    documents (local paths only; give the names for remote ones)."""
    tokens: StrList = Field(default_factory=list)
    """Token outputs of ``mix``: a ``manifest.json`` or the folder that holds one (repeatable)."""
    language: str | None = None
    """Attribute prefix ``<set>__<tagger>`` of the language-ID keys (``doc_<lang>``); default: the
    first tagger of the sets read whose name contains ``langid``."""
    output: str = "stats"
    """Folder for ``stats.json``, ``report.html``, ``_summary.json`` and the per-file partial results."""
    title: str = "dolma-tools stats"
    """Heading of ``report.html``."""
