"""``dolma-tools run``."""

from __future__ import annotations

import json

import click

from dolma_tools.cli.common import PASS_THROUGH, reports_errors
from dolma_tools.config.loading import parse_overrides, read_yaml
from dolma_tools.pipeline import run_pipeline


@click.command(context_settings=PASS_THROUGH)
@click.argument("pipeline", type=click.Path(dir_okay=False))
@click.option("--workers", type=int, help="Worker processes for every stage (default: each stage's own, else CPU count).")
@click.option("--on-error", type=click.Choice(["fail", "skip"]), help="For every stage: stop at a bad line, or count it and go on.")
@click.option("--overwrite", is_flag=True, default=None, help="Redo every stage's outputs, even those already complete.")
@click.option("-q", "--quiet", is_flag=True, help="No progress output.")
@click.pass_context
@reports_errors
def run(ctx: click.Context, pipeline: str, workers: int | None, on_error: str | None, overwrite: bool | None,
        quiet: bool) -> None:
    """Run a YAML pipeline: its stages in order, all validated first.

    \b
    Example:
      dolma-tools sample --out sample
      dolma-tools run configs/quickstart.yaml
      dolma-tools run configs/quickstart.yaml --workers 4 --overwrite
      dolma-tools run configs/quickstart.yaml --stages.0.tag.workers 2

    --workers, --on-error and --overwrite apply to every stage; a --stages.N... override wins.
    """
    every_stage = {key: value for key, value in
                   (("workers", workers), ("on_error", on_error), ("overwrite", overwrite)) if value is not None}
    overrides = {}
    stages = read_yaml(pipeline).get("stages")
    for index, item in enumerate(stages if isinstance(stages, list) else []):
        if isinstance(item, dict) and len(item) == 1:
            overrides.update({f"stages.{index}.{next(iter(item))}.{key}": value for key, value in every_stage.items()})
    overrides.update(parse_overrides(ctx.args))
    summaries = run_pipeline(pipeline, overrides, quiet=quiet)
    click.echo(json.dumps([s.to_dict() for s in summaries], indent=2, sort_keys=True))
