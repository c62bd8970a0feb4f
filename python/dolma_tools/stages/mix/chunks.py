"""Documents compressed in independent chunks, so that shards are assembled by concatenation.

A gzip file may hold several members and a zstd file several frames; readers (gzip, zcat,
smart_open, Rust's MultiGzDecoder) decode them as one stream. The first pass compresses each
input file's kept documents into such chunks; the second pass only concatenates whole chunks
into shards, so a shard's size is known in real output bytes before it is written and shards
can be written in parallel, deterministically, without compressing twice.
"""

from __future__ import annotations

from typing import BinaryIO

from isal import igzip

from dolma_tools.io.compression import gzip_member, zstd, zstd_frame

MIN_CHUNK, MAX_CHUNK = 16 * 1024, 4 * 2**20

Codec = str
"""``gz``, ``zst`` or ``none``."""


def chunk_bytes(max_bytes: int) -> int:
    """Uncompressed bytes per chunk: a fraction of the shard target, so shards fill closely."""
    return max(MIN_CHUNK, min(MAX_CHUNK, max_bytes // 2))


def compress(data: bytes, codec: Codec) -> bytes:
    """One self-contained gzip member / zstd frame (or the bytes themselves)."""
    if codec == "gz":
        return gzip_member(data)
    if codec == "zst":
        return zstd_frame(data)
    return data


def decompress(data: bytes, codec: Codec) -> bytes:
    if codec == "gz":
        return igzip.decompress(data)
    if codec == "zst":
        return zstd.decompress(data)
    return data


class ChunkWriter:
    """Collects encoded lines and writes them as compressed chunks; remembers where each chunk is."""

    def __init__(self, stream: BinaryIO, codec: Codec, raw_chunk_bytes: int) -> None:
        self.stream = stream
        self.codec = codec
        self.limit = raw_chunk_bytes
        self.pending: list[bytes] = []
        self.pending_bytes = 0
        self.offset = 0
        self.chunks: list[tuple[int, int, int]] = []
        """``(offset, length, lines)`` of each chunk written."""

    def add(self, line: bytes) -> int:
        """Queue one line; returns the index of the chunk it will be in."""
        self.pending.append(line)
        self.pending_bytes += len(line)
        index = len(self.chunks)
        if self.pending_bytes >= self.limit:
            self.flush()
        return index

    def flush(self) -> None:
        if not self.pending:
            return
        data = compress(b"".join(self.pending), self.codec)
        self.stream.write(data)
        self.chunks.append((self.offset, len(data), len(self.pending)))
        self.offset += len(data)
        self.pending, self.pending_bytes = [], 0
