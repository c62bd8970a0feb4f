"""Token outputs of ``mix``: finding manifests, and reading a shard's boundaries as arrays."""

from __future__ import annotations

import dataclasses
import json
import os
from typing import Any

import numpy as np

from dolma_tools.errors import ConfigError, InputError

METADATA_COLUMNS = ("start", "end", "id", "source", "provenance")


def manifest_path(path: str) -> str:
    """``path`` itself, or the ``manifest.json`` inside the folder ``path``."""
    candidate = os.path.join(path, "manifest.json") if os.path.isdir(path) else path
    if not os.path.isfile(candidate):
        raise ConfigError(f"tokens: no manifest at {candidate!r} (give a manifest.json or the folder of one)")
    return candidate


def load_manifest(path: str) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as stream:
            manifest = json.load(stream)
        manifest["dtype"], manifest["shards"], manifest["tokenizer"]["eos_id"]  # noqa: B018  (required keys)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(path, None, "bad_manifest", f"{type(exc).__name__}: {exc}") from None
    return manifest


@dataclasses.dataclass(frozen=True)
class ShardInfo:
    """One shard as its manifest lists it, with what a reader needs to check or measure it."""

    manifest: str
    tokens_path: str
    metadata_path: str
    dtype: str
    listed_tokens: int
    listed_documents: int
    eos_id: int | None
    bos_id: int | None
    vocab_size: int | None


def shards_of(manifest_file: str) -> list[ShardInfo]:
    manifest = load_manifest(manifest_file)
    folder = os.path.dirname(manifest_file)
    tokenizer = manifest["tokenizer"]
    return [
        ShardInfo(manifest_file, os.path.join(folder, entry["path"]), os.path.join(folder, entry["metadata"]),
                  manifest["dtype"], int(entry["tokens"]), int(entry["documents"]), tokenizer.get("eos_id"),
                  tokenizer.get("bos_id"), tokenizer.get("vocab_size"))
        for entry in manifest["shards"]
    ]


def read_tokens(shard: ShardInfo) -> np.ndarray:
    """The shard's tokens, memory-mapped (an empty array for an empty file)."""
    try:
        if os.path.getsize(shard.tokens_path) == 0:
            return np.zeros(0, dtype=shard.dtype)
        return np.memmap(shard.tokens_path, dtype=np.dtype(shard.dtype).newbyteorder("<"), mode="r")
    except (OSError, ValueError) as exc:
        raise InputError(shard.tokens_path, None, "unreadable_shard", str(exc)) from None


@dataclasses.dataclass(frozen=True)
class Boundaries:
    """A shard's metadata: ``start``/``end`` as int64 arrays; the text columns stay in Arrow
    (converted only where needed, so checking a shard never makes a Python object per document)."""

    start: np.ndarray
    end: np.ndarray
    table: Any
    shard: ShardInfo | None = None

    def value(self, column: str, row: int) -> str:
        if self.table is None:
            if self.shard is None:
                return ""
            return read_boundaries(self.shard).value(column, row)
        return str(self.table.column(column)[row].as_py())

    def sources(self) -> tuple[list[str], np.ndarray]:
        """The distinct sources, sorted, and each document's index into them."""
        if self.table is None:
            return [], np.zeros(0, dtype=np.int64)
        encoded = self.table.column("source").combine_chunks().dictionary_encode()
        names = encoded.dictionary.to_pylist()
        order = np.argsort(np.asarray(names, dtype=object)).astype(np.int64)
        rank = np.empty_like(order)
        rank[order] = np.arange(len(order))
        return [names[i] for i in order.tolist()], rank[encoded.indices.to_numpy(zero_copy_only=False)]


def read_boundaries(shard: ShardInfo, *, text: bool = True) -> Boundaries:
    """The metadata file of a shard (``start,end,id,source,provenance`` lines, gzip); with
    ``text=False`` only the offsets are kept (`Boundaries.value` then reads the file again)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    try:
        table = pacsv.read_csv(
            shard.metadata_path,
            read_options=pacsv.ReadOptions(column_names=list(METADATA_COLUMNS)),
            convert_options=pacsv.ConvertOptions(column_types={
                "start": pa.int64(), "end": pa.int64(), "id": pa.string(), "source": pa.string(), "provenance": pa.string(),
            }, include_columns=None if text else ["start", "end"]),
        )
    except pa.lib.ArrowInvalid as exc:
        if "Empty CSV file" in str(exc):
            return Boundaries(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), None)
        raise InputError(shard.metadata_path, None, "bad_shard_metadata", str(exc)) from None
    except OSError as exc:
        raise InputError(shard.metadata_path, None, "bad_shard_metadata", str(exc)) from None
    return Boundaries(table.column("start").to_numpy(), table.column("end").to_numpy(), table if text else None, shard)
