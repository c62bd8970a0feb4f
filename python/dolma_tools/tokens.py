"""The token-shard format, written by ``mix`` and read by training loops, ``stats`` and ``check``:
the one place that knows it (DESIGN.md, "Tokenized shards").

Files of one output folder
    ``part-00000.npy``: the shard's token ids, a flat little-endian array of the manifest's dtype
    with no ``.npy`` header (``numpy.memmap(path, dtype, mode="r")``, as OLMo's ``MemMapDataset``
    reads it; the name follows its convention). ``part-00000.csv.gz``: one line per document in
    shard order, no header, `METADATA_COLUMNS`: token offsets (end exclusive, BOS and EOS
    included), id, source and ``input file:line``. ``manifest.json`` (`manifest`): tokenizer
    identity and sha256, dtype, special ids, and tokens and documents per shard.

Reading for training
    ```python
    from dolma_tools.tokens import TokenDataset

    data = TokenDataset("mix/tokens/manifest.json", sequence_length=2048)
    batch = data[12345]              # numpy array of 2048 token ids
    loader = torch.utils.data.DataLoader(data.torch(), batch_size=8, shuffle=True)
    ```

    Sequences are cut from each shard separately, like OLMo's ``MemMapDataset``: shard ``i`` gives
    ``tokens_i // sequence_length`` sequences and its remainder is not used. Documents were
    shuffled when the shards were written, so reading sequences in order is already a shuffled
    stream; a sequence may span several documents (EOS marks their ends). Shards are memory-mapped
    lazily in each process, so the dataset can be handed to DataLoader workers.
"""

from __future__ import annotations

import csv
import dataclasses
import gzip
import io
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from dolma_tools.errors import ConfigError, InputError

MANIFEST_FORMAT = "dolma-tools-tokens/1"
METADATA_COLUMNS = ("start", "end", "id", "source", "provenance")
SHARD_FILE = re.compile(r"part-\d{5}\.(npy|csv\.gz)")
"""The names of shard files (what a rerun with other settings may leave behind)."""


def shard_files(folder: str, number: int) -> tuple[str, str]:
    """The token file and the metadata file of shard ``number``."""
    return os.path.join(folder, f"part-{number:05d}.npy"), os.path.join(folder, f"part-{number:05d}.csv.gz")


_NEEDS_QUOTES = re.compile(r'[,"\n\r]').search


def csv_field(value: str) -> str:
    """A metadata CSV field, quoted only when it must be."""
    if _NEEDS_QUOTES(value):
        return '"' + value.replace('"', '""') + '"'
    return value


def manifest(tokenizer: dict[str, Any], dtype: str, shards: list[dict[str, Any]]) -> dict[str, Any]:
    """The manifest of an output folder; ``shards``: ``{path, metadata, tokens, documents}`` each."""
    return {
        "format": MANIFEST_FORMAT,
        "tokenizer": tokenizer,
        "dtype": dtype,
        "byte_order": "little",
        "metadata_columns": list(METADATA_COLUMNS),
        "tokens": sum(entry["tokens"] for entry in shards),
        "documents": sum(entry["documents"] for entry in shards),
        "shards": shards,
    }


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


def _read_offsets(shard: ShardInfo) -> Boundaries:
    """Only the offsets, parsed in Rust: no CSV library to import or start (what ``check`` reads)."""
    from dolma_tools._core import metadata_offsets
    from dolma_tools.io.compression import DECOMPRESSION_ERRORS, read_blocks

    try:
        data = b"".join(read_blocks(shard.metadata_path, 64 << 20))
    except (OSError, *DECOMPRESSION_ERRORS) as exc:
        raise InputError(shard.metadata_path, None, "bad_shard_metadata", str(exc)) from None
    start, end, bad = metadata_offsets(data)
    if bad is not None:
        raise InputError(shard.metadata_path, bad[0], "bad_shard_metadata", bad[1])
    return Boundaries(start, end, None, shard)


def read_boundaries(shard: ShardInfo, *, text: bool = True) -> Boundaries:
    """The metadata file of a shard (``start,end,id,source,provenance`` lines, gzip); with
    ``text=False`` only the offsets are kept (`Boundaries.value` then reads the file again)."""
    if not text:
        return _read_offsets(shard)
    import pyarrow as pa
    import pyarrow.csv as pacsv

    try:
        table = pacsv.read_csv(
            shard.metadata_path,
            read_options=pacsv.ReadOptions(column_names=list(METADATA_COLUMNS)),
            convert_options=pacsv.ConvertOptions(column_types={
                "start": pa.int64(), "end": pa.int64(), "id": pa.string(), "source": pa.string(), "provenance": pa.string(),
            }),
        )
    except pa.lib.ArrowInvalid as exc:
        if "Empty CSV file" in str(exc):
            return Boundaries(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), None)
        raise InputError(shard.metadata_path, None, "bad_shard_metadata", str(exc)) from None
    except OSError as exc:
        raise InputError(shard.metadata_path, None, "bad_shard_metadata", str(exc)) from None
    return Boundaries(table.column("start").to_numpy(), table.column("end").to_numpy(), table, shard)


class DocumentSpan(NamedTuple):
    """One document's place in a shard (a line of its ``.csv.gz``)."""

    start: int
    end: int
    id: str
    source: str
    provenance: str


class TokenDataset:
    """Fixed-length sequences from the shards listed in a mix manifest."""

    def __init__(self, manifest: str | Path, sequence_length: int) -> None:
        if sequence_length < 1:
            raise ConfigError("sequence_length must be at least 1")
        self.manifest_path = str(manifest)
        self.manifest: dict[str, Any] = load_manifest(self.manifest_path)
        self.dtype = np.dtype(self.manifest["dtype"]).newbyteorder("<")
        self.sequence_length = sequence_length
        shards = shards_of(self.manifest_path)
        self.paths = [shard.tokens_path for shard in shards]
        self.metadata_paths = [shard.metadata_path for shard in shards]
        counts = [s["tokens"] // sequence_length for s in self.manifest["shards"]]
        self.offsets = np.concatenate([[0], np.cumsum(counts, dtype=np.int64)])
        self._maps: dict[int, np.memmap] = {}

    @property
    def eos_id(self) -> int:
        return int(self.manifest["tokenizer"]["eos_id"])

    def __len__(self) -> int:
        return int(self.offsets[-1])

    def shard(self, number: int) -> np.ndarray:
        """The whole token array of one shard (memory-mapped, read-only)."""
        if number not in self._maps:
            self._maps[number] = np.memmap(self.paths[number], dtype=self.dtype, mode="r")
        return self._maps[number]

    def __getitem__(self, index: int) -> np.ndarray:
        """Sequence ``index`` as a new int64 array (what embedding layers take)."""
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(f"sequence {index} out of range ({len(self)} sequences)")
        number = int(np.searchsorted(self.offsets, index, side="right")) - 1
        start = (index - int(self.offsets[number])) * self.sequence_length
        return self.shard(number)[start:start + self.sequence_length].astype(np.int64)

    def documents(self, number: int) -> Iterator[DocumentSpan]:
        """The documents of shard ``number``, in shard order."""
        with gzip.open(self.metadata_paths[number], "rb") as raw:
            for row in csv.reader(io.TextIOWrapper(raw, encoding="utf-8", newline="")):
                yield DocumentSpan(int(row[0]), int(row[1]), row[2], row[3], row[4])

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_maps"] = {}  # memory maps are reopened in the receiving process
        return state

    def torch(self) -> Any:
        """This dataset as a ``torch.utils.data.Dataset`` of ``LongTensor`` (see `TorchTokenDataset`)."""
        return _torch_class()(self)


def _torch_dataset_class() -> type:
    """``TorchTokenDataset``, a real ``torch.utils.data.Dataset``; built on first use so that
    importing this module never imports torch. It pickles by name, so DataLoader workers work."""
    try:
        import torch
    except ImportError:
        raise ImportError("TorchTokenDataset needs PyTorch: pip install torch") from None

    class TorchTokenDataset(torch.utils.data.Dataset):
        """Sequences of a `TokenDataset` as ``torch.LongTensor``."""

        def __init__(self, tokens: TokenDataset) -> None:
            self.tokens = tokens

        def __len__(self) -> int:
            return len(self.tokens)

        def __getitem__(self, index: int) -> Any:
            return torch.from_numpy(self.tokens[index])

    TorchTokenDataset.__module__ = __name__
    return TorchTokenDataset


def _torch_class() -> type:
    if "TorchTokenDataset" not in globals():
        globals()["TorchTokenDataset"] = _torch_dataset_class()
    return globals()["TorchTokenDataset"]


def __getattr__(name: str) -> Any:
    if name == "TorchTokenDataset":
        return _torch_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
