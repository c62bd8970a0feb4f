"""Finding taggers by name.

Built-in taggers and plugins take the same road: the ``dolma_tools.taggers`` entry-point group,
read here and nowhere else. Entry points are resolved by name and imported only when a config
uses them, so a broken or heavy plugin costs nothing to runs that do not name it. Scripts and notebooks can add modules (by import name or file path)
whose `Tagger` subclasses are registered too. Two taggers claiming one name is an error that names
both, never a silent override.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import importlib
import importlib.metadata
import importlib.util
import inspect
import os
import sys
from collections.abc import Iterable
from types import ModuleType

from dolma_tools.errors import ConfigError
from dolma_tools.taggers.base import Tagger

ENTRY_POINT_GROUP = "dolma_tools.taggers"


def _origin(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


def import_tagger_module(spec: str) -> ModuleType:
    """Import a module by dotted name or by ``.py`` file path."""
    if spec.endswith(".py") or os.sep in spec:
        path = os.path.abspath(spec)
        if not os.path.isfile(path):
            raise ConfigError(f"tagger module file not found: {spec!r}")
        module_name = "dolma_tools_user_taggers_" + hashlib.sha1(path.encode()).hexdigest()[:12]
        if module_name in sys.modules:
            return sys.modules[module_name]
        loader_spec = importlib.util.spec_from_file_location(module_name, path)
        assert loader_spec is not None and loader_spec.loader is not None
        module = importlib.util.module_from_spec(loader_spec)
        sys.modules[module_name] = module
        loader_spec.loader.exec_module(module)
        return module
    try:
        return importlib.import_module(spec)
    except ImportError as exc:
        raise ConfigError(f"cannot import tagger module {spec!r}: {exc}") from None


def _taggers_in(module: ModuleType) -> list[type[Tagger]]:
    return [
        value for value in vars(module).values()
        if inspect.isclass(value) and issubclass(value, Tagger)
        and value.__module__ == module.__name__ and "name" in vars(value)
    ]


def _check_tagger(cls: object, origin: str, expected_name: str | None = None) -> type[Tagger]:
    if not (inspect.isclass(cls) and issubclass(cls, Tagger)):
        raise ConfigError(f"{origin} is not a Tagger subclass")
    if expected_name is not None and cls.name != expected_name:
        raise ConfigError(f"entry point {expected_name!r} ({origin}) is a tagger named {cls.name!r}; they must match")
    return cls


@functools.cache
def _entry_points() -> dict[str, importlib.metadata.EntryPoint]:
    """Entry points by tagger name, not loaded: a plugin is imported only when it is used."""
    found: dict[str, importlib.metadata.EntryPoint] = {}
    for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        other = found.get(entry_point.name)
        if other is not None and other.value != entry_point.value:
            raise ConfigError(
                f"two taggers are named {entry_point.name!r}: {other.value} and {entry_point.value}; "
                "uninstall or rename one (names are versioned, e.g. 'my_tagger_v2')"
            )
        found[entry_point.name] = entry_point
    return found


def _load_entry_point(name: str) -> type[Tagger]:
    entry_point = _entry_points()[name]
    try:
        cls = entry_point.load()
    except Exception as exc:
        raise ConfigError(f"tagger {name!r} ({entry_point.value}) failed to load: {exc}") from exc
    return _check_tagger(cls, entry_point.value, name)


def _module_taggers(modules: Iterable[str]) -> dict[str, type[Tagger]]:
    """Taggers defined in user modules; a name already taken by a plugin or another module is an error."""
    found: dict[str, type[Tagger]] = {}
    for spec in modules:
        for cls in _taggers_in(import_tagger_module(spec)):
            taken = _entry_points().get(cls.name)
            previous = found.get(cls.name)
            if taken is not None or (previous is not None and previous is not cls):
                first = taken.value if taken is not None else _origin(previous)
                raise ConfigError(
                    f"two taggers are named {cls.name!r}: {first} and {_origin(cls)}; "
                    "rename one (names are versioned, e.g. 'my_tagger_v2')"
                )
            found[cls.name] = cls
    return found


def tagger_names(modules: Iterable[str] = ()) -> list[str]:
    """Every registered tagger name, without importing any plugin."""
    return sorted({*_entry_points(), *_module_taggers(modules)})


def available_taggers(modules: Iterable[str] = ()) -> dict[str, type[Tagger]]:
    """Every tagger by name, loaded (imports every plugin: for listing, not for running)."""
    user = _module_taggers(modules)
    return {name: user[name] if name in user else _load_entry_point(name) for name in tagger_names(modules)}


def get_tagger_class(name: str, modules: Iterable[str] = ()) -> type[Tagger]:
    """The tagger registered as ``name``, or a `ConfigError` listing the closest names."""
    user = _module_taggers(modules)
    if name in user:
        return user[name]
    if name in _entry_points():
        return _load_entry_point(name)
    close = difflib.get_close_matches(name, tagger_names(modules), n=3)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise ConfigError(f"unknown tagger {name!r}{hint} (`dolma-tools list` shows them all)")
