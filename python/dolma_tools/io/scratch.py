"""Reading work files that may live on ``s3://``: local copies for readers that need a file here.

A stage's work folder (dedupe's hashes and decisions, the mix's first-pass files) may be on
storage every node sees, ``s3://`` included (docs/s3.md). Memory maps, ``mmap`` and zip headers
need a file on this machine, so a task copies each remote work file it reads into its own scratch
folder once (`Scratch`), works on the copy and removes the folder when it ends. Local paths are
used in place, so a local work folder costs nothing more. Writing needs no scratch:
`dolma_tools.io.atomic_writer` uploads an object that appears only when complete.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile

import numpy as np

from dolma_tools.io.compression import is_remote, open_raw

COPY_BUFFER = 1 << 24


class Scratch:
    """One task's local copies of remote files, removed when the task closes it."""

    def __init__(self) -> None:
        self._folder: str | None = None
        self._copies: dict[str, str] = {}

    def __enter__(self) -> Scratch:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def local(self, path: str) -> str:
        """A path on this machine holding the bytes of ``path``: itself when local, else a copy
        downloaded on first use."""
        if not is_remote(path):
            return path.removeprefix("file://")
        if path not in self._copies:
            self._folder = self._folder or tempfile.mkdtemp(prefix="dolma-tools-scratch-")
            local = os.path.join(self._folder, f"{len(self._copies)}-{os.path.basename(path)}")
            with open_raw(path) as source, open(local, "wb") as target:
                shutil.copyfileobj(source, target, COPY_BUFFER)
            self._copies[path] = local
        return self._copies[path]

    def close(self) -> None:
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
        self._folder, self._copies = None, {}


def load_npy(path: str, *, mmap: bool = False) -> np.ndarray:
    """The array of an ``.npy`` file: memory-mapped when asked and local, else read whole (a remote
    file in one request)."""
    if not is_remote(path):
        return np.load(path.removeprefix("file://"), mmap_mode="r" if mmap else None, allow_pickle=False)
    with open_raw(path) as stream:
        return np.load(io.BytesIO(stream.read()), allow_pickle=False)
