"""``dolma-tools config schema|validate``."""

from __future__ import annotations

import json

import click

from dolma_tools.cli.common import reports_errors
from dolma_tools.config.loading import load_config, read_yaml
from dolma_tools.errors import ConfigError
from dolma_tools.pipeline import load_pipeline, pipeline_json_schema
from dolma_tools.stages.registry import get_stage, stage_names


@click.group()
def config() -> None:
    """Inspect and check configuration files."""


@config.command()
@click.option("--stage", type=click.Choice(stage_names()), help="Schema of one stage's config instead of a pipeline.")
def schema(stage: str | None) -> None:
    """Print the JSON Schema of pipeline files (or of one stage), for editors.

    \b
    Example:
      dolma-tools config schema > dolma-tools.schema.json
      dolma-tools config schema --stage tag
    """
    document = get_stage(stage).config_class.model_json_schema() if stage else pipeline_json_schema()
    click.echo(json.dumps(document, indent=2))


@config.command()
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--stage", type=click.Choice(stage_names()), help="PATH is one stage's config, not a pipeline.")
@reports_errors
def validate(path: str, stage: str | None) -> None:
    """Check a config without running it; exit 2 with every problem listed.

    \b
    Example:
      dolma-tools config validate configs/quickstart.yaml
      dolma-tools config validate my-tag.yaml --stage tag
    """
    if stage is None and "stages" not in read_yaml(path):
        raise click.UsageError("PATH has no 'stages' list; for one stage's config pass --stage NAME")
    if stage is None:
        stages = [name for name, _ in load_pipeline(path)]
        click.echo(f"{path}: valid pipeline ({' -> '.join(stages)})")
        return
    stage_class = get_stage(stage)
    configured = stage_class(load_config(stage_class.config_class, path))
    configured.check()
    problems = configured.attribute_problems({}, complete=True)
    if problems:
        raise ConfigError("invalid configuration:\n" + "\n".join(problems))
    click.echo(f"{path}: valid {stage} config")
