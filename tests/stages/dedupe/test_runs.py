"""Determinism and safety of runs: workers, reruns, kills, persistent filters, decontamination."""

from __future__ import annotations

import gzip
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import dolma_tools as dt
from dolma_tools._core import BloomFilter
from dolma_tools.config import validate
from dolma_tools.stages.dedupe.config import DedupeConfig
from dolma_tools.stages.dedupe.stage import DedupeStage, check
from dolma_tools.errors import ConfigError
from tests.stages.dedupe.conftest import sidecar_bytes, sidecars, truth

ALL_MODES = {"documents_mode": {}, "paragraphs": {"min_words": 3}, "ngrams": {}, "minhash": {}}


def test_one_and_four_workers_write_identical_sidecars(sample: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    shutil.copytree(sample / "documents", other / "documents")
    dt.dedupe(str(sample / "documents"), workers=1, **ALL_MODES)
    dt.dedupe(str(other / "documents"), workers=4, **ALL_MODES)
    assert sidecar_bytes(sample) == sidecar_bytes(other)


def test_rerun_changes_nothing(sample: Path) -> None:
    filter_path = str(sample / "filters" / "docs.bloom")
    options = {"documents_mode": {"bloom": {"path": filter_path, "expected_items": 10_000, "update": True}}, "workers": 1}
    dt.dedupe(str(sample / "documents"), **options)
    first = sidecar_bytes(sample)
    assert any(a["dedupe__documents__duplicate"] for a in sidecars(sample).values())
    again = dt.dedupe(str(sample / "documents"), **options)
    assert again.files_processed == 0 and sidecar_bytes(sample) == first
    redone = dt.dedupe(str(sample / "documents"), overwrite=True, **options)  # the filter holds these keys now
    assert redone.files_processed == redone.files_total and sidecar_bytes(sample) == first


def test_overwrite_decides_again_from_the_current_inputs(sample: Path) -> None:
    dt.dedupe(str(sample / "documents"), documents_mode={}, workers=1)
    before = sum(bool(a["dedupe__documents__duplicate"]) for a in sidecars(sample).values())
    first = sorted((sample / "documents").rglob("*.jsonl*"))[0]
    lines = gzip.decompress(first.read_bytes()).splitlines(keepends=True)
    first.write_bytes(gzip.compress(b"".join(lines + lines[:5]), mtime=0))  # same path, five more copies
    dt.dedupe(str(sample / "documents"), documents_mode={}, workers=1, overwrite=True)
    assert sum(bool(a["dedupe__documents__duplicate"]) for a in sidecars(sample).values()) >= before + 5


def test_killed_run_resumes_to_the_uninterrupted_result(sample: Path, tmp_path: Path) -> None:
    reference = tmp_path / "reference"
    shutil.copytree(sample / "documents", reference / "documents")
    dt.dedupe(str(reference / "documents"), workers=1, **ALL_MODES)
    config = tmp_path / "dedupe.yaml"
    config.write_text(f"documents: {sample / 'documents'}\nworkers: 2\ndocuments_mode: {{}}\nparagraphs: {{min_words: 3}}\n"
                      "ngrams: {}\nminhash: {}\n")
    command = [sys.executable, "-m", "dolma_tools", "dedupe", "-c", str(config), "-q"]
    process = subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(2.5)
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    assert sidecar_bytes(sample) == sidecar_bytes(reference)


def test_persistent_filter_dedupes_a_new_version_and_checks_parameters(sample: Path, tmp_path: Path) -> None:
    filter_path = str(tmp_path / "v1.bloom")
    bloom = {"path": filter_path, "expected_items": 1_000_000, "fp_rate": 1e-6}
    files = sorted((sample / "documents").rglob("*.jsonl.gz"))
    old, new = tmp_path / "v1", tmp_path / "v2"
    (old / "documents").mkdir(parents=True)
    (new / "documents").mkdir(parents=True)
    shutil.copy(files[0], old / "documents" / "a.jsonl.gz")
    shutil.copy(files[0], new / "documents" / "a.jsonl.gz")  # unchanged file in the new version
    shutil.copy(files[1], new / "documents" / "b.jsonl.gz")
    dt.dedupe(str(old / "documents"), documents_mode={"bloom": {**bloom, "update": True}}, workers=1)
    assert os.path.exists(filter_path)
    dt.dedupe(str(new / "documents"), documents_mode={"bloom": bloom}, workers=1)
    flagged = sidecars(new)
    old_ids = set(sidecars(old))
    assert all(flagged[i]["dedupe__documents__duplicate"] for i in old_ids)
    mtime = os.path.getmtime(filter_path)
    with pytest.raises(ConfigError, match="v1.bloom"):
        dt.dedupe(str(new / "documents"), documents_mode={"bloom": {**bloom, "fp_rate": 1e-3}}, overwrite=True, workers=1)
    with pytest.raises(ConfigError, match="other key settings"):
        dt.dedupe(str(new / "documents"), documents_mode={"normalize": True, "bloom": bloom}, overwrite=True, workers=1)
    assert BloomFilter.load(filter_path).layout == "blocked"  # the default
    with pytest.raises(ConfigError, match="layout=blocked, but layout=standard"):
        dt.dedupe(str(new / "documents"), documents_mode={"bloom": {**bloom, "layout": "standard"}}, overwrite=True, workers=1)
    assert os.path.getmtime(filter_path) == mtime  # read-only runs never write the filter


def test_filter_larger_than_memory_is_refused_unless_forced(sample: Path) -> None:
    huge = {"expected_items": 10**11, "fp_rate": 1e-6}
    with pytest.raises(ConfigError, match=r"needs [\d,]+ bytes but only [\d,]+ are available"):
        dt.dedupe(str(sample / "documents"), documents_mode={"bloom": huge}, workers=1)
    forced = validate(DedupeConfig, {"documents": str(sample / "documents"), "documents_mode": {"bloom": {**huge, "force": True}}})
    check(forced)  # passes the memory check (the run itself is not attempted here)


def test_decontamination_flags_planted_overlaps_only(sample: Path, tmp_path: Path) -> None:
    eval_set = str(sample / "eval" / "benchmark.jsonl")
    dt.dedupe(str(sample / "documents"), decontamination={"eval_sets": eval_set}, workers=1)
    attributes = sidecars(sample)
    planted = truth(sample)["contaminated"]
    flagged = {d for d, a in attributes.items() if a["dedupe__decontamination__document"]}
    assert flagged == set(planted)
    for doc_id, plants in planted.items():
        spans = attributes[doc_id]["dedupe__decontamination__overlap"]
        for plant in plants:
            assert any(start < plant["end"] and plant["start"] < end for start, end, _ in spans)

    from dolma_tools.sample.corpus import generate_sample

    clean = tmp_path / "clean"
    generate_sample(clean, seed=99, num_documents=300, eval_set=False)
    dt.dedupe(str(clean / "documents"), decontamination={"eval_sets": eval_set}, workers=1)
    assert not any(a["dedupe__decontamination__document"] for a in sidecars(clean).values())


def test_impossible_settings_fail_at_load(sample: Path) -> None:
    with pytest.raises(ConfigError, match="exceeds num_perm"):
        dt.dedupe(str(sample / "documents"), minhash={"bands": 20, "rows": 10})
    with pytest.raises(ConfigError, match="at least one mode"):
        dt.dedupe(str(sample / "documents"))
    with pytest.raises(ConfigError, match="expected_items"):
        dt.dedupe(str(sample / "documents"), documents_mode={"bloom": {"path": "x.bloom"}})


def test_updated_filter_without_saved_decisions_is_refused(sample: Path) -> None:
    options = {"documents_mode": {"bloom": {"path": str(sample / "f.bloom"), "expected_items": 10_000, "update": True}},
               "workers": 1}
    dt.dedupe(str(sample / "documents"), **options)
    shutil.rmtree(sample / "attributes")
    with pytest.raises(ConfigError, match="already holds this run's keys"):
        dt.dedupe(str(sample / "documents"), **options)


def test_every_sidecar_line_holds_the_declared_keys(sample: Path) -> None:
    """What config validation checks a mix's filters against is what dedupe writes."""
    options = {**ALL_MODES, "decontamination": {"eval_sets": str(sample / "eval" / "benchmark.jsonl")}}
    dt.dedupe(str(sample / "documents"), workers=1, **options)
    declared = DedupeStage(validate(DedupeConfig, {"documents": str(sample / "documents"), **options})).attribute_keys("here")
    assert set(declared) == {"dedupe"} and len(declared["dedupe"].keys) == 10  # minhash writes cluster_size and survivor too
    assert all(set(attributes) == declared["dedupe"].keys for attributes in sidecars(sample).values())
