"""Distributions that merge exactly: counts in fixed logarithmic bins.

A value ``v > 0`` is counted in bin ``i = ceil(log(v) / log(GAMMA))``, the bin ``(GAMMA**(i-1),
GAMMA**i]``; negative values mirror that, zero has its own count. The bins are the same in every
process, so partial distributions merge by adding counts: the merged result is exactly the one a
single pass would give, whatever the number of workers. A quantile is reported as the value
``2 GAMMA**i / (GAMMA + 1)`` of the bin holding its rank, within ``RELATIVE_ERROR`` of the true
sample value (the scheme of DDSketch, Masson et al. 2019); it is clamped to the exact min and max.

A sketch is a plain dict (JSON as it is): ``count``, ``sum``, ``min``, ``max``, ``zeros``,
``positive`` and ``negative`` (bin index as a string → count).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

RELATIVE_ERROR = 0.005
"""Largest relative error of a reported quantile against the sample value at its rank."""
GAMMA = (1 + RELATIVE_ERROR) / (1 - RELATIVE_ERROR)
_LOG_GAMMA = math.log(GAMMA)

Sketch = dict[str, Any]


def empty() -> Sketch:
    return {"count": 0, "sum": 0.0, "min": None, "max": None, "zeros": 0, "positive": {}, "negative": {}}


def _bins(magnitudes: np.ndarray) -> dict[str, int]:
    index = np.ceil(np.log(magnitudes) / _LOG_GAMMA).astype(np.int64)
    keys, counts = np.unique(index, return_counts=True)
    return {str(k): int(c) for k, c in zip(keys.tolist(), counts.tolist())}


def of_values(values: np.ndarray) -> Sketch:
    """The sketch of an array of numbers (NaN is not a value: callers drop it)."""
    values = np.asarray(values, dtype=np.float64)
    sketch = empty()
    if not len(values):
        return sketch
    sketch.update(count=int(len(values)), sum=float(values.sum()), min=float(values.min()), max=float(values.max()))
    sketch["zeros"] = int(np.count_nonzero(values == 0))
    sketch["positive"] = _bins(values[values > 0])
    sketch["negative"] = _bins(-values[values < 0])
    return sketch


def merge_into(total: Sketch, part: Sketch) -> None:
    """Add ``part``'s counts to ``total`` (in place)."""
    if not part["count"]:
        return
    for key in ("min", "max"):
        pick = min if key == "min" else max
        total[key] = part[key] if total[key] is None else pick(total[key], part[key])
    for key in ("count", "sum", "zeros"):
        total[key] += part[key]
    for side in ("positive", "negative"):
        bins = total[side]
        for index, count in part[side].items():
            bins[index] = bins.get(index, 0) + count


def _representative(index: int) -> float:
    return 2 * GAMMA**index / (GAMMA + 1)


def ordered_bins(sketch: Sketch) -> list[tuple[float, int]]:
    """``(representative value, count)`` for every non-empty bin, in increasing value."""
    out = [(-_representative(int(i)), c) for i, c in sorted(sketch["negative"].items(), key=lambda kv: -int(kv[0]))]
    if sketch["zeros"]:
        out.append((0.0, sketch["zeros"]))
    out += [(_representative(int(i)), c) for i, c in sorted(sketch["positive"].items(), key=lambda kv: int(kv[0]))]
    return out


def quantile(sketch: Sketch, q: float) -> float | None:
    """The value at rank ``q * (count - 1)`` (lower rank), within `RELATIVE_ERROR`; None when empty."""
    if not sketch["count"]:
        return None
    rank = math.floor(q * (sketch["count"] - 1))
    seen = 0
    for value, count in ordered_bins(sketch):
        seen += count
        if seen > rank:
            return min(max(value, sketch["min"]), sketch["max"])
    return sketch["max"]


QUANTILES = (0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99)


def summary(sketch: Sketch) -> dict[str, Any]:
    """Count, mean, min, max and the `QUANTILES` (``p50`` ...) of a sketch, for reports and gates."""
    count = sketch["count"]
    out: dict[str, Any] = {"count": count, "mean": sketch["sum"] / count if count else None,
                           "min": sketch["min"], "max": sketch["max"]}
    for q in QUANTILES:
        out[f"p{round(q * 100)}"] = quantile(sketch, q)
    return out


def display_histogram(sketch: Sketch, bins: int = 40) -> list[tuple[float, float, int]]:
    """``(low, high, count)`` over ``[min, max]`` in ``bins`` equal steps (log steps when the range
    is positive and spans more than two decades), placing each sketch bin by its representative."""
    if not sketch["count"]:
        return []
    low, high = float(sketch["min"]), float(sketch["max"])
    if low == high:
        return [(low, high, sketch["count"])]
    logarithmic = low > 0 and high / low > 100
    edges = np.geomspace(low, high, bins + 1) if logarithmic else np.linspace(low, high, bins + 1)
    counts = np.zeros(bins, dtype=np.int64)
    for value, count in ordered_bins(sketch):
        slot = int(np.searchsorted(edges, min(max(value, low), high), side="right")) - 1
        counts[min(max(slot, 0), bins - 1)] += count
    return [(float(a), float(b), int(c)) for a, b, c in zip(edges[:-1], edges[1:], counts)]
