"""Loading configs: YAML, then ``--dotted.key value`` overrides, then validation.

All problems are reported at once, each naming its key, before any work starts: an unknown key
comes with the closest valid names, a wrong type with the value that was given.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from dolma_tools.errors import ConfigError

M = TypeVar("M", bound=BaseModel)


def parse_overrides(args: Sequence[str]) -> dict[str, Any]:
    """Turn ``["--a.b", "3", "--c=x"]`` into ``{"a.b": 3, "c": "x"}``; values are YAML scalars."""
    overrides: dict[str, Any] = {}
    index = 0
    while index < len(args):
        token = args[index]
        if not token.startswith("--") or token == "--":
            raise ConfigError(f"unexpected argument {token!r}; overrides look like --key value")
        key, has_value, value = token[2:].partition("=")
        if not has_value:
            if index + 1 >= len(args) or args[index + 1].startswith("--"):
                value = "true"  # a bare flag
            else:
                index += 1
                value = args[index]
        overrides[key.replace("-", "_")] = yaml.safe_load(value) if value != "" else ""
        index += 1
    return overrides


def set_dotted(data: dict[str, Any], dotted: str, value: Any) -> None:
    node: Any = data
    parts = dotted.split(".")
    for position, part in enumerate(parts[:-1]):
        if isinstance(node, list):
            node = node[int(part)]
            continue
        child = node.get(part)
        if child is None:
            child = [] if parts[position + 1].isdigit() else {}
            node[part] = child
        node = child
    last = parts[-1]
    if isinstance(node, list):
        index = int(last)
        node.extend([None] * (index + 1 - len(node)))
        node[index] = value
    else:
        node[last] = value


def _model_at(model: type[BaseModel], loc: Sequence[Any]) -> type[BaseModel] | None:
    """The nested model class that owns the field at ``loc`` (for suggestions)."""
    current: Any = model
    for part in loc:
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        if isinstance(part, int):
            continue
        field = current.model_fields.get(part)
        if field is None:
            return None
        annotation = field.annotation
        args = [a for a in getattr(annotation, "__args__", ()) if isinstance(a, type)]
        candidates = [annotation, *args]
        current = next((c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), None)
        if current is None:
            for arg in args:  # list[Model]
                inner = getattr(arg, "__args__", ())
                current = next((c for c in inner if isinstance(c, type) and issubclass(c, BaseModel)), None)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def format_validation_error(model: type[BaseModel], error: ValidationError, prefix: str = "") -> str:
    """One line per problem, each naming the dotted key and what to change."""
    lines = []
    for item in error.errors():
        loc = [part for part in item["loc"] if not (isinstance(part, str) and part.startswith("function-"))]
        key = ".".join(str(p) for p in [*filter(None, [prefix]), *loc])
        kind = item["type"]
        if kind == "extra_forbidden":
            owner = _model_at(model, loc[:-1])
            hint = ""
            if owner is not None:
                close = difflib.get_close_matches(str(loc[-1]), list(owner.model_fields), n=2)
                hint = f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else (
                    f" (valid keys: {', '.join(owner.model_fields)})")
            lines.append(f"unknown key {key!r}{hint}")
        elif kind == "missing":
            lines.append(f"missing required key {key!r}")
        else:
            lines.append(f"{key}: {item['msg']} (got {item.get('input')!r})")
    return "\n".join(dict.fromkeys(lines))


def validate(model: type[M], data: Mapping[str, Any], *, prefix: str = "") -> M:
    """Validate ``data`` against ``model``; every problem is reported in one `ConfigError`."""
    try:
        return model.model_validate(dict(data))
    except ValidationError as error:
        raise ConfigError("invalid configuration:\n" + format_validation_error(model, error, prefix)) from None


def read_yaml(path: str | Path) -> dict[str, Any]:
    """A YAML mapping from ``path``, with a clear error when it is missing or malformed."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read config {str(path)!r}: {exc.strerror or exc}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of keys at the top level, got {type(data).__name__}")
    return data


def load_config(
    model: type[M],
    path: str | Path | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> M:
    """Read ``path`` (optional), apply dotted ``overrides`` and validate against ``model``."""
    data = read_yaml(path) if path is not None else {}
    for dotted, value in (overrides or {}).items():
        set_dotted(data, dotted, value)
    return validate(model, data)
