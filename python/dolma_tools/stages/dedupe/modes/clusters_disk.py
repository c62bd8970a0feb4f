"""Phase 2 of the MinHash mode out of core (``minhash.memory_mb``): the same decisions as `clusters`.

The driver never loads a signature. It plans `lsh_disk.BandTask`s (a phase of picklable tasks,
so the local or the Ray executor runs them), folds their link files into cluster ids
(`lsh_disk.union_links`, 8 bytes a document), and then works only on the documents of clusters
of two or more: the keep policy names each survivor (`keep.survivors`, the in-memory rule), the
similarity of a flagged copy is measured against its survivor from the two documents' sets (or
signatures), and the survivors' ids are read from the work files. Decisions are handed back one
file at a time. The clusters, survivors, similarities and sizes are those of `clusters.LshDecider`:
the buckets, the representative rule and the smallest-member roots are the same, and every
similarity is the same function of the same two documents.
"""

from __future__ import annotations

import collections
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from dolma_tools._core import StringColumn
from dolma_tools.stages.base import Phase
from dolma_tools.stages.dedupe.modes.base import Decider
from dolma_tools.stages.dedupe.modes.keep import survivors
from dolma_tools.stages.dedupe.modes.lsh_disk import BandTask, Part, PartReader, member_bytes, pair_similarity, read_u64, union_links
from dolma_tools.stages.dedupe.work import WorkDir

if TYPE_CHECKING:
    from dolma_tools.stages.dedupe.modes.minhash import MinhashMode

BANDS_PER_TASK = 6
"""Bands one task sorts in one pass over the signatures (each pass reads every signature file)."""


class DiskLshDecider(Decider):
    """Clusters from band tasks on storage; nothing is loaded while the files are added."""

    reads = ()

    def __init__(self, mode: MinhashMode, work: WorkDir, bands: int, rows: int) -> None:
        self.mode = mode
        self.work = work
        self.bands, self.rows = bands, rows
        self.memory_bytes = int((mode.memory_mb or 0) * 2**20)

    def add(self, arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        return {}

    def _parts(self, doc_counts: list[int]) -> tuple[Part, ...]:
        starts = np.cumsum([0, *doc_counts]).tolist()
        return tuple(Part(self.work.hashes(i), "minhash/", starts[i], count) for i, count in enumerate(doc_counts))

    def _tasks(self, doc_counts: list[int]) -> list[BandTask]:
        groups = [tuple(range(b, min(b + BANDS_PER_TASK, self.bands))) for b in range(0, self.bands, BANDS_PER_TASK)]
        folder = f"{self.work.root}/lsh"
        return [BandTask(source=f"minhash bands {group[0]}-{group[-1]}", output=f"{folder}/bands{group[0]:03d}.links",
                         members=f"{folder}/bands{group[0]:03d}.members", parts=self._parts(doc_counts), bands=group,
                         rows=self.rows, verify=self.mode.verify, threshold=self.mode.threshold,
                         memory_bytes=self.memory_bytes, runs=f"{folder}/runs")
                for group in groups]

    def phases(self, doc_counts: list[int]) -> Iterator[Phase]:
        yield Phase("dedupe:minhash-bands", self._tasks(doc_counts))

    def finish(self, doc_counts: list[int]) -> tuple[Iterator[dict[str, np.ndarray]], dict[str, Any]]:
        """Per file (lazily, in input order): ``survivor``, ``similarity``, ``cluster_size`` and the
        flagged copies' survivor ids, as `clusters.LshDecider.finish` gives them; figures."""
        total = int(sum(doc_counts))
        tasks = self._tasks(doc_counts)
        block = max(1, self.memory_bytes // 128)  # uint64 pairs read at a time, with their copies
        cluster_id = union_links([task.output for task in tasks], total, block)
        figures: dict[str, Any] = {"bands": self.bands, "rows": self.rows}
        if self.mode.verify == "exact":
            figures["candidates"] = _count_members([task.members for task in tasks], total, block)
        members = _clustered(cluster_id, block)
        label = np.searchsorted(members, cluster_id[members])  # a cluster: its smallest member's position
        del cluster_id
        counts = np.bincount(label, minlength=len(members))
        big = counts[counts > 1]
        figures.update(clusters=int(len(big)),
                       cluster_sizes={str(k): v for k, v in sorted(collections.Counter(big.tolist()).items())})
        with PartReader(self._parts(doc_counts)) as reader:
            scores = reader.keep(members) if self.mode.keep.by != "first" else np.zeros(len(members))
            kept = members[survivors(label, scores)]
            flagged = np.flatnonzero(kept != members)
            similarity = np.ones(len(members), dtype=np.float32)
            pairs = max(1, self.memory_bytes // (6 * max(member_bytes(self.mode.verify, reader.num_perm), 8)))
            for chunk in np.array_split(flagged, max(1, -(-len(flagged) // pairs))):  # both sides' data, joined, compared
                similarity[chunk] = pair_similarity(reader, members[chunk], kept[chunk], self.mode.verify == "exact")
            ids = reader.ids(np.unique(kept[flagged]))
        return self._per_file(doc_counts, members, kept, similarity, counts[label], ids), figures
    @staticmethod
    def _per_file(doc_counts: list[int], members: np.ndarray, kept: np.ndarray, similarity: np.ndarray,
                  sizes: np.ndarray, ids: dict[int, str]) -> Iterator[dict[str, np.ndarray]]:
        starts = np.cumsum([0, *doc_counts])
        for i in range(len(doc_counts)):
            own = np.arange(starts[i], starts[i + 1])
            lo, hi = np.searchsorted(members, [starts[i], starts[i + 1]])
            local = members[lo:hi] - starts[i]
            survivor, sim, size = own.copy(), np.ones(len(own), dtype=np.float32), np.ones(len(own), dtype=np.int64)
            survivor[local], sim[local], size[local] = kept[lo:hi], similarity[lo:hi], sizes[lo:hi]
            flagged = survivor[survivor != own].tolist()
            data, offsets = StringColumn.from_list([ids[s] for s in flagged]).to_arrays()
            yield {"survivor": survivor, "similarity": sim, "cluster_size": size,
                   "survivor_id_data": data, "survivor_id_offsets": offsets}


def _clustered(cluster_id: np.ndarray, block: int) -> np.ndarray:
    """The documents of clusters of two or more (ascending), a block of documents at a time."""
    found: list[np.ndarray] = []
    for start in range(0, len(cluster_id), block):
        ids = cluster_id[start:start + block]
        moved = np.flatnonzero(ids != np.arange(start, start + len(ids), dtype=np.uint64))
        found += [moved + start, ids[moved].astype(np.int64)]
    return np.unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)


def _count_members(paths: list[str], documents: int, block: int) -> int:
    """How many documents share a band key with another one (the ``candidates`` figure)."""
    seen = np.zeros(documents, dtype=bool)
    for path in paths:
        for docs in read_u64(path, block):
            seen[docs[:, 0]] = True
    return int(seen.sum())
