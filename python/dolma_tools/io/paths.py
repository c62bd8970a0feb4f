"""Finding input files and naming the files derived from them.

The sidecar rule is DESIGN.md's: the attributes of ``<root>/documents/<rest>`` live at
``<root>/attributes/<name>/<rest>``, same file name and compression, same line order (row order
for Parquet, whose sidecar is JSONL: ``x.parquet`` → ``x.jsonl.gz``).
"""

from __future__ import annotations

import fnmatch
import glob
import os

from dolma_tools.errors import ConfigError
from dolma_tools.io.compression import is_remote
from dolma_tools.io.formats import DOCUMENT_SUFFIXES, PARQUET_SUFFIX, is_parquet
from dolma_tools.io.storage import s3_client

_WILDCARDS = "*?["


def _has_wildcard(pattern: str) -> bool:
    return any(ch in pattern for ch in _WILDCARDS)


def expand(patterns: str | list[str], transport_params: dict | None = None, *,
           suffixes: tuple[str, ...] = DOCUMENT_SUFFIXES, kind: str = "document") -> list[str]:
    """Resolve paths, folders and globs into a sorted, de-duplicated list of ``kind`` files
    (those ending with one of ``suffixes`` when found through a folder or glob).

    A folder means every such file below it. A pattern that matches nothing is an error,
    because a typo in a glob must not turn into an empty, successful run.
    """
    if isinstance(patterns, str):
        patterns = [patterns]
    found: set[str] = set()
    for pattern in patterns:
        if is_remote(pattern):
            matches = _expand_remote(pattern, transport_params, suffixes)
        else:
            matches = _expand_local(pattern, suffixes)
        if not matches:
            raise ConfigError(f"no {kind} files match {pattern!r}")
        found.update(matches)
    return sorted(found)


def _expand_local(pattern: str, suffixes: tuple[str, ...]) -> list[str]:
    pattern = pattern.removeprefix("file://")
    if os.path.isdir(pattern):
        pattern = os.path.join(pattern, "**", "*")
    if not _has_wildcard(pattern):
        return [pattern] if os.path.isfile(pattern) else []
    return [p for p in glob.glob(pattern, recursive=True)
            if os.path.isfile(p) and p.endswith(suffixes) and not _is_hidden(p)]


def _is_hidden(path: str) -> bool:
    """Temporary files (``.name.tmp-*``) and summaries (``_name``) are never inputs."""
    return os.path.basename(path).startswith((".", "_"))


def _expand_remote(pattern: str, transport_params: dict | None, suffixes: tuple[str, ...]) -> list[str]:
    """List an ``s3://`` prefix or glob (``*`` may cross ``/``); other schemes must be exact."""
    scheme, _, rest = pattern.partition("://")
    if scheme not in ("s3", "s3a"):
        if _has_wildcard(pattern):
            raise ConfigError(f"globs are supported for local and s3:// paths only: {pattern!r}")
        return [pattern]
    bucket, _, key_pattern = rest.partition("/")
    wildcard_at = next((i for i, ch in enumerate(key_pattern) if ch in _WILDCARDS), None)
    prefix = key_pattern if wildcard_at is None else key_pattern[:wildcard_at]
    keys = []
    for page in s3_client(transport_params).get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for obj in page.get("Contents", []):
            key = obj["Key"]
            if wildcard_at is None:
                wanted = key == key_pattern or (
                    key.startswith(key_pattern.rstrip("/") + "/") and key.endswith(suffixes)
                )
            else:
                wanted = fnmatch.fnmatchcase(key, key_pattern) and key.endswith(suffixes)
            if wanted:
                keys.append(f"{scheme}://{bucket}/{key}")
    return keys


def split_documents_path(path: str) -> tuple[str, str]:
    """Split ``<root>/documents/<rest>`` into ``(root, rest)`` at the last ``documents`` folder."""
    parts = path.split("/")
    for index in range(len(parts) - 2, -1, -1):
        if parts[index] == "documents":
            return "/".join(parts[:index]), "/".join(parts[index + 1:])
    raise ConfigError(
        f"{path!r} is not below a 'documents' folder; dolma-tools derives sidecar paths by "
        "replacing 'documents/' with 'attributes/<name>/', so put inputs under .../documents/"
    )


def attributes_path(document_path: str, name: str) -> str:
    """Where the attributes named ``name`` of ``document_path`` live.

    Sidecars are always JSONL, so the sidecar of ``x.parquet`` is ``x.jsonl.gz``.
    """
    root, rest = split_documents_path(document_path)
    if is_parquet(rest):
        rest = rest[: -len(PARQUET_SUFFIX)] + ".jsonl.gz"
    return f"{root}/attributes/{name}/{rest}" if root else f"attributes/{name}/{rest}"


def attributes_root(document_path: str, name: str) -> str:
    """The folder that holds every attribute file of run ``name`` for this document root."""
    root, _ = split_documents_path(document_path)
    return f"{root}/attributes/{name}" if root else f"attributes/{name}"
