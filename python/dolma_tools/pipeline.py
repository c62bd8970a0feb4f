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

from dolma_tools.attribute_keys import AttributeKeys
from dolma_tools.config.loading import read_yaml, set_dotted, validate
from dolma_tools.errors import ConfigError
from dolma_tools.stages.registry import get_stage, stage_names
from dolma_tools.stages.runner import RunSummary, run_stage

_HEADER = "invalid configuration:\n"


def parse_pipeline(data: Mapping[str, Any]) -> list[tuple[str, BaseModel]]:
    """Validate a pipeline mapping into ``(stage name, config)`` pairs; the problems of every
    stage are reported together in one `ConfigError`."""
    unknown = set(data) - {"stages"}
    if unknown:
        raise ConfigError(f"unknown top-level key(s) {sorted(unknown)}; a pipeline has only 'stages'")
    stages = data.get("stages")
    if not isinstance(stages, list) or not stages:
        raise ConfigError("a pipeline needs 'stages': a non-empty list like [{tag: {...}}, {dedupe: {...}}]")
    parsed, problems = [], []
    written: dict[str, AttributeKeys] = {}
    loaded = True
    for index, item in enumerate(stages):
        try:
            name, config, found = _parse_stage(index, item, written, complete=loaded)
        except ConfigError as error:  # the stage's config did not load
            problems.append(str(error).removeprefix(_HEADER))
            loaded = False
            continue
        problems += found
        parsed.append((name, config))
    if problems:
        raise ConfigError(_HEADER + "\n".join(problems))
    return parsed


def _parse_stage(index: int, item: Any, written: dict[str, AttributeKeys], *,
                 complete: bool) -> tuple[str, BaseModel, list[str]]:
    """One stage's config and its problems: `check`'s, and names of attribute sets and keys that
    the sets earlier stages write do not hold (``written``; ``complete`` unless an earlier
    stage's config did not load). This stage's own sets are then added to ``written``."""
    if not isinstance(item, dict) or len(item) != 1:
        raise ConfigError(f"stages.{index}: each stage is a mapping with one key, the stage name ({', '.join(stage_names())})")
    (name, body), = item.items()
    where = f"stages.{index}.{name}"
    stage_class = get_stage(name)
    config = validate(stage_class.config_class, body or {}, prefix=where)
    stage = stage_class(config)
    problems = []
    try:
        stage.check()
    except ConfigError as error:
        problems.append(f"{where}: {error}")
    written.update(stage.attribute_keys(where))
    problems += [f"{where}.{p}" for p in stage.attribute_problems(written, complete=complete)]
    return name, config, problems


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
