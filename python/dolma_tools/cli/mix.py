"""``dolma-tools mix``."""

from __future__ import annotations

import click

from dolma_tools.cli.common import PASS_THROUGH, execution_options, reports_errors, run_stage


@click.command(context_settings=PASS_THROUGH)
@execution_options
@click.option("--seed", type=int, help="Seed of sampling and shuffling (same seed, same bytes).")
@click.pass_context
@reports_errors
def mix(ctx: click.Context, config_path, quiet, **flags) -> None:
    """Filter, edit and sample streams into document shards and shuffled token shards.

    \b
    Example:
      dolma-tools mix -c configs/mix-example.yaml --workers 4
      dolma-tools mix -c configs/mix-example.yaml --output.tokens.shard_tokens 50000000

    Streams, filters and outputs come from the config (see configs/mix-example.yaml); any key
    can be overridden as --key value (dotted for nested keys, e.g. --streams.0.weight 2).
    """
    run_stage("mix", ctx, config_path, quiet, flags)
