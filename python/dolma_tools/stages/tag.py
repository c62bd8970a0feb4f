"""The tag stage: run taggers over documents and write one attribute sidecar per input file.

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
import re
import traceback
from collections.abc import Sequence
from typing import Any

from pydantic import Field, field_validator

from dolma_tools.attribute_keys import AttributeKeys
from dolma_tools.config.models import ExecutionConfig, StrictModel, StrList
from dolma_tools.documents import Document, Span
from dolma_tools.errors import ConfigError, StageError
from dolma_tools.executor import RunSummary, run_tasks
from dolma_tools.executor.base import Report
from dolma_tools.io import SkipCounter, atomic_writer, attributes_path, attributes_root, encode_attributes, expand, iter_documents
from dolma_tools.taggers.base import Tagger
from dolma_tools.taggers.registry import get_tagger_class

_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")


class TaggerSpec(StrictModel):
    """A tagger with options: ``{name: ..., options: {...}, alias: ...}``."""

    name: str
    """The registered tagger name (see ``dolma-tools list``)."""
    alias: str | None = None
    """Name used in attribute keys instead of ``name`` (to run one tagger twice with other options)."""
    options: dict[str, Any] = Field(default_factory=dict)
    """Keyword arguments for the tagger's constructor."""

    @property
    def key(self) -> str:
        return self.alias or self.name


class TagConfig(ExecutionConfig):
    """``dolma-tools tag``: add attribute sidecars to documents."""

    documents: StrList = Field(min_length=1)
    """Document files, folders or globs (local or s3://); they must sit below a ``documents/`` folder."""
    experiment: str
    """Attribute run name: sidecars go to ``attributes/<experiment>/`` and keys start ``<experiment>__``."""
    taggers: list[str | TaggerSpec] = Field(min_length=1)
    """Tagger names, or mappings with name/options/alias."""
    tagger_modules: StrList = Field(default_factory=list)
    """Extra modules (import names or .py paths) whose Tagger subclasses are registered."""

    @field_validator("experiment")
    @classmethod
    def _plain_name(cls, value: str) -> str:
        if not _NAME.match(value) or "__" in value:
            raise ValueError("use letters, digits, '_', '-' or '.', and no '__' (it separates key parts)")
        return value

    def tagger_specs(self) -> list[TaggerSpec]:
        return [TaggerSpec(name=t) if isinstance(t, str) else t for t in self.taggers]


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
class TagTask:
    """Tag one documents file."""

    source: str
    output: str
    experiment: str
    specs: tuple[TaggerSpec, ...]
    modules: tuple[str, ...]
    skip_bad_lines: bool

    @property
    def name(self) -> str:
        return self.source

    @property
    def outputs(self) -> tuple[str, ...]:
        return (self.output,)

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
                raise StageError(
                    f"{self.source}:{lines[0]}-{lines[-1]}",
                    f"tagger {tagger.name!r} failed:\n{traceback.format_exc().rstrip()}",
                ) from None
            for attributes, result in zip(merged, results, strict=True):
                for key, spans in result.items():
                    attributes[prefix + key] = [(s, e, float(v)) for s, e, v in spans]
        return b"".join(encode_attributes(doc.id, attrs) for doc, attrs in zip(docs, merged))


def check(config: TagConfig) -> None:
    """Checks that need no input files: tagger names, options and duplicates."""
    keys = [spec.key for spec in config.tagger_specs()]
    duplicated = sorted({k for k in keys if keys.count(k) > 1})
    if duplicated:
        raise ConfigError(f"taggers listed twice: {', '.join(duplicated)}; give one an 'alias'")
    for spec in config.tagger_specs():
        build_tagger(spec, config.tagger_modules)


def attribute_keys(config: TagConfig, source: str) -> dict[str, AttributeKeys]:
    """The keys this config writes, for checking a later mix's filters (``source``: the stage).

    A tagger that cannot be built (`check` reports why) counts as one with undeclared keys.
    """
    keys: set[str] = set()
    open_prefixes: set[str] = set()
    for spec in config.tagger_specs():
        prefix = f"{config.experiment}__{spec.key}__"
        try:
            declared = build_tagger(spec, config.tagger_modules).output_keys()
        except ConfigError:
            declared = None
        if declared is None:
            open_prefixes.add(prefix)
        else:
            keys.update(prefix + key for key in declared)
    return {config.experiment: AttributeKeys(source, frozenset(keys), frozenset(open_prefixes))}


def plan(config: TagConfig) -> list[TagTask]:
    """Check the config and inputs, and make one task per documents file (before any work)."""
    check(config)
    specs = tuple(config.tagger_specs())
    files = expand(config.documents)
    return [
        TagTask(
            source=path,
            output=attributes_path(path, config.experiment),
            experiment=config.experiment,
            specs=specs,
            modules=tuple(config.tagger_modules),
            skip_bad_lines=config.on_error == "skip",
        )
        for path in files
    ]


def run(config: TagConfig, *, quiet: bool = False) -> RunSummary:
    """Tag every document file of ``config`` that has no complete sidecar yet."""
    tasks = plan(config)
    summary_path = f"{attributes_root(tasks[0].source, config.experiment)}/_summary.json"
    return run_tasks("tag", tasks, config, summary_path=summary_path, quiet=quiet)
