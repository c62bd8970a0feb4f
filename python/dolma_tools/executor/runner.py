"""Run a stage's tasks with resume, progress and a JSON summary: the part every stage shares."""

from __future__ import annotations

import collections
import dataclasses
import json
import time
from collections.abc import Sequence
from typing import Any

from dolma_tools.config.models import ExecutionConfig
from dolma_tools.executor.base import Executor, Task, make_executor
from dolma_tools.executor.progress import Progress
from dolma_tools.io.compression import atomic_writer
from dolma_tools.io.storage import exists

SKIPPED_PREFIX = "skipped."
"""Counters named ``skipped.<reason>`` are lines left out under ``on_error: skip``."""


@dataclasses.dataclass
class RunSummary:
    """What a stage did; saved as JSON beside its output and returned to notebooks."""

    stage: str
    files_total: int
    files_processed: int
    files_already_done: int
    documents: int
    skipped: dict[str, int]
    counts: dict[str, Any]
    seconds: float
    output: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True)


def pending_tasks(tasks: Sequence[Task], overwrite: bool) -> list[Task]:
    """Tasks whose outputs are not all complete (all of them under ``overwrite``)."""
    if overwrite:
        return list(tasks)
    return [task for task in tasks if not task.outputs or not all(exists(p) for p in task.outputs)]


def run_tasks(
    stage: str,
    tasks: Sequence[Task],
    execution: ExecutionConfig,
    *,
    summary_path: str | None = None,
    quiet: bool = False,
    executor: Executor | None = None,
) -> RunSummary:
    """Run what is not done yet, then write and return the summary.

    A stage with several phases passes one open ``executor`` to each, so that workers start once.
    """
    started = time.monotonic()
    todo = pending_tasks(tasks, execution.overwrite)
    progress = Progress(stage, len(todo), quiet=quiet)
    totals: collections.Counter = collections.Counter()
    owned = executor is None
    runner = make_executor(execution.executor, execution.workers) if executor is None else executor
    try:
        for _, counters in runner.map(todo, progress.add_documents):
            totals.update(counters)
            progress.add_file()
    finally:
        progress.close()
        if owned:
            runner.close()
    summary = RunSummary(
        stage=stage,
        files_total=len(tasks),
        files_processed=len(todo),
        files_already_done=len(tasks) - len(todo),
        documents=int(totals.pop("documents", 0)),
        skipped={k[len(SKIPPED_PREFIX):]: v for k, v in sorted(totals.items()) if k.startswith(SKIPPED_PREFIX)},
        counts={k: v for k, v in sorted(totals.items()) if not k.startswith(SKIPPED_PREFIX)},
        seconds=round(time.monotonic() - started, 3),
        output=summary_path,
    )
    if summary_path is not None and todo:
        with atomic_writer(summary_path) as stream:
            stream.write(summary.to_json().encode() + b"\n")
    return summary
