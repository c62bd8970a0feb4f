"""Per-stream weights and caps, stable under reruns and independent of the number of workers.

Every decision comes from a seeded hash of the document id (``_core.hash64``), never from a
random generator's state, so the same document gets the same fate in any run, on any worker.

- A document of a stream with weight ``w`` gets ``floor(w)`` copies, plus one more when its
  uniform number ``u`` (hash of the id, in [0, 1)) is below ``w - floor(w)``: weight 2.5 gives
  two copies of every document and a third of half of them; weight 0.3 keeps 30 %.
- Copy ``c`` of a document has priority ``c + u``. A cap (documents or tokens) keeps the copies
  of lowest priority, so it thins a stream uniformly, taking whole repetitions away first.
"""

from __future__ import annotations

import math

import numpy as np

from dolma_tools._core import hash64

_TO_UNIT = 2.0 ** -64
_U64 = 1 << 64


def stream_seed(seed: int, stream: str) -> int:
    """The seed of one stream: the same id in two streams gets independent decisions."""
    return hash64(stream, seed % _U64)


def unit(doc_id: str, seed: int) -> float:
    """The document's uniform number in [0, 1)."""
    return hash64(doc_id, seed) * _TO_UNIT


def copies(u: float, weight: float) -> int:
    """How many times a document with uniform number ``u`` appears under ``weight``."""
    whole = math.floor(weight)
    return whole + (1 if u < weight - whole else 0)


def shuffle_key(doc_id: str, copy: int, seed: int) -> int:
    """The 64-bit key that orders copies in the globally shuffled token output."""
    return hash64(f"{copy}\x00{doc_id}", (seed + 1) % _U64)


def cap_threshold(priorities: np.ndarray, sizes: np.ndarray, cap: int | None) -> float:
    """The priority below which copies are kept so that their total size stays within ``cap``.

    Returns ``inf`` when everything fits. Copies with equal priority (equal ids) are kept or
    dropped together, so the kept total may fall short of the cap by those.
    """
    if cap is None or int(sizes.sum()) <= cap:
        return math.inf
    order = np.argsort(priorities, kind="stable")
    kept = int(np.searchsorted(np.cumsum(sizes[order]), cap, side="right"))
    return float(priorities[order[kept]])
