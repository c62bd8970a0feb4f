"""The dedupe report: per mode, what was flagged, and how full the filters got.

Built from the work folder (phase-1 skip counts, phase-2 filter and cluster figures) and the
phase-3 counters of every file (kept in the sidecars' receipts), so a run resumed after a kill
reports every file, not just the last stretch. Saved as ``attributes/<name>/_report.json``; `print_table` shows the short version.
"""

from __future__ import annotations

import collections
import sys
from typing import Any

import msgspec

from dolma_tools.stages.dedupe.modes import Mode
from dolma_tools.stages.dedupe.work import WorkDir, load_arrays, load_json

FIGURES = ("documents_flagged", "spans_flagged", "chars_flagged")


def build_report(modes: list[Mode], files: list[str], work: WorkDir, flags: collections.Counter) -> dict[str, Any]:
    """``flags``: the counters of the sidecar-writing tasks (``<mode>.<figure>``), summed over every file."""
    totals: collections.Counter = collections.Counter()
    for position in range(len(files)):
        arrays = load_arrays(work.hashes(position), ["counters", "lengths"])
        totals.update(msgspec.json.decode(arrays["counters"].tobytes()))
        totals["characters"] += int(arrays["lengths"].sum())
    decided = load_json(work.decided) or {}
    entries: dict[str, dict[str, Any]] = {}
    for mode in modes:
        entry: dict[str, Any] = {figure: int(flags.get(f"{mode.name}.{figure}", 0)) for figure in FIGURES}
        entry.update(mode.report(decided))
        entries[mode.name] = entry
    return {
        "documents": int(totals.pop("documents", 0)),
        "characters": int(totals.pop("characters", 0)),
        "skipped": {key.split(".", 1)[1]: int(v) for key, v in sorted(totals.items()) if key.startswith("skipped.")},
        "modes": entries,
        "files": len(files),
        "work_dir": work.root,
    }


def print_table(report: dict[str, Any], stream: Any = None) -> None:
    """A few lines per run: one per mode, with filter fill and false-positive estimate."""
    stream = stream or sys.stderr
    total_chars = max(report["characters"], 1)
    print(f"dedupe: {report['documents']:,} documents, {report['characters']:,} characters"
          + (f", skipped {report['skipped']}" if report["skipped"] else ""), file=stream)
    print(f"  {'mode':<16}{'docs flagged':>14}{'spans':>10}{'chars removed':>16}{'share':>8}  filter", file=stream)
    for mode, entry in report["modes"].items():
        extra = ""
        if "filter" in entry:
            f = entry["filter"]
            extra = f"fill {f['fill']:.3f}, est. fp {f['estimated_fp_rate']:.1e}"
        elif mode == "minhash":
            extra = f"{entry.get('clusters', 0)} clusters, bands×rows {entry.get('bands')}×{entry.get('rows')}"
        print(f"  {mode:<16}{entry['documents_flagged']:>14,}{entry['spans_flagged']:>10,}"
              f"{entry['chars_flagged']:>16,}{entry['chars_flagged'] / total_chars:>8.1%}  {extra}", file=stream)
