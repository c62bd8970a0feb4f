"""Near-duplicate documents: MinHash signatures, LSH banding and clustering over the whole corpus.

Phase 1 (workers, per file): uint32 signatures from the Rust `MinHasher` and, for exact
verification, each document's shingle fingerprints (4 bytes a shingle, unsorted: phase 2 makes
sets of the candidates' only), saved in the work folder.
Phase 2 (one process, `clusters.LshDecider`): every file's signatures go into one Rust
`LshIndex` in input order, so document indices are global input positions; candidate pairs
(documents sharing a band) are kept when their Jaccard reaches ``threshold`` (exactly, from the
shingle sets, by default), and connected components are the clusters. The keep policy
(`keep.KeepPolicy`) names each cluster's survivor. Every other member is flagged with
``<name>__minhash__duplicate`` (1.0), ``__cluster`` (the survivor's global index),
``__survivor`` (its id) and ``__similarity`` (Jaccard with it); survivors of clusters of two or
more carry ``__cluster_size``. A cluster therefore never loses all its members, whatever the
number of workers. A persistent index (`index`) puts earlier releases' documents first; they
always survive. With ``memory_mb`` phase 2 runs out of core (`clusters_disk`: band tasks sort on
storage) with the same decisions. Definitions and the choice of defaults: docs/dedupe.md.
"""

from __future__ import annotations

import collections
import functools
import os
import shutil
from typing import Any, Literal

import numpy as np
from pydantic import Field, field_validator, model_validator

from dolma_tools._core import LshIndex, MinHasher, StringColumn, optimal_bands
from dolma_tools.config.models import StrictModel
from dolma_tools.io import SkipCounter
from dolma_tools.io.attributes import Sidecar
from dolma_tools.stages.dedupe.modes.base import Batch, Decider, FileView, Mode
from dolma_tools.io import atomic_writer
from dolma_tools.stages.dedupe.modes import index as persistent
from dolma_tools.stages.dedupe.modes.clusters import LshDecider
from dolma_tools.stages.dedupe.modes.clusters_disk import DiskLshDecider
from dolma_tools.stages.dedupe.modes.index import MinhashIndex
from dolma_tools.stages.dedupe.modes.keep import KeepPolicy
from dolma_tools.stages.dedupe.work import WorkDir

EXACT_MARGIN = 0.1
"""With exact verification the banding is chosen for ``threshold - EXACT_MARGIN``, misses weighed
4 to 1 against extra candidates: verification removes the extra candidates, nothing brings back
a missed pair."""


class MinhashMode(StrictModel):
    """Near-duplicate documents with MinHash + LSH over the whole corpus."""

    ngram_size: int = Field(default=5, ge=1)
    shingle: Literal["word", "char"] = "word"
    """Shingles are word n-grams or character n-grams."""
    num_perm: int = Field(default=128, ge=2, le=1024)
    threshold: float = Field(default=0.6, gt=0, lt=1)
    """Jaccard similarity sought: a candidate pair is kept when its (verified) similarity reaches
    it; bands × rows are derived from it unless both are given."""
    bands: int | None = Field(default=None, ge=1)
    rows: int | None = Field(default=None, ge=1)
    verify: Literal["exact", "signature", "none"] = "exact"
    """How candidate pairs are checked against ``threshold``: ``exact``, the Jaccard of their
    shingle sets; ``signature``, the MinHash estimate; ``none``, every candidate is kept.
    (``true`` and ``false`` of older configs mean ``signature`` and ``none``.)"""
    keep: KeepPolicy = Field(default_factory=KeepPolicy)
    """Which copy of a cluster survives: ``first`` (default), ``longest``, or
    ``{by: source_priority, sources: [...]}`` / ``{by: field, field: metadata.<path>}``."""
    seed: int = Field(default=1, ge=0)
    normalize: bool = True
    """Lower-case and ignore punctuation before shingling."""
    memory_mb: float | None = Field(default=None, gt=0, exclude=True)
    """Cluster out of core with at most this much memory per band task (and per sort in the
    driver): signatures stay in the work folder, bands are sorted on storage by parallel tasks
    (see docs/dedupe.md). Unset: every signature in one process's memory. Either way the
    decisions are the same, so this setting is in no fingerprint."""
    index: MinhashIndex | None = None
    """Earlier releases' documents (``{path: ..., update: true}``): a new near duplicate of one is
    flagged with its id; with ``update``, this run's documents are added after the run."""

    @field_validator("verify", mode="before")
    @classmethod
    def _older_verify(cls, value: Any) -> Any:
        return {True: "signature", False: "none"}.get(value, value) if isinstance(value, bool) else value

    @model_validator(mode="after")
    def _banding(self) -> MinhashMode:
        if (self.bands is None) != (self.rows is None):
            raise ValueError("give both 'bands' and 'rows', or neither (they are derived from 'threshold')")
        if self.memory_mb is not None and self.index is not None:
            raise ValueError("'memory_mb' (out-of-core clustering) does not work with 'index' yet; unset one of them")
        if self.bands is not None and self.rows is not None and self.bands * self.rows > self.num_perm:
            raise ValueError(f"bands × rows = {self.bands * self.rows} exceeds num_perm = {self.num_perm}; lower them or raise num_perm")
        return self

    def banding(self) -> tuple[int, int]:
        """The bands × rows used: given, or derived from ``threshold`` (see `EXACT_MARGIN`)."""
        if self.bands is not None and self.rows is not None:
            return self.bands, self.rows
        if self.verify == "exact":
            return optimal_bands(max(self.threshold - EXACT_MARGIN, 0.05), self.num_perm, fp_weight=0.2, fn_weight=0.8)
        return optimal_bands(self.threshold, self.num_perm)


@functools.lru_cache(maxsize=4)
def _hasher(mode: MinhashMode) -> MinHasher:
    return MinHasher(mode.num_perm, seed=mode.seed, ngram=mode.ngram_size, mode=mode.shingle,
                     lowercase=mode.normalize, remove_punctuation=mode.normalize)


def s_curve(bands: int, rows: int) -> dict[str, float]:
    """The probability that a pair of Jaccard J becomes a candidate, J = 0.1 .. 1.0."""
    return {f"{j / 10:.1f}": round(1 - (1 - (j / 10) ** rows) ** bands, 4) for j in range(1, 11)}


class MinhashDocuments(Mode[MinhashMode]):
    name = "minhash"
    config_key = "minhash"
    section = MinhashMode

    def reads_whole_documents(self) -> bool:
        return self.settings.keep.reads_whole_documents()

    def extract(self, batch: Batch, source: str, skips: SkipCounter | None) -> dict[str, np.ndarray]:
        """``signatures`` (documents × num_perm, uint32); for exact verification each document's
        shingle fingerprints (``set_values``, ``set_sizes``: a list, not yet a set); for a keep
        policy other than ``first``, ``keep``."""
        mode = self.settings
        out: dict[str, np.ndarray] = {}
        if mode.verify == "exact":
            out["signatures"], out["set_values"], offsets = _hasher(mode).signatures_and_fingerprints(batch.texts)
            out["set_sizes"] = np.diff(offsets).astype(np.int32)
        else:
            out["signatures"] = _hasher(mode).signatures(batch.texts)
        if mode.keep.by != "first":
            out["keep"] = mode.keep.scores(batch, source, skips)
        return out

    def check(self) -> None:
        if self.settings.index is not None:
            persistent.check(self.settings.index, self.settings.model_dump(mode="json"), self.settings.verify == "exact",
                             f"{self.where}.index")

    def decider(self, work: WorkDir, files: int, quiet: bool) -> Decider:
        mode = self.settings
        bands, rows = mode.banding()
        if mode.memory_mb is not None:
            return DiskLshDecider(mode, work, bands, rows)
        earlier = None if mode.index is None else persistent.load(mode.index, os.path.basename(work.root), f"{self.where}.index")
        return LshDecider(mode, LshIndex(mode.num_perm, threshold=mode.threshold, bands=bands, rows=rows), work, earlier)

    @property
    def updates_a_filter(self) -> bool:
        return self.settings.index is not None and self.settings.index.update

    def publish(self, work: WorkDir) -> None:
        """Copy the updated index from the work folder to ``index.path`` (atomic rename)."""
        pending = work.pending_filter(self.name)
        if self.updates_a_filter and os.path.exists(pending):
            assert self.settings.index is not None
            with open(pending, "rb") as source, atomic_writer(self.settings.index.path) as target:
                shutil.copyfileobj(source, target, 1 << 24)
            os.remove(pending)

    def keys(self) -> tuple[str, ...]:
        return ("duplicate", "cluster", "survivor", "similarity", "cluster_size")

    def annotate(self, prefix: str, view: FileView, sidecar: Sidecar, counters: collections.Counter) -> None:
        """Flag every document that is not its cluster's survivor; survivors carry their cluster's size."""
        keys = dict(zip(self.keys(), (prefix + key for key in self.keys())))
        sidecar.add_keys(*keys.values())
        survivor, similarity, size = view.decisions["survivor"], view.decisions["similarity"], view.decisions["cluster_size"]
        local = np.flatnonzero(survivor != np.arange(view.first_index, view.first_index + len(survivor)))
        length = view.lengths[local]
        sidecar.add_spans(keys["duplicate"], local, 0, length, 1.0)
        sidecar.add_spans(keys["cluster"], local, 0, length, survivor[local])
        ids = StringColumn.from_arrays(view.decisions["survivor_id_data"], view.decisions["survivor_id_offsets"])
        sidecar.add_spans(keys["survivor"], local, 0, length, [ids[i] for i in range(len(ids))])
        sidecar.add_spans(keys["similarity"], local, 0, length, [round(s, 6) for s in similarity[local].tolist()])  # Python's rounding
        kept = np.flatnonzero((survivor == np.arange(view.first_index, view.first_index + len(survivor))) & (size > 1))
        sidecar.add_spans(keys["cluster_size"], kept, 0, view.lengths[kept], size[kept])
        counters["minhash.documents_flagged"] += len(local)
        counters["minhash.chars_flagged"] += int(length.sum())

    def report(self, decided: dict[str, Any]) -> dict[str, Any]:
        figures = super().report(decided)
        if "bands" in figures:
            figures["s_curve"] = s_curve(figures["bands"], figures["rows"])
        figures.update(verify=self.settings.verify, threshold=self.settings.threshold, keep=self.settings.keep.by)
        return figures
