"""YAML pipelines: an ordered list of stages, every one validated before the first runs.

```yaml
stages:
  - tag: {documents: sample/documents, experiment: quality, taggers: [char_length_v1]}
  - dedupe: {...}
```
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Union

from pydantic import BaseModel, ConfigDict, create_model

from dolma_tools.config.loading import set_dotted, read_yaml, validate
from dolma_tools.errors import ConfigError
from dolma_tools.stages.registry import get_stage, stage_names
from dolma_tools.stages.runner import RunSummary, run_stage


def parse_pipeline(data: Mapping[str, Any]) -> list[tuple[str, BaseModel]]:
    """Validate a pipeline mapping into ``(stage name, config)`` pairs."""
    unknown = set(data) - {"stages"}
    if unknown:
        raise ConfigError(f"unknown top-level key(s) {sorted(unknown)}; a pipeline has only 'stages'")
    stages = data.get("stages")
    if not isinstance(stages, list) or not stages:
        raise ConfigError("a pipeline needs 'stages': a non-empty list like [{tag: {...}}, {dedupe: {...}}]")
    parsed = []
    for index, item in enumerate(stages):
        if not isinstance(item, dict) or len(item) != 1:
            raise ConfigError(f"stages.{index}: each stage is a mapping with one key, the stage name ({', '.join(stage_names())})")
        (name, body), = item.items()
        stage_class = get_stage(name)
        config = validate(stage_class.config_class, body or {}, prefix=f"stages.{index}.{name}")
        stage_class(config).check()
        parsed.append((name, config))
    return parsed


def load_pipeline(path: str | Path, overrides: Mapping[str, Any] | None = None) -> list[tuple[str, BaseModel]]:
    """Read, override (``stages.0.tag.workers``) and validate a pipeline file."""
    data = read_yaml(path)
    for dotted, value in (overrides or {}).items():
        set_dotted(data, dotted, value)
    return parse_pipeline(data)


def run_pipeline(path: str | Path, overrides: Mapping[str, Any] | None = None, *, quiet: bool = False) -> list[RunSummary]:
    """Run every stage in order; the first failure stops the pipeline."""
    return [run_stage(get_stage(name)(config), quiet=quiet) for name, config in load_pipeline(path, overrides)]


def pipeline_json_schema() -> dict[str, Any]:
    """A JSON Schema of pipeline files, for editors."""
    stage_models = [
        create_model(f"{name.title()}Stage", __config__=ConfigDict(extra="forbid"), **{name: (get_stage(name).config_class, ...)})
        for name in stage_names()
    ]
    any_stage = Union[tuple(stage_models)]  # noqa: UP007 - the members are only known at run time
    pipeline = create_model("Pipeline", __config__=ConfigDict(extra="forbid"), stages=(list[any_stage], ...))
    return pipeline.model_json_schema()
