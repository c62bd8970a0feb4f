"""Bloom filters for the exact modes: sizing printed up front, a memory check, persistent files.

A persistent filter file carries the Rust core's header (size, hash count, seed; checked on
load) and, beside it in ``<path>.json`` (the manifest), the fingerprint of the mode settings that
produced its keys (key field, normalisation, n-gram size ...): keys hashed another way would never
match, so a mismatch is an error rather than a silently useless filter.

A filter decided in P > 1 partitions (`dolma_tools.stages.dedupe.partitions`) is P files,
``<path>.part-<p>-of-<P>``, each sized for 1/P of ``expected_items`` (or ``size_bytes``); the
manifest records ``partitions``. A filter cannot be split or merged, so a run with another
partition count is refused (`recorded_partitions`). With P = 1 the filter is ``<path>`` itself,
as before partitions existed.
"""

from __future__ import annotations

import os
import shutil
import sys
from typing import Literal

from pydantic import Field, model_validator

from dolma_tools._core import BloomFilter, BloomSizing
from dolma_tools.config.models import StrictModel
from dolma_tools.errors import ConfigError, CorruptFileError, InvalidArgumentError, ParameterMismatchError
from dolma_tools.io import atomic_writer
from dolma_tools.stages.dedupe.work import load_json, save_json


class BloomConfig(StrictModel):
    """A Bloom filter: its size, and optionally a file that persists it between runs."""

    fp_rate: float = Field(default=1e-6, gt=0, lt=1)
    """Target false-positive rate once ``expected_items`` keys are in."""
    expected_items: int | None = Field(default=None, ge=1)
    """Keys the filter is sized for. Default: the exact number of keys this run hashes (counted
    before the filter is built). Required with ``path``, so a filter keeps one size across runs."""
    size_bytes: int | None = Field(default=None, ge=1)
    """Fixed size instead of ``fp_rate`` (the number of hash functions is derived)."""
    seed: int = Field(default=0, ge=0)
    """Hash seed; part of the filter file's header."""
    path: str | None = None
    """A filter file (local path) to start from (an absent file is an empty filter). Its header
    and the mode's key settings must match this config, else the run stops before any work."""
    update: bool = False
    """With ``path``: save the filter with this run's keys added (after the run completes).
    Without it the file is only read, for deduping a new dataset against an old one."""
    force: bool = False
    """Build the filter even when it is larger than the memory available now."""
    layout: Literal["blocked", "standard"] = "blocked"
    """``blocked``: all of a key's bits in one 64-byte cache line, so a key costs one memory access
    instead of one per hash function (about 5x faster in-order inserts on a filter larger than the
    caches), for about a third more bits at fp 1e-6. ``standard``: bits anywhere in the filter
    (needed to reuse a filter file written with that layout)."""

    @model_validator(mode="after")
    def _consistent(self) -> BloomConfig:
        if self.path is not None and self.expected_items is None:
            raise ValueError("a persistent filter ('path') needs 'expected_items', so its size is the same every run")
        if self.update and self.path is None:
            raise ValueError("'update: true' needs 'path', the filter file to update")
        if self.size_bytes is not None and self.expected_items is None:
            raise ValueError("'size_bytes' needs 'expected_items'")
        return self


def available_memory() -> int | None:
    """``MemAvailable`` from /proc/meminfo in bytes (None where there is no such file)."""
    try:
        with open("/proc/meminfo") as stream:
            for line in stream:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


MIN_BYTES = 1 << 20
"""Smallest filter built from ``fp_rate``. Probes come from two 64-bit values (double hashing), so
two keys share all probes with chance about 1/m² whatever k is: a filter of m bits holding n keys
cannot go below roughly n/m² false positives per query. A 30 kbit filter for a small eval set sat
near 1e-6 instead of the 1e-9 its sizing promised; 8 Mbit makes that floor negligible. (That floor is
the standard layout's; the blocked layout draws each bit independently, and 1 MiB costs nothing.)"""


def sizing(config: BloomConfig, items: int, where: str) -> BloomSizing:
    """The filter's shape for ``items`` keys (or the configured count), as a `ConfigError` if impossible."""
    expected = config.expected_items or max(items, 1)
    try:
        if config.size_bytes is not None:
            return BloomFilter.sizing(expected, size_bytes=config.size_bytes, layout=config.layout)
        shape = BloomFilter.sizing(expected, config.fp_rate, layout=config.layout)
        if shape.num_bytes >= MIN_BYTES:
            return shape
        return BloomFilter.sizing(expected, size_bytes=MIN_BYTES, layout=config.layout)
    except InvalidArgumentError as exc:
        raise ConfigError(f"{where}: {exc}") from None


def check_memory(shape: BloomSizing, config: BloomConfig, where: str) -> None:
    """Refuse a filter larger than the memory available now, unless ``force``."""
    available = available_memory()
    if available is None or config.force or shape.num_bytes <= available:
        return
    raise ConfigError(
        f"{where}: the Bloom filter needs {shape.num_bytes:,} bytes but only {available:,} are available "
        f"(MemAvailable); raise {where}.fp_rate, lower {where}.expected_items, or set {where}.force: true"
    )


def describe(shape: BloomSizing, where: str) -> str:
    return (f"{where}: Bloom filter {shape.num_bytes / 2**20:,.1f} MiB ({shape.layout}), {shape.num_hashes} hashes, "
            f"expected false-positive rate {shape.expected_fp_rate:.2e} at {shape.expected_items:,} keys")


def hash_version_mismatch(old: dict, new: dict) -> str | None:
    """Why a filter whose keys were hashed by another n-gram hash scheme cannot be used, if so."""
    if old.get("ngram_hash_version") == new.get("ngram_hash_version"):
        return None
    return (f"holds n-gram hashes of scheme {old.get('ngram_hash_version', 1)} (an older dolma-tools), which never "
            f"match this version's scheme {new.get('ngram_hash_version')}")


def partition_path(path: str, partition: int, partitions: int) -> str:
    """The file of one partition of a persistent filter (``path`` itself when there is one)."""
    return path if partitions == 1 else f"{path}.part-{partition:05d}-of-{partitions:05d}"


def partition_config(config: BloomConfig, partition: int, partitions: int) -> BloomConfig:
    """The filter of one partition: its own file, sized for its share of the keys."""
    if partitions == 1:
        return config
    share = {"path": None if config.path is None else partition_path(config.path, partition, partitions)}
    if config.expected_items is not None:
        share["expected_items"] = -(-config.expected_items // partitions)
    if config.size_bytes is not None:
        share["size_bytes"] = -(-config.size_bytes // partitions)
    return config.model_copy(update=share)


def recorded_partitions(config: BloomConfig) -> int | None:
    """The partition count of the persistent filter at ``config.path`` (None when there is none yet)."""
    if config.path is None:
        return None
    meta = load_json(config.path + ".json")
    if meta is not None:
        return int(meta.get("partitions", 1))
    return 1 if os.path.exists(config.path) else None


def check_persistent(config: BloomConfig, mode_fingerprint: str, settings: dict, where: str) -> None:
    """Before any work: an existing filter's files must match the header and mode settings."""
    partitions = recorded_partitions(config)
    if config.path is None or partitions is None:
        return
    meta = load_json(config.path + ".json")
    if meta is not None and meta.get("fingerprint") != mode_fingerprint:
        old = meta.get("settings") or {}
        reason = hash_version_mismatch(old, settings)
        if reason is not None:
            raise ConfigError(f"{where}.path: {config.path} {reason}; rebuild it, or use the dolma-tools that built it")
        raise ConfigError(
            f"{where}.path: {config.path} was built with other key settings ({old}); "
            "use the same settings or another filter file"
        )
    for partition in range(partitions):
        share = partition_config(config, partition, partitions)
        if share.path is not None and os.path.exists(share.path):
            _load(share, sizing(share, 0, where), share.path, where, mmap=True)


def _load(config: BloomConfig, shape: BloomSizing, path: str, where: str, *, mmap: bool) -> BloomFilter:
    """The filter at ``path``; a damaged file and one written with other parameters are told apart,
    since the fixes differ (rebuild it, or ask for the parameters it has)."""
    try:
        return BloomFilter.load(path, shape.expected_items, size_bytes=shape.num_bytes, seed=config.seed, mmap=mmap,
                                layout=config.layout)
    except CorruptFileError as exc:
        raise ConfigError(
            f"{where}.path: {exc}. The filter's keys cannot be trusted: restore {path} from a copy, or remove it "
            f"(and {path}.json) and rerun the inputs it held to rebuild it"
        ) from None
    except ParameterMismatchError as exc:
        raise ConfigError(f"{where}.path: {exc}; use the parameters it was written with") from None


def open_filter(config: BloomConfig, items: int, where: str, *, quiet: bool) -> BloomFilter:
    """A writable filter: loaded from ``path`` when that exists, else new; sized and checked first."""
    shape = sizing(config, items, where)
    check_memory(shape, config, where)
    if not quiet:
        print(describe(shape, where), file=sys.stderr)
    if config.path is not None and os.path.exists(config.path):
        return _load(config, shape, config.path, where, mmap=False)
    try:
        return BloomFilter(shape.expected_items, size_bytes=shape.num_bytes, seed=config.seed, layout=config.layout)
    except (InvalidArgumentError, MemoryError) as exc:
        raise ConfigError(f"{where}: {exc}") from None


def check_not_yet_added(config: BloomConfig, run: str, where: str) -> None:
    """Refuse to decide again against a filter that already holds this very run's keys.

    That happens only when the work folder (with the saved decisions) was deleted after an
    updating run: deciding again would flag every document as its own duplicate.
    """
    meta = load_json(config.path + ".json") if config.path else None
    if meta is not None and run in meta.get("runs", []):
        raise ConfigError(
            f"{where}.path: {config.path} already holds this run's keys and the run's saved decisions are gone "
            "(work folder deleted); rerun against the filter as it was before, or with 'update: false' on a copy"
        )


def publish(pending: list[str], config: BloomConfig, mode_fingerprint: str, settings: dict, run: str) -> None:
    """Copy an updated filter (one file per partition) from the work folder to ``config.path``
    (atomic renames), then the manifest: its settings, partitions and the runs whose keys it holds."""
    assert config.path is not None
    runs = (load_json(config.path + ".json") or {}).get("runs", [])
    for partition, path in enumerate(pending):
        with open(path, "rb") as source, atomic_writer(partition_path(config.path, partition, len(pending))) as target:
            shutil.copyfileobj(source, target, 1 << 24)
    save_json(config.path + ".json", {"fingerprint": mode_fingerprint, "settings": settings, "runs": [*runs, run],
                                      "partitions": len(pending)})
