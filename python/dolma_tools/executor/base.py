"""The contract between stages and executors.

A stage turns its config into `Task` objects: picklable, one per input file, each naming the
outputs it writes. An executor only runs tasks and hands back their counters; it knows nothing of
documents, so a Ray or Slurm executor is a new subclass and no stage changes.
"""

from __future__ import annotations

import abc
import collections
import os
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from dolma_tools.config.models import ExecutionConfig

Report = Callable[[int], None]
"""Called by a task with the number of documents it finished since its last call."""


@runtime_checkable
class Task(Protocol):
    """One unit of work, usually one input file."""

    @property
    def name(self) -> str:
        """What the task reads (shown in progress and error messages)."""

    @property
    def outputs(self) -> Sequence[str]:
        """Files the task writes; when all exist, a rerun skips the task."""

    def run(self, report: Report) -> collections.Counter:
        """Do the work and return counters that add up across tasks."""


class FileTask:
    """The common shape of a `Task`: one input file (``source``, which names the task in progress
    and errors) to one output file. Subclasses are frozen dataclasses declaring both fields."""

    source: str
    output: str

    @property
    def name(self) -> str:
        return self.source

    @property
    def outputs(self) -> tuple[str, ...]:
        return (self.output,)


class Executor(abc.ABC):
    """Runs tasks somewhere and yields each one's counters as it finishes (any order).

    Used as a context manager, one executor may run several `map` calls (the phases of a stage)
    on the same workers; `close` releases them.
    """

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or os.cpu_count() or 1

    @classmethod
    def from_config(cls, workers: int | None, config: ExecutionConfig | None) -> Executor:
        """The executor a stage config asks for (subclasses read their own section of ``config``)."""
        return cls(workers)

    @abc.abstractmethod
    def map(self, tasks: Sequence[Task], report: Report) -> Iterator[tuple[Task, collections.Counter]]:
        """Run every task; raise on the first failure after stopping the others."""

    def start(self) -> None:
        """Acquire workers before a phase's clock starts, so that progress rates leave out a
        cluster's start-up (nothing by default: local workers start with the first `map`)."""

    def close(self) -> None:
        """Release workers kept between `map` calls (nothing by default)."""

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
