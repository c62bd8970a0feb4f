"""``dolma-tools extract``."""

from __future__ import annotations

import click

from dolma_tools.cli.common import PASS_THROUGH, execution_options, reports_errors, run_stage


@click.command(context_settings=PASS_THROUGH)
@execution_options
@click.option("-w", "--warcs", multiple=True, help="WARC/WET files, folders or globs (repeatable).")
@click.option("-o", "--destination", help="Output root: documents go to <destination>/documents/<source>/.")
@click.option("--source", help="The documents' source name (default: common-crawl).")
@click.option("--extractor", type=click.Choice(["resiliparse", "trafilatura"]), help="Main-text extractor.")
@click.pass_context
@reports_errors
def extract(ctx: click.Context, config_path, quiet, **flags) -> None:
    """Turn WARC/WET web crawls into Dolma documents (main text, URL, dates, usage signals).

    \b
    Example:
      dolma-tools extract -w 'crawl/*.warc.gz' -o web --workers 8
      dolma-tools extract -c extract.yaml --extractor trafilatura

    Needs the optional packages: pip install 'dolma-tools[warc]'.
    Any config key can be overridden as --key value (dotted for nested keys).
    """
    run_stage("extract", ctx, config_path, quiet, flags)
