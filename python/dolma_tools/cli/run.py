"""``dolma-tools run``."""

from __future__ import annotations

import json

import click

from dolma_tools.cli.common import PASS_THROUGH, reports_errors
from dolma_tools.config.loading import parse_overrides
from dolma_tools.pipeline import run_pipeline


@click.command(context_settings=PASS_THROUGH)
@click.argument("pipeline", type=click.Path(dir_okay=False))
@click.option("-q", "--quiet", is_flag=True, help="No progress output.")
@click.pass_context
@reports_errors
def run(ctx: click.Context, pipeline: str, quiet: bool) -> None:
    """Run a YAML pipeline: its stages in order, all validated first.

    \b
    Example:
      dolma-tools sample --out sample
      dolma-tools run configs/quickstart.yaml
      dolma-tools run configs/quickstart.yaml --stages.0.tag.workers 2
    """
    summaries = run_pipeline(pipeline, parse_overrides(ctx.args), quiet=quiet)
    click.echo(json.dumps([s.to_dict() for s in summaries], indent=2, sort_keys=True))
