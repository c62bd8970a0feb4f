"""What the Bloom-filter modes (documents, paragraphs, n-grams) share: phase 2 inserts every file's
key hashes into one filter in input order, so a key's first copy finds it absent and later copies
find it present; the filter can start from a persistent file and, with ``update``, be saved back.
"""

from __future__ import annotations

import os
from typing import Any, ClassVar

import numpy as np

from dolma_tools._core import BloomFilter
from dolma_tools.stages.dedupe import bloom as bloom_files
from dolma_tools.stages.dedupe.modes.base import Decider, Mode, SectionT
from dolma_tools.stages.dedupe.work import WorkDir, array_length


class BloomMode(Mode[SectionT]):
    """A mode decided by one Bloom filter of key hashes (``hash`` arrays from phase 1)."""

    reads: ClassVar[tuple[str, ...]] = ("hash",)
    """The phase-1 arrays `decide` reads."""

    @property
    def where(self) -> str:
        return f"{self.config_key}.bloom"

    def decide(self, bloom: BloomFilter, arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """One file's decisions, inserting its keys into ``bloom`` in order (by default: which keys
        are repeats, the rule of the exact modes)."""
        return repeated_keys(bloom, arrays)

    def keys(self) -> tuple[str, ...]:
        return ("duplicate",)

    def check(self) -> None:
        bloom = self.settings.bloom
        if bloom.expected_items is None:
            return
        shape = bloom_files.sizing(bloom, bloom.expected_items, self.where)
        bloom_files.check_memory(shape, bloom, self.where)
        bloom_files.check_persistent(bloom, self.fingerprint(), self.key_settings(), self.where)

    def decider(self, work: WorkDir, files: int, quiet: bool) -> Decider:
        keys = sum(array_length(work.hashes(i), f"{self.name}/hash") for i in range(files))
        if self.settings.bloom.update:
            bloom_files.check_not_yet_added(self.settings.bloom, os.path.basename(work.root), self.where)
        return BloomDecider(self, bloom_files.open_filter(self.settings.bloom, keys, self.where, quiet=quiet), work)

    @property
    def updates_a_filter(self) -> bool:
        return self.settings.bloom.update

    def publish(self, work: WorkDir) -> None:
        pending = work.pending_filter(self.name)
        if self.updates_a_filter and os.path.exists(pending):
            bloom_files.publish(pending, self.settings.bloom, self.fingerprint(), self.key_settings(),
                                os.path.basename(work.root))
            os.remove(pending)


class BloomDecider(Decider):
    """Phase 2 of a `BloomMode`: its filter, filled file by file."""

    def __init__(self, mode: BloomMode, bloom: BloomFilter, work: WorkDir) -> None:
        self.mode = mode
        self.bloom = bloom
        self.work = work
        self.reads = mode.reads

    def add(self, arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        return self.mode.decide(self.bloom, arrays)

    def finish(self, doc_counts: list[int]) -> tuple[list[dict[str, np.ndarray]], dict[str, Any]]:
        """The filter's figures; an updating run saves the filter in the work folder (published
        into ``bloom.path`` only once the sidecars are written)."""
        bloom = self.bloom
        fp_rate = bloom.estimated_fp_rate()
        figures = {"bytes": bloom.num_bits // 8, "hashes": bloom.num_hashes,
                   "fill": round(fp_rate ** (1 / bloom.num_hashes), 6), "estimated_fp_rate": fp_rate,
                   "estimated_keys": round(bloom.estimated_len())}
        if self.mode.updates_a_filter:
            os.makedirs(self.work.root, exist_ok=True)
            bloom.save(self.work.pending_filter(self.mode.name))
        return [{} for _ in doc_counts], {"filter": figures}


def repeated_keys(bloom: BloomFilter, arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """``duplicate[i]``: whether key i was already in the filter, inserting keys in input order.

    The decision rule of the exact modes (documents, paragraphs): the first copy finds its key
    absent, every later copy finds it present.
    """
    return {"duplicate": bloom.insert_if_absent_hashes(arrays["hash"])}
