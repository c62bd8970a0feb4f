"""The dedupe stage: hash in parallel, decide in input order, write sidecars in parallel.

Which copy survives is defined, not a race: the first by input order (file order as listed by
``documents``, then line). Workers only hash (phase 1: key, paragraph and n-gram hashes as u64
arrays, MinHash signatures, eval-set overlaps), saved per file in the work folder, the exact
modes' keys grouped by key partition. Phase 2 decides: for the exact modes one task per key
partition (``partitions``, `dolma_tools.stages.dedupe.partitions`) walks the files in input order
and inserts its keys into its own Bloom filter with the Rust batch ``insert_if_absent``, which
answers "seen before?" in array order; MinHash adds signatures to one LSH index and clusters in
this process. Workers then write the sidecars (phase 3), gathering each file's decisions from the
partitions. A key's copies all fall in one partition, so the result is the same for any number
of partitions and workers.

Reruns: every work file and sidecar is written atomically, phase 2 leaves ``decided.json``, and
the work folder is named by a fingerprint of the settings and inputs. A finished run is skipped
as a whole; a killed run resumes and ends with the uninterrupted result. Keys added to a
persistent filter (``bloom.update``) are published only after phase 2's decisions are saved,
and a rerun reuses those decisions instead of meeting its own keys in the updated filter.

Once the sidecars and ``_report.json`` are written the work folder is removed (``keep_work``
keeps it; a run that updates a persistent filter keeps it for the reason above). Each sidecar
has a receipt (`dolma_tools.stages.runner`) naming the modes and the input list it was decided
from, so a rerun with other settings over the same ``name`` refuses instead of mixing decisions.
"""

from __future__ import annotations

import dataclasses
import hashlib
import posixpath
import sys
from collections.abc import Iterator

import numpy as np

from dolma_tools.attribute_keys import AttributeKeys
from dolma_tools.errors import ConfigError
from dolma_tools.io import attributes_path, attributes_root, expand
from dolma_tools.io.compression import is_remote
from dolma_tools.io.storage import remove_empty_folder, remove_tree
from dolma_tools.stages.base import Outcome, Phase, PhaseResult, Stage
from dolma_tools.stages.dedupe import bloom as bloom_files
from dolma_tools.stages.dedupe.config import DedupeConfig
from dolma_tools.stages.dedupe.modes import Mode
from dolma_tools.stages.dedupe.modes.filtered import BloomMode
from dolma_tools.stages.dedupe.partitions import DEFAULT_PARTITIONS
from dolma_tools.stages.dedupe.report import build_report, print_table
from dolma_tools.stages.dedupe.tasks import HashTask, WriteTask
from dolma_tools.stages.dedupe.work import WorkDir, array_length, load_arrays, load_json, run_fingerprint, save_arrays, save_json
from dolma_tools.stages.runner import PhaseRunner


def check(config: DedupeConfig) -> None:
    """Checks that need no input files: persistent filters, their partitions and configured filter sizes."""
    for mode in config.modes():
        mode.check()
    partitions = resolve_partitions(config)
    for mode in config.modes():
        if isinstance(mode, BloomMode):
            mode.check_memory(partitions)


def resolve_partitions(config: DedupeConfig) -> int:
    """``partitions``, else those of the persistent filters the run names (1 for a new one: one file
    at ``bloom.path``, as before partitions), else the default. A filter is as many files as it has
    partitions and cannot be split again: another count is refused."""
    persistent = [mode for mode in config.modes() if isinstance(mode, BloomMode) and mode.settings.bloom.path]
    recorded = {mode.where: count for mode in persistent
                if (count := bloom_files.recorded_partitions(mode.settings.bloom)) is not None}
    for where, count in recorded.items():
        if count != (config.partitions or count):
            raise ConfigError(
                f"{where}.path: the filter there was built in {count} partition(s) but partitions is "
                f"{config.partitions}; set partitions: {count}, or start a new filter file")
    if len(set(recorded.values())) > 1:
        raise ConfigError(f"persistent filters built in different partition counts ({recorded}); set 'partitions' "
                          "and give filter files built with it")
    return config.partitions or next(iter(recorded.values()), 1 if persistent else DEFAULT_PARTITIONS)


def _work_dir(config: DedupeConfig, files: list[str]) -> WorkDir:
    """``work_dir``, else ``_work`` beside the sidecars: local, shared or ``s3://`` (but for the
    few files that a mode keeps as a file to map or to publish: `Mode.local_work_reason`)."""
    root = config.work_dir or f"{attributes_root(files[0], config.name)}/_work"
    if is_remote(root):
        reasons = [reason for mode in config.modes() if (reason := mode.local_work_reason()) is not None]
        if reasons:
            raise ConfigError(f"work_dir: {root} is remote, but " + "; ".join(reasons)
                              + " (or give work_dir a local or shared folder)")
    partitions = resolve_partitions(config)
    return WorkDir(f"{root}/{run_fingerprint(config.sections(), files, partitions)}", partitions)


def _decide(modes: list[Mode], files: list[str], work: WorkDir, phases: PhaseRunner) -> dict:
    """Phase 2: the modes' decision tasks (one per key partition) on the executor, then one pass of
    the one-process deciders over every file's arrays in input order and the deciders' own phases
    (out-of-core MinHash); saves decisions per file."""
    tasks = [task for mode in modes for task in mode.decision_tasks(work, len(files))]
    if tasks:
        phases.run(Phase("dedupe:decide", tasks))
    quiet = phases.quiet
    deciders = {mode.name: decider for mode in modes if (decider := mode.decider(work, len(files), quiet)) is not None}
    doc_counts: list[int] = []
    decisions: list[dict[str, np.ndarray]] = []
    for position in range(len(files)):
        needed = [f"{name}/{key}" for name, decider in deciders.items() for key in decider.reads]
        arrays = load_arrays(work.hashes(position), needed)
        decided: dict[str, np.ndarray] = {}
        for name, decider in deciders.items():
            own = {key: arrays[f"{name}/{key}"] for key in decider.reads}
            decided.update({f"{name}/{key}": value for key, value in decider.add(own).items()})
        doc_counts.append(array_length(work.hashes(position), "lengths"))
        decisions.append(decided)
    summary: dict = {"doc_counts": doc_counts, "published": False,
                     "figures": {mode.name: figures for mode in modes if (figures := mode.decision_figures(work))}}
    late: dict[str, Iterator[dict[str, np.ndarray]]] = {}
    for name, decider in deciders.items():
        for phase in decider.phases(doc_counts):
            phases.run(phase)
        per_file, summary["figures"][name] = decider.finish(doc_counts)
        late[name] = iter(per_file)
    for position, decided in enumerate(decisions):
        for name, per_file in late.items():
            decided.update({f"{name}/{key}": value for key, value in next(per_file).items()})
        save_arrays(work.decisions(position), decided)
        decisions[position] = {}  # saved: a lazy decider's arrays are held one file at a time
    save_json(work.decided, summary)
    return summary


def _publish(modes: list[Mode], work: WorkDir, summary: dict) -> None:
    """Make durable what the modes built (updated persistent filters), once, after the decisions are saved."""
    if summary["published"]:
        return
    for mode in modes:
        mode.publish(work)
    summary["published"] = True
    save_json(work.decided, summary)


def _write_tasks(config: DedupeConfig, modes: list[Mode], files: list[str], work: WorkDir,
                 firsts: list[int]) -> list[WriteTask]:
    """Phase-3 tasks; ``firsts[i]`` is the global index of file i's first document (from phase 1)."""
    return [WriteTask(source=path, hashes=work.hashes(i), decisions=work.decisions(i),
                      output=attributes_path(path, config.name), name_prefix=config.name,
                      first_index=firsts[i], modes=tuple(modes), work=work, position=i)
            for i, path in enumerate(files)]


def _work_settings(config: DedupeConfig, files: list[str]) -> dict:
    """What the sidecars depend on: the run name, the mode settings and the input list (in order:
    the first copy by input order survives, so another list means other decisions)."""
    listing = hashlib.sha256("\n".join(files).encode()).hexdigest()
    return {"name": config.name, "modes": {k: v.model_dump(mode="json") for k, v in config.sections().items()},
            "inputs": {"files": len(files), "sha256": listing}}


class DedupeStage(Stage[DedupeConfig]):
    """Deduplicate ``documents``; a finished run is skipped, a killed one resumes."""

    name = "dedupe"
    config_class = DedupeConfig

    def check(self) -> None:
        check(self.config)

    def attribute_keys(self, source: str) -> dict[str, AttributeKeys]:
        name = self.config.name
        keys = frozenset(f"{name}__{mode.name}__{key}" for mode in self.config.modes() for key in mode.keys())
        return {name: AttributeKeys(source, keys)}

    def run(self, phases: PhaseRunner) -> Outcome:
        config = self.config
        files = expand(config.documents)
        work = _work_dir(config, files)
        modes = config.modes()
        root = attributes_root(files[0], config.name)
        writing = Phase("dedupe", _write_tasks(config, modes, files, work, [0] * len(files)),
                        _work_settings(config, files), rename_hint="a new run name ('name')")
        if not phases.pending(writing):
            summary = load_json(work.decided)
            if summary is not None:
                _publish(modes, work, summary)
            return self._finish(modes, files, work, root, phases.run(writing), phases.quiet)
        modes = [mode.prepare(work, phases.quiet) for mode in modes]
        hashing = [HashTask(source=path, output=work.hashes(i), modes=tuple(modes),
                            skip_bad_lines=config.on_error == "skip", work=work, position=i)
                   for i, path in enumerate(files)]
        phases.run(Phase("dedupe:hash", hashing))
        summary = load_json(work.decided)
        updates = any(mode.updates_a_filter for mode in modes)
        if summary is None or (config.overwrite and not (summary["published"] and updates)):
            summary = _decide(modes, files, work, phases)
        elif config.overwrite and not phases.quiet:
            print("dedupe: reusing saved decisions (a persistent filter already holds this run's keys)", file=sys.stderr)
        firsts = np.cumsum([0] + summary["doc_counts"]).tolist()
        written = phases.run(dataclasses.replace(writing, tasks=_write_tasks(config, modes, files, work, firsts)))
        _publish(modes, work, summary)
        return self._finish(modes, files, work, root, written, phases.quiet)

    def _finish(self, modes: list[Mode], files: list[str], work: WorkDir, root: str, written: PhaseResult,
                quiet: bool) -> Outcome:
        """The stage report, from the work folder (so a resumed run reports every file); the work
        folder is removed once the report is saved, unless ``keep_work``."""
        config = self.config
        saved = load_json(f"{root}/_report.json")
        if written.files_processed or saved is None:
            report = build_report(modes, files, work, written.counters)
            save_json(f"{root}/_report.json", report)
        else:
            report = saved
        if not (config.keep_work or any(mode.updates_a_filter for mode in modes)):
            _remove_work(config, work)  # (an overwrite rerun of an updating run needs its published decisions)
        if not quiet:
            print_table(report)
        return Outcome(root=root, files=written, documents=report["documents"], skipped=report["skipped"],
                       counts=report["modes"], reports=[f"{root}/_report.json"])


def _remove_work(config: DedupeConfig, work: WorkDir) -> None:
    """Delete this run's work folder (and the default ``_work`` folder once it is empty)."""
    remove_tree(work.root)
    if config.work_dir is None:
        remove_empty_folder(posixpath.dirname(work.root))
