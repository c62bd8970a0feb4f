"""From merged counts to ``stats.json``: totals, fractions, quantiles, and the named sections
(language, dedupe, contamination, PII) that gates refer to, overall and per source.

Attribute keys keep their full names (``quality__gopher_v1__passes_all``), as in mix filters.
Dedupe sidecars are recognised by their keys: ``<set>__<mode>__duplicate`` for the modes below,
``<set>__decontamination__document`` and ``__overlap``, ``<set>__minhash__cluster``.
"""

from __future__ import annotations

from typing import Any

from dolma_tools.stages.stats import sketch
from dolma_tools.stages.stats.merge import merge

FORMAT = "dolma-tools-stats/1"
DEDUPE_MODES = ("documents", "paragraphs", "ngrams", "minhash")


def _fraction(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _distribution(raw: sketch.Sketch, *, histogram: bool) -> dict[str, Any]:
    out = sketch.summary(raw)
    if histogram:
        out["histogram"] = [list(row) for row in sketch.display_histogram(raw)]
    return out


def _attribute(raw: dict[str, Any], documents: int, characters: int, *, histogram: bool) -> dict[str, Any]:
    return {
        "spans": raw["spans"],
        "documents": raw["documents"],
        "documents_flagged": raw["documents_flagged"],
        "fraction": _fraction(raw["documents_flagged"], documents),
        "characters_flagged": raw["characters_flagged"],
        "characters_fraction": _fraction(raw["characters_flagged"], characters),
        "values": _distribution(raw["values"], histogram=histogram),
    }


def _named_sections(attrs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Dedupe, contamination and PII figures, read off the attribute keys that carry them."""
    dedupe: dict[str, Any] = {}
    contamination: dict[str, Any] = {}
    pii: dict[str, Any] = {}
    for key, entry in attrs.items():
        parts = key.split("__")
        if len(parts) != 3:
            continue
        _, middle, last = parts
        if middle in DEDUPE_MODES and last == "duplicate":
            dedupe.setdefault(middle, {
                "duplicates": entry["documents_flagged"], "duplicate_fraction": entry["fraction"],
                "characters": entry["characters_flagged"], "characters_fraction": entry["characters_fraction"],
                "attribute": key,
            })
        elif middle == "decontamination" and last == "document":
            contamination.update(documents=entry["documents_flagged"], fraction=entry["fraction"], attribute=key)
        elif middle == "decontamination" and last == "overlap":
            contamination.update(characters=entry["characters_flagged"], characters_fraction=entry["characters_fraction"])
        elif middle.startswith("pii") and not last.endswith("_count"):
            pii[last] = {"documents": entry["documents_flagged"], "fraction": entry["fraction"], "spans": entry["spans"]}
    return {"dedupe": dedupe, "contamination": contamination, "pii": pii}


def _section(raw: dict[str, Any], *, histogram: bool) -> dict[str, Any]:
    documents, characters = raw.get("documents", 0), raw.get("characters", 0)
    out: dict[str, Any] = {key: raw.get(key, 0) for key in ("documents", "bytes", "characters", "words")}
    out["lengths"] = {name: _distribution(raw["lengths"][name], histogram=histogram) for name in ("characters", "words")} \
        if "lengths" in raw else {}
    out["attributes"] = {key: _attribute(entry, documents, characters, histogram=histogram)
                         for key, entry in sorted(raw.get("attributes", {}).items())}
    if "language" in raw:
        out["language"] = {
            language: {**entry, "fraction": _fraction(entry["documents"], documents),
                       "characters_fraction": _fraction(entry["characters"], characters)}
            for language, entry in sorted(raw["language"].items(), key=lambda kv: (-kv[1]["documents"], kv[0]))
        }
    out.update(_named_sections(out["attributes"]))
    return out


def _cluster_sizes(clusters: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    """Per MinHash cluster key: cluster size (members, the representative included) → clusters."""
    out = {}
    for key, members in clusters.items():
        sizes: dict[int, int] = {}
        for count in members.values():
            sizes[count + 1] = sizes.get(count + 1, 0) + 1
        out[key] = {str(size): sizes[size] for size in sorted(sizes)}
    return out


def _tokens(raw: dict[str, Any], manifests: list[str]) -> dict[str, Any]:
    total: dict[str, Any] = {}
    for entry in raw.get("sources", {}).values():
        merge(total, entry)
    out: dict[str, Any] = {"manifests": manifests, "tokens": total.get("tokens", 0), "documents": total.get("documents", 0)}
    out["lengths"] = _distribution(total.get("lengths", sketch.empty()), histogram=True)
    out["sources"] = {
        source: {"tokens": entry["tokens"], "documents": entry["documents"],
                 "fraction": _fraction(entry["tokens"], out["tokens"]),
                 "lengths": _distribution(entry["lengths"], histogram=False)}
        for source, entry in sorted(raw.get("sources", {}).items())
    }
    return out


def build_stats(merged: dict[str, Any], *, files: int, config: dict[str, Any], manifests: list[str]) -> dict[str, Any]:
    """The content of ``stats.json`` from the sum of every partial result."""
    overall: dict[str, Any] = {}
    for entry in merged.get("sources", {}).values():
        merge(overall, entry)
    skipped = merged.get("skipped", {})
    stats: dict[str, Any] = {"format": FORMAT, "files": files, "skipped": sum(skipped.values()),
                             "skipped_by_reason": dict(sorted(skipped.items()))}
    stats.update(_section(overall, histogram=True))
    for key, sizes in _cluster_sizes(merged.get("clusters", {})).items():
        mode = stats["dedupe"].get("minhash")
        if mode is not None and key == mode["attribute"].rsplit("__", 1)[0] + "__cluster":
            mode["clusters"] = sum(sizes.values())
            mode["cluster_sizes"] = sizes
    stats["sources"] = {source: _section(entry, histogram=False) for source, entry in sorted(merged.get("sources", {}).items())}
    if manifests:
        stats["tokens"] = _tokens(merged.get("tokens", {}), manifests)
    stats["config"] = config
    return stats

