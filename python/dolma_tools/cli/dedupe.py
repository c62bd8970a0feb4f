"""``dolma-tools dedupe``."""

from __future__ import annotations

import click

from dolma_tools.cli.common import PASS_THROUGH, execution_options, reports_errors, run_stage


@click.command(context_settings=PASS_THROUGH)
@execution_options
@click.option("-d", "--documents", multiple=True, help="Document files, folders or globs (repeatable); their order is the input order.")
@click.option("-n", "--name", help="Attribute run name: output goes to attributes/<name>/ (default: dedupe).")
@click.pass_context
@reports_errors
def dedupe(ctx: click.Context, config_path, quiet, **flags) -> None:
    """Flag duplicate documents, paragraphs, near-duplicates and eval contamination as attributes.

    \b
    Example:
      dolma-tools dedupe -c configs/dedupe-example.yaml
      dolma-tools dedupe -d sample/documents --documents_mode.key text \\
          --paragraphs.min_words 3 --workers 4

    The first copy by input order (file order, then line) is kept, whatever the number of
    workers. Any config key can be overridden as --key value (dotted for nested keys).
    """
    run_stage("dedupe", ctx, config_path, quiet, flags)
