"""A persistent MinHash index: the documents of earlier releases, to dedupe a new one against them.

The index is one ``.npz`` file (written through `io.atomic_writer`): every earlier document's
signature, shingle set (when built with exact verification) and real id, with a ``meta`` record
of the shingling settings it was built with and the runs it holds. A run that names it puts its
documents into the LSH index before its own (they always survive: they are published already),
so a new near-duplicate of an earlier document is flagged with that document's id as
``__survivor``. With ``update``, the run's own documents are appended once its sidecars are
written, like a persistent Bloom filter.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os

import numpy as np

from dolma_tools._core import StringColumn
from dolma_tools.config.models import StrictModel
from dolma_tools.errors import ConfigError
from dolma_tools.stages.dedupe.work import save_arrays

INDEX_FORMAT = 1


class MinhashIndex(StrictModel):
    """A persistent index of earlier documents (a local ``.npz`` file)."""

    path: str
    """Read when it exists; created by the first run with ``update: true``."""
    update: bool = False
    """Add this run's documents to the index once its sidecars are written."""


@dataclasses.dataclass(frozen=True)
class EarlierDocuments:
    """What an index holds: row i of every array is earlier document i."""

    signatures: np.ndarray
    set_values: np.ndarray | None
    set_sizes: np.ndarray | None
    id_data: np.ndarray
    id_offsets: np.ndarray
    runs: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.signatures)

    def ids(self) -> StringColumn:
        return StringColumn.from_arrays(self.id_data, self.id_offsets)


def fingerprint(settings: dict) -> str:
    """Digest of what makes signatures comparable: shingling, permutations, seed."""
    keys = ("ngram_size", "shingle", "num_perm", "seed", "normalize")
    return hashlib.sha256(json.dumps({k: settings[k] for k in keys}, sort_keys=True).encode()).hexdigest()[:16]


def read_meta(path: str) -> dict | None:
    if not os.path.exists(path):
        return None
    with np.load(path) as npz:
        return json.loads(npz["meta"].tobytes())


def check(index: MinhashIndex, settings: dict, exact: bool, where: str) -> None:
    """Refuse an index built with other shingling, or without the sets exact verification needs."""
    meta = read_meta(index.path)
    if meta is None:
        if not index.update:
            raise ConfigError(f"{where}.path: {index.path} does not exist; give 'update: true' to create it")
        return
    if meta.get("format") != INDEX_FORMAT or meta.get("fingerprint") != fingerprint(settings):
        raise ConfigError(f"{where}.path: {index.path} was built with other shingling settings "
                          f"({meta.get('settings')}); use the same ngram_size, shingle, num_perm, seed and normalize")
    if exact and not meta.get("sets"):
        raise ConfigError(f"{where}.path: {index.path} holds no shingle sets (built without exact verification); "
                          "use verify: signature with it, or rebuild it")


def load(index: MinhashIndex, run: str, where: str) -> EarlierDocuments | None:
    """The earlier documents, or None before the first update; refuses an index that already holds ``run``."""
    if not os.path.exists(index.path):
        return None
    with np.load(index.path) as npz:
        meta = json.loads(npz["meta"].tobytes())
        arrays = {key: npz[key] for key in npz.files}
    if run in meta["runs"]:
        raise ConfigError(f"{where}.path: {index.path} already holds this run's documents and the run's saved "
                          "decisions are gone (work folder deleted); rerun against the index as it was before")
    return EarlierDocuments(arrays["signatures"], arrays.get("set_values"), arrays.get("set_sizes"),
                            arrays["id_data"], arrays["id_offsets"], tuple(meta["runs"]))


def save(path: str, parts: list[EarlierDocuments], settings: dict, runs: tuple[str, ...]) -> None:
    """Write the documents of ``parts`` (earlier first) as one index, atomically."""
    sets = all(part.set_values is not None for part in parts)
    ids = StringColumn.concat([part.ids() for part in parts])
    id_data, id_offsets = ids.to_arrays()
    meta = {"format": INDEX_FORMAT, "fingerprint": fingerprint(settings), "settings": settings,
            "runs": list(runs), "sets": sets, "documents": int(sum(len(p) for p in parts))}
    arrays = {"signatures": np.concatenate([p.signatures for p in parts]), "id_data": id_data, "id_offsets": id_offsets,
              "meta": np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)}
    if sets:
        arrays["set_values"] = np.concatenate([p.set_values for p in parts if p.set_values is not None])
        arrays["set_sizes"] = np.concatenate([p.set_sizes for p in parts if p.set_sizes is not None])
    save_arrays(path, arrays)
