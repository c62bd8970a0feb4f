"""The worker pool shared by a stage's phases."""

from __future__ import annotations

import collections
import dataclasses
import os

from dolma_tools.executor import make_executor
from dolma_tools.executor.base import Report
from dolma_tools.stages.base import Phase
from dolma_tools.stages.runner import PhaseRunner


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
    with make_executor("local", 2) as executor:
        runner = PhaseRunner("test", executor, overwrite=False, quiet=True)
        phases = [runner.run(Phase(f"phase{n}", [PidTask(f"t{n}.{i}") for i in range(6)])) for n in range(3)]
    pids = {key for phase in phases for key in phase.counters if key.startswith("pid.")}
    assert all(phase.counters["documents"] == 6 for phase in phases)
    assert 1 <= len(pids) <= 2  # a pool per phase would have started at least three processes
    assert f"pid.{os.getpid()}" not in pids  # ran in the pool, not in this process
