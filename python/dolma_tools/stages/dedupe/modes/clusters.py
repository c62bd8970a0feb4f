"""Phase 2 of the MinHash mode: clusters over the whole corpus, their survivors and the survivors' ids.

Signatures go into one `LshIndex` file by file. At the end, with exact verification, only the
candidates' shingle sets are read back from the work files (most documents share no band with
any other and never need theirs), and the index clusters with the exact Jaccard. The keep
policy then names each cluster's survivor (`keep.survivors`); the similarity of a flagged copy
is measured against that survivor, and the survivors' ids are read from the work files so that
phase 3 can write them beside each flagged copy. Documents of a persistent index (`index`) come
first, at global positions ``0 .. len(earlier)``, and always survive.
"""

from __future__ import annotations

import collections
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from dolma_tools._core import LshIndex, StringColumn, jaccard_pairs, sorted_sets
from dolma_tools.io.scratch import Scratch
from dolma_tools.stages.dedupe.modes import index as persistent
from dolma_tools.stages.dedupe.modes.base import Decider
from dolma_tools.stages.dedupe.modes.index import EarlierDocuments
from dolma_tools.stages.dedupe.modes.keep import survivors
from dolma_tools.stages.dedupe.work import WorkDir, array_view, load_arrays

if TYPE_CHECKING:
    from dolma_tools.stages.dedupe.modes.minhash import MinhashMode

PREFIX = "minhash/"
"""The mode's arrays in the work files."""


class LshDecider(Decider):
    """Every file's signatures into one LSH index (global input positions), clustered at the end."""

    def __init__(self, mode: MinhashMode, index: LshIndex, work: WorkDir, earlier: EarlierDocuments | None) -> None:
        self.mode = mode
        self.index = index
        self.work = work
        self.earlier = earlier
        self.reads = ("signatures", "keep") if mode.keep.by != "first" else ("signatures",)
        self.added = 0
        self.keep: list[np.ndarray] = []
        # This run's signatures: for an index update, or to measure the similarity with a
        # survivor other than the first member without shingle sets.
        self.signatures: list[np.ndarray] = []
        if earlier is not None and len(earlier):
            self.add({"signatures": earlier.signatures, "keep": np.full(len(earlier), np.inf)})
            self.signatures.clear()

    @property
    def keeps_signatures(self) -> bool:
        return (self.mode.keep.by != "first" and self.mode.verify != "exact") or self.updates

    @property
    def updates(self) -> bool:
        return self.mode.index is not None and self.mode.index.update

    def add(self, arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        signatures = np.ascontiguousarray(arrays["signatures"])
        self.index.add(signatures, self.added)
        self.added += len(signatures)
        if self.mode.keep.by != "first":
            self.keep.append(arrays["keep"])
        if self.keeps_signatures:
            self.signatures.append(signatures)
        return {}

    def finish(self, doc_counts: list[int]) -> tuple[list[dict[str, np.ndarray]], dict[str, Any]]:
        """Per file: ``survivor`` (global index, negative for an earlier document of the persistent
        index), ``similarity``, ``cluster_size`` and the flagged copies' survivor ids; figures."""
        before = len(self.earlier) if self.earlier is not None else 0
        starts = before + np.cumsum([0, *doc_counts])
        with _Parts(self.work, self.earlier, starts) as parts:
            return self._decide(parts, doc_counts, before, starts)

    def _decide(self, parts: _Parts, doc_counts: list[int], before: int,
                starts: np.ndarray) -> tuple[list[dict[str, np.ndarray]], dict[str, Any]]:
        """`finish` with the documents' work arrays at hand."""
        figures: dict[str, Any] = {"bands": self.index.bands, "rows": self.index.rows}
        sets = None
        if self.mode.verify == "exact":
            docs = self.index.candidates()
            sets = (docs, *parts.sets(docs))
            cluster_id, similarity = self.index.clusters_exact(*sets, self.mode.threshold)
            figures["candidates"] = len(docs)
        else:
            cluster_id, similarity = self.index.clusters(verify=self.mode.verify == "signature")
        survivor = survivors(cluster_id, np.concatenate(self.keep)) if self.keep else cluster_id
        moved = np.flatnonzero(survivor != cluster_id)
        if len(moved):
            similarity[moved] = self._similarity(moved, survivor[moved], sets, before)
        sizes = np.bincount(cluster_id, minlength=len(cluster_id))
        big = sizes[sizes > 1]
        figures.update(clusters=int(len(big)),
                       cluster_sizes={str(k): v for k, v in sorted(collections.Counter(big.tolist()).items())})
        if self.earlier is not None:
            figures["index_documents"] = before
        ids = parts.ids(np.unique(survivor[survivor != np.arange(len(survivor))]))
        per_file = []
        for i in range(len(doc_counts)):
            own, kept = np.arange(starts[i], starts[i + 1]), survivor[starts[i]:starts[i + 1]]
            data, offsets = StringColumn.from_list([ids[s] for s in kept[kept != own].tolist()]).to_arrays()
            per_file.append({"survivor": kept - before, "similarity": similarity[starts[i]:starts[i + 1]],
                             "cluster_size": sizes[cluster_id[starts[i]:starts[i + 1]]],
                             "survivor_id_data": data, "survivor_id_offsets": offsets})
        if self.updates:
            self._save_index(parts, starts)
        return per_file, figures

    def _similarity(self, docs: np.ndarray, kept: np.ndarray, sets: tuple[np.ndarray, ...] | None,
                    before: int) -> np.ndarray:
        """Similarity of ``docs`` with their survivors ``kept``: exact from the candidates' sets, else estimated."""
        if sets is not None:
            names, values, offsets = sets
            return jaccard_pairs(values, offsets, np.searchsorted(names, docs).astype(np.uint32),
                                 np.searchsorted(names, kept).astype(np.uint32)).astype(np.float32)
        signatures = np.concatenate(([self.earlier.signatures] if self.earlier is not None else []) + self.signatures)
        return (signatures[docs] == signatures[kept]).mean(axis=1).astype(np.float32)

    def _save_index(self, parts: _Parts, starts: np.ndarray) -> None:
        """The persistent index with this run's documents added, into the work folder (published
        into ``index.path`` once the sidecars are written)."""
        everyone = np.arange(starts[0], starts[-1])
        values, offsets = parts.sets(everyone) if self.mode.verify == "exact" else (None, None)
        id_data, id_offsets = parts.id_column(everyone).to_arrays()
        own = EarlierDocuments(np.concatenate(self.signatures) if self.signatures else np.zeros((0, self.mode.num_perm), np.uint32),
                               values, None if offsets is None else np.diff(offsets).astype(np.int32),
                               id_data, id_offsets, ())
        earlier = [self.earlier] if self.earlier is not None else []
        runs = (*(self.earlier.runs if self.earlier is not None else ()), os.path.basename(self.work.root))
        os.makedirs(self.work.root, exist_ok=True)
        persistent.save(self.work.pending_filter("minhash"), [*earlier, own], self.mode.model_dump(mode="json"), runs)


def _load(path: str, keys: list[str]) -> dict[str, np.ndarray]:
    """Arrays of a local work file; its fingerprint lists (4 bytes a shingle, most of the file)
    memory-mapped, not read."""
    big = [key for key in keys if key.endswith("set_values")]
    return {**load_arrays(path, [key for key in keys if key not in big]), **{key: array_view(path, key) for key in big}}


class _Parts:
    """Where documents live by global position: the persistent index first, then each input
    file's work arrays; reads only the parts that hold the documents asked for. Work files on
    ``s3://`` are read from local copies (one each, removed on exit)."""

    def __init__(self, work: WorkDir, earlier: EarlierDocuments | None, starts: np.ndarray) -> None:
        self.scratch = Scratch()
        self.ranges: list[tuple[int, int, Callable[[list[str]], dict[str, np.ndarray]]]] = []
        if earlier is not None:
            arrays = {PREFIX + "set_values": earlier.set_values, PREFIX + "set_sizes": earlier.set_sizes,
                      "id_data": earlier.id_data, "id_offsets": earlier.id_offsets}
            self.ranges.append((0, int(starts[0]), lambda keys: {k: arrays[k] for k in keys}))
        for i in range(len(starts) - 1):
            self.ranges.append((int(starts[i]), int(starts[i + 1]),
                                lambda keys, i=i: _load(self.scratch.local(work.hashes(i)), keys)))

    def __enter__(self) -> _Parts:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.scratch.close()

    def sets(self, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The shingle sets of ``docs`` (global positions, ascending): ``(values, offsets)``, made
        sets here from the work files' fingerprint lists (those of the index are sets already).
        A work file's fingerprints are memory-mapped: only the lists of ``docs`` are read."""
        values: list[np.ndarray] = []
        sizes: list[np.ndarray] = []
        for start, end, load in self.ranges:
            local = docs[(docs >= start) & (docs < end)] - start
            if not len(local):
                continue
            arrays = load([PREFIX + "set_values", PREFIX + "set_sizes"])
            part_offsets = np.concatenate([[0], np.cumsum(arrays[PREFIX + "set_sizes"], dtype=np.uint64)]).astype(np.uint64)
            # Work files keep their arrays aligned (`save_arrays`); one from elsewhere is copied.
            lists = np.require(arrays[PREFIX + "set_values"], np.uint32, ["A", "C"])
            part_values, part_set_offsets = sorted_sets(lists, part_offsets, local.astype(np.uint64))
            values.append(part_values)
            sizes.append(np.diff(part_set_offsets))
        all_sizes = np.concatenate(sizes) if sizes else np.zeros(0, dtype=np.uint64)
        offsets = np.concatenate([[0], np.cumsum(all_sizes)]).astype(np.uint64)
        return np.concatenate(values) if values else np.zeros(0, dtype=np.uint32), offsets

    def ids(self, docs: np.ndarray) -> dict[int, str]:
        """The ids of ``docs`` (global positions)."""
        out: dict[int, str] = {}
        for start, end, load in self.ranges:
            local = docs[(docs >= start) & (docs < end)]
            if len(local):
                arrays = load(["id_data", "id_offsets"])
                column = StringColumn.from_arrays(arrays["id_data"], arrays["id_offsets"])
                out.update((int(d), column[int(d - start)]) for d in local)
        return out

    def id_column(self, docs: np.ndarray) -> StringColumn:
        """The ids of ``docs`` (a contiguous run of global positions, ascending) as one column."""
        found = self.ids(docs)
        return StringColumn.from_list([found[int(d)] for d in docs])
