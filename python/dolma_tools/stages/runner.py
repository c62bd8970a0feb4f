"""The one runner: executor, resume, receipts, progress, counters and ``_summary.json``.

Every output a task writes gets a *receipt* once the task has finished: a small JSON file beside
its first output (``.<name>.receipt.json``) holding the settings that produced it and the task's
counters. A task is done when its outputs and its receipt exist. Receipts make two things true:

* a resumed run reports the whole run (the counters of tasks finished before a kill are read
  back), so its summary equals an uninterrupted run's;
* a rerun with other settings over existing outputs (another tagger list under one experiment
  name, other dedupe modes or inputs) never skips silently: it refuses, saying what differs and
  how to proceed, unless ``overwrite`` is set.
"""

from __future__ import annotations

import collections
import dataclasses
import hashlib
import json
import posixpath
import time
from collections.abc import Iterator, Mapping
from typing import Any

from dolma_tools.errors import ConfigError
from dolma_tools.executor import Executor, Task, make_executor
from dolma_tools.executor.progress import Progress
from dolma_tools.io.compression import atomic_writer, open_read, remove_debris
from dolma_tools.io.storage import exists
from dolma_tools.stages.base import Phase, PhaseResult, Stage

RECEIPT_FORMAT = 1


@dataclasses.dataclass
class RunSummary:
    """What a stage did; saved as ``_summary.json`` beside its output and returned to notebooks."""

    stage: str
    files_total: int
    files_processed: int
    files_already_done: int
    documents: int
    skipped: dict[str, int]
    counts: dict[str, Any]
    seconds: float
    output: str | None = None
    """Where this summary is saved."""
    reports: list[str] = dataclasses.field(default_factory=list)
    """Stage-specific reports beside the outputs (dedupe's ``_report.json``, mix manifests)."""

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True)


def receipt_path(task: Task) -> str:
    """Where the receipt of ``task`` lives: a hidden file beside its first output."""
    folder, name = posixpath.split(task.outputs[0])
    return posixpath.join(folder, f".{name}.receipt.json")


def settings_digest(settings: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps(settings, sort_keys=True, default=str).encode()).hexdigest()


def _read_receipt(path: str) -> dict[str, Any] | None:
    if not exists(path):
        return None
    with open_read(path) as stream:
        return json.loads(stream.read())


def _differences(old: Any, new: Any, where: str = "") -> list[str]:
    """Dotted keys whose values differ between two settings mappings, with both values."""
    if isinstance(old, dict) and isinstance(new, dict):
        found = []
        for key in sorted(set(old) | set(new), key=str):
            found += _differences(old.get(key), new.get(key), f"{where}.{key}" if where else str(key))
        return found
    return [] if old == new else [f"{where or 'settings'}: {json.dumps(old)} -> {json.dumps(new)}"]


class PhaseRunner:
    """Runs the phases of one stage run on one executor (workers start once for all phases)."""

    def __init__(self, stage: str, executor: Executor, *, overwrite: bool, quiet: bool) -> None:
        self.stage = stage
        self.executor = executor
        self.overwrite = overwrite
        self.quiet = quiet
        self.did_work = False

    def done(self, phase: Phase) -> dict[int, dict[str, Any]]:
        """Receipts of the phase's finished tasks, by task position; refuses when any output was
        made with other settings (unless ``overwrite``, which redoes every task)."""
        if self.overwrite:
            return {}
        digest = settings_digest(phase.settings or {})
        receipts: dict[int, dict[str, Any]] = {}
        stale: list[tuple[Task, dict[str, Any]]] = []
        for position, task in enumerate(phase.tasks):
            receipt = _read_receipt(receipt_path(task)) if task.outputs else None
            if receipt is None or receipt.get("format") != RECEIPT_FORMAT:
                continue
            if phase.settings is not None and receipt.get("settings_sha256") != digest:
                stale.append((task, receipt))
            elif all(exists(path) for path in task.outputs):
                receipts[position] = receipt
        if stale:
            self._refuse(phase, stale)
        return receipts

    @staticmethod
    def _refuse(phase: Phase, stale: list[tuple[Task, dict[str, Any]]]) -> None:
        task, receipt = stale[0]
        changes = _differences(receipt.get("settings"), json.loads(json.dumps(phase.settings, default=str)))
        raise ConfigError(
            f"{len(stale)} of {len(phase.tasks)} outputs already exist but were made with other settings "
            f"(first: {task.outputs[0]}): {'; '.join(changes[:5])}"
            f"{f' (and {len(changes) - 5} more)' if len(changes) > 5 else ''}. "
            f"Rerun with --overwrite to redo them with these settings, or choose {phase.rename_hint}."
        )

    def pending(self, phase: Phase) -> list[Task]:
        """The tasks of ``phase`` that a run would do now."""
        finished = self.done(phase)
        return [task for position, task in enumerate(phase.tasks) if position not in finished]

    def run(self, phase: Phase) -> PhaseResult:
        """Run the tasks not done yet; counters cover every task of the phase."""
        finished = self.done(phase)
        totals: collections.Counter = collections.Counter()
        for receipt in finished.values():
            totals.update(receipt.get("counters", {}))
        todo = [task for position, task in enumerate(phase.tasks) if position not in finished]
        # Temporary files of killed attempts (beside complete outputs too: an interrupted --overwrite run)
        remove_debris(_written_by(phase.tasks))
        settings = json.loads(json.dumps(phase.settings or {}, default=str))
        progress = Progress(phase.label, len(todo), quiet=self.quiet)
        try:
            for task, counters in self.executor.map(todo, progress.add_documents):
                totals.update(counters)
                self._write_receipt(task, settings, counters)
                progress.add_file()
        except BaseException:
            # An executor raises only once its workers have stopped, so no write is still in flight:
            # what a worker stopped mid-write could not remove (a signal that arrived inside native
            # code, a kill after the grace period) goes now, not at the next run.
            remove_debris(_written_by(todo))
            raise
        finally:
            progress.close()
        self.did_work = self.did_work or bool(todo)
        return PhaseResult(files_total=len(phase.tasks), files_processed=len(todo), counters=totals)

    @staticmethod
    def _write_receipt(task: Task, settings: dict[str, Any], counters: collections.Counter) -> None:
        if not task.outputs:
            return
        receipt = {"format": RECEIPT_FORMAT, "settings": settings, "settings_sha256": settings_digest(settings),
                   "counters": dict(sorted(counters.items()))}
        with atomic_writer(receipt_path(task)) as stream:
            stream.write(json.dumps(receipt, sort_keys=True).encode() + b"\n")


def _written_by(tasks: list[Task]) -> Iterator[str]:
    """Every file ``tasks`` write: their outputs and their receipts."""
    return (path for task in tasks if task.outputs for path in (*task.outputs, receipt_path(task)))


def run_stage(stage: Stage, *, quiet: bool = False, executor: Executor | None = None) -> RunSummary:
    """Run a stage: check, run its phases on one executor, then write and return its summary.

    The summary is saved as ``<outputs>/_summary.json`` when the run did any work (a finished
    run rerun changes nothing on disk).
    """
    started = time.monotonic()
    config = stage.config
    stage.check()
    owned = executor is None
    runner_executor = make_executor(config.executor, config.workers) if executor is None else executor
    try:
        phases = PhaseRunner(stage.name, runner_executor, overwrite=config.overwrite, quiet=quiet)
        outcome = stage.run(phases)
    finally:
        if owned:
            runner_executor.close()
    summary_path = f"{outcome.root.rstrip('/')}/_summary.json"
    summary = RunSummary(
        stage=stage.name,
        files_total=outcome.files.files_total,
        files_processed=outcome.files.files_processed,
        files_already_done=outcome.files.files_already_done,
        documents=outcome.documents,
        skipped=outcome.skipped,
        counts=outcome.counts,
        seconds=round(time.monotonic() - started, 3),
        output=summary_path,
        reports=outcome.reports,
    )
    if phases.did_work:
        with atomic_writer(summary_path) as stream:
            stream.write(summary.to_json().encode() + b"\n")
    return summary
