"""Finding taggers by name.

Built-in taggers and plugins take the same road: the ``dolma_tools.taggers`` entry-point group,
loaded here and nowhere else. Scripts and notebooks can add modules (by import name or file path)
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


def _add(registry: dict[str, type[Tagger]], cls: type[Tagger]) -> None:
    existing = registry.get(cls.name)
    if existing is not None and existing is not cls:
        raise ConfigError(
            f"two taggers are named {cls.name!r}: {_origin(existing)} and {_origin(cls)}; "
            "rename one (names are versioned, e.g. 'my_tagger_v2')"
        )
    registry[cls.name] = cls


@functools.cache
def _entry_point_taggers() -> tuple[type[Tagger], ...]:
    found = []
    for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        try:
            cls = entry_point.load()
        except Exception as exc:
            raise ConfigError(f"tagger plugin {entry_point.value!r} failed to load: {exc}") from exc
        if not (inspect.isclass(cls) and issubclass(cls, Tagger)):
            raise ConfigError(f"entry point {entry_point.name!r} ({entry_point.value}) is not a Tagger subclass")
        if cls.name != entry_point.name:
            raise ConfigError(
                f"entry point {entry_point.name!r} points to a tagger named {cls.name!r}; they must match"
            )
        found.append(cls)
    return tuple(found)


def available_taggers(modules: Iterable[str] = ()) -> dict[str, type[Tagger]]:
    """Every tagger by name: entry points first, then the given modules."""
    registry: dict[str, type[Tagger]] = {}
    for cls in _entry_point_taggers():
        _add(registry, cls)
    for spec in modules:
        for cls in _taggers_in(import_tagger_module(spec)):
            _add(registry, cls)
    return dict(sorted(registry.items()))


def get_tagger_class(name: str, modules: Iterable[str] = ()) -> type[Tagger]:
    """The tagger registered as ``name``, or a `ConfigError` listing the closest names."""
    registry = available_taggers(modules)
    if name in registry:
        return registry[name]
    close = difflib.get_close_matches(name, list(registry), n=3)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise ConfigError(f"unknown tagger {name!r}{hint} (`dolma-tools list` shows them all)")
