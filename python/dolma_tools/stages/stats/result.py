"""`Stats`: the content of ``stats.json`` with lookups by dotted metric name, and a pandas view."""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas

_MISSING = object()


def _lookup(node: Any, parts: list[str]) -> Any:
    """Walk ``parts`` through nested dicts; a key may itself contain dots (``en.US``, file names)."""
    if not parts:
        return node
    if not isinstance(node, dict):
        return _MISSING
    for cut in range(len(parts), 0, -1):
        key = ".".join(parts[:cut])
        if key in node:
            found = _lookup(node[key], parts[cut:])
            if found is not _MISSING:
                return found
    return _MISSING


def _flatten(node: Any, prefix: str, out: dict[str, Any]) -> dict[str, Any]:
    """Dotted names of every number below ``node`` (histograms and config left out)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key not in ("histogram", "config", "sources", "cluster_sizes", "manifests"):
                _flatten(value, f"{prefix}{key}.", out)
    elif isinstance(node, (int, float)) and not isinstance(node, bool):
        out[prefix[:-1]] = node
    return out


class Stats:
    """Corpus statistics as written to ``stats.json``; ``stats["documents"]`` or ``stats.metric(...)``."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    @classmethod
    def load(cls, path: str | Path) -> Stats:
        with open(path, encoding="utf-8") as stream:
            return cls(json.load(stream))

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def metric(self, name: str, source: str | None = None) -> Any:
        """The value at dotted ``name`` (in ``sources.<source>`` when given); KeyError with the
        closest names when it does not exist."""
        root = self.data if source is None else self.data.get("sources", {}).get(source)
        if root is None:
            raise KeyError(f"no source {source!r}; sources: {', '.join(self.data.get('sources', {}))}")
        value = _lookup(root, name.split("."))
        if value is _MISSING:
            close = difflib.get_close_matches(name, list(self.metrics(source)), n=3)
            raise KeyError(f"no metric {name!r}" + (f" in source {source!r}" if source else "")
                           + (f"; did you mean {', '.join(close)}?" if close else ""))
        return value

    def metrics(self, source: str | None = None) -> dict[str, Any]:
        """Every numeric metric by dotted name (overall, or of one source)."""
        root = self.data if source is None else self.data["sources"][source]
        return _flatten(root, "", {})

    @property
    def sources(self) -> list[str]:
        return list(self.data.get("sources", {}))

    def to_dict(self) -> dict[str, Any]:
        return self.data

    def to_json(self) -> str:
        return json.dumps(self.data, indent=2, sort_keys=True) + "\n"

    def to_pandas(self) -> pandas.DataFrame:
        """One row per source plus ``all``; one column per numeric metric (dotted names)."""
        import pandas as pd

        rows = {source: self.metrics(source) for source in self.sources}
        rows["all"] = self.metrics()
        return pd.DataFrame.from_dict(rows, orient="index")

    def __repr__(self) -> str:
        return f"Stats(documents={self.data.get('documents')}, sources={self.sources})"
