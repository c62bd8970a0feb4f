"""Where a stage's tasks run: executors by name (``local`` and ``ray`` built in; other packages add theirs
through the ``dolma_tools.executors`` entry-point group), each a subclass of `Executor`."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from dolma_tools import plugins
from dolma_tools.errors import ConfigError
from dolma_tools.executor.base import Executor, FileTask, Report, Task

if TYPE_CHECKING:
    from dolma_tools.config.models import ExecutionConfig

ENTRY_POINT_GROUP = "dolma_tools.executors"

BUILT_IN: dict[str, str] = {
    "local": "dolma_tools.executor.local:LocalExecutor",
    "ray": "dolma_tools.executor.ray:RayExecutor",
}


@functools.cache
def _targets() -> dict[str, str]:
    return plugins.registry(ENTRY_POINT_GROUP, BUILT_IN, "executor")


def executor_names() -> list[str]:
    """Every executor name, without importing any."""
    return list(_targets())


def make_executor(name: str, workers: int | None, config: ExecutionConfig | None = None) -> Executor:
    """A new executor of the kind a stage config names (``executor``), set up from the rest of
    ``config`` (its ``ray`` section, for instance) when given."""
    cls = plugins.load(_targets(), name, "executor")
    if not (isinstance(cls, type) and issubclass(cls, Executor)):
        raise ConfigError(f"executor {name!r} ({_targets()[name]}) is not an Executor subclass")
    return cls.from_config(workers, config)


__all__ = ["Executor", "FileTask", "Report", "Task", "executor_names", "make_executor"]
