"""The worker pool shared by a stage's phases."""

from __future__ import annotations

import collections
import dataclasses
import os
import time

import pytest

from dolma_tools.errors import StageError
from dolma_tools.executor import make_executor
from dolma_tools.executor.base import Report
from dolma_tools.io import atomic_writer
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


@dataclasses.dataclass(frozen=True)
class SlowWriter:
    """Writes its output a byte at a time for up to a minute (stopped long before by the failure)."""

    output: str

    @property
    def name(self) -> str:
        return self.output

    @property
    def outputs(self) -> tuple[str, ...]:
        return (self.output,)

    def run(self, report: Report) -> collections.Counter:
        with atomic_writer(self.output) as stream:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                stream.write(b"x")
                time.sleep(0.01)
        return collections.Counter()


@dataclasses.dataclass(frozen=True)
class FailsOnceWritersStarted:
    """Fails as soon as the other tasks' temporary files exist."""

    folder: str
    writers: int

    @property
    def name(self) -> str:
        return "failing"

    @property
    def outputs(self) -> tuple[str, ...]:
        return ()

    def run(self, report: Report) -> collections.Counter:
        while sum(".tmp-" in name for name in os.listdir(self.folder)) < self.writers:
            time.sleep(0.01)
        raise RuntimeError("boom")


def test_a_failure_stops_the_other_workers_and_removes_their_temporary_files(tmp_path) -> None:
    tasks = [SlowWriter(str(tmp_path / "a.bin")), SlowWriter(str(tmp_path / "b.bin")),
             FailsOnceWritersStarted(str(tmp_path), 2)]
    started = time.monotonic()
    with pytest.raises(StageError, match="boom"), make_executor("local", 3) as executor:
        PhaseRunner("t", executor, overwrite=False, quiet=True).run(Phase("t", tasks))
    assert time.monotonic() - started < 30
    assert os.listdir(tmp_path) == []
