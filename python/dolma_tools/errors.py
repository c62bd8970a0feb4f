"""The exceptions dolma-tools raises on purpose.

Three meanings, kept apart because the executor treats them differently: a `ConfigError` is the
user's to fix before any work starts; an `InputError` points at one place in one input file and,
under ``on_error: skip``, is counted instead of raised; a `StageError` wraps a failure inside a
worker so that the run stops with the file that caused it.

The Rust core's own errors (`CoreError` and its subclasses, all `ValueError`) are re-exported
here so that callers catch them by meaning; the stages turn them into the errors above.
"""

from __future__ import annotations

from dolma_tools._core import (
    CoreError,
    CorruptFileError,
    InvalidArgumentError,
    ParameterMismatchError,
    ReadOnlyError,
    UnsupportedInputError,
)

__all__ = [
    "ConfigError",
    "CoreError",
    "CorruptFileError",
    "DolmaToolsError",
    "InputError",
    "InvalidArgumentError",
    "ParameterMismatchError",
    "ReadOnlyError",
    "StageError",
    "UnsupportedInputError",
]


class DolmaToolsError(Exception):
    """Base class of every error dolma-tools raises on purpose."""


class ConfigError(DolmaToolsError, ValueError):
    """A configuration mistake, detected before any document is read."""


class InputError(DolmaToolsError):
    """A problem with one input file, at one line (1-based) when it is known.

    ``reason`` is a short stable label (``malformed_json``, ``missing_field`` ...) used to count
    skips; ``detail`` is the human explanation.
    """

    def __init__(self, path: str, line: int | None, reason: str, detail: str = "") -> None:
        self.path = path
        self.line = line
        self.reason = reason
        self.detail = detail
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {reason}" + (f": {detail}" if detail else ""))

    def __reduce__(self):  # keep the fields when crossing a process boundary
        return (type(self), (self.path, self.line, self.reason, self.detail))


class StageError(DolmaToolsError):
    """A task of a stage failed; the message names the input file and the cause."""

    def __init__(self, task: str, message: str) -> None:
        self.task = task
        self.message = message
        super().__init__(f"{task}: {message}")

    def __reduce__(self):
        return (type(self), (self.task, self.message))
