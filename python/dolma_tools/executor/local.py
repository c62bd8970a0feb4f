"""Processes on this machine.

Workers are started with ``spawn`` (not ``fork``) so that threads already running in the parent,
such as the Rust core's thread pool, are never copied into a child in a locked state. One worker
runs tasks in the calling process: no start-up cost, and taggers defined in a notebook work.
A failure in any task, or a worker that dies, stops the pool and is raised in the caller.
"""

from __future__ import annotations

import collections
import multiprocessing
import queue
import threading
import time
import traceback
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from dolma_tools.errors import DolmaToolsError, StageError
from dolma_tools.executor.base import Executor, Report, Task

_REPORT_EVERY_SECONDS = 0.2
_progress_queue: multiprocessing.Queue | None = None


def run_task(task: Task, report: Report) -> collections.Counter:
    """Run ``task``, turning an unexpected exception into a `StageError` naming its input."""
    try:
        return task.run(report)
    except DolmaToolsError:
        raise
    except Exception:
        raise StageError(task.name, traceback.format_exc().rstrip()) from None


class _BatchedReport:
    """Sends document counts to the parent at most a few times a second."""

    def __init__(self, sink: multiprocessing.Queue) -> None:
        self.sink = sink
        self.pending = 0
        self.last = time.monotonic()

    def __call__(self, documents: int) -> None:
        self.pending += documents
        now = time.monotonic()
        if now - self.last >= _REPORT_EVERY_SECONDS:
            self.flush()
            self.last = now

    def flush(self) -> None:
        if self.pending:
            self.sink.put(self.pending)
            self.pending = 0


def _init_worker(progress: multiprocessing.Queue) -> None:
    global _progress_queue
    _progress_queue = progress


def _run_in_worker(task: Task) -> collections.Counter:
    assert _progress_queue is not None
    report = _BatchedReport(_progress_queue)
    try:
        return run_task(task, report)
    finally:
        report.flush()


class LocalExecutor(Executor):
    def map(self, tasks: Sequence[Task], report: Report) -> Iterator[tuple[Task, collections.Counter]]:
        if self.workers == 1 or len(tasks) <= 1:
            for task in tasks:
                yield task, run_task(task, report)
            return
        yield from self._map_pool(tasks, report)

    def _map_pool(self, tasks: Sequence[Task], report: Report) -> Iterator[tuple[Task, collections.Counter]]:
        context = multiprocessing.get_context("spawn")
        progress: multiprocessing.Queue = context.Queue()
        stop = threading.Event()

        def forward_progress() -> None:
            while not stop.is_set():
                try:
                    report(progress.get(timeout=0.1))
                except queue.Empty:
                    continue

        forwarder = threading.Thread(target=forward_progress, daemon=True)
        forwarder.start()
        pool = ProcessPoolExecutor(
            max_workers=min(self.workers, len(tasks)),
            mp_context=context,
            initializer=_init_worker,
            initargs=(progress,),
        )
        try:
            pending = {pool.submit(_run_in_worker, task): task for task in tasks}
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    task = pending.pop(future)
                    try:
                        counters = future.result()
                    except BrokenProcessPool:
                        raise StageError(task.name, "a worker process died (killed or out of memory)") from None
                    yield task, counters
        finally:
            _stop_pool(pool)
            stop.set()
            forwarder.join()
            while True:  # counts sent just before the pool stopped
                try:
                    report(progress.get_nowait())
                except (queue.Empty, OSError, ValueError):
                    break


def _stop_pool(pool: ProcessPoolExecutor) -> None:
    """Shut the pool down now, terminating workers still busy after a failure."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=5)
