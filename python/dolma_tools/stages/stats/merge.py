"""Adding partial results: counts add, sketches merge bin by bin, nested sections recurse."""

from __future__ import annotations

from typing import Any

from dolma_tools.stages.stats import sketch


def _is_sketch(value: dict) -> bool:
    return "positive" in value and "zeros" in value


def merge(total: dict[str, Any], part: dict[str, Any]) -> dict[str, Any]:
    """Add ``part`` into ``total`` (in place) and return ``total``; ``part`` is not modified."""
    for key, value in part.items():
        if isinstance(value, dict):
            if _is_sketch(value):
                sketch.merge_into(total.setdefault(key, sketch.empty()), value)
            else:
                merge(total.setdefault(key, {}), value)
        else:
            total[key] = total.get(key, 0) + value
    return total
