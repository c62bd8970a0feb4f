"""Asking storage about files: exists, size, list a folder, remove, the same for local and remote.

Stages call these instead of ``os.path`` so that every output location smart_open reaches works
the same. Listing and removing need the object store's own API; ``s3://`` is supported (through
boto3, which reads the endpoint and credentials from the environment: ``docs/s3.md``), other
schemes raise `ConfigError` naming the path. Reading and writing bytes are in
`dolma_tools.io.compression`.
"""

from __future__ import annotations

import io
import os
import shutil
from typing import Any

from dolma_tools.errors import ConfigError
from dolma_tools.io.compression import is_remote

_S3_SCHEMES = ("s3", "s3a")


def s3_client(transport_params: dict | None = None) -> Any:
    """The boto3 client in ``transport_params`` (as smart_open takes it), else a default one."""
    client = (transport_params or {}).get("client")
    if client is None:
        import boto3

        client = boto3.client("s3")
    return client


def can_list(path: str) -> bool:
    """Whether `list_names` and `remove` work below ``path``: local paths and ``s3://``."""
    return not is_remote(path) or path.partition("://")[0] in _S3_SCHEMES


def _s3_parts(path: str, action: str) -> tuple[str, str, str]:
    """``(scheme, bucket, key)`` of an ``s3://`` URL; other schemes cannot be listed or removed."""
    scheme, _, rest = path.partition("://")
    if not can_list(path):
        raise ConfigError(f"cannot {action} {path!r}: only local paths and s3:// support it")
    bucket, _, key = rest.partition("/")
    return scheme, bucket, key


def exists(path: str, transport_params: dict | None = None) -> bool:
    """Whether a complete output already exists at ``path`` (local or remote)."""
    if not is_remote(path):
        return os.path.exists(path.removeprefix("file://"))
    import smart_open

    try:
        with smart_open.open(path, "rb", compression="disable", transport_params=transport_params or {}):
            return True
    except (OSError, ValueError):
        return False


def size(path: str, transport_params: dict | None = None) -> int:
    """The size in bytes of the file at ``path`` (stored bytes, not decompressed)."""
    if not is_remote(path):
        return os.path.getsize(path.removeprefix("file://"))
    import smart_open

    with smart_open.open(path, "rb", compression="disable", transport_params=transport_params or {}) as stream:
        return stream.seek(0, io.SEEK_END)


def list_names(folder: str, transport_params: dict | None = None) -> list[str]:
    """Sorted names of the files directly in ``folder``; empty when it does not exist."""
    if not is_remote(folder):
        local = folder.removeprefix("file://")
        if not os.path.isdir(local):
            return []
        return sorted(name for name in os.listdir(local) if os.path.isfile(os.path.join(local, name)))
    _, bucket, key = _s3_parts(folder, "list")
    prefix = key.rstrip("/") + "/" if key.strip("/") else ""
    names = []
    pages = s3_client(transport_params).get_paginator("list_objects_v2").paginate(
        Bucket=bucket, Prefix=prefix, Delimiter="/")
    for page in pages:
        names += [item["Key"][len(prefix):] for item in page.get("Contents", [])]
    return sorted(names)


def remove(path: str, transport_params: dict | None = None) -> None:
    """Delete the file at ``path``; a file that is already gone is fine."""
    if not is_remote(path):
        try:
            os.remove(path.removeprefix("file://"))
        except FileNotFoundError:
            pass
        return
    _, bucket, key = _s3_parts(path, "remove")
    s3_client(transport_params).delete_object(Bucket=bucket, Key=key)


def remove_tree(folder: str, transport_params: dict | None = None) -> None:
    """Delete ``folder`` and everything below it (on S3: every object under the prefix); a folder
    that is already gone is fine."""
    if not is_remote(folder):
        shutil.rmtree(folder.removeprefix("file://"), ignore_errors=True)
        return
    _, bucket, key = _s3_parts(folder, "remove")
    prefix = key.rstrip("/") + "/"
    client = s3_client(transport_params)
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        keys = [{"Key": item["Key"]} for item in page.get("Contents", [])]
        if keys:  # a page holds at most 1,000 keys, as many as one delete_objects call takes
            client.delete_objects(Bucket=bucket, Delete={"Objects": keys, "Quiet": True})


def remove_empty_folder(folder: str) -> None:
    """Delete a local folder once nothing is left in it (remote prefixes vanish with their last object)."""
    local = folder.removeprefix("file://")
    if not is_remote(folder) and os.path.isdir(local) and not os.listdir(local):
        os.rmdir(local)
