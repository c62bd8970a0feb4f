"""Processes on this machine.

Workers are started with ``spawn`` (not ``fork``) so that threads already running in the parent,
such as the Rust core's thread pool, are never copied into a child in a locked state. One worker
runs tasks in the calling process: no start-up cost, and taggers defined in a notebook work.
A failure in any task, or a worker that dies, stops the pool and is raised in the caller.

Stopping is the caller's job: workers ignore SIGINT (Ctrl-C reaches the whole process group), and
the caller, on an interrupt or a failure, sends the busy workers SIGTERM, which a worker turns
into an exception so that its temporary files are removed on the way out (`atomic_writer`).
"""

from __future__ import annotations

import ast
import collections
import multiprocessing
import os
import queue
import sys
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from dolma_tools.errors import ConfigError, StageError
from dolma_tools.executor.base import Executor, Report, Task
from dolma_tools.executor.worker import init_worker, run_in_worker, run_task


class LocalExecutor(Executor):
    """Runs tasks in a pool of spawned processes, kept open between `map` calls until `close`."""

    def __init__(self, workers: int | None = None) -> None:
        super().__init__(workers)
        self._pool: ProcessPoolExecutor | None = None
        self._progress: multiprocessing.Queue | None = None

    def map(self, tasks: Sequence[Task], report: Report) -> Iterator[tuple[Task, collections.Counter]]:
        if self.workers == 1 or len(tasks) <= 1:
            for task in tasks:
                yield task, run_task(task, report)
            return
        yield from self._map_pool(tasks, report)

    def _start(self) -> tuple[ProcessPoolExecutor, multiprocessing.Queue]:
        if self._pool is None or self._progress is None:
            _refuse_unguarded_main()
            context = multiprocessing.get_context("spawn")
            self._progress = context.Queue()
            # Processes start on demand, so a phase with fewer tasks than workers starts fewer.
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=context, initializer=init_worker,
                initargs=(self._progress, max(1, (os.cpu_count() or 1) // self.workers)),
            )
        return self._pool, self._progress

    def _map_pool(self, tasks: Sequence[Task], report: Report) -> Iterator[tuple[Task, collections.Counter]]:
        pool, progress = self._start()
        stop = threading.Event()

        def forward_progress() -> None:
            while not stop.is_set():
                try:
                    report(progress.get(timeout=0.1))
                except queue.Empty:
                    continue

        forwarder = threading.Thread(target=forward_progress, daemon=True)
        forwarder.start()
        try:
            pending = {pool.submit(run_in_worker, task): task for task in tasks}
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    task = pending.pop(future)
                    try:
                        counters = future.result()
                    except BrokenProcessPool:
                        raise StageError(task.name, "a worker process died (killed or out of memory)") from None
                    yield task, counters
        except BaseException:
            self._stop(terminate=True)  # a failure (or an abandoned map) stops the busy workers now
            raise
        finally:
            stop.set()
            forwarder.join()
            while True:  # counts sent just before the last task finished
                try:
                    report(progress.get_nowait())
                except (queue.Empty, OSError, ValueError):
                    break

    def close(self) -> None:
        self._stop(terminate=False)

    def _stop(self, *, terminate: bool) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        if terminate:
            _stop_pool(pool)
        else:
            pool.shutdown(wait=True)
        if self._progress is not None:
            self._progress.close()
            self._progress = None


def _refuse_unguarded_main() -> None:
    """Refuse a pool started by a top-level statement of the main script outside
    ``if __name__ == "__main__":``: each spawned worker imports that script again, runs the same
    statement, and dies trying to start a pool of its own (seen as "a worker process died")."""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    name = getattr(getattr(main, "__spec__", None), "name", None) or ""
    if main is None or path is None or name == "__main__" or name.endswith(".__main__"):
        return  # notebooks, ``python -c`` and packages' __main__: spawn does not import them again
    frame = sys._getframe()
    while frame is not None and not (frame.f_globals is vars(main) and frame.f_code.co_name == "<module>"):
        frame = frame.f_back
    if frame is None:
        return
    try:
        statements = ast.parse(open(path, encoding="utf-8").read()).body
    except (OSError, SyntaxError, ValueError):
        return
    line = frame.f_lineno
    statement = next((s for s in statements if s.lineno <= line <= (s.end_lineno or s.lineno)), None)
    if statement is not None and not _is_main_guard(statement):
        raise ConfigError(
            f"{path}:{line} starts a run at the top level of the script: worker processes import the "
            "script again and would start it again. Put the call under 'if __name__ == \"__main__\":' "
            "(or run with workers=1)"
        )


def _is_main_guard(statement: ast.stmt) -> bool:
    """``if __name__ == "__main__":`` (either side)."""
    if not isinstance(statement, ast.If) or not isinstance(statement.test, ast.Compare):
        return False
    sides = [statement.test.left, *statement.test.comparators]
    return (len(sides) == 2 and isinstance(statement.test.ops[0], ast.Eq)
            and {ast.dump(side) for side in sides} == {ast.dump(ast.Name("__name__", ast.Load())),
                                                       ast.dump(ast.Constant("__main__"))})


def _stop_pool(pool: ProcessPoolExecutor) -> None:
    """Shut the pool down now, terminating workers still busy after a failure."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=5)
        if process.is_alive():  # a task that swallowed the exception: no clean-up left to wait for
            process.kill()
            process.join()
