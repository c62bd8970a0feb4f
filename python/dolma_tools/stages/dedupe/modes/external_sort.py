"""A bounded-memory external sort of ``(key, doc)`` records: sorted runs on storage, then a merge.

The out-of-core LSH (`lsh_disk`) buckets each band's records by key. Records arrive in
ascending ``doc`` order; `RunWriter` cuts them into runs of at most ``capacity`` records, sorts
each by key (stably, so equal keys stay in ``doc`` order) and writes it through
`io.atomic_writer` (local folders and ``s3://`` alike). `merged` reads every run a block at a
time and yields the records in ``(key, doc)`` order, in chunks that never split a key: a chunk
holds only keys below the smallest last-read key of the runs not yet exhausted, so every record
of those keys has been read. Runs hold consecutive ``doc`` ranges, so joining the taken parts in
run order and sorting stably by key gives ``(key, doc)`` order.

Memory: ``capacity`` records (16 bytes each, plus the sort's index) while writing, and about one
block per run while merging, except that all records of one key are held at once (a key shared
by a great many documents, e.g. thousands of empty ones, is held whole).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from dolma_tools.io import atomic_writer, open_read

RECORD_BYTES = 16
"""A record on storage: key and doc, little-endian uint64 each."""

Records = tuple[np.ndarray, np.ndarray]
"""``(keys, docs)``, uint64 arrays of one length."""


class RunWriter:
    """Cuts records (ascending ``doc`` across calls) into sorted runs of at most ``capacity``
    records, written to ``path_of(i)``."""

    def __init__(self, path_of: Callable[[int], str], capacity: int) -> None:
        self.path_of = path_of
        self.capacity = max(capacity, 1)
        self.paths: list[str] = []
        self._pending: list[Records] = []
        self._held = 0

    def add(self, keys: np.ndarray, docs: np.ndarray) -> None:
        start = 0
        while start < len(keys):
            take = min(self.capacity - self._held, len(keys) - start)
            self._pending.append((keys[start:start + take], docs[start:start + take]))
            self._held += take
            start += take
            if self._held >= self.capacity:
                self._spill()

    def finish(self) -> list[str]:
        """Write what is left; the run paths in order."""
        if self._held:
            self._spill()
        return self.paths

    def _spill(self) -> None:
        keys = np.concatenate([k for k, _ in self._pending])
        docs = np.concatenate([d for _, d in self._pending])
        self._pending, self._held = [], 0
        order = np.argsort(keys, kind="stable")
        out = np.empty((len(keys), 2), dtype="<u8")
        out[:, 0], out[:, 1] = keys[order], docs[order]
        del keys, docs, order
        self.paths.append(self.path_of(len(self.paths)))
        with atomic_writer(self.paths[-1]) as stream:
            stream.write(memoryview(out).cast("B"))


class _Run:
    """One run being merged: the records read but not yet emitted."""

    def __init__(self, path: str, block: int) -> None:
        self._context = open_read(path)
        self._stream = self._context.__enter__()
        self.block = block
        self.keys = np.zeros(0, dtype=np.uint64)
        self.docs = np.zeros(0, dtype=np.uint64)
        self.done = False

    def read(self) -> None:
        data = self._stream.read(self.block * RECORD_BYTES)
        if len(data) < self.block * RECORD_BYTES:
            self.done = True
            self._context.__exit__(None, None, None)
        pairs = np.frombuffer(data, dtype="<u8").reshape(-1, 2)
        self.keys = np.concatenate([self.keys, pairs[:, 0]])
        self.docs = np.concatenate([self.docs, pairs[:, 1]])

    def take(self, bound: int | None) -> Records:
        """The records with keys below ``bound`` (all of them when None), removed from the run."""
        cut = len(self.keys) if bound is None else int(np.searchsorted(self.keys, np.uint64(bound)))
        taken = self.keys[:cut], self.docs[:cut]
        self.keys, self.docs = self.keys[cut:], self.docs[cut:]
        return taken

    def close(self) -> None:
        if not self.done:
            self.done = True
            self._context.__exit__(None, None, None)


def merged(paths: list[str], block: int) -> Iterator[Records]:
    """The records of sorted runs in ``(key, doc)`` order, in chunks that never split a key."""
    runs = [_Run(path, block) for path in paths]
    try:
        stalled, bound = False, None
        while True:
            for run in runs:
                if not run.done and (not len(run.keys) or (stalled and run.keys[-1] == bound)):
                    run.read()
            open_runs = [int(run.keys[-1]) for run in runs if not run.done]
            bound = min(open_runs) if open_runs else None
            parts = [run.take(bound) for run in runs]
            keys = np.concatenate([k for k, _ in parts]) if parts else np.zeros(0, dtype=np.uint64)
            stalled = bound is not None and not len(keys)
            if len(keys):
                docs = np.concatenate([d for _, d in parts])
                order = np.argsort(keys, kind="stable")
                yield keys[order], docs[order]
            elif bound is None:
                return
    finally:
        for run in runs:
            run.close()
