"""The shape every stage has: a typed config whose ``run`` hands phases of tasks to one runner.

A stage says *what* to do: it checks its config, expands its inputs, and hands the runner one
`Phase` at a time (a list of picklable per-file or per-partition tasks), doing whatever small
driver-side step sits between two phases (dedupe decides, mix computes caps). The runner
(`dolma_tools.stages.runner`) says *how*: executor, resume, receipts, progress, counters and the
``_summary.json`` every stage writes. A new stage is one subclass plus one line in
`dolma_tools.stages.registry` (or an entry point in the ``dolma_tools.stages`` group).
"""

from __future__ import annotations

import abc
import collections
import dataclasses
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from dolma_tools.config.models import ExecutionConfig
from dolma_tools.executor.base import Task

if TYPE_CHECKING:
    from dolma_tools.attribute_keys import AttributeKeys
    from dolma_tools.stages.runner import PhaseRunner

SKIPPED_PREFIX = "skipped."
"""Counters named ``skipped.<reason>`` are lines left out under ``on_error: skip``."""


@dataclasses.dataclass(frozen=True)
class Phase:
    """Tasks that may run in any order on any worker; the runner skips those already done.

    ``settings`` is what the tasks' outputs depend on beyond their inputs (tagger list, mode
    settings...). It is recorded in each output's receipt, and a rerun that finds outputs made
    with other settings refuses, saying what differs and how to proceed (``rename_hint``).
    """

    label: str
    tasks: Sequence[Task]
    settings: Mapping[str, Any] | None = None
    rename_hint: str = "a new output location"


@dataclasses.dataclass
class PhaseResult:
    """What a phase did: its tasks, how many ran now, and counters summed over all of them
    (those finished by an earlier, interrupted run included, read back from their receipts)."""

    files_total: int
    files_processed: int
    counters: collections.Counter

    @property
    def files_already_done(self) -> int:
        return self.files_total - self.files_processed


@dataclasses.dataclass
class Outcome:
    """What a stage hands back to the runner: where its outputs are and the figures to report."""

    root: str
    """The folder of the stage's outputs; ``_summary.json`` is written there."""
    files: PhaseResult
    """The phase whose file counts the summary reports (the one that writes the stage's outputs)."""
    documents: int
    skipped: dict[str, int]
    counts: dict[str, Any]
    reports: list[str] = dataclasses.field(default_factory=list)
    """Stage-specific reports written beside the outputs (named in the summary)."""

    @classmethod
    def from_counters(cls, root: str, files: PhaseResult, counters: collections.Counter | None = None,
                      **extra: Any) -> Outcome:
        """Split counters the usual way: ``documents``, ``skipped.<reason>``, and the rest."""
        counters = collections.Counter(files.counters if counters is None else counters)
        documents = int(counters.pop("documents", 0))
        skipped = {k[len(SKIPPED_PREFIX):]: v for k, v in sorted(counters.items()) if k.startswith(SKIPPED_PREFIX)}
        counts = {k: v for k, v in sorted(counters.items()) if not k.startswith(SKIPPED_PREFIX)}
        return cls(root=root, files=files, documents=documents, skipped=skipped, counts=counts, **extra)


ConfigT = TypeVar("ConfigT", bound=ExecutionConfig)


class Stage(abc.ABC, Generic[ConfigT]):
    """One step of a pipeline (``tag``, ``dedupe``, ``mix``...), bound to its validated config."""

    name: ClassVar[str]
    """The name used in YAML pipelines, on the command line and for ``dolma_tools.<name>()``."""
    config_class: ClassVar[type[ExecutionConfig]]

    def __init__(self, config: ConfigT) -> None:
        self.config = config

    def check(self) -> None:  # noqa: B027 - most stages have checks; none is a valid choice
        """Checks that need no input files (run by ``config validate`` and before any work);
        raise `ConfigError` naming the key."""

    def attribute_keys(self, source: str) -> dict[str, AttributeKeys]:
        """The attribute sets this stage writes and their keys, by set name (``source`` names the
        stage in messages): a pipeline checks later stages' filters against them."""
        return {}

    def attribute_problems(self, known: dict[str, AttributeKeys], *, complete: bool) -> list[str]:
        """Attribute sets or keys this stage reads that ``known`` (what earlier stages write) does
        not hold, as ``<key path>: <problem>`` lines (``complete``: every earlier stage loaded)."""
        return []

    @abc.abstractmethod
    def run(self, phases: PhaseRunner) -> Outcome:
        """Plan the work and hand each phase to ``phases.run``; return what to report."""
