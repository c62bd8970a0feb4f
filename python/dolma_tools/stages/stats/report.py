"""``report.html``: one self-contained page (inline CSS and SVG, no script from elsewhere, no
network) with a summary table, per-source bars, histograms and the run's config.

Every plot is an ``<svg class="plot">`` with fixed ``width``/``height``, so a page opened offline
shows the same thing as one served from anywhere.
"""

from __future__ import annotations

import html
import json
from typing import Any

from dolma_tools.stages.stats.result import Stats

_W, _H, _PAD = 560, 200, 36
_STYLE = """
body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1200px}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}
.grid{display:flex;flex-wrap:wrap;gap:1.5em}figure{margin:0}figcaption{font-size:90%;color:#555}
svg.plot{background:#fafafa;border:1px solid #ddd}pre{background:#f6f6f6;padding:1em;overflow:auto}
"""


def _number(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, int):
        return f"{value:,}"
    return html.escape(str(value))


def _svg_bars(labels: list[str], values: list[float], title: str) -> str:
    """Horizontal bars, one per label."""
    row = 18
    height = _PAD + row * len(labels)
    top = max(values, default=0) or 1
    parts = [f'<svg class="plot" width="{_W}" height="{height}" viewBox="0 0 {_W} {height}" role="img">',
             f'<text x="8" y="16" font-size="12">{html.escape(title)}</text>']
    for n, (label, value) in enumerate(zip(labels, values)):
        y = _PAD - 10 + n * row
        width = max((_W - 220) * value / top, 1 if value else 0)
        parts.append(f'<text x="8" y="{y + 12}" font-size="11">{html.escape(label[:24])}</text>'
                     f'<rect x="150" y="{y}" width="{width:.1f}" height="{row - 4}" fill="#4a7ebb"/>'
                     f'<text x="{155 + width:.1f}" y="{y + 12}" font-size="11">{_number(value)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _svg_histogram(rows: list[list[float]], title: str) -> str:
    """Vertical bars of ``(low, high, count)`` rows, with the range on the axis."""
    parts = [f'<svg class="plot" width="{_W}" height="{_H}" viewBox="0 0 {_W} {_H}" role="img">',
             f'<text x="8" y="16" font-size="12">{html.escape(title)}</text>']
    if rows:
        top = max(r[2] for r in rows) or 1
        step = (_W - 2 * _PAD) / len(rows)
        for n, (low, high, count) in enumerate(rows):
            bar = (_H - 2 * _PAD) * count / top
            parts.append(f'<rect x="{_PAD + n * step:.1f}" y="{_H - _PAD - bar:.1f}" width="{max(step - 1, 1):.1f}" '
                         f'height="{bar:.1f}" fill="#4a7ebb"><title>{_number(low)}–{_number(high)}: {count:,}</title></rect>')
        parts.append(f'<text x="{_PAD}" y="{_H - 12}" font-size="11">{_number(rows[0][0])}</text>'
                     f'<text x="{_W - _PAD}" y="{_H - 12}" font-size="11" text-anchor="end">{_number(rows[-1][1])}</text>'
                     f'<text x="{_W - _PAD}" y="30" font-size="11" text-anchor="end">max bin {top:,}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _figure(svg: str, caption: str) -> str:
    return f"<figure>{svg}<figcaption>{html.escape(caption)}</figcaption></figure>"


def _table(header: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{_number(v)}</td>" for v in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _summary_table(data: dict[str, Any]) -> str:
    columns = ["documents", "bytes", "characters", "words"]
    rows = [[name, *(entry.get(c, 0) for c in columns)] for name, entry in data.get("sources", {}).items()]
    rows.append(["all", *(data.get(c, 0) for c in columns)])
    return _table(["source", *columns], rows)


def _named_tables(data: dict[str, Any]) -> str:
    out = []
    if data.get("dedupe"):
        out.append("<h2>Duplicates</h2>" + _table(
            ["mode", "duplicates", "fraction", "characters", "characters fraction"],
            [[mode, e["duplicates"], e["duplicate_fraction"], e["characters"], e["characters_fraction"]]
             for mode, e in data["dedupe"].items()]))
    if data.get("contamination"):
        c = data["contamination"]
        out.append("<h2>Contamination</h2>" + _table(["documents", "fraction", "characters"],
                                                      [[c.get("documents", 0), c.get("fraction", 0.0), c.get("characters", 0)]]))
    if data.get("pii"):
        out.append("<h2>PII</h2>" + _table(["type", "documents", "spans"],
                                           [[k, e["documents"], e["spans"]] for k, e in data["pii"].items()]))
    if data.get("attributes"):
        out.append("<h2>Attributes</h2>" + _table(
            ["attribute", "documents flagged", "fraction", "characters fraction", "p50", "p95"],
            [[k, e["documents_flagged"], e["fraction"], e["characters_fraction"], e["values"]["p50"], e["values"]["p95"]]
             for k, e in data["attributes"].items()]))
    return "".join(out)


def _plots(data: dict[str, Any]) -> str:
    figures = []
    sources = data.get("sources", {})
    if sources:
        figures.append(_figure(_svg_bars(list(sources), [e["documents"] for e in sources.values()], "documents per source"),
                               "Documents per source"))
        figures.append(_figure(_svg_bars(list(sources), [e["characters"] for e in sources.values()], "characters per source"),
                               "Characters per source"))
    for name, entry in data.get("lengths", {}).items():
        figures.append(_figure(_svg_histogram(entry.get("histogram", []), f"document length ({name})"),
                               f"Document length in {name}: p50 {_number(entry['p50'])}, p95 {_number(entry['p95'])}"))
    if data.get("language"):
        languages = list(data["language"].items())[:20]
        figures.append(_figure(_svg_bars([k for k, _ in languages], [e["documents"] for _, e in languages], "documents per language"),
                               "Language (top-scoring language-ID key per document)"))
    tokens = data.get("tokens")
    if tokens:
        figures.append(_figure(_svg_bars(list(tokens["sources"]), [e["tokens"] for e in tokens["sources"].values()], "tokens per source"),
                               f"Tokens: {tokens['tokens']:,} in {tokens['documents']:,} documents"))
        figures.append(_figure(_svg_histogram(tokens["lengths"].get("histogram", []), "document length (tokens)"),
                               "Document length in tokens"))
    for key, entry in data.get("attributes", {}).items():
        if entry["values"].get("histogram"):
            figures.append(_figure(_svg_histogram(entry["values"]["histogram"], key), f"{key}: span scores"))
    return '<div class="grid">' + "".join(figures) + "</div>"


def render_report(stats: Stats, title: str) -> str:
    """The whole page as a string."""
    data = stats.to_dict()
    config = html.escape(json.dumps(data.get("config", {}), indent=2, sort_keys=True))
    skipped = f"<p>Lines skipped: {data.get('skipped', 0):,} {html.escape(json.dumps(data.get('skipped_by_reason', {})))}</p>"
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"<style>{_STYLE}</style></head><body><h1>{html.escape(title)}</h1>"
        f"<h2>Summary</h2>{_summary_table(data)}{skipped}{_plots(data)}{_named_tables(data)}"
        f"<h2>Config</h2><pre>{config}</pre></body></html>\n"
    )
