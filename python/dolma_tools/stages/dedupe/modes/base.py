"""The protocol every dedupe mode follows, so that the tasks and the stage never branch on names.

A mode runs in three places: phase 1 (`Mode.extract`, in workers, per batch of documents: hashes,
signatures, spans; then `Mode.store_keys` once per file), phase 2 (which copies are repeats: either
`Mode.decision_tasks`, tasks run by the executor such as one per key partition, or
`Mode.decider`, in one process over every file in input order), and phase 3 (`Mode.annotate`,
in workers, per file: the sidecar keys, from `Mode.task_decisions` or the decider's decisions).
Around them: `check` (before any work), `prepare` (before phase 1, e.g. build the eval filter),
`publish` (after phase 3, e.g. an updated persistent filter) and `report` (figures for
``_report.json``). A mode is constructed from its config section and must pickle (it travels
to the workers inside the tasks).
"""

from __future__ import annotations

import abc
import collections
import dataclasses
import hashlib
import json
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar, Generic, TypeVar

import numpy as np

from dolma_tools._core import StringColumn
from dolma_tools.config.models import StrictModel
from dolma_tools.documents import Document
from dolma_tools.executor.base import Task
from dolma_tools.io import SkipCounter
from dolma_tools.io.attributes import Sidecar
from dolma_tools.stages.base import Phase
from dolma_tools.stages.dedupe.work import WorkDir


@dataclasses.dataclass(frozen=True)
class Batch:
    """A run of documents as the modes see it: ids and texts always, whole documents (and their
    line numbers) only when a mode keys on another field."""

    ids: StringColumn
    texts: StringColumn | list[str]
    docs: list[Document] | None = None
    lines: list[int] | None = None

    def char_lengths(self) -> np.ndarray:
        if isinstance(self.texts, StringColumn):
            return self.texts.char_lengths()
        return np.fromiter(map(len, self.texts), dtype=np.int64, count=len(self.texts))


@dataclasses.dataclass(frozen=True)
class FileView:
    """What phase 3 knows of one file: the mode's phase-1 arrays and phase-2 decisions (without
    the ``<mode>/`` prefix), each document's length in code points, and the global index of the
    file's first document."""

    arrays: dict[str, np.ndarray]
    decisions: dict[str, np.ndarray]
    lengths: np.ndarray
    first_index: int


class Decider(abc.ABC):
    """Phase 2 of one mode: sees every file's arrays in input order and says which are repeats."""

    reads: tuple[str, ...] = ()
    """The phase-1 arrays `add` needs (only these are loaded)."""

    @abc.abstractmethod
    def add(self, arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Take the next file's arrays; return the decisions known for it now (may be empty)."""

    def phases(self, doc_counts: list[int]) -> Iterator[Phase]:
        """After the last file, before `finish`: phases of tasks the runner runs (work that scales
        out, e.g. out-of-core LSH bands); none by default."""
        return iter(())

    def finish(self, doc_counts: list[int]) -> tuple[Iterable[dict[str, np.ndarray]], dict[str, Any]]:
        """After the last file: decisions that needed every file (one dict per file, in input
        order; may be produced lazily), and figures for the report."""
        return [{} for _ in doc_counts], {}


SectionT = TypeVar("SectionT", bound=StrictModel)


class Mode(abc.ABC, Generic[SectionT]):
    """One way of finding duplicates, bound to its config section."""

    name: ClassVar[str]
    """Names the attribute keys (``<run>__<name>__...``), the report entry and the work arrays."""
    config_key: ClassVar[str]
    """The mode's key in the dedupe config (usually ``name``)."""
    section: ClassVar[type[StrictModel]]
    """The config section's class."""
    hash_version: ClassVar[int | None] = None
    """The key hashing scheme, when it is versioned (recorded with persistent filters)."""

    def __init__(self, settings: SectionT) -> None:
        self.settings = settings

    @property
    def where(self) -> str:
        """The config path of this mode's section, for error messages."""
        return self.config_key

    def fingerprint(self) -> str:
        """A stable digest of what this mode's keys mean (its settings but the Bloom filter's)."""
        data = self.settings.model_dump(mode="json", exclude={"bloom"})
        digest = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]
        return digest if self.hash_version is None else f"{digest}-v{self.hash_version}"

    def key_settings(self) -> dict[str, Any]:
        """The settings the fingerprint covers, spelled out (stored beside persistent filters)."""
        settings = self.settings.model_dump(mode="json", exclude={"bloom"})
        if self.hash_version is not None:
            settings["ngram_hash_version"] = self.hash_version
        return settings

    def check(self) -> None:  # noqa: B027 - a mode without filters has nothing to check
        """Checks that need no input files; raise `ConfigError` naming the key."""

    def reads_whole_documents(self) -> bool:
        """Whether `extract` needs `Batch.docs` (slower) rather than ids and texts alone."""
        return False

    def prepare(self, work: WorkDir, quiet: bool) -> Mode:
        """Before phase 1: the mode as the workers should get it."""
        return self

    @abc.abstractmethod
    def extract(self, batch: Batch, source: str, skips: SkipCounter | None) -> dict[str, np.ndarray]:
        """Phase 1: arrays for a batch; document indices in ``doc`` / ``span_doc`` are batch positions."""

    def store_keys(self, arrays: dict[str, np.ndarray], work: WorkDir, position: int) -> dict[str, np.ndarray]:
        """Phase 1, once per file: write what `decision_tasks` read outside the work ``.npz``;
        returns the arrays to keep in it (by default all of them)."""
        return arrays

    def decision_tasks(self, work: WorkDir, files: int) -> list[Task]:
        """Phase 2 as tasks for the executor (none by default: `decider` decides in one process)."""
        return []

    def decision_figures(self, work: WorkDir) -> dict[str, Any]:
        """After `decision_tasks`: figures for the report."""
        return {}

    def task_decisions(self, work: WorkDir, position: int, arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Phase 3: file ``position``'s decisions as `decision_tasks` left them (``arrays``: its
        phase-1 arrays without the ``<mode>/`` prefix)."""
        return {}

    @abc.abstractmethod
    def decider(self, work: WorkDir, files: int, quiet: bool) -> Decider | None:
        """Phase 2 in one process, or None when the mode decides nothing across documents or
        decides in `decision_tasks`."""

    @abc.abstractmethod
    def keys(self) -> tuple[str, ...]:
        """The attribute key suffixes this mode writes (``duplicate`` ...), on every line."""

    @abc.abstractmethod
    def annotate(self, prefix: str, view: FileView, sidecar: Sidecar, counters: collections.Counter) -> None:
        """Phase 3: add this mode's keys to one file's sidecar and count what was flagged
        (counters named ``<name>.documents_flagged``, ``.spans_flagged``, ``.chars_flagged``)."""

    def publish(self, work: WorkDir) -> None:  # noqa: B027 - most modes keep nothing beyond the run
        """After phase 3: make durable what the run built (an updated persistent filter)."""

    @property
    def updates_a_filter(self) -> bool:
        """Whether `publish` adds this run's keys to a persistent filter (then saved decisions
        are reused by an overwrite rerun: deciding again would meet the run's own keys)."""
        return False

    def local_work_reason(self) -> str | None:
        """Why this mode needs its work folder on a filesystem (None: ``s3://`` works too). An
        updated persistent filter waits in the work folder, as a file the filter's own loader and
        saver open, until `publish` moves it to its path."""
        if self.updates_a_filter:
            return (f"{self.where}.update: the updated filter waits in the work folder until it is "
                    "published, which must then be a local or shared folder")
        return None

    def report(self, decided: dict[str, Any]) -> dict[str, Any]:
        """Figures for ``_report.json`` beyond the flag counts (``decided``: phase 2's summary)."""
        return dict(decided.get("figures", {}).get(self.name, {}))
