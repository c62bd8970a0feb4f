"""Per-file tasks: each measures one documents file (with its sidecars) or one token shard and
writes a partial result that `dolma_tools.stages.stats.merge` adds up exactly.

A partial is JSON: ``{"sources": {source: section}, "skipped": {reason: n}, "clusters": {...}}``
for documents, ``{"tokens": {"sources": {source: section}}}`` for a shard. Sections hold only
counts and `sketch` dicts, so adding partials in input order gives the same result for any number
of workers and after any resume.
"""

from __future__ import annotations

import collections
import dataclasses
import itertools
from typing import Any

import msgspec
import numpy as np

from dolma_tools.errors import InputError
from dolma_tools.executor.base import FileTask, Report
from dolma_tools.io import DocumentColumns, SkipCounter, atomic_writer, iter_attributes, iter_document_columns
from dolma_tools.stages.stats import attributes, sketch
from dolma_tools.stages.stats.merge import merge
from dolma_tools.tokens import ShardInfo, read_boundaries


def _write_partial(path: str, partial: dict[str, Any]) -> None:
    with atomic_writer(path) as stream:
        stream.write(msgspec.json.encode(partial))


def measures(block: DocumentColumns) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per document: UTF-8 bytes, characters (code points) and words, counted in Rust over the
    whole block. A word is a maximal run of bytes above 0x20: ASCII spaces and control characters
    separate words, other characters (no-break spaces included) do not."""
    texts = block.texts
    return texts.byte_lengths(), texts.char_lengths(), texts.word_counts()


def _groups(sources: list[str]) -> tuple[list[str], np.ndarray]:
    """The distinct sources, sorted, and each document's index into them (a file usually has one
    source: then no sort of the documents at all)."""
    names = sorted(set(sources))
    if len(names) == 1:
        return names, np.zeros(len(sources), dtype=np.int64)
    index = {name: number for number, name in enumerate(names)}
    return names, np.fromiter((index[source] for source in sources), dtype=np.int64, count=len(sources))


def _document_section(sizes: np.ndarray, characters: np.ndarray, words: np.ndarray) -> dict[str, Any]:
    return {
        "documents": int(len(sizes)),
        "bytes": int(sizes.sum()),
        "characters": int(characters.sum()),
        "words": int(words.sum()),
        "lengths": {"characters": sketch.of_values(characters), "words": sketch.of_values(words)},
    }


class _Sidecar:
    """An attribute file read alongside its documents, line for line, ids checked."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.lines = iter_attributes(path)

    def take(self, block: DocumentColumns) -> list[attributes.Record]:
        records = []
        for doc_id, line in itertools.zip_longest(block.ids, itertools.islice(self.lines, len(block))):
            if line is None:
                raise InputError(self.path, None, "sidecar_too_short", f"ends before the document {doc_id!r}")
            number, record_id, record = line
            if record_id != doc_id:
                raise InputError(self.path, number, "misaligned_sidecar",
                                 f"id {record_id!r} where the documents file has {doc_id!r}")
            records.append(record)
        return records

    def finish(self) -> None:
        extra = next(self.lines, None)
        if extra is not None:
            raise InputError(self.path, extra[0], "sidecar_too_long", "more lines than the documents file")


@dataclasses.dataclass(frozen=True)
class DocumentStatsTask(FileTask):
    """Measure one documents file and its attribute sidecars."""

    source: str
    output: str
    sidecars: tuple[str, ...]
    language: str | None
    skip_bad_lines: bool

    def run(self, report: Report) -> collections.Counter:
        skips = SkipCounter() if self.skip_bad_lines else None
        sidecars = [_Sidecar(path) for path in self.sidecars]
        partial: dict[str, Any] = {"sources": {}, "skipped": {}, "clusters": {}}
        documents = 0
        for block in iter_document_columns(self.source, skips=skips):
            self._measure(block, [s.take(block) for s in sidecars], partial)
            documents += len(block)
            report(len(block))
        for sidecar in sidecars:
            sidecar.finish()
        partial["skipped"] = dict(skips or {})
        _write_partial(self.output, partial)
        counters = collections.Counter({"documents": documents})
        counters.update({f"skipped.{reason}": n for reason, n in (skips or {}).items()})
        return counters

    def _measure(self, block: DocumentColumns, sidecar_records: list[list[attributes.Record]], partial: dict[str, Any]) -> None:
        names, groups = _groups(block.sources.tolist())
        sizes, characters, words = measures(block)
        records = [dict(collections.ChainMap(*reversed(per_doc))) for per_doc in zip(*sidecar_records)] if sidecar_records else []
        key_sections = attributes.measure(records, characters, groups, len(names)) if records else [{}] * len(names)
        prefix = self.language or attributes.language_prefix(records)
        languages = attributes.top_languages(records, prefix) if records and prefix else None
        for group, source in enumerate(names):
            mine = groups == group
            section = _document_section(sizes[mine], characters[mine], words[mine])
            section["attributes"] = key_sections[group]
            if languages is not None:
                counts: dict[str, dict[str, int]] = {}
                for language, length in zip(itertools.compress(languages, mine), characters[mine].tolist()):
                    entry = counts.setdefault(language, {"documents": 0, "characters": 0})
                    entry["documents"] += 1
                    entry["characters"] += length
                section["language"] = counts
            merge(partial["sources"].setdefault(source, {}), section)
        if records:
            merge(partial["clusters"], attributes.cluster_members(records))


@dataclasses.dataclass(frozen=True)
class ShardStatsTask:
    """Measure one token shard from its boundaries file: tokens and documents per source."""

    shard: ShardInfo
    output: str

    @property
    def name(self) -> str:
        return self.shard.tokens_path

    @property
    def outputs(self) -> tuple[str, ...]:
        return (self.output,)

    def run(self, report: Report) -> collections.Counter:
        boundaries = read_boundaries(self.shard)
        lengths = boundaries.end - boundaries.start
        names, groups = boundaries.sources()
        sources = {}
        for group, source in enumerate(names):
            mine = lengths[groups == group]
            sources[source] = {"documents": int(len(mine)), "tokens": int(mine.sum()), "lengths": sketch.of_values(mine)}
        _write_partial(self.output, {"tokens": {"sources": sources}})
        report(len(lengths))
        return collections.Counter({"shard_documents": int(len(lengths)), "shard_tokens": int(lengths.sum())})
