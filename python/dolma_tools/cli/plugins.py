"""Subcommands from other distributions, through the ``dolma_tools.commands`` entry-point group.

A distribution adds ``dolma-tools <name>`` by declaring ``<name> = "its_module:its_click_command"``
in that group (the taggers distribution adds ``train-fasttext`` this way), so the core never
imports a plugin. Entry points are read here and nowhere else, by name, and a plugin's module is
imported only when its command runs or its help line is shown. A plugin that fails to import,
or two commands claiming one name, turn that one name into a command that explains the problem
and exits 2: every other command keeps working.
"""

from __future__ import annotations

import functools
import importlib.metadata
import sys

import click

from dolma_tools.cli.common import EXIT_CONFIG

ENTRY_POINT_GROUP = "dolma_tools.commands"


def _origin(entry_point: importlib.metadata.EntryPoint) -> str:
    dist = entry_point.dist.name if entry_point.dist is not None else "an unknown distribution"
    return f"{entry_point.value} (from {dist})"


def _broken(name: str, message: str) -> click.Command:
    """A stand-in for command ``name`` that cannot run: its help line and its run say why."""

    def explain() -> None:
        click.echo(f"error: {message}", err=True)
        sys.exit(EXIT_CONFIG)

    return click.Command(name, callback=explain, help=message, short_help=f"(unavailable) {message}",
                         context_settings={"ignore_unknown_options": True, "allow_extra_args": True})


class PluginGroup(click.Group):
    """A click group whose built-in commands are joined by those the entry points declare."""

    @functools.cached_property
    def _plugins(self) -> dict[str, list[importlib.metadata.EntryPoint]]:
        """Entry points by command name, not loaded; one name may be claimed more than once."""
        found: dict[str, list[importlib.metadata.EntryPoint]] = {}
        for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
            claims = found.setdefault(entry_point.name, [])
            if all(entry_point.value != other.value for other in claims):  # one dist seen twice on sys.path
                claims.append(entry_point)
        return found

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self._plugins})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        claims = self._plugins.get(cmd_name, [])
        built_in = super().get_command(ctx, cmd_name)
        if not claims:
            return built_in
        if built_in is not None or len(claims) > 1:
            origins = ([f"dolma-tools' own {cmd_name!r}"] if built_in is not None else []) + [_origin(e) for e in claims]
            return _broken(cmd_name, f"two commands are named {cmd_name!r}: {' and '.join(origins)}; "
                                     "uninstall one of them")
        return _load(cmd_name, claims[0])


def _load(name: str, entry_point: importlib.metadata.EntryPoint) -> click.Command:
    """The plugin's command; a stand-in explaining the failure if it cannot be imported."""
    try:
        command = entry_point.load()
    except Exception as exc:  # a plugin may fail in any way; the user needs its name and the cause
        return _broken(name, f"command {name!r} of plugin {_origin(entry_point)} failed to load: "
                             f"{type(exc).__name__}: {exc}")
    if not isinstance(command, click.Command):
        return _broken(name, f"command {name!r} of plugin {_origin(entry_point)} is not a click command")
    return command
