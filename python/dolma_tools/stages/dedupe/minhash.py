"""Near-duplicate documents: MinHash signatures, LSH banding and clustering over the whole corpus.

Phase 1 (workers, per file): uint32 signatures from the Rust `MinHasher`, saved in the work
folder. Phase 2 (one process): every file's signatures go into one Rust `LshIndex` in input order,
so document indices are global input positions; connected components of the candidate pairs
(optionally verified against ``threshold``) are named by their smallest index, which is the
first member by input order. That member is kept; each other member is flagged with
``<name>__minhash__duplicate`` (1.0), ``__cluster`` (the kept document's global index) and
``__similarity`` (estimated Jaccard with it). A cluster therefore never loses all its members,
whatever the number of workers.
"""

from __future__ import annotations

import collections
import functools

import numpy as np

from dolma_tools._core import LshIndex, MinHasher
from dolma_tools.stages.dedupe.config import MinhashMode
from dolma_tools.stages.dedupe.sidecar import Sidecar
from dolma_tools.stages.dedupe.text import Texts


@functools.lru_cache(maxsize=4)
def _hasher(mode: MinhashMode) -> MinHasher:
    return MinHasher(mode.num_perm, seed=mode.seed, ngram=mode.ngram_size, mode=mode.shingle,
                     lowercase=mode.normalize, remove_punctuation=mode.normalize)


def extract(mode: MinhashMode, texts: Texts) -> dict[str, np.ndarray]:
    """``signatures``: a (documents, num_perm) uint32 array."""
    return {"signatures": _hasher(mode).signatures(texts)}


def make_index(mode: MinhashMode) -> LshIndex:
    return LshIndex(mode.num_perm, threshold=mode.threshold, bands=mode.bands, rows=mode.rows)


def cluster(mode: MinhashMode, index: LshIndex) -> tuple[np.ndarray, np.ndarray, dict[str, object]]:
    """Global ``(cluster_id, similarity)`` arrays and report figures (banding, cluster-size histogram)."""
    cluster_id, similarity = index.clusters(verify=mode.verify)
    sizes = np.bincount(cluster_id)
    sizes = sizes[sizes > 1]
    histogram = collections.Counter(sizes.tolist())
    report = {"bands": index.bands, "rows": index.rows, "clusters": int(len(sizes)),
              "cluster_sizes": {str(k): v for k, v in sorted(histogram.items())}}
    return cluster_id, similarity, report


def annotate(prefix: str, first_index: int, decisions: dict[str, np.ndarray], lengths: np.ndarray,
             sidecar: Sidecar, counters: collections.Counter) -> None:
    """Flag every document that is not its cluster's representative (the first by input order)."""
    keys = [prefix + "duplicate", prefix + "cluster", prefix + "similarity"]
    sidecar.add_keys(*keys)
    cluster_id, similarity = decisions["cluster"], decisions["similarity"]
    local = np.flatnonzero(cluster_id != np.arange(first_index, first_index + len(cluster_id)))
    length = lengths[local]
    sidecar.add_spans(keys[0], local, 0, length, 1.0)
    sidecar.add_spans(keys[1], local, 0, length, cluster_id[local])
    sidecar.add_spans(keys[2], local, 0, length, [round(s, 6) for s in similarity[local].tolist()])  # Python's rounding
    counters["minhash.documents_flagged"] += len(local)
    counters["minhash.chars_flagged"] += int(length.sum())
