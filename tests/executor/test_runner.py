"""The worker pool shared by a stage's phases."""

from __future__ import annotations

import collections
import dataclasses
import os

from dolma_tools.config.models import ExecutionConfig
from dolma_tools.executor import make_executor, run_tasks
from dolma_tools.executor.base import Report


@dataclasses.dataclass(frozen=True)
class PidTask:
    """Records which process ran it (module level, so spawned workers can unpickle it)."""

    name: str

    @property
    def outputs(self) -> tuple[str, ...]:
        return ()

    def run(self, report: Report) -> collections.Counter:
        report(1)
        return collections.Counter({f"pid.{os.getpid()}": 1, "documents": 1})


def test_one_executor_keeps_its_workers_across_phases() -> None:
    config = ExecutionConfig(workers=2)
    with make_executor("local", 2) as executor:
        phases = [run_tasks(f"phase{n}", [PidTask(f"t{n}.{i}") for i in range(6)], config, quiet=True, executor=executor)
                  for n in range(3)]
    pids = {key for phase in phases for key in phase.counts if key.startswith("pid.")}
    assert all(phase.documents == 6 for phase in phases)
    assert 1 <= len(pids) <= 2  # a pool per phase would have started at least three processes
    assert f"pid.{os.getpid()}" not in pids  # ran in the pool, not in this process
