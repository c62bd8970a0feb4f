"""The decision pass of the Bloom-filter modes, split by key hash into partitions that run as tasks.

A key belongs to one partition (`partition_of`, a multiplicative hash of the key hash, independent
of the bits the Bloom filter probes with), so a key's copies all meet in the same partition and
each partition decides its keys alone: it walks every file in input order, reads only its slice
of the file's keys and inserts them into its own filter. The first copy of every key is therefore
the same as in one pass over all keys, for any number of partitions and workers, while each
partition holds 1/P of the filter.

Files, all written atomically through `dolma_tools.io` (local or ``s3://``):

- phase 1 writes, per input file and mode, a *key file*: the partition bounds then the key hashes
  grouped by partition (stable, so input order within each), as two ``.npy`` arrays in a row;
  the file's ``<mode>/part`` array (in the work ``.npz``) says which partition each key went to;
- a `PartitionTask` reads its slice of every key file (one ranged read each) and writes the
  *partition file*: per-file byte offsets, then one bit per key (seen before or not), then its
  filter's figures;
- phase 3 (`seen_flags`) gathers one file's bits from every partition file and puts them back
  in the file's key order.
"""

from __future__ import annotations

import collections
import dataclasses
import json
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, BinaryIO

import numpy as np

from dolma_tools.executor.base import FileTask, Report
from dolma_tools.io import atomic_writer
from dolma_tools.io.compression import open_raw
from dolma_tools.stages.dedupe import bloom as bloom_files

if TYPE_CHECKING:
    from dolma_tools.stages.dedupe.modes.filtered import BloomMode

DEFAULT_PARTITIONS = 16
"""Partitions when ``partitions`` is not set and no persistent filter says otherwise: enough to
use 16 workers and to cut the largest filter 16-fold, few enough that a small run pays nothing
(docs/scale.md has the measurements)."""
MAX_PARTITIONS = 65_535
"""Partition numbers are stored as uint16."""
_MIX = np.uint64(0x9E37_79B9_7F4A_7C15)


def partition_of(hashes: np.ndarray, partitions: int) -> np.ndarray:
    """The partition of every key hash: the high bits of a multiplicative hash, scaled to
    ``partitions`` (the filters probe with other mixes of the hash, so a partition's keys still
    spread over its whole filter)."""
    if partitions == 1:
        return np.zeros(len(hashes), dtype=np.uint16)
    mixed = (hashes ^ (hashes >> np.uint64(31))) * _MIX
    return (((mixed >> np.uint64(32)) * np.uint64(partitions)) >> np.uint64(32)).astype(np.uint16)


# -- several .npy arrays in one file, read back by ranges --------------------------------------


def save_stacked(path: str, arrays: Sequence[np.ndarray]) -> None:
    """Write ``arrays`` one after another as ``.npy`` records, atomically."""
    with atomic_writer(path, raw=True) as stream:
        for array in arrays:
            np.lib.format.write_array(stream, np.ascontiguousarray(array), allow_pickle=False)


def _header(stream: BinaryIO) -> tuple[np.dtype, int, int]:
    """``(dtype, length, data offset)`` of the ``.npy`` record at the stream's position."""
    version = np.lib.format.read_magic(stream)
    read = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
    shape, _, dtype = read(stream)
    return dtype, int(shape[0]), stream.tell()


def read_stacked(path: str, record: int, start: int = 0, stop: int | None = None) -> np.ndarray:
    """Rows ``start:stop`` of record ``record`` of a stacked file, reading only those bytes."""
    with open_raw(path) as stream:
        for _ in range(record):
            dtype, length, offset = _header(stream)
            stream.seek(offset + length * dtype.itemsize)
        dtype, length, offset = _header(stream)
        stop = length if stop is None else stop
        stream.seek(offset + start * dtype.itemsize)
        data = stream.read((stop - start) * dtype.itemsize)
    if len(data) != (stop - start) * dtype.itemsize:
        raise EOFError(f"{path}: truncated work file (rerun with 'overwrite: true')")
    return np.frombuffer(data, dtype=dtype)


# -- phase 1: keys grouped by partition --------------------------------------------------------


def split_keys(arrays: dict[str, np.ndarray], partitions: int, path: str) -> dict[str, np.ndarray]:
    """Save a mode's ``hash`` array grouped by partition at ``path``; the arrays to keep in the
    work ``.npz``: the others, plus ``part`` (each key's partition, in key order)."""
    arrays = dict(arrays)
    hashes = arrays.pop("hash")
    part = partition_of(hashes, partitions)
    order = np.argsort(part, kind="stable")
    bounds = np.zeros(partitions + 1, dtype=np.int64)
    np.cumsum(np.bincount(part, minlength=partitions), out=bounds[1:])
    save_stacked(path, [bounds, hashes[order]])
    arrays["part"] = part
    return arrays


def keys_per_partition(key_files: Sequence[str], partitions: int) -> np.ndarray:
    """How many keys each partition gets over all files (from the bounds alone)."""
    total = np.zeros(partitions, dtype=np.int64)
    for path in key_files:
        total += np.diff(read_stacked(path, 0))
    return total


# -- phase 2: one task per partition -----------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class PartitionTask(FileTask):
    """Decide one partition of one mode's keys: every file's slice, in input order, into one filter."""

    source: str
    """What the task decides (``<mode> partition <p>/<P>``), for progress and errors."""
    output: str
    mode: BloomMode
    key_files: tuple[str, ...]
    partition: int
    partitions: int
    items: int
    """Keys this partition gets (sizes its filter when ``expected_items`` is not set)."""
    pending: str | None
    """Where an updating run saves the filter (published once the sidecars are written)."""

    def run(self, report: Report) -> collections.Counter:
        config = bloom_files.partition_config(self.mode.settings.bloom, self.partition, self.partitions)
        bloom = bloom_files.open_filter(config, self.items, self.mode.where, quiet=True)
        offsets = [0]
        bits: list[np.ndarray] = []
        for path in self.key_files:
            bounds = read_stacked(path, 0, self.partition, self.partition + 2)
            seen = bloom.insert_if_absent_hashes(read_stacked(path, 1, int(bounds[0]), int(bounds[1])))
            bits.append(np.packbits(seen))
            offsets.append(offsets[-1] + len(bits[-1]))
        if self.pending is not None:
            os.makedirs(os.path.dirname(os.path.abspath(self.pending)), exist_ok=True)
            bloom.save(self.pending)
        figures = filter_figures(bloom) | {"keys": self.items}
        save_stacked(self.output, [np.asarray(offsets, dtype=np.int64),
                                   np.concatenate(bits) if bits else np.zeros(0, dtype=np.uint8),
                                   np.frombuffer(json.dumps(figures, sort_keys=True).encode(), dtype=np.uint8)])
        return collections.Counter()


def filter_figures(bloom: Any) -> dict[str, Any]:
    """Size, hash count, fill and estimated false-positive rate of one filter."""
    fp_rate = bloom.estimated_fp_rate()
    return {"bytes": bloom.num_bits // 8, "hashes": bloom.num_hashes,
            "fill": round(fp_rate ** (1 / bloom.num_hashes), 6), "estimated_fp_rate": fp_rate,
            "estimated_keys": round(bloom.estimated_len())}


def combined_figures(outputs: Sequence[str]) -> dict[str, Any]:
    """The report's ``filter`` figures over every partition: sizes and keys add up; the false
    positive rate and fill are averaged by keys and bytes (a new key meets its partition's filter)."""
    parts = [json.loads(read_stacked(path, 2).tobytes()) for path in outputs]
    if len(parts) == 1:
        return {key: value for key, value in parts[0].items() if key != "keys"}
    keys = sum(part["keys"] for part in parts) or 1
    size = sum(part["bytes"] for part in parts)
    return {"bytes": size, "hashes": max(part["hashes"] for part in parts),
            "fill": round(sum(part["fill"] * part["bytes"] for part in parts) / size, 6),
            "estimated_fp_rate": sum(part["estimated_fp_rate"] * part["keys"] for part in parts) / keys,
            "estimated_keys": sum(part["estimated_keys"] for part in parts),
            "partitions": len(parts), "largest_partition_bytes": max(part["bytes"] for part in parts)}


# -- phase 3: one file's decisions back in key order ------------------------------------------


def seen_flags(part: np.ndarray, outputs: Sequence[str], position: int) -> np.ndarray:
    """``seen[i]``: whether key i of file ``position`` (whose partitions are ``part``) was already
    in its partition's filter, gathered from every partition file."""
    counts = np.bincount(part, minlength=len(outputs))
    grouped = []
    for output, count in zip(outputs, counts):
        start, stop = read_stacked(output, 0, position, position + 2)
        packed = read_stacked(output, 1, int(start), int(stop))
        grouped.append(np.unpackbits(packed, count=int(count)).astype(bool))
    seen = np.empty(len(part), dtype=bool)
    seen[np.argsort(part, kind="stable")] = np.concatenate(grouped) if grouped else seen
    return seen
