"""Where a stage's tasks run: executors by name (``local`` built in; other packages add theirs
through the ``dolma_tools.executors`` entry-point group), each a subclass of `Executor`."""

from __future__ import annotations

import functools

from dolma_tools import plugins
from dolma_tools.errors import ConfigError
from dolma_tools.executor.base import Executor, FileTask, Report, Task

ENTRY_POINT_GROUP = "dolma_tools.executors"

BUILT_IN: dict[str, str] = {
    "local": "dolma_tools.executor.local:LocalExecutor",
}


@functools.cache
def _targets() -> dict[str, str]:
    return plugins.registry(ENTRY_POINT_GROUP, BUILT_IN, "executor")


def executor_names() -> list[str]:
    """Every executor name, without importing any."""
    return list(_targets())


def make_executor(name: str, workers: int | None) -> Executor:
    """A new executor of the kind a stage config names (``executor``)."""
    cls = plugins.load(_targets(), name, "executor")
    if not (isinstance(cls, type) and issubclass(cls, Executor)):
        raise ConfigError(f"executor {name!r} ({_targets()[name]}) is not an Executor subclass")
    return cls(workers)


__all__ = ["Executor", "FileTask", "Report", "Task", "executor_names", "make_executor"]
