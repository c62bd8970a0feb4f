"""Tasks on a Ray cluster: one Ray task per `Task`, the same objects the local executor runs.

* **Data moves through storage.** A task carries paths, not documents; it reads its inputs and
  writes its outputs where every node sees them (a shared folder or ``s3://``). Only its counters
  come back, so the driver holds counters and nothing else.
* **Retries are for the infrastructure only.** Ray reruns a task whose worker process or node
  died, up to ``ray.max_retries`` times; atomic writes make a rerun's outputs those of a first
  run. A task that raises (a bad line under ``on_error: fail``, a missing model) returns its
  error as a value instead of raising it in the worker, so Ray never retries it, and the driver
  raises it as is, with file, line and reason, after cancelling the other tasks.
* **Progress** goes from the workers to a small actor, which the driver drains while it waits.
* **The cluster** is joined (``ray.address``) or started on this machine for the run (no
  address); ``close`` shuts down only what this executor started or connected, and a Ray session
  the caller opened before (``ray.init`` in a notebook) is used and left running.

Ray is imported only when a run uses this executor (``pip install 'dolma-tools[ray]'``).
"""

from __future__ import annotations

import collections
import importlib.util
import os
import time
from collections.abc import Iterator, Sequence
from typing import Any

from dolma_tools.config.models import ExecutionConfig, RayConfig
from dolma_tools.errors import ConfigError, DolmaToolsError, StageError
from dolma_tools.executor.base import Executor, Report, Task
from dolma_tools.executor.worker import BatchedReport, run_task, set_threads

INSTALL = "pip install 'dolma-tools[ray]'"
_DRAIN_EVERY_SECONDS = 0.2


def require_ray() -> None:
    """Raise a `ConfigError` saying what to install when Ray is missing."""
    if importlib.util.find_spec("ray") is None:
        raise ConfigError(f"executor 'ray' needs Ray, which is not installed: {INSTALL}")


class ProgressSink:
    """Document counts sent by the workers, taken by the driver (run as a Ray actor)."""

    def __init__(self) -> None:
        self.pending = 0

    def add(self, documents: int) -> None:
        self.pending += documents

    def take(self) -> int:
        documents, self.pending = self.pending, 0
        return documents


class _ToActor:
    """The ``put`` a `BatchedReport` calls, sending to the progress actor without waiting;
    `settle` waits for the last count (an actor runs one caller's calls in order), so that every
    count has arrived before the task's result does."""

    def __init__(self, actor: Any) -> None:
        self.actor = actor
        self.last: Any = None

    def put(self, documents: int) -> None:
        self.last = self.actor.add.remote(documents)

    def settle(self) -> None:
        if self.last is not None:
            import ray

            ray.get(self.last)


def run_remote(task: Task, sink: Any, threads: int) -> tuple[bool, Any]:
    """The body of every Ray task: ``(True, counters)``, or ``(False, error)`` for a task that
    raised (returned, not raised, so that Ray does not retry it)."""
    set_threads(threads)
    counts = _ToActor(sink)
    report = BatchedReport(counts)
    try:
        return True, run_task(task, report)
    except DolmaToolsError as exc:
        return False, exc
    finally:
        report.flush()
        counts.settle()


class RayExecutor(Executor):
    """Runs each task as a Ray task with the resources of the ``ray`` config section.

    ``workers``, when given, caps the tasks in flight (and is the CPU count of a cluster started
    here); by default every task is submitted and the cluster's free CPUs pace them.
    """

    def __init__(self, workers: int | None = None, settings: RayConfig | None = None) -> None:
        require_ray()
        super().__init__(workers)
        self.cap = workers
        self.settings = settings or RayConfig()
        self._connected_here = False
        self._remote: Any = None
        self._sink: Any = None

    @classmethod
    def from_config(cls, workers: int | None, config: ExecutionConfig | None) -> RayExecutor:
        return cls(workers, config.ray if config is not None else None)

    def _connect(self) -> Any:
        import ray

        if not ray.is_initialized():
            os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
            if self.settings.address is None:
                ray.init(num_cpus=self.workers, include_dashboard=False, _node_ip_address="127.0.0.1")
            else:
                ray.init(address=self.settings.address)
            self._connected_here = True
        if self._remote is None:
            self._remote = ray.remote(run_remote).options(
                num_cpus=self.settings.num_cpus, memory=self.settings.memory,
                max_retries=self.settings.max_retries, retry_exceptions=False,
            )
            self._sink = ray.remote(num_cpus=0)(ProgressSink).remote()
        return ray

    def map(self, tasks: Sequence[Task], report: Report) -> Iterator[tuple[Task, collections.Counter]]:
        if not tasks:
            return
        ray = self._connect()
        threads = max(1, int(self.settings.num_cpus))
        waiting = list(reversed(tasks))
        running: dict[Any, Task] = {}
        drained = time.monotonic()
        try:
            while waiting or running:
                while waiting and len(running) < (self.cap or len(tasks)):
                    task = waiting.pop()
                    running[self._remote.remote(task, self._sink, threads)] = task
                done, _ = ray.wait(list(running), num_returns=1, timeout=_DRAIN_EVERY_SECONDS)
                if done or time.monotonic() - drained >= _DRAIN_EVERY_SECONDS:  # (a result's counts came first)
                    report(ray.get(self._sink.take.remote()))
                    drained = time.monotonic()
                for ref in done:
                    task = running.pop(ref)
                    yield task, self._result(ray, ref, task)
        except BaseException:
            for ref in running:
                ray.cancel(ref, force=True)
            raise
        finally:
            report(ray.get(self._sink.take.remote()))

    def _result(self, ray: Any, ref: Any, task: Task) -> collections.Counter:
        try:
            ok, value = ray.get(ref)
        except ray.exceptions.RayError as exc:  # the worker or node died more than max_retries times
            raise StageError(task.name, f"Ray could not run the task ({type(exc).__name__}, after "
                                        f"{self.settings.max_retries} retries): {exc}") from None
        if not ok:
            raise value
        return value

    def close(self) -> None:
        if self._remote is None and not self._connected_here:
            return
        import ray

        if self._sink is not None and ray.is_initialized():
            ray.kill(self._sink)
        self._remote = self._sink = None
        if self._connected_here:
            ray.shutdown()  # stops a cluster started here; only disconnects from one given by address
            self._connected_here = False
