"""Finding stages by name: for pipelines, the command line and ``dolma_tools.<stage>()`` alike.

Built-in stages are listed here; other packages add theirs through the ``dolma_tools.stages``
entry-point group (``name = "my_pkg.stage:MyStage"``, a `Stage` subclass whose ``name`` matches).
"""

from __future__ import annotations

import functools

from dolma_tools import plugins
from dolma_tools.errors import ConfigError
from dolma_tools.stages.base import Stage

ENTRY_POINT_GROUP = "dolma_tools.stages"

BUILT_IN: dict[str, str] = {
    "extract": "dolma_tools.stages.extract.stage:ExtractStage",
    "tag": "dolma_tools.stages.tag.stage:TagStage",
    "dedupe": "dolma_tools.stages.dedupe.stage:DedupeStage",
    "mix": "dolma_tools.stages.mix.stage:MixStage",
    "stats": "dolma_tools.stages.stats.stage:StatsStage",
}


@functools.cache
def _targets() -> dict[str, str]:
    return plugins.registry(ENTRY_POINT_GROUP, BUILT_IN, "stage")


def stage_names() -> list[str]:
    """Every stage name, built-in ones first, without importing any stage."""
    return list(_targets())


def get_stage(name: str) -> type[Stage]:
    """The stage class registered as ``name``, or a `ConfigError` with the closest names."""
    cls = plugins.load(_targets(), name, "stage")
    if not (isinstance(cls, type) and issubclass(cls, Stage)) or cls.name != name:
        raise ConfigError(f"stage {name!r} ({_targets()[name]}) is not a Stage subclass named {name!r}")
    return cls
