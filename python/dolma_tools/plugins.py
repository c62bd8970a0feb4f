"""Named plugins (stages, executors) found the same way: built-ins first, then entry points.

A registry is a mapping ``name -> "module:attribute"``; nothing is imported until a name is used,
so listing names stays cheap and a broken plugin only fails the runs that use it.
"""

from __future__ import annotations

import difflib
import importlib
import importlib.metadata
from collections.abc import Mapping
from typing import Any

from dolma_tools.errors import ConfigError


def registry(group: str, built_in: Mapping[str, str], kind: str) -> dict[str, str]:
    """Built-in targets plus the entry points of ``group``; a name claimed twice is an error naming both."""
    found = dict(built_in)
    for entry_point in importlib.metadata.entry_points(group=group):
        other = found.get(entry_point.name)
        if other is not None and other != entry_point.value:
            raise ConfigError(f"two {kind}s are named {entry_point.name!r}: {other} and {entry_point.value}; "
                              "uninstall or rename one")
        found[entry_point.name] = entry_point.value
    return found


def load(targets: Mapping[str, str], name: str, kind: str) -> Any:
    """Import the object registered as ``name``; an unknown name lists the closest ones."""
    if name not in targets:
        close = difflib.get_close_matches(name, targets, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ConfigError(f"unknown {kind} {name!r}{hint}; {kind}s: {', '.join(targets)}")
    module_name, _, attribute = targets[name].partition(":")
    try:
        return getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as exc:
        raise ConfigError(f"{kind} {name!r} ({targets[name]}) failed to load: {exc}") from exc
