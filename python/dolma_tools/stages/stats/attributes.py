"""What one block of attribute lines says, per source: spans, flags, values, languages, clusters.

For every key: ``spans``; ``documents`` that carry the key at all; ``documents_flagged``, those
with a span whose score is not zero; ``characters_flagged``, the code points those spans cover
(overlaps counted once, spans clipped to the text); and ``values``, the sketch of every span's
score (one value per document for document-level keys). A score may be a string (the survivor id
of a MinHash ``__survivor`` key): it counts in ``spans`` and, when not empty, as a flag, but it is
no number, so ``values`` leaves it out.
"""

from __future__ import annotations

import collections
from collections.abc import Sequence

import numpy as np

from dolma_tools.stages.stats import sketch

Record = dict[str, list[tuple[int, int, float | str]]]

_SPAN_BASE = np.int64(1) << 40
"""Per-document offset that keeps the spans of different documents apart in one sorted array."""


def _covered(doc: np.ndarray, start: np.ndarray, end: np.ndarray) -> int:
    """Code points covered by the union of each document's spans, summed over the documents."""
    low = doc * _SPAN_BASE + start
    high = doc * _SPAN_BASE + end
    order = np.lexsort((low, doc))
    low, high = low[order], high[order]
    reach = np.maximum.accumulate(high)
    before = np.concatenate([[np.iinfo(np.int64).min], reach[:-1]])
    return int(np.maximum(high - np.maximum(low, before), 0).sum())


def _span_array(spans: list) -> np.ndarray:
    """``start, end, score, flagged`` rows; a string score is NaN, flagged when not empty."""
    if not any(type(span[2]) is str for span in spans):  # numpy would read "12" as a number
        rows = np.array(spans, dtype=np.float64).reshape(-1, 3)
        return np.column_stack([rows, rows[:, 2] != 0])
    return np.array([(s, e, np.nan, bool(v)) if isinstance(v, str) else (s, e, v, v != 0) for s, e, v in spans],
                    dtype=np.float64).reshape(-1, 4)


def _key_stats(doc: np.ndarray, spans: np.ndarray, present: np.ndarray) -> dict:
    start, end, score = spans[:, 0].astype(np.int64), spans[:, 1].astype(np.int64), spans[:, 2]
    flagged = spans[:, 3] != 0
    return {
        "spans": int(len(doc)),
        "documents": int(present.sum()),
        "documents_flagged": int(len(np.unique(doc[flagged]))),
        "characters_flagged": _covered(doc[flagged], start[flagged], end[flagged]),
        "values": sketch.of_values(score[~np.isnan(score)]),
    }


def measure(records: Sequence[Record], lengths: np.ndarray, groups: np.ndarray, group_count: int) -> list[dict]:
    """Per group (source) of the block's documents, the statistics of every key seen."""
    by_key: dict[str, list[tuple[int, list]]] = collections.defaultdict(list)
    for index, record in enumerate(records):
        for key, spans in record.items():
            by_key[key].append((index, spans))
    sections: list[dict] = [{} for _ in range(group_count)]
    for key, entries in by_key.items():
        holders = np.fromiter((i for i, _ in entries), dtype=np.int64, count=len(entries))
        counts = np.fromiter((len(s) for _, s in entries), dtype=np.int64, count=len(entries))
        doc = np.repeat(holders, counts)
        spans = _span_array([span for _, s in entries for span in s])
        spans[:, 0] = np.clip(spans[:, 0], 0, lengths[doc])
        spans[:, 1] = np.clip(spans[:, 1], spans[:, 0], lengths[doc])
        for group in np.unique(groups[holders]).tolist():
            in_group = groups[doc] == group
            present = groups[holders] == group
            sections[group][key] = _key_stats(doc[in_group], spans[in_group], present)
    return sections


def language_prefix(records: Sequence[Record]) -> str | None:
    """``<set>__<tagger>`` of the language-ID tagger (a name with ``langid``) first by name among the keys."""
    found = set()
    for record in records:
        for key in record:
            parts = key.split("__")
            if len(parts) == 3 and "langid" in parts[1] and parts[2].startswith("doc_"):
                found.add(f"{parts[0]}__{parts[1]}")
    return min(found) if found else None


def top_languages(records: Sequence[Record], prefix: str) -> list[str]:
    """Per document, the language whose ``<prefix>__doc_<lang>`` score is highest (``unknown`` if none)."""
    marker = prefix + "__doc_"
    out = []
    for record in records:
        best, best_score = "unknown", -1.0
        for key, spans in record.items():
            if key.startswith(marker) and spans and spans[0][2] > best_score:
                best, best_score = key[len(marker):], spans[0][2]
        out.append(best)
    return out


CLUSTER_SUFFIX = "__minhash__cluster"


def cluster_members(records: Sequence[Record]) -> dict[str, dict[str, int]]:
    """Per MinHash cluster key, how many documents of the block name each cluster (its non-representatives)."""
    out: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for record in records:
        for key, spans in record.items():
            if key.endswith(CLUSTER_SUFFIX) and spans:
                out[key][str(int(spans[0][2]))] += 1
    return {key: dict(counter) for key, counter in out.items()}
