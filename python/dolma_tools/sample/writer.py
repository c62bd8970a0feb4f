"""Atomic, byte-reproducible file writing (gzip without timestamp or name, zstd, plain)."""

from __future__ import annotations

import gzip
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import zstandard

EXTENSIONS = {"gz": ".jsonl.gz", "zst": ".jsonl.zst", "none": ".jsonl"}


@contextmanager
def atomic_output(path: Path, compression: str = "none") -> Iterator[BinaryIO]:
    """Write to a temporary name beside ``path`` and rename it into place only on success."""
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with open(temporary, "wb") as raw:
            if compression == "gz":
                # No filename and mtime=0 keep the header, hence the bytes, reproducible; level 1
                # because generation speed matters more here than 15% of file size.
                with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=1) as out:
                    yield out  # type: ignore[misc]
            elif compression == "zst":
                with zstandard.ZstdCompressor(level=3).stream_writer(raw, closefd=False) as out:
                    yield out
            elif compression == "none":
                yield raw
            else:
                raise ValueError(f"compression must be one of {sorted(EXTENSIONS)}, not {compression!r}")
        os.replace(temporary, path)
    finally:
        if temporary.exists():
            temporary.unlink()
