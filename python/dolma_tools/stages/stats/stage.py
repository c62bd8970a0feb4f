"""The stats stage: one task per documents file and per token shard, then a merge in input order.

Tasks write partial results under ``<output>/_parts/<fingerprint>/`` (atomically), so a rerun
only measures what is missing and a finished run only re-merges; the fingerprint covers the
inputs and every setting that changes the figures, so a changed config never reuses old parts.
The driver adds the partials in input order and writes ``stats.json`` and ``report.html``.
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any

import msgspec

from dolma_tools.errors import ConfigError
from dolma_tools.executor.base import Task
from dolma_tools.io import atomic_writer, attributes_path, expand, split_documents_path
from dolma_tools.io.compression import is_remote, open_read
from dolma_tools.stages.base import Outcome, Phase, Stage
from dolma_tools.stages.runner import PhaseRunner, RunSummary, run_stage
from dolma_tools.stages.stats.build import build_stats
from dolma_tools.stages.stats.config import StatsConfig
from dolma_tools.stages.stats.merge import merge
from dolma_tools.stages.stats.result import Stats
from dolma_tools.tokens import manifest_path, shards_of
from dolma_tools.stages.stats.tasks import DocumentStatsTask, ShardStatsTask


def check(config: StatsConfig) -> None:
    """Checks that need no input files."""
    if not config.documents and not config.tokens:
        raise ConfigError("stats: give 'documents' and/or 'tokens'")


def attribute_sets(files: list[str], names: list[str] | None) -> list[str]:
    """The sets named, or every set folder beside the documents' root(s) (local inputs)."""
    if names is not None:
        return list(names)
    found: set[str] = set()
    for path in files:
        root, _ = split_documents_path(path)
        if is_remote(root):
            raise ConfigError("stats: list 'attributes' explicitly for remote documents (no folder discovery)")
        folder = os.path.join(root, "attributes")
        if os.path.isdir(folder):
            found.update(name for name in os.listdir(folder) if os.path.isdir(os.path.join(folder, name))
                         and not name.startswith(("_", ".")))
    return sorted(found)


def sidecars_of(path: str, sets: list[str]) -> tuple[str, ...]:
    out = []
    for name in sets:
        sidecar = attributes_path(path, name)
        if not is_remote(sidecar) and not os.path.exists(sidecar):
            raise ConfigError(f"stats: attribute set {name!r} has no sidecar for {path} (expected {sidecar}); "
                              "list the sets to read under 'attributes'")
        out.append(sidecar)
    return tuple(out)


def _fingerprint(config: StatsConfig, files: list[str], manifests: list[str]) -> str:
    settings = config.model_dump(mode="json", exclude=StatsConfig.RUNTIME_KEYS | {"title", "output"})
    blob = json.dumps([settings, files, manifests], sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


def plan(config: StatsConfig) -> list[Task]:
    """One task per documents file, then one per token shard (validated before any work)."""
    check(config)
    files = expand(config.documents) if config.documents else []
    sets = attribute_sets(files, config.attributes) if files else []
    manifests = [manifest_path(p) for p in config.tokens]
    parts = f"{config.output}/_parts/{_fingerprint(config, files, manifests)}"
    tasks: list[Task] = [
        DocumentStatsTask(path, f"{parts}/documents-{n:06d}.json", sidecars_of(path, sets) if sets else (),
                          config.language, config.on_error == "skip")
        for n, path in enumerate(files)
    ]
    shards = [shard for manifest in manifests for shard in shards_of(manifest)]
    tasks += [ShardStatsTask(shard, f"{parts}/tokens-{n:06d}.json") for n, shard in enumerate(shards)]
    return tasks


def _merged(tasks: list[Task]) -> dict[str, Any]:
    total: dict[str, Any] = {}
    for task in tasks:
        with open_read(task.outputs[0]) as stream:
            merge(total, msgspec.json.decode(stream.read()))
    return total


class StatsStage(Stage[StatsConfig]):
    """Measure what is not measured yet, merge, and write ``stats.json`` and ``report.html``."""

    name = "stats"
    config_class = StatsConfig

    def __init__(self, config: StatsConfig) -> None:
        super().__init__(config)
        self.stats: Stats | None = None
        """The merged statistics, once `run` has finished."""

    def check(self) -> None:
        check(self.config)

    def run(self, phases: PhaseRunner) -> Outcome:
        from dolma_tools.stages.stats.report import render_report

        config = self.config
        tasks = plan(config)
        result = phases.run(Phase("stats", tasks))  # (the parts folder is named by the settings' digest)
        files = sum(isinstance(t, DocumentStatsTask) for t in tasks)
        manifests = [manifest_path(p) for p in config.tokens]
        recorded = config.model_dump(mode="json", exclude=StatsConfig.RUNTIME_KEYS | {"output"})
        self.stats = Stats(build_stats(_merged(tasks), files=files, config=recorded, manifests=manifests))
        reports = [f"{config.output}/stats.json", f"{config.output}/report.html"]
        with atomic_writer(reports[0]) as stream:
            stream.write(self.stats.to_json().encode())
        with atomic_writer(reports[1]) as stream:
            stream.write(render_report(self.stats, config.title).encode())
        return Outcome.from_counters(config.output, result, reports=reports)


def compute(config: StatsConfig, *, quiet: bool = False) -> tuple[RunSummary, Stats]:
    """Run the stage and return its summary and the statistics (for `check` and notebooks)."""
    stage = StatsStage(config)
    summary = run_stage(stage, quiet=quiet)
    assert stage.stats is not None
    return summary, stage.stats
