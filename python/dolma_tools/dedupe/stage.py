"""The dedupe stage: hash in parallel, decide in input order, write sidecars in parallel.

Which copy survives is defined, not a race: the first by input order (file order as listed by
``documents``, then line). Workers only hash (phase 1: key, paragraph and n-gram hashes as u64
arrays, MinHash signatures, eval-set overlaps), saved per file in the work folder. One process
then walks the files in input order (phase 2) and inserts each file's hashes into the Bloom
filter with the Rust batch ``insert_if_absent``, which answers "seen before?" in array order, or
adds signatures to one LSH index and clusters; the decisions are saved per file. Workers then
write the sidecars (phase 3). Phase 2 touches only arrays (tens of millions of keys a second),
so the parallel phases carry the cost, and the result is the same for 1 or 64 workers.

Reruns: every work file and sidecar is written atomically, phase 2 leaves ``decided.json``, and
the work folder is named by a fingerprint of the settings and inputs. A finished run is skipped
as a whole; a killed run resumes and ends with the uninterrupted result. Keys added to a
persistent filter (``bloom.update``) are published only after phase 2's decisions are saved,
and a rerun reuses those decisions instead of meeting its own keys in the updated filter.
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np

from dolma_tools._core import NGRAM_HASH_VERSION, BloomFilter
from dolma_tools.attribute_keys import AttributeKeys
from dolma_tools.dedupe import bloom as bloom_files
from dolma_tools.dedupe import decontaminate, documents, minhash, ngrams, paragraphs
from dolma_tools.dedupe.config import DedupeConfig, fingerprint
from dolma_tools.dedupe.report import build_report, print_table
from dolma_tools.dedupe.tasks import HashTask, WriteTask, mode_arrays
from dolma_tools.dedupe.work import (
    WorkDir,
    array_length,
    load_arrays,
    load_json,
    run_fingerprint,
    save_arrays,
    save_json,
)
from dolma_tools.errors import ConfigError
from dolma_tools.executor import RunSummary, make_executor, run_tasks
from dolma_tools.executor.runner import pending_tasks
from dolma_tools.io import attributes_path, attributes_root, expand
from dolma_tools.io.compression import is_remote

BLOOM_MODES = {"documents": documents, "paragraphs": paragraphs, "ngrams": ngrams}

HASH_VERSIONS = {"ngrams": NGRAM_HASH_VERSION, "decontamination": NGRAM_HASH_VERSION}
"""Modes whose keys are n-gram hashes: their filters record the hash scheme (the other modes hash
their keys as ``hash64`` always did, so their fingerprints stay as they were)."""


MODE_KEYS = {"documents": ("duplicate",), "paragraphs": ("duplicate",), "ngrams": ("duplicate",),
             "minhash": ("duplicate", "cluster", "similarity"), "decontamination": ("document", "overlap")}
"""The keys each mode writes on every sidecar line, after ``<name>__<mode>__``."""


def attribute_keys(config: DedupeConfig, source: str) -> dict[str, AttributeKeys]:
    """The keys this config writes, for checking a later mix's filters (``source``: the stage)."""
    keys = frozenset(f"{config.name}__{mode}__{key}" for mode in config.modes() for key in MODE_KEYS[mode])
    return {config.name: AttributeKeys(source, keys)}


def key_settings(config: DedupeConfig, mode: str) -> tuple[str, dict]:
    """Fingerprint and settings of what a mode's filter keys mean (for persistent filter files)."""
    section = config.modes()[mode]
    settings = section.model_dump(mode="json", exclude={"bloom"})
    digest = fingerprint(section, exclude={"bloom"})
    if mode in HASH_VERSIONS:
        settings["ngram_hash_version"] = HASH_VERSIONS[mode]
        digest += f"-v{HASH_VERSIONS[mode]}"
    return digest, settings


def check(config: DedupeConfig) -> None:
    """Checks that need no input files: persistent filters and configured filter sizes."""
    for mode, section in config.modes().items():
        bloom = getattr(section, "bloom", None)
        if bloom is None or bloom.expected_items is None:
            continue
        where = f"{'documents_mode' if mode == 'documents' else mode}.bloom"
        shape = bloom_files.sizing(bloom, bloom.expected_items, where)
        bloom_files.check_memory(shape, bloom, where)
        if mode != "decontamination":
            bloom_files.check_persistent(bloom, *key_settings(config, mode), where)


def _work_dir(config: DedupeConfig, files: list[str]) -> WorkDir:
    root = config.work_dir or f"{attributes_root(files[0], config.name)}/_work"
    if is_remote(root):
        raise ConfigError(f"work_dir: {root} is remote; give a local folder with 'work_dir' for intermediate hashes")
    return WorkDir(f"{root}/{run_fingerprint(config.modes(), files)}")


def _eval_filter(config: DedupeConfig, work: WorkDir, quiet: bool) -> tuple[str | None, dict]:
    """Build (or reuse) the eval-set filter; returns its path and the eval-side report counts."""
    mode = config.decontamination
    if mode is None:
        return None, {}
    path = mode.bloom.path or work.eval_filter()
    meta_path = path + ".json"
    meta = load_json(meta_path)
    settings = key_settings(config, "decontamination")[1]
    if os.path.exists(path) and meta is not None and meta.get("settings") == settings:
        return path, meta.get("counts", {})
    if mode.bloom.path is not None and os.path.exists(path):
        old = meta.get("settings") if meta else None
        reason = (old and bloom_files.hash_version_mismatch(old, settings)) or f"was built from other eval settings ({old})"
        raise ConfigError(f"decontamination.bloom.path: {path} {reason}; remove it or use another path")
    bloom, counts = decontaminate.build_filter(mode, mode.bloom.seed, quiet=quiet)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    bloom.save(path)
    save_json(meta_path, {"settings": settings, "counts": dict(counts)})
    return path, dict(counts)


def _decide(config: DedupeConfig, files: list[str], work: WorkDir, quiet: bool) -> dict:
    """Phase 2: one pass over every file's hashes in input order; saves decisions per file."""
    modes = config.modes()
    filters: dict[str, BloomFilter] = {}
    for mode in BLOOM_MODES:
        if mode in modes:
            keys = sum(array_length(work.hashes(i), f"{mode}/hash") for i in range(len(files)))
            where = f"{'documents_mode' if mode == 'documents' else mode}.bloom"
            if modes[mode].bloom.update:
                bloom_files.check_not_yet_added(modes[mode].bloom, os.path.basename(work.root), where)
            filters[mode] = bloom_files.open_filter(modes[mode].bloom, keys, where, quiet=quiet)
    index = minhash.make_index(modes["minhash"]) if "minhash" in modes else None
    doc_counts: list[int] = []
    decisions: list[dict[str, np.ndarray]] = []
    for position in range(len(files)):
        needed = [f"{mode}/{key}" for mode in filters for key in BLOOM_MODES[mode].DECIDED_FROM]
        arrays = load_arrays(work.hashes(position), needed + (["minhash/signatures"] if index is not None else []))
        decided: dict[str, np.ndarray] = {}
        for mode, bloom in filters.items():
            for key, value in BLOOM_MODES[mode].decide(bloom, mode_arrays(arrays, mode)).items():
                decided[f"{mode}/{key}"] = value
        if index is not None:
            index.add(np.ascontiguousarray(arrays["minhash/signatures"]), sum(doc_counts))
        doc_counts.append(array_length(work.hashes(position), "lengths"))
        decisions.append(decided)
    summary: dict = {"doc_counts": doc_counts, "filters": {}, "published": False}
    if index is not None:
        cluster_id, similarity, summary["minhash"] = minhash.cluster(modes["minhash"], index)
        starts = np.cumsum([0] + doc_counts)
        for position, decided in enumerate(decisions):
            decided["minhash/cluster"] = cluster_id[starts[position]:starts[position + 1]]
            decided["minhash/similarity"] = similarity[starts[position]:starts[position + 1]]
    for position, decided in enumerate(decisions):
        save_arrays(work.decisions(position), decided)
    for mode, bloom in filters.items():
        fp_rate = bloom.estimated_fp_rate()
        summary["filters"][mode] = {
            "bytes": bloom.num_bits // 8, "hashes": bloom.num_hashes,
            "fill": round(fp_rate ** (1 / bloom.num_hashes), 6), "estimated_fp_rate": fp_rate,
            "estimated_keys": round(bloom.estimated_len()),
        }
        if modes[mode].bloom.update:
            os.makedirs(work.root, exist_ok=True)
            bloom.save(work.pending_filter(mode))
    save_json(work.decided, summary)
    return summary


def _publish(config: DedupeConfig, work: WorkDir, summary: dict) -> None:
    """Copy updated persistent filters into place, once, after the decisions are saved."""
    if summary["published"]:
        return
    for mode, section in config.modes().items():
        bloom = getattr(section, "bloom", None)
        if mode in BLOOM_MODES and bloom is not None and bloom.update:
            fp, settings = key_settings(config, mode)
            bloom_files.publish(work.pending_filter(mode), bloom, fp, settings, os.path.basename(work.root))
            os.remove(work.pending_filter(mode))
    summary["published"] = True
    save_json(work.decided, summary)


def _updates_a_filter(config: DedupeConfig) -> bool:
    """Whether this run adds its keys to a persistent filter (then its published decisions are kept:
    deciding again would meet the run's own keys in the filter)."""
    return any(mode in BLOOM_MODES and section.bloom.update for mode, section in config.modes().items())


def _write_tasks(config: DedupeConfig, files: list[str], work: WorkDir, firsts: list[int]) -> list[WriteTask]:
    """Phase-3 tasks; ``firsts[i]`` is the global index of file i's first document (from phase 1)."""
    modes = tuple(config.modes().items())
    return [WriteTask(source=path, hashes=work.hashes(i), decisions=work.decisions(i),
                      output=attributes_path(path, config.name), counts=work.counts(i),
                      name_prefix=config.name, first_index=firsts[i], modes=modes)
            for i, path in enumerate(files)]


def run(config: DedupeConfig, *, quiet: bool = False) -> RunSummary:
    """Deduplicate ``config.documents``; a finished run is skipped, a killed one resumes."""
    started = time.monotonic()
    check(config)
    files = expand(config.documents)
    work = _work_dir(config, files)
    modes = tuple(config.modes().items())
    root = attributes_root(files[0], config.name)
    if not config.overwrite and not pending_tasks(_write_tasks(config, files, work, [0] * len(files)), False):
        summary = load_json(work.decided)
        if summary is not None and not summary["published"]:
            _publish(config, work, summary)
        return _finish(config, files, work, root, started, processed=0, quiet=quiet)
    eval_filter, _ = _eval_filter(config, work, quiet)
    hashing = [HashTask(source=path, output=work.hashes(i), modes=modes,
                        skip_bad_lines=config.on_error == "skip", eval_filter=eval_filter)
               for i, path in enumerate(files)]
    with make_executor(config.executor, config.workers) as executor:  # workers start once for both phases
        run_tasks("dedupe:hash", hashing, config, quiet=quiet, executor=executor)
        summary = load_json(work.decided)
        if summary is None or (config.overwrite and not (summary["published"] and _updates_a_filter(config))):
            summary = _decide(config, files, work, quiet)
        elif config.overwrite and not quiet:
            print("dedupe: reusing saved decisions (a persistent filter already holds this run's keys)", file=sys.stderr)
        firsts = np.cumsum([0] + summary["doc_counts"]).tolist()
        phase3 = run_tasks("dedupe", _write_tasks(config, files, work, firsts), config, quiet=quiet, executor=executor)
    _publish(config, work, summary)
    return _finish(config, files, work, root, started, processed=phase3.files_processed, quiet=quiet)


def _finish(config: DedupeConfig, files: list[str], work: WorkDir, root: str, started: float,
            *, processed: int, quiet: bool) -> RunSummary:
    """The run summary and report, from the work folder (so a resumed run reports every file)."""
    saved = load_json(f"{root}/_report.json")
    if processed or saved is None:
        report = build_report(config, files, work, _eval_filter_counts(config, work))
    else:
        report = saved
    summary = RunSummary(
        stage="dedupe", files_total=len(files), files_processed=processed, files_already_done=len(files) - processed,
        documents=report["documents"], skipped=report["skipped"], counts=report["modes"],
        seconds=round(time.monotonic() - started, 3), output=f"{root}/_report.json",
    )
    if processed:
        save_json(f"{root}/_report.json", report)
    if not quiet:
        print_table(report)
    return summary


def _eval_filter_counts(config: DedupeConfig, work: WorkDir) -> dict:
    mode = config.decontamination
    if mode is None:
        return {}
    meta = load_json((mode.bloom.path or work.eval_filter()) + ".json")
    return (meta or {}).get("counts", {})
