"""Phase 2 of the MinHash mode: clusters over the whole corpus, their survivors and the survivors' ids.

Signatures go into one `LshIndex` file by file. At the end, with exact verification, only the
candidates' shingle sets are read back from the work files (most documents share no band with
any other and never need theirs), and the index clusters with the exact Jaccard. The keep
policy then names each cluster's survivor (`keep.survivors`); the similarity of a flagged copy
is measured against that survivor, and the survivors' ids are read from the work files so that
phase 3 can write them beside each flagged copy.
"""

from __future__ import annotations

import collections
from typing import TYPE_CHECKING, Any

import numpy as np

from dolma_tools._core import LshIndex, StringColumn, jaccard_pairs
from dolma_tools.stages.dedupe.modes.base import Decider
from dolma_tools.stages.dedupe.modes.keep import survivors
from dolma_tools.stages.dedupe.work import WorkDir, load_arrays

if TYPE_CHECKING:
    from dolma_tools.stages.dedupe.modes.minhash import MinhashMode

PREFIX = "minhash/"
"""The mode's arrays in the work files."""


class LshDecider(Decider):
    """Every file's signatures into one LSH index (global input positions), clustered at the end."""

    def __init__(self, mode: MinhashMode, index: LshIndex, work: WorkDir) -> None:
        self.mode = mode
        self.index = index
        self.work = work
        self.reads = ("signatures", "keep") if mode.keep.by != "first" else ("signatures",)
        self.added = 0
        self.keep: list[np.ndarray] = []
        # Kept only to measure the similarity with a survivor other than the first member, without sets.
        self.signatures: list[np.ndarray] = []

    def add(self, arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        signatures = np.ascontiguousarray(arrays["signatures"])
        self.index.add(signatures, self.added)
        self.added += len(signatures)
        if "keep" in arrays:
            self.keep.append(arrays["keep"])
            if self.mode.verify != "exact":
                self.signatures.append(signatures)
        return {}

    def finish(self, doc_counts: list[int]) -> tuple[list[dict[str, np.ndarray]], dict[str, Any]]:
        """Per file: ``survivor`` (global index), ``similarity``, ``cluster_size`` and the flagged
        copies' survivor ids; figures for the report."""
        starts = np.cumsum([0, *doc_counts])
        figures: dict[str, Any] = {"bands": self.index.bands, "rows": self.index.rows}
        sets = None
        if self.mode.verify == "exact":
            docs = self.index.candidates()
            sets = (docs, *_candidate_sets(self.work, starts, docs))
            cluster_id, similarity = self.index.clusters_exact(*sets, self.mode.threshold)
            figures["candidates"] = len(docs)
        else:
            cluster_id, similarity = self.index.clusters(verify=self.mode.verify == "signature")
        survivor = survivors(cluster_id, np.concatenate(self.keep)) if self.keep else cluster_id
        moved = np.flatnonzero(survivor != cluster_id)
        if len(moved):
            similarity[moved] = self._similarity(moved, survivor[moved], sets)
        sizes = np.bincount(cluster_id, minlength=len(cluster_id))
        big = sizes[sizes > 1]
        figures.update(clusters=int(len(big)),
                       cluster_sizes={str(k): v for k, v in sorted(collections.Counter(big.tolist()).items())})
        ids = _ids_of(self.work, starts, np.unique(survivor[survivor != np.arange(len(survivor))]))
        per_file = []
        for i in range(len(doc_counts)):
            own, kept = np.arange(starts[i], starts[i + 1]), survivor[starts[i]:starts[i + 1]]
            flagged_ids = StringColumn.from_list([ids[s] for s in kept[kept != own].tolist()])
            data, offsets = flagged_ids.to_arrays()
            per_file.append({"survivor": kept, "similarity": similarity[starts[i]:starts[i + 1]],
                             "cluster_size": sizes[cluster_id[starts[i]:starts[i + 1]]],
                             "survivor_id_data": data, "survivor_id_offsets": offsets})
        return per_file, figures

    def _similarity(self, docs: np.ndarray, kept: np.ndarray, sets: tuple[np.ndarray, ...] | None) -> np.ndarray:
        """Similarity of ``docs`` with their survivors ``kept``: exact from the candidates' sets, else estimated."""
        if sets is not None:
            names, values, offsets = sets
            return jaccard_pairs(values, offsets, np.searchsorted(names, docs).astype(np.uint32),
                                 np.searchsorted(names, kept).astype(np.uint32)).astype(np.float32)
        signatures = np.concatenate(self.signatures)
        return (signatures[docs] == signatures[kept]).mean(axis=1).astype(np.float32)


def _candidate_sets(work: WorkDir, starts: np.ndarray, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The shingle sets of ``docs`` (global indices, ascending), read file by file: ``(values, offsets)``."""
    values: list[np.ndarray] = []
    sizes: list[np.ndarray] = []
    for i in range(len(starts) - 1):
        local = docs[(docs >= starts[i]) & (docs < starts[i + 1])] - starts[i]
        if not len(local):
            continue
        arrays = load_arrays(work.hashes(i), [PREFIX + "set_values", PREFIX + "set_sizes"])
        file_sizes = arrays[PREFIX + "set_sizes"].astype(np.int64)
        file_offsets = np.concatenate([[0], np.cumsum(file_sizes)])
        take = file_sizes[local]
        firsts = np.repeat(file_offsets[local] - np.concatenate([[0], np.cumsum(take)[:-1]]), take)
        values.append(arrays[PREFIX + "set_values"][firsts + np.arange(int(take.sum()))])
        sizes.append(take)
    all_sizes = np.concatenate(sizes) if sizes else np.zeros(0, dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(all_sizes)]).astype(np.uint64)
    return (np.concatenate(values) if values else np.zeros(0, dtype=np.uint32)), offsets


def _ids_of(work: WorkDir, starts: np.ndarray, docs: np.ndarray) -> dict[int, str]:
    """The ids of ``docs`` (global indices), read from the work files of the files that hold them."""
    out: dict[int, str] = {}
    for i in range(len(starts) - 1):
        local = docs[(docs >= starts[i]) & (docs < starts[i + 1])]
        if not len(local):
            continue
        arrays = load_arrays(work.hashes(i), ["id_data", "id_offsets"])
        column = StringColumn.from_arrays(arrays["id_data"], arrays["id_offsets"])
        out.update((int(d), column[int(d - starts[i])]) for d in local)
    return out
