"""The ``dolma-tools`` command: one click group, one module per subcommand; other distributions add
theirs through the ``dolma_tools.commands`` entry points (`dolma_tools.cli.plugins`)."""

from __future__ import annotations

import click

from dolma_tools._core import __version__
from dolma_tools.cli.check import check
from dolma_tools.cli.config import config
from dolma_tools.cli.dedupe import dedupe
from dolma_tools.cli.extract import extract
from dolma_tools.cli.list_taggers import list_taggers
from dolma_tools.cli.mix import mix
from dolma_tools.cli.run import run
from dolma_tools.cli.sample import sample
from dolma_tools.cli.stats import stats
from dolma_tools.cli.plugins import PluginGroup
from dolma_tools.cli.tag import tag


@click.group(cls=PluginGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dolma-tools")
def main() -> None:
    """Tag, deduplicate and mix text corpora into tokenized pretraining data.

    \b
    Quickstart:
      dolma-tools sample --out sample
      dolma-tools run configs/quickstart.yaml
    """


for command in (extract, tag, dedupe, mix, stats, check, list_taggers, run, config, sample):
    main.add_command(command)
