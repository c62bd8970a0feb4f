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
from typing import Any, Literal

import numpy as np
from pydantic import Field, model_validator

from dolma_tools._core import LshIndex, MinHasher
from dolma_tools.config.models import StrictModel
from dolma_tools.io import SkipCounter
from dolma_tools.stages.dedupe.modes.base import Batch, Decider, FileView, Mode
from dolma_tools.io.attributes import Sidecar
from dolma_tools.stages.dedupe.work import WorkDir


class MinhashMode(StrictModel):
    """Near-duplicate documents with MinHash + LSH over the whole corpus."""

    ngram_size: int = Field(default=5, ge=1)
    shingle: Literal["word", "char"] = "word"
    """Shingles are word n-grams or character n-grams."""
    num_perm: int = Field(default=128, ge=2, le=1024)
    threshold: float = Field(default=0.8, gt=0, lt=1)
    """Jaccard similarity sought; picks bands × rows unless both are given."""
    bands: int | None = Field(default=None, ge=1)
    rows: int | None = Field(default=None, ge=1)
    verify: bool = True
    """Keep a pair only if its signature similarity reaches ``threshold`` (drops LSH false positives)."""
    seed: int = Field(default=1, ge=0)
    normalize: bool = True
    """Lower-case and ignore punctuation before shingling."""

    @model_validator(mode="after")
    def _banding(self) -> MinhashMode:
        if (self.bands is None) != (self.rows is None):
            raise ValueError("give both 'bands' and 'rows', or neither (they are derived from 'threshold')")
        if self.bands is not None and self.rows is not None and self.bands * self.rows > self.num_perm:
            raise ValueError(f"bands × rows = {self.bands * self.rows} exceeds num_perm = {self.num_perm}; lower them or raise num_perm")
        return self


@functools.lru_cache(maxsize=4)
def _hasher(mode: MinhashMode) -> MinHasher:
    return MinHasher(mode.num_perm, seed=mode.seed, ngram=mode.ngram_size, mode=mode.shingle,
                     lowercase=mode.normalize, remove_punctuation=mode.normalize)


class MinhashDocuments(Mode[MinhashMode]):
    name = "minhash"
    config_key = "minhash"
    section = MinhashMode

    def extract(self, batch: Batch, source: str, skips: SkipCounter | None) -> dict[str, np.ndarray]:
        """``signatures``: a (documents, num_perm) uint32 array."""
        return {"signatures": _hasher(self.settings).signatures(batch.texts)}

    def decider(self, work: WorkDir, files: int, quiet: bool) -> Decider:
        mode = self.settings
        return LshDecider(mode, LshIndex(mode.num_perm, threshold=mode.threshold, bands=mode.bands, rows=mode.rows))

    def keys(self) -> tuple[str, ...]:
        return ("duplicate", "cluster", "similarity")

    def annotate(self, prefix: str, view: FileView, sidecar: Sidecar, counters: collections.Counter) -> None:
        """Flag every document that is not its cluster's representative (the first by input order)."""
        keys = [prefix + key for key in self.keys()]
        sidecar.add_keys(*keys)
        cluster_id, similarity = view.decisions["cluster"], view.decisions["similarity"]
        local = np.flatnonzero(cluster_id != np.arange(view.first_index, view.first_index + len(cluster_id)))
        length = view.lengths[local]
        sidecar.add_spans(keys[0], local, 0, length, 1.0)
        sidecar.add_spans(keys[1], local, 0, length, cluster_id[local])
        sidecar.add_spans(keys[2], local, 0, length, [round(s, 6) for s in similarity[local].tolist()])  # Python's rounding
        counters["minhash.documents_flagged"] += len(local)
        counters["minhash.chars_flagged"] += int(length.sum())


class LshDecider(Decider):
    """Every file's signatures into one LSH index (global input positions), clustered at the end."""

    reads = ("signatures",)

    def __init__(self, mode: MinhashMode, index: LshIndex) -> None:
        self.mode = mode
        self.index = index
        self.added = 0

    def add(self, arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        signatures = np.ascontiguousarray(arrays["signatures"])
        self.index.add(signatures, self.added)
        self.added += len(signatures)
        return {}

    def finish(self, doc_counts: list[int]) -> tuple[list[dict[str, np.ndarray]], dict[str, Any]]:
        """Global ``cluster`` and ``similarity`` arrays cut per file, and banding and cluster-size figures."""
        cluster_id, similarity = self.index.clusters(verify=self.mode.verify)
        sizes = np.bincount(cluster_id)
        sizes = sizes[sizes > 1]
        histogram = collections.Counter(sizes.tolist())
        figures = {"bands": self.index.bands, "rows": self.index.rows, "clusters": int(len(sizes)),
                   "cluster_sizes": {str(k): v for k, v in sorted(histogram.items())}}
        starts = np.cumsum([0, *doc_counts])
        per_file = [{"cluster": cluster_id[starts[i]:starts[i + 1]], "similarity": similarity[starts[i]:starts[i + 1]]}
                    for i in range(len(doc_counts))]
        return per_file, figures
