"""``dolma-tools list``."""

from __future__ import annotations

import inspect

import click

from dolma_tools.cli.common import reports_errors
from dolma_tools.errors import ConfigError
from dolma_tools.taggers.registry import get_tagger_class, tagger_names


@click.command("list")
@click.option("--tagger-modules", multiple=True, help="Also list taggers from these modules or .py files.")
@reports_errors
def list_taggers(tagger_modules: tuple[str, ...]) -> None:
    """List the available taggers: a one-line description, the keys each writes (after
    ``<experiment>__<tagger>__``) and the options its config entry takes.

    \b
    Example:
      dolma-tools list
      dolma-tools list --tagger-modules my_taggers.py
    """
    names = tagger_names(tagger_modules)
    width = max(map(len, names), default=0)
    for name in names:
        try:
            cls = get_tagger_class(name, tagger_modules)
        except ConfigError as error:  # one broken plugin must not hide the others
            click.echo(f"{name.ljust(width)}  (failed to load: {error})")
            continue
        summary = (cls.description or (cls.__doc__ or "").strip()).splitlines()
        click.echo(f"{name.ljust(width)}  {summary[0] if summary else ''}")
        indent = " " * (width + 2)
        click.echo(f"{indent}keys: {', '.join(cls.keys) if cls.keys else '(not declared: they depend on the options or model)'}")
        options = _options(cls)
        if options:
            click.echo(f"{indent}options: {options}")


def _options(cls: type) -> str:
    """``name=default`` (or ``name`` when required) for each constructor keyword."""
    parameters = list(inspect.signature(cls).parameters.values())
    return ", ".join(p.name if p.default is inspect.Parameter.empty else f"{p.name}={p.default!r}"
                     for p in parameters if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD))
