"""Running a stage's per-file tasks: locally on worker processes (Ray can be added beside it)."""

from dolma_tools.executor.base import Executor, Task, make_executor
from dolma_tools.executor.runner import RunSummary, run_tasks

__all__ = ["Executor", "RunSummary", "Task", "make_executor", "run_tasks"]
