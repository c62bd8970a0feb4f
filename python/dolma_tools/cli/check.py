"""``dolma-tools check``: exit 0 when every gate and check passes, 1 when one fails, 2 on a config
or input error."""

from __future__ import annotations

import json
import sys

import click

from dolma_tools.cli.common import EXIT_CONFIG, EXIT_FAILED, PASS_THROUGH
from dolma_tools.config.loading import load_config, parse_overrides
from dolma_tools.errors import ConfigError, DolmaToolsError, InputError


@click.command(context_settings=PASS_THROUGH)
@click.argument("gates_file", required=False, type=click.Path(dir_okay=False))
@click.option("-d", "--documents", multiple=True, help="Document files, folders or globs to measure and check (repeatable).")
@click.option("-t", "--tokens", multiple=True, help="Token output of mix to measure and verify (repeatable).")
@click.option("--stats", "stats_file", help="Judge this stats.json instead of measuring.")
@click.option("--baseline", help="stats.json that drift gates (max_change) compare with.")
@click.option("-o", "--output", help="Folder for results.json, stats.json and report.html (default: check).")
@click.option("--workers", type=int, help="Worker processes for measuring (default: CPU count).")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON instead of a table.")
@click.option("--junit", type=click.Path(dir_okay=False), help="Also write the results as JUnit XML to this file.")
@click.option("-q", "--quiet", is_flag=True, help="No progress output.")
@click.pass_context
def check(ctx: click.Context, gates_file, stats_file, as_json, junit, quiet, **flags) -> None:
    """Judge data-quality gates and run direct checks (documents parse, sidecars align, token
    shards verify); for CI. Exit code 0: all pass, 1: something failed, 2: config or input error.

    \b
    Example:
      dolma-tools check configs/quickstart-check.yaml --junit check.xml
      dolma-tools check gates.yaml --stats stats.json --baseline last-month/stats.json --json
    """
    from dolma_tools.stages.check.config import CheckConfig
    from dolma_tools.stages.check.output import table, write_junit
    from dolma_tools.stages.check.stage import run_check

    overrides = {key: value for key, value in flags.items() if value not in (None, ())}
    if stats_file:
        overrides["stats"] = stats_file
    try:
        overrides.update(parse_overrides(ctx.args))
        config = load_config(CheckConfig, gates_file, overrides)
        report = run_check(config, quiet=quiet)
    except (ConfigError, InputError) as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_CONFIG)
    except DolmaToolsError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_FAILED)
    if junit:
        write_junit(report, junit)
    click.echo(json.dumps(report.to_dict(), indent=2, sort_keys=True) if as_json else table(report))
    sys.exit(0 if report.passed else EXIT_FAILED)
