"""Second pass, tokens: a global seeded shuffle in bounded memory, and the shard files.

The method
    Every kept copy of every document has a 64-bit shuffle key, a seeded hash of
    ``(copy, id)`` (`dolma_tools.stages.mix.sampling.shuffle_key`). The output is the whole mix in
    increasing key order: a uniformly random permutation, the same for any number of workers.
    It is cut into shards by key range, so no process ever holds more than one shard:

    1. first pass (parallel, per input file): tokenize into ``tokens.bin`` and write an index of
       ``(key, priority, start, length, row)`` sorted by key;
    2. plan (one process, memory O(65,536)): a histogram of tokens over the top 16 bits of the
       key, from every index, gives key ranges holding about ``total / K`` tokens each, with
       ``K = ceil(total / shard_tokens)``; copies above a stream's cap are left out;
    3. shards (parallel, one task each): binary-search its key range in every sorted index,
       merge those rows by key (ties: input order), copy their tokens into the shard and write
       the boundaries. Memory: one shard's rows and tokens. With the work folder on ``s3://`` a
       task maps local copies of the first-pass files it draws from (`dolma_tools.io.scratch`).

Files
    The shard files and the manifest are the format `dolma_tools.tokens` owns.
"""

from __future__ import annotations

import collections
import dataclasses
import math
import mmap
from collections.abc import Sequence

import numpy as np

from dolma_tools.executor.base import Report
from dolma_tools.io import atomic_writer
from dolma_tools.io.compression import gzip_member
from dolma_tools.io.scratch import Scratch, load_npy
from dolma_tools.stages.mix.prepare import INDEX_DTYPE

KEY_BITS = 16
_BINS = 1 << KEY_BITS
_SHIFT = np.uint64(64 - KEY_BITS)
_KEY_SPACE = 1 << 64


@dataclasses.dataclass(frozen=True)
class TokenInput:
    """One first-pass file's tokens, index and metadata, and the priority limit of its stream."""

    tokens: str
    index: str
    meta: str
    meta_offsets: str
    threshold: float


def _kept(index: np.ndarray, threshold: float) -> np.ndarray:
    return index if math.isinf(threshold) else index[index["priority"] < threshold]


def plan_ranges(inputs: Sequence[TokenInput], shard_tokens: int) -> list[tuple[int, int]]:
    """Key ranges ``[low, high)`` of balanced shards of at most about ``shard_tokens`` tokens."""
    histogram = np.zeros(_BINS, dtype=np.int64)
    for item in inputs:
        rows = _kept(load_npy(item.index, mmap=True), item.threshold)
        bins = (rows["key"] >> _SHIFT).astype(np.intp)
        histogram += np.bincount(bins, weights=rows["length"], minlength=_BINS).astype(np.int64)
    total = int(histogram.sum())
    if total == 0:
        return []
    shards = math.ceil(total / shard_tokens)
    cumulative = np.cumsum(histogram)
    edges = [0]
    for j in range(1, shards):
        edge = int(np.searchsorted(cumulative, j * total / shards, side="left")) + 1
        if edges[-1] < edge < _BINS:
            edges.append(edge)
    edges.append(_BINS)
    return [(low << (64 - KEY_BITS), high << (64 - KEY_BITS)) for low, high in zip(edges, edges[1:])]


def _in_range(keys: np.ndarray, low: int, high: int) -> tuple[int, int]:
    start = int(np.searchsorted(keys, np.uint64(low), side="left"))
    end = len(keys) if high >= _KEY_SPACE else int(np.searchsorted(keys, np.uint64(high), side="left"))
    return start, end


@dataclasses.dataclass(frozen=True)
class TokenShardTask:
    """Write one shard: the copies whose keys fall in ``[low, high)``, in key order."""

    output: str
    metadata: str
    low: int
    high: int
    inputs: tuple[TokenInput, ...]
    dtype: str

    @property
    def name(self) -> str:
        return self.output

    @property
    def outputs(self) -> tuple[str, ...]:
        return (self.output, self.metadata)

    def run(self, report: Report) -> collections.Counter:
        with Scratch() as scratch:  # remote work files: mapped from local copies
            return self._write(scratch, report)

    def _write(self, scratch: Scratch, report: Report) -> collections.Counter:
        selected, owners = [], []
        for number, item in enumerate(self.inputs):
            index = np.load(scratch.local(item.index), mmap_mode="r")
            start, end = _in_range(index["key"], self.low, self.high)
            rows = _kept(np.asarray(index[start:end]), item.threshold)
            selected.append(rows)
            owners.append(np.full(len(rows), number, dtype=np.int64))
        rows = np.concatenate(selected) if selected else np.zeros(0, dtype=INDEX_DTYPE)
        owner = np.concatenate(owners) if owners else np.zeros(0, dtype=np.int64)
        order = np.argsort(rows["key"], kind="stable")
        tokens = {n: np.memmap(scratch.local(self.inputs[n].tokens), dtype=self.dtype, mode="r")
                  for n in np.unique(owner).tolist()}
        metas = {n: _MetaReader(self.inputs[n], scratch) for n in tokens}
        position = 0
        lines: list[bytes] = []
        with atomic_writer(self.output, raw=True) as out:
            for row, number in zip(rows[order].tolist(), owner[order].tolist()):
                _, _, start, length, meta = row
                out.write(tokens[number][start:start + length].tobytes())
                lines.append(f"{position},{position + length},".encode() + metas[number].tail(meta) + b"\n")
                position += length
        with atomic_writer(self.metadata, raw=True) as out:
            out.write(gzip_member(b"".join(lines)))
        for meta_reader in metas.values():
            meta_reader.close()
        report(len(lines))
        return collections.Counter({"shard_documents": len(lines), "shard_tokens": position})


class _MetaReader:
    """Random access to the ``id,source,provenance`` tails of one first-pass file."""

    def __init__(self, item: TokenInput, scratch: Scratch) -> None:
        self.offsets = load_npy(item.meta_offsets)
        self.file = open(scratch.local(item.meta), "rb")
        self.map = mmap.mmap(self.file.fileno(), 0, access=mmap.ACCESS_READ) if self.offsets[-1] else None

    def tail(self, row: int) -> bytes:
        assert self.map is not None
        return self.map[int(self.offsets[row]):int(self.offsets[row + 1])]

    def close(self) -> None:
        if self.map is not None:
            self.map.close()
        self.file.close()
