"""Documents a block at a time as columns with their sources: what ``stats`` measures.

JSONL blocks go through the Rust scanner (ids and texts, packed) and a decoder that reads only
``source``; a block where the scanner refuses a line is decoded line by line as `iter_documents`
does, so bad lines raise (or are skipped and counted) with the same file, line and reason.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import msgspec
import numpy as np

from dolma_tools._core import StringColumn, scan_documents
from dolma_tools.errors import InputError
from dolma_tools.io import SkipCounter, decode_document_line, iter_documents, iter_line_blocks


class _Source(msgspec.Struct):
    source: str = ""


_decode_source = msgspec.json.Decoder(_Source).decode


@dataclasses.dataclass(frozen=True)
class Block:
    """A run of documents: ids, texts (packed UTF-8) and sources."""

    ids: StringColumn
    texts: StringColumn
    sources: list[str]

    def __len__(self) -> int:
        return len(self.ids)

    def measures(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per document: UTF-8 bytes, characters (code points) and words.

        A word is a maximal run of bytes above 0x20: ASCII spaces and control characters separate
        words, other characters (no-break spaces included) do not. Counted with array operations,
        so a block costs a few passes over its bytes.
        """
        data, offsets = self.texts.to_arrays()
        sizes = np.diff(offsets)
        characters = np.asarray(self.texts.char_lengths(), dtype=np.int64)
        blank = data <= 0x20
        starts = np.flatnonzero(blank[:-1] > blank[1:]) + 1  # a word begins after a separator ...
        words = np.diff(np.searchsorted(starts, offsets))
        firsts = offsets[:-1]
        opens = sizes > 0  # ... or at a document's first byte, when that byte does not follow a separator
        opens[opens] = ~blank[firsts[opens]]
        follows = firsts > 0
        follows[follows] = blank[firsts[follows] - 1]
        words += opens & ~follows
        return sizes, characters, words


def _from_documents(documents: list) -> Block:
    return Block(StringColumn.from_list([d.id for d in documents]), StringColumn.from_list([d.text for d in documents]),
                 [d.source for d in documents])


def _slow_block(path: str, first: int, block: bytes, skips: SkipCounter | None) -> Block:
    documents = []
    for number, line in enumerate(block.split(b"\n"), start=first):
        try:
            documents.append(decode_document_line(path, number, line))
        except InputError as error:
            if skips is None:
                raise
            skips.handle(error)
    return _from_documents(documents)


def _jsonl_blocks(path: str, skips: SkipCounter | None) -> Iterator[Block]:
    try:
        for first, block in iter_line_blocks(path):
            ids, texts, rejected, _, _ = scan_documents(block, last=True)
            if rejected:
                yield _slow_block(path, first, block, skips)
                continue
            try:
                sources = [_decode_source(line).source for line in block.split(b"\n")]
            except (msgspec.DecodeError, msgspec.ValidationError):
                yield _slow_block(path, first, block, skips)
                continue
            yield Block(ids, texts, sources)
    except InputError as error:  # a damaged archive: with skips, the rest of the file is counted as lost
        if skips is None:
            raise
        skips.handle(error)


def iter_blocks(path: str, skips: SkipCounter | None = None, batch: int = 8192) -> Iterator[Block]:
    """The documents of a JSONL (any compression) or Parquet file, in file order."""
    if not path.endswith(".parquet"):
        yield from _jsonl_blocks(path, skips)
        return
    documents = []
    for _, doc in iter_documents(path, skips=skips):
        documents.append(doc)
        if len(documents) == batch:
            yield _from_documents(documents)
            documents = []
    if documents:
        yield _from_documents(documents)
