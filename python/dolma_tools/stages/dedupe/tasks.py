"""The per-file tasks of a dedupe run: hashing (phase 1) and writing sidecars (phase 3).

Both are picklable frozen dataclasses run by the ordinary executor, so they resume the ordinary
way: a task whose outputs exist is skipped. Phase 1 reads each document once and keeps what
phase 3 needs (ids, text lengths, spans), so sidecars are written without reading text again.
Every mode but documents keyed on another field needs only ids and texts, which phase 1 reads
through the Rust scanner (`dolma_tools.io.iter_document_columns`) without a Python object per
document.
"""

from __future__ import annotations

import collections
import dataclasses
from collections.abc import Iterator

import msgspec
import numpy as np

from dolma_tools._core import StringColumn
from dolma_tools.documents import Document
from dolma_tools.executor.base import FileTask, Report
from dolma_tools.io import SkipCounter, atomic_writer, iter_document_columns, iter_documents
from dolma_tools.stages.dedupe.modes.base import Batch, FileView, Mode
from dolma_tools.io.attributes import Sidecar
from dolma_tools.stages.dedupe.work import WorkDir, load_arrays, save_arrays

BATCH = 8192
"""Documents hashed per batch when whole documents are decoded: bounds memory per worker."""


def _batches(source: str, skips: SkipCounter | None, whole_documents: bool) -> Iterator[Batch]:
    """Batches of ``source``: ids and texts through the Rust scanner, or whole documents when needed."""
    if not whole_documents:
        for columns in iter_document_columns(source, skips=skips):
            yield Batch(columns.ids, columns.texts)
        return
    lines: list[int] = []
    docs: list[Document] = []
    for line_number, doc in iter_documents(source, skips=skips):
        lines.append(line_number)
        docs.append(doc)
        if len(docs) >= BATCH:
            yield _document_batch(docs, lines)
            lines, docs = [], []
    if docs:
        yield _document_batch(docs, lines)


def _document_batch(docs: list[Document], lines: list[int]) -> Batch:
    return Batch(StringColumn.from_list([d.id for d in docs]), [d.text for d in docs], docs, lines)


def _concatenate(parts: list[dict[str, np.ndarray]], doc_offsets: list[int]) -> dict[str, np.ndarray]:
    """Join per-batch arrays, shifting document indices (``doc``, ``span_doc``) and n-gram paragraph
    indices (``para``) to file positions (one copy, then in-place shifts)."""
    if not parts:
        return {}
    para_offsets = np.cumsum([0] + [len(p["doc"]) for p in parts[:-1]]).tolist() if "para" in parts[0] else None
    joined: dict[str, np.ndarray] = {}
    for key in parts[0]:
        joined[key] = out = np.concatenate([part[key] for part in parts])
        offsets = doc_offsets if key in ("doc", "span_doc") else para_offsets if key == "para" else None
        if offsets is None:
            continue
        start = 0
        for part, offset in zip(parts, offsets):
            end = start + len(part[key])
            out[start:end] += offset
            start = end
    return joined


@dataclasses.dataclass(frozen=True)
class HashTask(FileTask):
    """Phase 1: hash one documents file for every mode."""

    source: str
    output: str
    modes: tuple[Mode, ...]
    skip_bad_lines: bool
    work: WorkDir
    position: int
    """The file's place in input order (names its work files)."""

    def run(self, report: Report) -> collections.Counter:
        skips = SkipCounter() if self.skip_bad_lines else None
        whole_documents = any(mode.reads_whole_documents() for mode in self.modes)
        ids: list[StringColumn] = []
        lengths: list[np.ndarray] = []
        parts: dict[str, list[dict[str, np.ndarray]]] = {mode.name: [] for mode in self.modes}
        offsets: list[int] = []
        count = 0
        for batch in _batches(self.source, skips, whole_documents):
            offsets.append(count)
            for mode in self.modes:
                parts[mode.name].append(mode.extract(batch, self.source, skips))
            ids.append(batch.ids)
            lengths.append(batch.char_lengths())
            count += len(batch.ids)
            report(len(batch.ids))
        if not offsets:  # an empty file still gets (empty) arrays for every mode
            offsets.append(0)
            empty = _document_batch([], [])
            for mode in self.modes:
                parts[mode.name].append(mode.extract(empty, self.source, skips))
        counters: collections.Counter = collections.Counter(documents=count)
        for reason, number in (skips or {}).items():
            counters[f"skipped.{reason}"] += number
        id_data, id_offsets = StringColumn.concat(ids).to_arrays()
        arrays = {"id_data": id_data, "id_offsets": id_offsets,
                  "lengths": np.concatenate(lengths) if lengths else np.zeros(0, dtype=np.int64),
                  "counters": np.frombuffer(msgspec.json.encode(counters), dtype=np.uint8)}
        for mode in self.modes:
            stored = mode.store_keys(_concatenate(parts[mode.name], offsets), self.work, self.position)
            arrays.update({f"{mode.name}/{key}": value for key, value in stored.items()})
        save_arrays(self.output, arrays)
        return counters


DECIDE_ONLY = ("/signatures", "/set_values", "/set_sizes", "/keep")
"""Suffixes of the arrays only phase 2 reads (phase 3 leaves them on disk)."""


def mode_arrays(arrays: dict[str, np.ndarray], mode: str) -> dict[str, np.ndarray]:
    """The arrays of one mode, without their ``<mode>/`` prefix."""
    prefix = mode + "/"
    return {key[len(prefix):]: value for key, value in arrays.items() if key.startswith(prefix)}


@dataclasses.dataclass(frozen=True)
class WriteTask(FileTask):
    """Phase 3: turn one file's hashes and decisions into its attribute sidecar."""

    source: str
    hashes: str
    decisions: str
    output: str
    name_prefix: str
    first_index: int
    modes: tuple[Mode, ...]
    work: WorkDir
    position: int

    def run(self, report: Report) -> collections.Counter:
        arrays = load_arrays(self.hashes, skip=DECIDE_ONLY)
        decided = load_arrays(self.decisions)
        for mode in self.modes:
            made = mode.task_decisions(self.work, self.position, mode_arrays(arrays, mode.name))
            decided.update({f"{mode.name}/{key}": value for key, value in made.items()})
        ids = StringColumn.from_arrays(arrays["id_data"], arrays["id_offsets"])
        lengths = arrays["lengths"]
        sidecar = Sidecar()
        counters: collections.Counter = collections.Counter()
        for mode in self.modes:
            view = FileView(mode_arrays(arrays, mode.name), mode_arrays(decided, mode.name), lengths, self.first_index)
            mode.annotate(f"{self.name_prefix}__{mode.name}__", view, sidecar, counters)
        with atomic_writer(self.output) as stream:
            stream.write(sidecar.encode(ids))
        report(len(ids))
        return counters
