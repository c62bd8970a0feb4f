"""The tag task: run taggers over one documents file and write its attribute sidecar.

Each input file is one task. A task streams its documents in batches through every tagger and
writes ``attributes/<experiment>/...`` atomically; line order follows the documents file, and
lines skipped under ``on_error: skip`` are left out of the sidecar (a reader that skips the same
bad lines stays aligned, and the mixer checks ids line by line). Taggers are built once per
worker process and reused for every file that process handles.
"""

from __future__ import annotations

import collections
import dataclasses
import inspect
import json
import traceback
from collections.abc import Sequence

from dolma_tools.documents import Document, Span
from dolma_tools.errors import ConfigError, StageError
from dolma_tools.executor.base import FileTask, Report
from dolma_tools.io import SkipCounter, atomic_writer, encode_attributes, iter_documents
from dolma_tools.stages.tag.config import TaggerSpec
from dolma_tools.taggers.base import Tagger
from dolma_tools.taggers.registry import get_tagger_class


def build_tagger(spec: TaggerSpec, modules: Sequence[str]) -> Tagger:
    """Instantiate a tagger, turning a bad option into a `ConfigError` naming the tagger."""
    cls = get_tagger_class(spec.name, modules)
    try:
        inspect.signature(cls).bind(**spec.options)
    except TypeError as exc:
        raise ConfigError(f"tagger {spec.name!r}: {exc}") from None
    try:
        return cls(**spec.options)
    except ConfigError:
        raise
    except (ValueError, TypeError, OSError) as exc:
        raise ConfigError(f"tagger {spec.name!r}: {exc}") from None


_worker_taggers: dict[str, list[tuple[str, Tagger]]] = {}


def _taggers_for_process(specs: tuple[TaggerSpec, ...], modules: tuple[str, ...], experiment: str) -> list[tuple[str, Tagger]]:
    """Taggers for this process, built and set up on first use only."""
    cache_key = json.dumps([[s.model_dump() for s in specs], modules, experiment], sort_keys=True, default=str)
    if cache_key not in _worker_taggers:
        built = []
        for spec in specs:
            tagger = build_tagger(spec, modules)
            tagger.setup()
            built.append((f"{experiment}__{spec.key}__", tagger))
        _worker_taggers[cache_key] = built
    return _worker_taggers[cache_key]


@dataclasses.dataclass(frozen=True)
class TagTask(FileTask):
    """Tag one documents file."""

    source: str
    output: str
    experiment: str
    specs: tuple[TaggerSpec, ...]
    modules: tuple[str, ...]
    skip_bad_lines: bool

    def run(self, report: Report) -> collections.Counter:
        taggers = _taggers_for_process(self.specs, self.modules, self.experiment)
        batch_size = min(t.batch_size for _, t in taggers)
        skips = SkipCounter() if self.skip_bad_lines else None
        counters: collections.Counter = collections.Counter()
        with atomic_writer(self.output) as out:
            lines: list[int] = []
            docs: list[Document] = []
            for line_number, doc in iter_documents(self.source, skips=skips):
                lines.append(line_number)
                docs.append(doc)
                if len(docs) >= batch_size:
                    out.write(self._tag_batch(taggers, lines, docs))
                    report(len(docs))
                    counters["documents"] += len(docs)
                    lines, docs = [], []
            if docs:
                out.write(self._tag_batch(taggers, lines, docs))
                report(len(docs))
                counters["documents"] += len(docs)
        for reason, count in (skips or {}).items():
            counters[f"skipped.{reason}"] += count
        return counters

    def _tag_batch(self, taggers: list[tuple[str, Tagger]], lines: list[int], docs: list[Document]) -> bytes:
        merged: list[dict[str, list[Span]]] = [{} for _ in docs]
        for prefix, tagger in taggers:
            try:
                results = tagger.predict_batch(docs)
            except Exception:
                raise self._tagger_failure(tagger, lines, docs) from None
            for attributes, result in zip(merged, results, strict=True):
                for key, spans in result.items():
                    attributes[prefix + key] = [(s, e, float(v)) for s, e, v in spans]
        return b"".join(encode_attributes(doc.id, attrs) for doc, attrs in zip(docs, merged))

    def _tagger_failure(self, tagger: Tagger, lines: list[int], docs: list[Document]) -> StageError:
        """The failure of a batch (being handled), named by the first document that fails alone:
        ``file:line``, or the batch's line range if none does."""
        where, what, trace = f"{lines[0]}-{lines[-1]}", "", traceback.format_exc().rstrip()
        for line, doc in zip(lines, docs):
            try:
                tagger.predict_batch([doc])
            except Exception:
                where, what, trace = str(line), f" on document {doc.id!r}", traceback.format_exc().rstrip()
                break
        return StageError(f"{self.source}:{where}", f"tagger {tagger.name!r} failed{what}:\n{trace}")

