"""``dolma-tools stats``."""

from __future__ import annotations

import click

from dolma_tools.cli.common import PASS_THROUGH, execution_options, reports_errors, run_stage


@click.command(context_settings=PASS_THROUGH)
@execution_options
@click.option("-d", "--documents", multiple=True, help="Document files, folders or globs (repeatable).")
@click.option("-a", "--attributes", multiple=True, help="Attribute set to read (repeatable; default: every set found).")
@click.option("-t", "--tokens", multiple=True, help="Token output of mix: manifest.json or its folder (repeatable).")
@click.option("-o", "--output", help="Folder for stats.json and report.html (default: stats).")
@click.pass_context
@reports_errors
def stats(ctx: click.Context, config_path, quiet, **flags) -> None:
    """Measure documents, their attribute sidecars and token shards: stats.json and report.html.

    \b
    Example:
      dolma-tools stats -d sample/documents -t sample/mixed/tokens -o sample/stats
      dolma-tools stats -c configs/stats.yaml --workers 8

    Any config key can be overridden as --key value (dotted for nested keys).
    """
    run_stage("stats", ctx, config_path, quiet, flags)
