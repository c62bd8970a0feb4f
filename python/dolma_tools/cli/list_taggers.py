"""``dolma-tools list``."""

from __future__ import annotations

import click

from dolma_tools.cli.common import reports_errors
from dolma_tools.taggers.registry import available_taggers


@click.command("list")
@click.option("--tagger-modules", multiple=True, help="Also list taggers from these modules or .py files.")
@reports_errors
def list_taggers(tagger_modules: tuple[str, ...]) -> None:
    """List the available taggers with one-line descriptions.

    \b
    Example:
      dolma-tools list
      dolma-tools list --tagger-modules my_taggers.py
    """
    registry = available_taggers(tagger_modules)
    width = max(map(len, registry), default=0)
    for name, cls in registry.items():
        summary = (cls.description or (cls.__doc__ or "").strip()).splitlines()
        click.echo(f"{name.ljust(width)}  {summary[0] if summary else ''}")
