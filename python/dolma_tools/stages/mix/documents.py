"""Second pass, documents: shards of a target size in real output bytes, assembled from chunks.

Each stream's chunks (`dolma_tools.stages.mix.chunks`) are taken in input order (files as sorted by
``expand``, then line order) and packed greedily into shards ``<stream>-00000.<format>`` of at
most ``max_bytes`` (a shard holds at least one chunk). The plan depends only on the first pass's
files, so shards are written in parallel and come out the same for any number of workers.
When a cap thins a stream, the chunks are decompressed and re-compressed without the dropped
lines (their planned size is then an upper bound).

Parquet shards are planned on the zstd-compressed JSONL of the same documents (Parquet with
zstd is about as large), then converted with Arrow's JSON reader, one table per shard.
"""

from __future__ import annotations

import collections
import dataclasses
import io
import math
from collections.abc import Sequence

import numpy as np

from dolma_tools.executor.base import Report
from dolma_tools.io import atomic_writer
from dolma_tools.io.compression import open_raw
from dolma_tools.io.scratch import load_npy
from dolma_tools.stages.mix.chunks import compress, decompress


@dataclasses.dataclass(frozen=True)
class Piece:
    """One chunk of one first-pass file, and the priority limit of its stream."""

    data: str
    lines: str
    chunk: int
    offset: int
    length: int
    threshold: float


def plan_pieces(data: str, chunks_path: str, lines_path: str, threshold: float) -> list[Piece]:
    """The chunks of one first-pass file that still hold a line after the stream's cap."""
    chunks = load_npy(chunks_path)
    if math.isinf(threshold):
        keep = np.ones(len(chunks), dtype=bool)
    else:
        lines = load_npy(lines_path)
        kept = lines["chunk"][lines["priority"] < threshold]
        keep = np.bincount(kept, minlength=len(chunks)) > 0
    return [Piece(data, lines_path, index, int(chunks[index, 0]), int(chunks[index, 1]), threshold)
            for index in np.flatnonzero(keep).tolist()]


def pack(pieces: Sequence[Piece], max_bytes: int) -> list[list[Piece]]:
    """Greedy packing in order: a new shard starts when the next chunk would pass ``max_bytes``."""
    shards: list[list[Piece]] = []
    size = 0
    for piece in pieces:
        if not shards or (size + piece.length > max_bytes and shards[-1]):
            shards.append([])
            size = 0
        shards[-1].append(piece)
        size += piece.length
    return shards


def _piece_bytes(piece: Piece, codec: str, lines_cache: dict[str, np.ndarray]) -> tuple[bytes, int]:
    """The chunk as stored (one ranged read when remote), or re-compressed without lines above the
    cap; and its line count."""
    with open_raw(piece.data) as stream:
        stream.seek(piece.offset)
        data = stream.read(piece.length)
    if piece.lines not in lines_cache:
        lines_cache[piece.lines] = load_npy(piece.lines)
    lines = lines_cache[piece.lines]
    priorities = lines["priority"][lines["chunk"] == piece.chunk]
    if math.isinf(piece.threshold):
        return data, len(priorities)
    keep = (priorities < piece.threshold).tolist()
    kept = [line for line, wanted in zip(io.BytesIO(decompress(data, codec)), keep) if wanted]
    return compress(b"".join(kept), codec), len(kept)


@dataclasses.dataclass(frozen=True)
class DocumentShardTask:
    """Concatenate chunks into one JSONL shard, or convert them into one Parquet shard."""

    output: str
    pieces: tuple[Piece, ...]
    codec: str
    parquet: bool

    @property
    def name(self) -> str:
        return self.output

    @property
    def outputs(self) -> tuple[str, ...]:
        return (self.output,)

    def run(self, report: Report) -> collections.Counter:
        cache: dict[str, np.ndarray] = {}
        documents = 0
        if self.parquet:
            import pyarrow.json as pa_json
            import pyarrow.parquet as pq

            raw = bytearray()
            for piece in self.pieces:
                data, count = _piece_bytes(piece, self.codec, cache)
                raw += decompress(data, self.codec)
                documents += count
            options = pa_json.ReadOptions(block_size=max(len(raw), 1 << 20))
            table = pa_json.read_json(io.BytesIO(bytes(raw)), read_options=options)
            with atomic_writer(self.output, raw=True) as stream:
                pq.write_table(table, stream, compression="zstd")
        else:
            with atomic_writer(self.output, raw=True) as stream:
                for piece in self.pieces:
                    data, count = _piece_bytes(piece, self.codec, cache)
                    stream.write(data)
                    documents += count
        report(documents)
        return collections.Counter({"shard_documents": documents})
