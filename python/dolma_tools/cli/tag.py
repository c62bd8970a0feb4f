"""``dolma-tools tag``."""

from __future__ import annotations

import click

from dolma_tools.cli.common import PASS_THROUGH, execution_options, reports_errors, run_stage


@click.command(context_settings=PASS_THROUGH)
@execution_options
@click.option("-d", "--documents", multiple=True, help="Document files, folders or globs (repeatable).")
@click.option("-e", "--experiment", help="Attribute run name: output goes to attributes/<experiment>/.")
@click.option("-t", "--taggers", multiple=True, help="Tagger name (repeatable); see `dolma-tools list`.")
@click.option("--tagger-modules", multiple=True, help="Module or .py file with extra Tagger classes (repeatable).")
@click.pass_context
@reports_errors
def tag(ctx: click.Context, config_path, quiet, **flags) -> None:
    """Run taggers over documents and write attribute sidecars.

    \b
    Example:
      dolma-tools tag -d 'sample/documents/*/*.jsonl.gz' -e counts \\
          -t char_length_v1 -t word_count_v1 --workers 4
      dolma-tools tag -c configs/tag-quality.yaml --workers 8 --on-error skip

    Any config key can be overridden as --key value (dotted for nested keys).
    """
    run_stage("tag", ctx, config_path, quiet, flags)
