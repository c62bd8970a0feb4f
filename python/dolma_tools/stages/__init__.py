"""The stages a pipeline is made of, by the name used in YAML and on the command line.

Each stage module has a pydantic config class and ``run(config, quiet=...) -> RunSummary``
(``plan(config)`` too where it has per-file tasks).
"""

from __future__ import annotations

import importlib
from types import ModuleType

from dolma_tools.errors import ConfigError

STAGES: dict[str, tuple[str, str]] = {
    "tag": ("dolma_tools.stages.tag", "TagConfig"),
    "dedupe": ("dolma_tools.dedupe.stage", "DedupeConfig"),
    "mix": ("dolma_tools.mix.stage", "MixConfig"),
    "stats": ("dolma_tools.stages.stats.stage", "StatsConfig"),
}


def stage_module(name: str) -> ModuleType:
    if name not in STAGES:
        raise ConfigError(f"unknown stage {name!r}; stages: {', '.join(STAGES)}")
    return importlib.import_module(STAGES[name][0])


def stage_config_class(name: str) -> type:
    return getattr(stage_module(name), STAGES[name][1])
