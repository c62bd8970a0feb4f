"""Reading token shards the way a training loop does: fixed-length sequences, random access.

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
import gzip
import io
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from dolma_tools.errors import ConfigError


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
        with open(manifest, encoding="utf-8") as stream:
            self.manifest: dict[str, Any] = json.load(stream)
        folder = os.path.dirname(self.manifest_path)
        self.dtype = np.dtype(self.manifest["dtype"]).newbyteorder("<")
        self.sequence_length = sequence_length
        self.paths = [os.path.join(folder, s["path"]) for s in self.manifest["shards"]]
        self.metadata_paths = [os.path.join(folder, s["metadata"]) for s in self.manifest["shards"]]
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
