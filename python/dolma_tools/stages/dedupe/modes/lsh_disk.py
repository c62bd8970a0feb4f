"""Out-of-core LSH for the MinHash mode: band tasks that sort on storage, and a union over their links.

With ``minhash.memory_mb`` set, no process holds every signature. Phase 1 already wrote each
file's signatures (and shingle sets) to its work file. `BandTask` (picklable: any executor runs
it) takes a group of bands: one pass over the signature files, a block of rows at a time,
computes each band's keys (`lsh_band_keys`, the keys of the in-memory `LshIndex`) and cuts the
``(key, doc)`` records into sorted runs on storage (`external_sort`); merging a band's runs
streams its buckets in ``(key, doc)`` order, and the buckets of two or more members become links
by the in-memory rule (`lsh_bucket_links`), verified with only those members' signatures or
sets (`PartReader`). Links and the candidate members go to two files per task. `union_links`
then folds every link file into a union-find of uint64 parents (8 bytes a document, the one
structure of corpus size), whose roots are the smallest member of each cluster, exactly as in
memory. Memory of a band task: ``memory_mb``, whatever the corpus size (but one key's records:
see `external_sort`).
"""

from __future__ import annotations

import collections
import dataclasses
from collections.abc import Iterator

import numpy as np

from dolma_tools._core import StringColumn, jaccard_pairs, lsh_band_keys, lsh_bucket_links, lsh_union, sorted_sets
from dolma_tools.executor.base import FileTask, Report
from dolma_tools.io import atomic_writer, open_read
from dolma_tools.io.scratch import Scratch
from dolma_tools.io.storage import remove
from dolma_tools.stages.dedupe.modes.external_sort import RECORD_BYTES, RunWriter, merged
from dolma_tools.stages.dedupe.work import array_view

SHARE_SORT = 0.5
"""Share of a band task's memory for records being sorted (the sort needs about three times
their 16 bytes); the rest for signature blocks and the members' data read to verify."""
TAKE_ROWS = 4096
"""Rows gathered through one mapping (at most a page each stays mapped meanwhile: 16 MB)."""
SET_BYTES = 2048
"""What a shingle set is assumed to take when sizing a verification batch (about 500 shingles,
a 3 KB page)."""


@dataclasses.dataclass(frozen=True)
class Part:
    """Documents ``start .. start + count`` (global positions): one input file's work arrays
    (``prefix`` ``minhash/``), or a persistent index (``prefix`` empty, ``earlier``: it survives)."""

    path: str
    prefix: str
    start: int
    count: int
    earlier: bool = False


class PartReader:
    """Rows of the parts' arrays for documents given by global position (ascending), reading
    only the rows asked for: work files are memory-mapped, remote ones (``s3://``) once copied
    to local scratch space (removed on exit)."""

    def __init__(self, parts: tuple[Part, ...]) -> None:
        self.parts = parts
        self.ends = np.array([part.start + part.count for part in parts], dtype=np.int64)
        self._set_offsets: dict[int, np.ndarray] = {}
        self._scratch = Scratch()

    def __enter__(self) -> PartReader:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._scratch.close()

    @property
    def num_perm(self) -> int:
        return int(self.view(self.parts[0], self.parts[0].prefix + "signatures").shape[1]) if self.parts else 0

    def view(self, part: Part, key: str) -> np.ndarray:
        """One array of a part, memory-mapped (from a local copy when the part is remote)."""
        return array_view(self._scratch.local(part.path), key)

    def _take(self, part: Part, key: str, index: np.ndarray) -> np.ndarray:
        """``array[index]`` of a part's array, a mapping per `TAKE_ROWS` rows: the pages read do not
        stay resident in this process (rows far apart touch a page each)."""
        pieces = [np.asarray(self.view(part, key)[index[start:start + TAKE_ROWS]]) for start in range(0, len(index), TAKE_ROWS)]
        return np.concatenate(pieces) if pieces else self.view(part, key)[:0].copy()

    def _split(self, docs: np.ndarray) -> Iterator[tuple[int, Part, np.ndarray, np.ndarray]]:
        """``(part index, part, positions in docs, local rows)`` of each part holding some of ``docs``."""
        where = np.searchsorted(self.ends, docs, side="right")
        bounds = np.flatnonzero(np.diff(where)) + 1
        for positions in np.split(np.arange(len(docs)), bounds):
            if len(positions):
                index = int(where[positions[0]])
                part = self.parts[index]
                yield index, part, positions, docs[positions].astype(np.int64) - part.start

    def signatures(self, docs: np.ndarray) -> np.ndarray:
        rows = [self._take(part, part.prefix + "signatures", local) for _, part, _, local in self._split(docs)]
        return np.concatenate(rows) if rows else np.zeros((0, 0), dtype=np.uint32)

    def sets(self, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The shingle sets of ``docs``: ``(values, offsets)`` as `jaccard_pairs` takes them, made
        sets here from the work files' fingerprint lists (as `clusters` does for the candidates)."""
        values: list[np.ndarray] = []
        sizes: list[np.ndarray] = []
        for index, part, _, local in self._split(docs):
            offsets = self._offsets(index, part)
            starts, take = offsets[local], offsets[local + 1] - offsets[local]
            firsts = np.repeat(starts - np.concatenate([[0], np.cumsum(take)[:-1]]), take)
            values.append(self._take(part, part.prefix + "set_values", firsts + np.arange(int(take.sum()))))
            sizes.append(take)
        all_sizes = np.concatenate(sizes) if sizes else np.zeros(0, dtype=np.int64)
        offsets = np.concatenate([[0], np.cumsum(all_sizes)]).astype(np.uint64)
        return sorted_sets(np.concatenate(values) if values else np.zeros(0, dtype=np.uint32), offsets)

    def _offsets(self, index: int, part: Part) -> np.ndarray:
        """Where each set of a part starts (cached for the last part read: docs come ascending)."""
        if index not in self._set_offsets:
            sizes = self.view(part, part.prefix + "set_sizes")
            self._set_offsets = {index: np.concatenate([[0], np.cumsum(sizes, dtype=np.int64)])}
        return self._set_offsets[index]

    def keep(self, docs: np.ndarray) -> np.ndarray:
        """Keep scores (an earlier release's documents always survive: +inf)."""
        scores = [np.full(len(local), np.inf) if part.earlier else self._take(part, part.prefix + "keep", local)
                  for _, part, _, local in self._split(docs)]
        return np.concatenate(scores) if scores else np.zeros(0)

    def ids(self, docs: np.ndarray) -> dict[int, str]:
        out: dict[int, str] = {}
        for _, part, positions, local in self._split(docs):
            column = StringColumn.from_arrays(np.asarray(self.view(part, "id_data")), np.asarray(self.view(part, "id_offsets")))
            out.update((int(d), column[int(i)]) for d, i in zip(docs[positions], local))
        return out


def member_bytes(verify: str, num_perm: int) -> int:
    """What one document's data read for verification is taken to cost."""
    return {"none": 0, "exact": SET_BYTES}.get(verify, 4 * num_perm)


def pair_similarity(reader: PartReader, left: np.ndarray, right: np.ndarray, exact: bool) -> np.ndarray:
    """Jaccard of each pair (exact from the sets, else estimated from the signatures), float32."""
    if not len(left):
        return np.zeros(0, dtype=np.float32)
    needed = np.unique(np.concatenate([left, right]))
    a, b = np.searchsorted(needed, left), np.searchsorted(needed, right)
    if exact:
        values, offsets = reader.sets(needed)
        return jaccard_pairs(values, offsets, a.astype(np.uint32), b.astype(np.uint32)).astype(np.float32)
    signatures = reader.signatures(needed)
    return (signatures[a] == signatures[b]).mean(axis=1).astype(np.float32)


@dataclasses.dataclass(frozen=True)
class BandTask(FileTask):
    """The links of a group of bands over every part: sorted runs, merge, verified buckets."""

    source: str
    output: str
    """The links: uint64 pairs ``(representative, member)``."""
    members: str
    """The documents in a bucket of two or more of some band of the group (uint64; repeats)."""
    parts: tuple[Part, ...]
    bands: tuple[int, ...]
    rows: int
    verify: str
    threshold: float
    memory_bytes: int
    runs: str
    """Folder for this task's sorted runs (removed when done)."""

    @property
    def outputs(self) -> tuple[str, ...]:
        return (self.output, self.members)

    def run(self, report: Report) -> collections.Counter:
        with PartReader(self.parts) as reader:
            return self._run(reader, report)

    def _run(self, reader: PartReader, report: Report) -> collections.Counter:
        counters: collections.Counter = collections.Counter()
        capacity = int(self.memory_bytes * SHARE_SORT) // (3 * RECORD_BYTES * len(self.bands))
        writers = {band: RunWriter(lambda i, band=band: f"{self.runs}/band{band:03d}.run{i:05d}", capacity) for band in self.bands}
        block = max(1, int(self.memory_bytes * (1 - SHARE_SORT)) // (4 * max(reader.num_perm, 1) * 4))
        for part in self.parts:
            for start in range(0, part.count, block):
                # (a mapping per block: pages read are not left resident in this process)
                rows = np.array(reader.view(part, part.prefix + "signatures")[start:start + block])
                docs = np.arange(part.start + start, part.start + start + len(rows), dtype=np.uint64)
                for band, writer in writers.items():
                    writer.add(lsh_band_keys(rows, band, self.rows), docs)
            report(0)
        with atomic_writer(self.output) as links, atomic_writer(self.members) as members:
            for band, writer in writers.items():
                paths = writer.finish()
                counters["minhash.sorted_runs"] += len(paths)
                block = max(1, capacity // max(len(paths), 1))
                for keys, docs in _buckets(merged(paths, block), self._batch(reader)):
                    left, right = self._links(reader, keys, docs)
                    links.write(np.column_stack([left, right]).astype("<u8").tobytes())
                    members.write(docs.astype("<u8").tobytes())
                    counters["minhash.candidate_links"] += len(left)
                for path in paths:
                    remove(path)
        return counters

    def _batch(self, reader: PartReader) -> int:
        """Bucket records verified at a time: they and their members' data (gathered, then joined:
        twice its size) in the other share."""
        member = member_bytes(self.verify, reader.num_perm)
        return max(1, int(self.memory_bytes * (1 - SHARE_SORT)) // (3 * RECORD_BYTES + 2 * member))

    def _links(self, reader: PartReader, keys: np.ndarray, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if self.verify == "none":
            return lsh_bucket_links(keys, docs)
        members = np.unique(docs)
        if self.verify == "exact":
            values, offsets = reader.sets(members)
            return lsh_bucket_links(keys, docs, threshold=self.threshold, members=members, set_values=values, set_offsets=offsets)
        return lsh_bucket_links(keys, docs, threshold=self.threshold, members=members, signatures=reader.signatures(members))


def _buckets(chunks: Iterator[tuple[np.ndarray, np.ndarray]], capacity: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """The records of buckets of two or more members, gathered into batches of about ``capacity``."""
    held: list[tuple[np.ndarray, np.ndarray]] = []
    count = 0
    for keys, docs in chunks:
        shared = np.zeros(len(keys), dtype=bool)
        same = keys[1:] == keys[:-1]
        shared[1:] |= same
        shared[:-1] |= same
        if shared.any():
            held.append((keys[shared], docs[shared]))
            count += int(shared.sum())
        if count >= capacity:
            yield np.concatenate([k for k, _ in held]), np.concatenate([d for _, d in held])
            held, count = [], 0
    if held:
        yield np.concatenate([k for k, _ in held]), np.concatenate([d for _, d in held])


def read_u64(path: str, block: int, width: int = 1) -> Iterator[np.ndarray]:
    """The uint64 rows of ``width`` values of a links (2) or members (1) file, ``block`` rows at a time."""
    with open_read(path) as stream:
        while data := stream.read(block * 8 * width):
            yield np.frombuffer(data, dtype="<u8").reshape(-1, width)


def union_links(paths: list[str], documents: int, block: int) -> np.ndarray:
    """Each document's cluster, named by its smallest member (uint64), from every links file."""
    parent = np.arange(documents, dtype=np.uint64)
    for path in paths:
        for pairs in read_u64(path, block, 2):
            lsh_union(parent, np.ascontiguousarray(pairs[:, 0]), np.ascontiguousarray(pairs[:, 1]))
    empty = np.zeros(0, dtype=np.uint64)
    lsh_union(parent, empty, empty, flatten=True)
    return parent
