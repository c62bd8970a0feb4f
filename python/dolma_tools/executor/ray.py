"""Tasks on a Ray cluster: one Ray task per `Task`, the same objects the local executor runs.

* **Data moves through storage.** A task carries paths, not documents; it reads its inputs and
  writes its outputs where every node sees them (a shared folder or ``s3://``). Only its counters
  come back, so the driver holds counters and nothing else.
* **Retries are for the infrastructure only.** Ray reruns a task whose worker process or node
  died, up to ``ray.max_retries`` times; atomic writes make a rerun's outputs those of a first
  run, and the temporary files of killed attempts are removed once the phase has finished. A
  task that raises (a bad line under ``on_error: fail``, a missing model) returns its error as a
  value instead of raising it in the worker, so Ray never retries it, and the driver raises it as
  is, with file, line and reason, after cancelling the other tasks.
* **Progress** goes from the workers to a small actor on the driver's node, which the driver
  drains while it waits.
* **The cluster**: a Ray session already open in this process (``ray.init`` in a notebook, or an
  earlier run's connection) is used as it is; else ``ray.address`` is joined and left running
  (the connection lasts as long as the process); with no address a cluster is started on this
  machine for the run and shut down at `close`. Only that last one is ever shut down here.

Ray is imported only when a run uses this executor (``pip install 'dolma-tools[ray]'``).
"""

from __future__ import annotations

import collections
import logging
import os
import time
from collections.abc import Iterator, Sequence
from typing import Any

from dolma_tools.config.models import ExecutionConfig, RayConfig
from dolma_tools.errors import ConfigError, DolmaToolsError, StageError
from dolma_tools.executor.base import Executor, Report, Task
from dolma_tools.executor.worker import BatchedReport, run_task, set_threads
from dolma_tools.io.compression import remove_debris

INSTALL = "pip install 'dolma-tools[ray]'"
_DRAIN_EVERY_SECONDS = 0.2
_OBJECT_STORE_BYTES = 256 * 1024**2
"""Object store of a cluster started here: tasks pass paths and counters, never data."""


def require_ray() -> None:
    """Raise a `ConfigError` saying what to install when Ray cannot be imported."""
    try:
        import ray  # noqa: F401
    except ImportError:
        raise ConfigError(f"executor 'ray' needs Ray, which is not installed: {INSTALL}") from None


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
        self.started_here = False
        """Whether `close` shuts Ray down: only a cluster this executor started itself."""
        self._remote: Any = None
        self._sink: Any = None

    @classmethod
    def from_config(cls, workers: int | None, config: ExecutionConfig | None) -> RayExecutor:
        return cls(workers, config.ray if config is not None else None)

    def start(self) -> None:
        self._connect()

    def _connect(self) -> Any:
        import ray
        from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

        if not ray.is_initialized():
            os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
            if self.settings.address is None:
                ray.init(address="local", num_cpus=self.workers, include_dashboard=False, _node_ip_address="127.0.0.1",
                         object_store_memory=_OBJECT_STORE_BYTES, logging_level=logging.WARNING)
                self.started_here = True
            else:
                ray.init(address=self.settings.address, logging_level=logging.WARNING)
        if self._remote is None:
            env = {name: os.environ[name] for name in self.settings.env_vars if name in os.environ}
            self._remote = ray.remote(run_remote).options(
                num_cpus=self.settings.num_cpus, memory=self.settings.memory,
                max_retries=self.settings.max_retries, retry_exceptions=False,
                runtime_env={"env_vars": env} if env else None,
            )
            # On the driver's node: a run whose driver is gone is over anyway, a worker node may go.
            here = NodeAffinitySchedulingStrategy(ray.get_runtime_context().get_node_id(), soft=False)
            self._sink = ray.remote(num_cpus=0, scheduling_strategy=here)(ProgressSink).remote()
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
        # Attempts killed with their worker left temporary files beside outputs now complete.
        remove_debris(path for task in tasks for path in task.outputs)

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
        if self._remote is None:
            return
        import ray

        if ray.is_initialized():
            ray.kill(self._sink)
        self._remote = self._sink = None
        if self.started_here:
            ray.shutdown()
            self.started_here = False
