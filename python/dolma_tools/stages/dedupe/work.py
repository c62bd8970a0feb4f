"""The work folder: per-file hashes and decisions between the phases of a dedupe run.

Layout under ``<work_dir>/<run fingerprint>/``: ``hashes/<i>.npz`` and ``keys/<mode>/<i>.npy``
(phase 1), ``partitions/<mode>/<p>-of-<P>.npy``, ``decisions/<i>.npz`` and ``decided.json``
(phase 2), where ``i`` is the file's position in input order and ``p`` a key partition
(`dolma_tools.stages.dedupe.partitions`). The folder may be local, shared or on ``s3://``: every
file is written through `dolma_tools.io.atomic_writer` (a temporary name renamed, or an upload
that appears only when complete), so a killed run leaves only complete files and a rerun picks up
where it stopped; readers fetch remote arrays by ranged reads, or map local copies of them
(`dolma_tools.io.scratch`). The fingerprint covers the mode settings and the input list, so a
changed config never reuses stale work.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Iterable
from typing import Any

import numpy as np

from dolma_tools._core import NGRAM_HASH_VERSION
from dolma_tools.io import atomic_writer, exists, open_read
from dolma_tools.io.compression import open_raw


WORK_FORMAT = 5
"""Layout of the work files; version 2 keeps ids as packed UTF-8 (``id_data``, ``id_offsets``);
version 3 keeps each mode's phase-2 figures under ``figures`` in ``decided.json``; version 4
keeps MinHash shingle sets and survivors (``survivor`` in place of ``cluster``); version 5 keeps
the exact modes' key hashes grouped by partition in ``keys/``."""


def run_fingerprint(modes: dict[str, Any], files: list[str], partitions: int) -> str:
    """Digest of what the work files depend on: mode settings, input files (in order), the key
    partitions, the n-gram hash scheme and the work-file layout (so work written by an older
    version is never resumed)."""
    payload = json.dumps({"modes": {k: v.model_dump(mode="json") for k, v in modes.items()}, "files": files,
                          "partitions": partitions, "ngram_hash_version": NGRAM_HASH_VERSION,
                          "work_format": WORK_FORMAT}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


class WorkDir:
    """Paths of one run's work files, and the number of key partitions its exact modes decide in."""

    def __init__(self, root: str, partitions: int = 1) -> None:
        self.root = root
        self.partitions = partitions

    def hashes(self, index: int) -> str:
        return f"{self.root}/hashes/{index:06d}.npz"

    def keys(self, mode: str, index: int) -> str:
        return f"{self.root}/keys/{mode}/{index:06d}.npy"

    def partition(self, mode: str, partition: int) -> str:
        return f"{self.root}/partitions/{mode}/{partition:05d}-of-{self.partitions:05d}.npy"

    def pending_partition(self, mode: str, partition: int) -> str:
        """An updated persistent filter's partition, until it is published."""
        return f"{self.root}/pending/{mode}/{partition:05d}-of-{self.partitions:05d}.bloom"

    def decisions(self, index: int) -> str:
        return f"{self.root}/decisions/{index:06d}.npz"

    @property
    def decided(self) -> str:
        return f"{self.root}/decided.json"

    def pending_filter(self, mode: str) -> str:
        return f"{self.root}/{mode}.bloom"

    def eval_filter(self) -> str:
        return f"{self.root}/decontamination.bloom"


ALIGN = 64
"""Where each array's data starts in a work file (a multiple of it), so that `array_view` maps
it as an aligned array that Rust can borrow (`sorted_sets` reads the candidates' fingerprint
lists in place)."""

_PADDING_FIELD = 0xD935
"""Zip extra-field id of the padding before an array (the one Android's zipalign uses)."""


def save_arrays(path: str, arrays: dict[str, np.ndarray]) -> None:
    """Write arrays as an uncompressed ``.npz``, atomically (straight into the temporary file),
    each array's data at a multiple of `ALIGN` bytes: ``np.savez``'s layout with a padding
    extra field in each member's local header (``np.load`` reads it as any ``.npz``)."""
    with atomic_writer(path) as stream, zipfile.ZipFile(stream, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        for key, value in arrays.items():
            info = zipfile.ZipInfo(f"{key}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            # Local header: 30 bytes, the name, our field (4 + pad) and the zip64 field (20 bytes);
            # the .npy header that follows is a multiple of 64 bytes long.
            pad = -(archive.fp.tell() + 30 + len(info.filename.encode()) + 4 + 20) % ALIGN
            info.extra = _PADDING_FIELD.to_bytes(2, "little") + pad.to_bytes(2, "little") + bytes(pad)
            data = np.asarray(value, order="C")
            if data.dtype.hasobject:
                raise ValueError(f"work array {key!r} holds Python objects")
            with archive.open(info, "w", force_zip64=True) as member:
                np.lib.format.write_array_header_1_0(member, np.lib.format.header_data_from_array_1_0(data))
                if data.nbytes:
                    member.write(data.reshape(-1).view(np.uint8).data)  # in place, unlike write_array


def load_arrays(path: str, keys: Iterable[str] | None = None, *, skip: tuple[str, ...] = ()) -> dict[str, np.ndarray]:
    """The arrays of a work file: ``keys`` when given, else all but those ending in one of ``skip``
    (an array is read only when asked for; from a remote file, by ranged reads of its members)."""
    with open_raw(path) as raw, np.load(raw) as npz:
        wanted = [key for key in npz.files if not key.endswith(skip)] if keys is None else keys
        return {key: npz[key] for key in wanted}


def array_length(path: str, key: str) -> int:
    """The length of one array of a work file, from its header alone (ranged reads when remote)."""
    with open_raw(path) as raw, zipfile.ZipFile(raw) as archive, archive.open(f"{key}.npy") as stream:
        version = np.lib.format.read_magic(stream)
        read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        shape, _, _ = read_header(stream)
    return int(shape[0])


def array_view(path: str, key: str) -> np.ndarray:
    """One array of a local work file without reading it: memory-mapped (the members of an
    uncompressed ``.npz`` lie whole in it). Remote files go through `dolma_tools.io.scratch` first."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(f"{key}.npy")
    if info.compress_type != zipfile.ZIP_STORED:
        return load_arrays(path, [key])[key]
    with open(path, "rb") as stream:
        stream.seek(info.header_offset)
        local = stream.read(30)
        name_length, extra_length = int.from_bytes(local[26:28], "little"), int.from_bytes(local[28:30], "little")
        stream.seek(info.header_offset + 30 + name_length + extra_length)
        version = np.lib.format.read_magic(stream)
        read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        shape, fortran, dtype = read_header(stream)
        offset = stream.tell()
    if not int(np.prod(shape)):
        return np.zeros(shape, dtype=dtype)
    return np.memmap(path, dtype=dtype, mode="r", offset=offset, shape=shape, order="F" if fortran else "C")


def save_json(path: str, value: Any) -> None:
    with atomic_writer(path) as stream:
        stream.write(json.dumps(value, indent=2, sort_keys=True).encode() + b"\n")


def load_json(path: str) -> Any | None:
    """The JSON at ``path`` (local or remote: the report beside the sidecars), or None when absent."""
    if not exists(path):
        return None
    with open_read(path) as stream:
        return json.loads(stream.read())
