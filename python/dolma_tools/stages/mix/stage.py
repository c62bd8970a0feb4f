"""The mix stage: plan, first pass, caps, second pass, manifests.

1. ``check``: outputs and the work folder are local or ``s3://``; the tokenizer loads, its
   special tokens exist and the dtype holds its vocabulary. Filters were already parsed when the config loaded.
2. First pass (`dolma_tools.stages.mix.prepare`): one task per input file into the work folder
   ``<base>/.mix-work-<config hash>/``, which a killed run resumes from; ``<base>`` is
   ``work_dir``, else the first output folder (local, shared or ``s3://``: the second pass's tasks
   copy the remote work files they map to local scratch, `dolma_tools.io.scratch`).
3. Caps: per stream, the priority below which copies are kept (`dolma_tools.stages.mix.sampling`).
4. Second pass: document shards (`dolma_tools.stages.mix.documents`) and token shards
   (`dolma_tools.stages.mix.shards`), one task each.
5. Manifests, written last, mark the output complete: ``<documents>/_manifest.json`` and
   ``<tokens>/manifest.json``, each with the achieved mixture, the config and its sha256. Then
   stale shards of an earlier run with other settings and the work folder are removed.

A rerun with the same config finds the manifests and does nothing; with another config it
refuses to mix two outputs unless ``overwrite: true``.
"""

from __future__ import annotations

import collections
import json
import math
import os
import posixpath
import re
from typing import Any

import numpy as np

from dolma_tools.attribute_keys import AttributeKeys
from dolma_tools.errors import ConfigError
from dolma_tools.io import atomic_writer, exists, expand, list_names, open_read, remove, size
from dolma_tools.io.scratch import load_npy
from dolma_tools.io.storage import can_list, remove_tree
from dolma_tools.stages.mix.chunks import chunk_bytes
from dolma_tools.stages.mix.config import MixConfig
from dolma_tools.stages.mix.documents import DocumentShardTask, pack, plan_pieces
from dolma_tools.stages.mix.join import sidecar_paths
from dolma_tools.stages.mix.prepare import PrepareTask, WorkFiles
from dolma_tools.stages.mix.references import attribute_problems
from dolma_tools.stages.mix.sampling import cap_threshold
from dolma_tools.stages.mix.shards import TokenInput, TokenShardTask, plan_ranges
from dolma_tools.stages.mix.tokenize import TokenizerInfo, tokenizer_info
from dolma_tools.stages.base import Outcome, Phase, PhaseResult, Stage
from dolma_tools.stages.runner import PhaseRunner
from dolma_tools.tokens import SHARD_FILE, manifest, shard_files

_CODECS = {"jsonl": "none", "jsonl.gz": "gz", "jsonl.zst": "zst", "parquet": "zst"}


def check(config: MixConfig) -> TokenizerInfo | None:
    """Checks that need no input files; returns the tokenizer's identity when there are tokens."""
    for key, out in (("documents", config.output.documents), ("tokens", config.output.tokens)):
        if out is not None and not can_list(out.path):
            raise ConfigError(f"output.{key}.path: the mix writes to a local folder or s3://, got {out.path!r}")
    if config.work_dir is not None and not can_list(config.work_dir):
        raise ConfigError(f"work_dir: the mix keeps its work files in a local folder or s3://, got {config.work_dir!r}")
    return tokenizer_info(config.output.tokens) if config.output.tokens is not None else None


def _primary(config: MixConfig) -> str:
    out = config.output.documents or config.output.tokens
    assert out is not None
    return out.path.removeprefix("file://")


def work_folder(config: MixConfig) -> str:
    """The folder of the first pass's files, named by the config so that reruns find it."""
    base = (config.work_dir or _primary(config)).removeprefix("file://")
    return posixpath.join(base, f".mix-work-{config.fingerprint()[:12]}")


def plan(config: MixConfig) -> list[PrepareTask]:
    """First-pass tasks, one per input file, after checking that every sidecar exists."""
    info = check(config)
    work = work_folder(config)
    documents = config.output.documents
    tasks, missing = [], []
    for stream in config.streams:
        for number, path in enumerate(expand(stream.documents)):
            missing += [p for p in sidecar_paths(path, stream.attributes) if not exists(p)]
            tasks.append(PrepareTask(
                source=path,
                stream=stream,
                files=WorkFiles(posixpath.join(work, stream.name, f"{number:05d}")),
                missing=config.missing_rule(stream),
                seed=config.seed,
                skip_bad_lines=config.on_error == "skip",
                doc_codec=None if documents is None else _CODECS[documents.format],
                chunk_raw_bytes=chunk_bytes(int(documents.max_bytes)) if documents is not None else 0,
                tokenizer=info,
                batch_size=config.output.tokens.batch_size if config.output.tokens is not None else 512,
            ))
    problems = attribute_problems(config, {})
    if problems:
        raise ConfigError("invalid configuration:\n" + "\n".join(problems))
    if missing:
        more = f" (and {len(missing) - 5} more)" if len(missing) > 5 else ""
        raise ConfigError(f"attribute files missing: {', '.join(missing[:5])}{more}; run the tag/dedupe stage first")
    return tasks


def _manifest_paths(config: MixConfig) -> list[str]:
    paths = []
    if config.output.documents is not None:
        paths.append(os.path.join(config.output.documents.path, "_manifest.json"))
    if config.output.tokens is not None:
        paths.append(os.path.join(config.output.tokens.path, "manifest.json"))
    return paths


def _finished(config: MixConfig) -> dict[str, Any] | None:
    """The saved summary when this exact config already completed; error on another config's output."""
    found = []
    for path in _manifest_paths(config):
        if exists(path):
            with open_read(path) as stream:
                found.append(json.load(stream))
    if config.overwrite or not found:
        return None
    if any(m.get("config_sha256") != config.fingerprint() for m in found):
        raise ConfigError("the output folders hold a mix made with another config; choose new folders or set overwrite: true")
    return found[0]["summary"] if len(found) == len(_manifest_paths(config)) else None


def _thresholds(config: MixConfig, tasks: list[PrepareTask]) -> dict[str, float]:
    """Per stream, the priority limit that enforces its caps (``inf``: no cap)."""
    limits = {}
    for stream in config.streams:
        if stream.max_documents is None and stream.max_tokens is None:
            limits[stream.name] = math.inf
            continue
        mine = [t for t in tasks if t.stream.name == stream.name]
        if config.output.tokens is not None:
            rows = np.concatenate([load_npy(t.files.index) for t in mine])
            priorities, tokens = rows["priority"], rows["length"]
        else:
            rows = np.concatenate([load_npy(t.files.lines) for t in mine])
            priorities, tokens = rows["priority"], rows["tokens"]
        limits[stream.name] = min(cap_threshold(priorities, np.ones(len(priorities), np.int64), stream.max_documents),
                                  cap_threshold(priorities, tokens, stream.max_tokens))
    return limits


def _mixture(config: MixConfig, tasks: list[PrepareTask], limits: dict[str, float]) -> dict[str, Any]:
    """Documents, tokens and shares per stream, after caps."""
    mixture: dict[str, dict[str, Any]] = {}
    for stream in config.streams:
        documents = tokens = size = 0
        for task in (t for t in tasks if t.stream.name == stream.name):
            if config.output.tokens is not None:
                rows = load_npy(task.files.index)
                rows = rows[rows["priority"] < limits[stream.name]]
                tokens += int(rows["length"].sum())
            else:
                rows = load_npy(task.files.lines)
                rows = rows[rows["priority"] < limits[stream.name]]
                size += int(rows["bytes"].sum())
            documents += len(rows)
        mixture[stream.name] = {"documents": documents, "tokens": tokens} if config.output.tokens else {
            "documents": documents, "json_bytes": size}
    for measure in ("documents", "tokens", "json_bytes"):
        total = sum(m.get(measure, 0) for m in mixture.values())
        if total and all(measure in m for m in mixture.values()):
            for m in mixture.values():
                m[f"share_{measure}"] = round(m[measure] / total, 6)
    return mixture


def _document_tasks(config: MixConfig, tasks: list[PrepareTask], limits: dict[str, float]) -> list[DocumentShardTask]:
    out = config.output.documents
    if out is None:
        return []
    shards = []
    for stream in config.streams:
        pieces = [piece for t in tasks if t.stream.name == stream.name
                  for piece in plan_pieces(t.files.docs, t.files.chunks, t.files.lines, limits[stream.name])]
        for number, group in enumerate(pack(pieces, int(out.max_bytes))):
            shards.append(DocumentShardTask(os.path.join(out.path, f"{stream.name}-{number:05d}.{out.format}"),
                                            tuple(group), _CODECS[out.format], out.format == "parquet"))
    return shards


def _token_tasks(config: MixConfig, tasks: list[PrepareTask], limits: dict[str, float], dtype: str) -> list[TokenShardTask]:
    out = config.output.tokens
    if out is None:
        return []
    inputs = tuple(TokenInput(t.files.tokens, t.files.index, t.files.meta, t.files.meta_offsets, limits[t.stream.name])
                   for t in tasks)
    return [TokenShardTask(*shard_files(out.path, n),
                           low, high, inputs, dtype)
            for n, (low, high) in enumerate(plan_ranges(inputs, out.shard_tokens))]


def _remove_stale(folder: str, pattern: re.Pattern, keep: set[str]) -> None:
    """Delete shards an earlier run with other settings left behind (same naming, not ours now)."""
    names = list_names(folder)
    for name in names:
        if pattern.fullmatch(name) and os.path.join(folder, name) not in keep:
            remove(os.path.join(folder, name))
            if f".{name}.receipt.json" in names:
                remove(os.path.join(folder, f".{name}.receipt.json"))


def _shard_pattern(config: MixConfig) -> re.Pattern:
    names = "|".join(re.escape(s.name) for s in config.streams)
    return re.compile(rf"({names})-\d{{5}}\.(jsonl|jsonl\.gz|jsonl\.zst|parquet)")


def _write_json(path: str, data: dict[str, Any]) -> None:
    with atomic_writer(path) as stream:
        stream.write(json.dumps(data, indent=2, sort_keys=True).encode() + b"\n")


class MixStage(Stage[MixConfig]):
    """Mix the streams into documents and/or token shards (resuming a killed run)."""

    name = "mix"
    config_class = MixConfig

    def check(self) -> None:
        check(self.config)

    def attribute_problems(self, known: dict[str, AttributeKeys], *, complete: bool) -> list[str]:
        return attribute_problems(self.config, known, complete=complete)

    def run(self, phases: PhaseRunner) -> Outcome:
        config = self.config
        root = _output_root(config)
        done = _finished(config)
        if done is not None:
            files = PhaseResult(done["files_total"], 0, collections.Counter())
            return Outcome(root=root, files=files, documents=done["documents"], skipped=done["skipped"],
                           counts=done["counts"], reports=_manifest_paths(config))
        tasks = plan(config)
        info = check(config)
        # (no settings to check here: the work folder and the manifests are keyed by the config's digest)
        first = phases.run(Phase("mix", tasks))
        counters: collections.Counter = collections.Counter()
        for task in tasks:
            with open_read(task.files.counts) as stream:
                counters.update(json.load(stream))
        limits = _thresholds(config, tasks)
        document_tasks = _document_tasks(config, tasks, limits)
        token_tasks = _token_tasks(config, tasks, limits, info.dtype if info else "uint16")
        # (one phase per output: each counts the mixed documents once in its progress line)
        phases.run(Phase("mix:documents", document_tasks))
        phases.run(Phase("mix:tokens", token_tasks))
        mixture = _mixture(config, tasks, limits)
        outcome = Outcome.from_counters(root, first, counters, reports=_manifest_paths(config))
        outcome.counts["mixture"] = mixture
        _write_manifests(config, info, outcome, mixture, document_tasks, token_tasks)
        remove_tree(work_folder(config))
        return outcome


def _output_root(config: MixConfig) -> str:
    """Where the run's ``_summary.json`` goes: the tokens folder, else the documents folder."""
    out = config.output.tokens or config.output.documents
    assert out is not None
    return out.path


def _write_manifests(config: MixConfig, info: TokenizerInfo | None, outcome: Outcome, mixture: dict[str, Any],
                     document_tasks: list[DocumentShardTask], token_tasks: list[TokenShardTask]) -> None:
    """Manifests, written last: they mark the output complete (and stale shards are removed first)."""
    stable = {"stage": "mix", "files_total": outcome.files.files_total, "documents": outcome.documents,
              "skipped": outcome.skipped, "counts": outcome.counts}
    base = {"config": config.model_dump(mode="json", exclude=config.RUNTIME_KEYS | {"work_dir"}),
            "config_sha256": config.fingerprint(), "seed": config.seed, "mixture": mixture, "summary": stable}
    if config.output.documents is not None:
        out = config.output.documents
        shards = [{"path": os.path.basename(t.output), "bytes": size(t.output)} for t in document_tasks]
        _remove_stale(out.path, _shard_pattern(config), {t.output for t in document_tasks})
        _write_json(os.path.join(out.path, "_manifest.json"), {**base, "format": out.format, "shards": shards})
    if config.output.tokens is not None and info is not None:
        _remove_stale(config.output.tokens.path, SHARD_FILE,
                      {p for t in token_tasks for p in t.outputs})
        _write_json(os.path.join(config.output.tokens.path, "manifest.json"),
                    {**base, **_token_manifest(config, info, token_tasks)})


def _token_manifest(config: MixConfig, info: TokenizerInfo, shards: list[TokenShardTask]) -> dict[str, Any]:
    out = config.output.tokens
    assert out is not None
    itemsize = np.dtype(info.dtype).itemsize
    entries = []
    for task in shards:
        with open_read(task.metadata) as stream:
            documents = sum(1 for _ in stream)
        entries.append({"path": os.path.basename(task.output), "metadata": os.path.basename(task.metadata),
                        "tokens": size(task.output) // itemsize, "documents": documents})
    tokenizer = {"path": info.path, "name": os.path.basename(info.path), "sha256": info.sha256,
                 "vocab_size": info.vocab_size, "bos": out.bos, "bos_id": info.bos_id, "eos": out.eos,
                 "eos_id": info.eos_id, "encoder": info.encoder, "encoder_fallback": info.fallback}
    return manifest(tokenizer, info.dtype, entries)
