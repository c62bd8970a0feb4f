"""First pass of the mix: one task per input file, writing intermediate files to a work folder.

A task joins the file with its attributes, filters, samples (decided before any span editing, so
dropped documents cost nothing more), removes or replaces spans, then:

- documents output: encodes each kept copy as a JSONL line (``metadata.provenance`` =
  ``file:line``) into compressed chunks (`dolma_tools.stages.mix.chunks`), with one index row per line
  (priority, chunk, tokens, bytes);
- tokens output: tokenizes each kept document once into ``tokens.bin`` and writes one index row
  per copy (shuffle key, priority, token start and length, metadata row), sorted by shuffle key,
  plus the CSV tail ``id,source,provenance`` of each document.

Everything a task writes depends only on its input file and the config, and every file is written
to a temporary name first; ``counts.json``, written last, carries the task's counters so that a
resumed run still reports them.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import json

import msgspec
import numpy as np

from dolma_tools.documents import Document
from dolma_tools.errors import InputError
from dolma_tools.executor.base import Report
from dolma_tools.io import SkipCounter, atomic_writer, encode_json
from dolma_tools.tokens import csv_field
from dolma_tools.stages.mix.chunks import ChunkWriter
from dolma_tools.stages.mix.config import StreamConfig
from dolma_tools.stages.mix.filters import Context, EvalError, Filter, MissingRule, resolve_attribute
from dolma_tools.stages.mix.join import iter_joined
from dolma_tools.stages.mix.sampling import copies, shuffle_key, stream_seed, unit
from dolma_tools.stages.mix.spans import SpanRule, apply_rules
from dolma_tools.stages.mix.tokenize import TokenizerInfo, encode, load_encoder

LINES_DTYPE = np.dtype([("priority", "<f8"), ("chunk", "<i8"), ("tokens", "<i8"), ("bytes", "<i8")])
INDEX_DTYPE = np.dtype([("key", "<u8"), ("priority", "<f8"), ("start", "<i8"), ("length", "<i8"), ("meta", "<i8")])


@dataclasses.dataclass(frozen=True)
class WorkFiles:
    """Names of one input file's intermediate files (``<work>/<stream>/<index>.*``)."""

    prefix: str

    def __getattr__(self, name: str) -> str:
        suffixes = {"docs": ".docs", "chunks": ".chunks.npy", "lines": ".lines.npy", "tokens": ".tokens.bin",
                    "index": ".index.npy", "meta": ".meta.bin", "meta_offsets": ".meta.npy", "counts": ".counts.json"}
        if name not in suffixes:
            raise AttributeError(name)
        return self.prefix + suffixes[name]


@dataclasses.dataclass(frozen=True)
class PrepareTask:
    """Filter, sample, edit and (optionally) tokenize one documents file."""

    source: str
    stream: StreamConfig
    files: WorkFiles
    missing: MissingRule
    seed: int
    skip_bad_lines: bool
    doc_codec: str | None
    chunk_raw_bytes: int
    tokenizer: TokenizerInfo | None
    batch_size: int = 512

    @property
    def name(self) -> str:
        return self.source

    @property
    def outputs(self) -> tuple[str, ...]:
        names = [self.files.counts]
        if self.doc_codec is not None:
            names += [self.files.docs, self.files.chunks, self.files.lines]
        if self.tokenizer is not None:
            names += [self.files.tokens, self.files.index, self.files.meta, self.files.meta_offsets]
        return tuple(names)

    def run(self, report: Report) -> collections.Counter:
        stream = self.stream
        keep = Filter(stream.filter, stream.attributes, self.missing) if stream.filter else None
        rules = [SpanRule(resolve_attribute(r.attribute, stream.attributes), r.min_score, r.max_score, r.replacement)
                 for r in stream.spans]
        seed = stream_seed(self.seed, stream.name)
        skips = SkipCounter() if self.skip_bad_lines else None
        counters: collections.Counter = collections.Counter()
        sink = _Sink(self)
        with contextlib.ExitStack() as stack:
            sink.open(stack)
            batch: list[tuple[int, Document, str, float, int]] = []
            for line, doc, attributes in iter_joined(self.source, stream.attributes, skips):
                counters["documents"] += 1
                try:
                    if keep is not None and not keep(Context(doc, attributes, len(doc.text))):
                        counters["filtered_out"] += 1
                        continue
                    u = unit(doc.id, seed)
                    n = copies(u, stream.weight)
                    if n == 0:
                        counters["sampled_out"] += 1
                        continue
                    text = doc.text
                    if rules:
                        text, regions = apply_rules(text, attributes, rules)
                        counters["spans_replaced"] += regions
                        if not text.strip():
                            counters["empty_after_spans"] += 1
                            continue
                except EvalError as error:
                    raise InputError(self.source, line, error.reason, error.detail) from None
                batch.append((line, doc, text, u, n))
                if len(batch) >= self.batch_size:
                    sink.write(batch, seed)
                    report(len(batch))
                    batch = []
            sink.write(batch, seed)
            report(len(batch))
            sink.close()
        counters.update({f"skipped.{reason}": count for reason, count in (skips or {}).items()})
        counters["kept"] = sink.kept
        counters["copies"] = sink.copies
        with atomic_writer(self.files.counts) as out:
            out.write(json.dumps(dict(sorted(counters.items()))).encode())
        return counters


class _Sink:
    """Where a task's kept documents go: document chunks and/or tokens, with their indexes."""

    def __init__(self, task: PrepareTask) -> None:
        self.task = task
        self.kept = self.copies = 0
        self.lines: list[tuple[float, int, int, int]] = []
        self.index: list[tuple[int, float, int, int, int]] = []
        self.meta_offsets = [0]
        self.token_offset = 0
        self.tokenizer = load_encoder(task.tokenizer) if task.tokenizer else None

    def open(self, stack: contextlib.ExitStack) -> None:
        files = self.task.files
        self.chunks = None
        if self.task.doc_codec is not None:
            self.chunks = ChunkWriter(stack.enter_context(atomic_writer(files.docs)), self.task.doc_codec,
                                      self.task.chunk_raw_bytes)
        if self.tokenizer is not None:
            self.tokens_out = stack.enter_context(atomic_writer(files.tokens))
            self.meta_out = stack.enter_context(atomic_writer(files.meta))

    def write(self, batch: list[tuple[int, Document, str, float, int]], seed: int) -> None:
        if not batch:
            return
        lengths = np.zeros(len(batch), dtype=np.int64)
        if self.tokenizer is not None:
            assert self.task.tokenizer is not None
            flat, lengths = encode(self.tokenizer, [text for _, _, text, _, _ in batch], self.task.tokenizer)
            self.tokens_out.write(flat.tobytes())
        source = self.task.source
        for (line, doc, text, u, n), length in zip(batch, lengths.tolist()):
            self.kept += 1
            self.copies += n
            provenance = f"{source}:{line}"
            if self.chunks is not None:
                metadata = dict(doc.metadata or {})
                metadata["provenance"] = provenance
                encoded = encode_json(msgspec.structs.replace(doc, text=text, metadata=metadata))
                for copy in range(n):
                    chunk = self.chunks.add(encoded)
                    self.lines.append((copy + u, chunk, length, len(encoded)))
            if self.tokenizer is not None:
                meta = len(self.meta_offsets) - 1
                tail = f"{csv_field(doc.id)},{csv_field(doc.source)},{csv_field(provenance)}".encode()
                self.meta_out.write(tail)
                self.meta_offsets.append(self.meta_offsets[-1] + len(tail))
                for copy in range(n):
                    self.index.append((shuffle_key(doc.id, copy, seed), copy + u, self.token_offset, length, meta))
                self.token_offset += length

    def close(self) -> None:
        """Write the indexes (after the data files' contents are complete)."""
        files = self.task.files
        if self.chunks is not None:
            self.chunks.flush()
            _save(files.chunks, np.array(self.chunks.chunks, dtype=np.int64).reshape(-1, 3))
            _save(files.lines, np.array(self.lines, dtype=LINES_DTYPE))
        if self.tokenizer is not None:
            index = np.array(self.index, dtype=INDEX_DTYPE)
            _save(files.index, index[np.argsort(index["key"], kind="stable")])
            _save(files.meta_offsets, np.array(self.meta_offsets, dtype=np.int64))


def _save(path: str, array: np.ndarray) -> None:
    with atomic_writer(path) as out:
        np.save(out, array, allow_pickle=False)
