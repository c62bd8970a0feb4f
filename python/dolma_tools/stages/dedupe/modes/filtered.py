"""What the Bloom-filter modes (documents, paragraphs, n-grams) share: phase 2 inserts every key
hash into a filter in input order, so a key's first copy finds it absent and later copies find it
present. The keys are split by hash into partitions (`dolma_tools.stages.dedupe.partitions`), each
decided by its own task and filter; a filter can start from a persistent file (one per partition)
and, with ``update``, be saved back.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from dolma_tools.stages.dedupe import bloom as bloom_files
from dolma_tools.stages.dedupe import partitions
from dolma_tools.stages.dedupe.modes.base import Decider, Mode, SectionT
from dolma_tools.stages.dedupe.work import WorkDir


class BloomMode(Mode[SectionT]):
    """A mode decided by Bloom filters of key hashes (``hash`` arrays from phase 1)."""

    @property
    def where(self) -> str:
        return f"{self.config_key}.bloom"

    def decide(self, arrays: dict[str, np.ndarray], seen: np.ndarray) -> dict[str, np.ndarray]:
        """One file's decisions from ``seen`` (whether each key was in the filter before it, input
        order); by default which keys are repeats, the rule of the exact modes."""
        return {"duplicate": seen}

    def keys(self) -> tuple[str, ...]:
        return ("duplicate",)

    def check(self) -> None:
        bloom = self.settings.bloom
        if bloom.expected_items is None:
            return
        bloom_files.sizing(bloom, bloom.expected_items, self.where)
        bloom_files.check_persistent(bloom, self.fingerprint(), self.key_settings(), self.where)

    def check_memory(self, partitions: int) -> None:
        """Refuse a configured filter whose partition is larger than the memory available now."""
        share = bloom_files.partition_config(self.settings.bloom, 0, partitions)
        if share.expected_items is not None:
            bloom_files.check_memory(bloom_files.sizing(share, share.expected_items, self.where), share, self.where)

    def store_keys(self, arrays: dict[str, np.ndarray], work: WorkDir, position: int) -> dict[str, np.ndarray]:
        return partitions.split_keys(arrays, work.partitions, work.keys(self.name, position))

    def decision_tasks(self, work: WorkDir, files: int) -> list[partitions.PartitionTask]:
        if self.settings.bloom.update:
            bloom_files.check_not_yet_added(self.settings.bloom, os.path.basename(work.root), self.where)
        key_files = tuple(work.keys(self.name, i) for i in range(files))
        counts = partitions.keys_per_partition(key_files, work.partitions)
        return [partitions.PartitionTask(
                    source=f"{self.name} partition {p + 1}/{work.partitions}", output=work.partition(self.name, p),
                    mode=self, key_files=key_files, partition=p, partitions=work.partitions, items=int(counts[p]),
                    pending=work.pending_partition(self.name, p) if self.updates_a_filter else None)
                for p in range(work.partitions)]

    def decision_figures(self, work: WorkDir) -> dict[str, Any]:
        return {"filter": partitions.combined_figures([work.partition(self.name, p) for p in range(work.partitions)])}

    def task_decisions(self, work: WorkDir, position: int, arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        outputs = [work.partition(self.name, p) for p in range(work.partitions)]
        return self.decide(arrays, partitions.seen_flags(arrays["part"], outputs, position))

    def decider(self, work: WorkDir, files: int, quiet: bool) -> Decider | None:
        return None  # decided by `decision_tasks`

    @property
    def updates_a_filter(self) -> bool:
        return self.settings.bloom.update

    def publish(self, work: WorkDir) -> None:
        pending = [work.pending_partition(self.name, p) for p in range(work.partitions)]
        if self.updates_a_filter and all(os.path.exists(path) for path in pending):
            bloom_files.publish(pending, self.settings.bloom, self.fingerprint(), self.key_settings(),
                                os.path.basename(work.root))
            for path in pending:
                os.remove(path)
