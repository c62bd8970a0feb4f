"""What every subcommand shares: config loading with overrides, error reporting, summaries."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from typing import Any

import click

from dolma_tools.config.loading import load_config, parse_overrides
from dolma_tools.errors import ConfigError, DolmaToolsError

EXIT_FAILED = 1
EXIT_CONFIG = 2
EXIT_INTERRUPTED = 130
"""128 + SIGINT, as shells report a command stopped by Ctrl-C."""

PASS_THROUGH = {"ignore_unknown_options": True, "allow_extra_args": True}
"""Lets any ``--dotted.key value`` reach the config as an override, as in Dolma's CLI."""


def reports_errors(command: Callable) -> Callable:
    """Turn our exceptions, and Ctrl-C, into one clear message on stderr and a non-zero exit code.

    On Ctrl-C the stage has already stopped its workers and removed its temporary files; finished
    outputs stay, so a rerun resumes.
    """

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ConfigError as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(EXIT_CONFIG)
        except DolmaToolsError as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(EXIT_FAILED)
        except KeyboardInterrupt:
            click.echo("\ninterrupted: finished files are kept; run the same command again to resume", err=True)
            sys.exit(EXIT_INTERRUPTED)

    return wrapper


def execution_options(command: Callable) -> Callable:
    """The options every stage command has, in the order --help shows them."""
    for decorator in reversed([
        click.option("-c", "--config", "config_path", type=click.Path(dir_okay=False), help="YAML config file."),
        click.option("--workers", type=int, help="Worker processes (default: CPU count)."),
        click.option("--on-error", type=click.Choice(["fail", "skip"]), help="Stop at a bad line, or count it and go on."),
        click.option("--overwrite", is_flag=True, default=None, help="Redo files whose output already exists."),
        click.option("-q", "--quiet", is_flag=True, help="No progress output."),
    ]):
        command = decorator(command)
    return command


def run_stage(stage: str, ctx: click.Context, config_path: str | None, quiet: bool, flags: dict[str, Any]) -> None:
    """Load the stage config (file, then flags, then ``--dotted`` overrides), run it, print the summary."""
    overrides = {key: value for key, value in flags.items() if value not in (None, ())}
    overrides.update(parse_overrides(ctx.args))
    if config_path is None and not overrides:
        raise click.UsageError(f"give a config with -c FILE.yaml, or the options (see dolma-tools {stage} --help)")
    from dolma_tools.stages.registry import get_stage
    from dolma_tools.stages.runner import run_stage

    stage_class = get_stage(stage)
    summary = run_stage(stage_class(load_config(stage_class.config_class, config_path, overrides)), quiet=quiet)
    click.echo(json.dumps(summary.to_dict(), indent=2, sort_keys=True))
