"""Base classes for stage configs: strict (unknown keys are errors) and immutable."""

from __future__ import annotations

import re
from typing import Annotated, ClassVar, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, field_validator


class StrictModel(BaseModel):
    """A config section: unknown keys, wrong types and missing fields are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class RayConfig(StrictModel):
    """Where and how the ``ray`` executor runs tasks (read only when ``executor: ray``)."""

    address: str | None = None
    """The cluster to join: ``auto`` (the one ``ray start`` runs on this node), an address
    (``host:port`` or ``ray://host:port``), or unset to start a cluster on this machine for the run.
    A cluster this library did not start is never shut down by it."""
    num_cpus: float = Field(default=1, gt=0)
    """CPUs each task reserves (its Rust thread pool is as wide)."""
    memory: int | None = Field(default=None, ge=1)
    """Bytes of memory each task reserves (Ray schedules no more tasks on a node than fit)."""
    max_retries: int = Field(default=3, ge=0)
    """Retries of a task whose worker process or node died. A task that raises is never retried:
    the run stops with its error (``file:line: reason`` for a bad line)."""
    env_vars: list[str] = Field(default_factory=list)
    """Environment variables copied from this process to every task (those set here), for what
    the nodes lack: S3 credentials and endpoint (``AWS_ACCESS_KEY_ID``, ``AWS_ENDPOINT_URL_S3``...)."""


class ExecutionConfig(StrictModel):
    """How a stage runs; every stage's config has these keys."""

    workers: int | None = Field(default=None, ge=1)
    """Worker processes; default: the number of CPUs."""
    executor: str = "local"
    """Where tasks run. ``local``: processes on this machine; ``ray``: a Ray cluster (``pip install
    'dolma-tools[ray]'``); others come from plugins."""
    on_error: Literal["fail", "skip"] = "fail"
    """``fail``: stop at the first bad line with file:line: reason. ``skip``: count it and go on."""
    overwrite: bool = False
    """Redo files whose output already exists (by default they are skipped, so reruns resume)."""
    ray: RayConfig = Field(default_factory=RayConfig)
    """Settings of the ``ray`` executor."""

    RUNTIME_KEYS: ClassVar[frozenset[str]] = frozenset({"workers", "executor", "ray", "overwrite"})
    """Keys that change how a run goes, never what it writes: left out of settings digests and
    manifests, so the local and Ray executors (or 1 and 64 workers) make the same outputs."""

    @field_validator("executor")
    @classmethod
    def _known_executor(cls, value: str) -> str:
        from dolma_tools.executor import executor_names

        if value not in executor_names():
            raise ValueError(f"unknown executor {value!r}; executors: {', '.join(executor_names())}")
        if value == "ray":
            from dolma_tools.executor.ray import require_ray

            require_ray()
        return value


def _as_list(value: object) -> object:
    """Let a single string stand for a one-element list in YAML and on the command line."""
    return [value] if isinstance(value, str) else value


StrList = Annotated[list[str], BeforeValidator(_as_list)]
"""A list of strings that also accepts one string (paths, globs, names)."""

_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")


def _file_name(value: str) -> str:
    if not _NAME.match(value):
        raise ValueError("use letters, digits, '_', '-' or '.' (it names files or folders)")
    return value


def _key_part(value: str) -> str:
    if "__" in _file_name(value):
        raise ValueError("use letters, digits, '_', '-' or '.', and no '__' (it separates key parts)")
    return value


FileName = Annotated[str, AfterValidator(_file_name)]
"""A name that becomes part of file or folder names (a stream, a source)."""
KeyPart = Annotated[str, AfterValidator(_key_part)]
"""A name that becomes the first part of attribute keys and an ``attributes/`` folder (an
experiment, a dedupe run): a file name without ``__``."""
