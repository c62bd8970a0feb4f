"""The exact modes decided in key partitions: the same survivors for any partition count, a
plain-Python first-copy reference, persistent filters kept per partition, and resume after a kill."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dolma_tools as dt
from dolma_tools._core import hash64_batch
from dolma_tools.errors import ConfigError
from dolma_tools.stages.dedupe.modes.paragraphs import ExactParagraphs, ParagraphsMode
from dolma_tools.stages.dedupe.partitions import PartitionTask, keys_per_partition, seen_flags, split_keys
from dolma_tools.stages.dedupe.work import WorkDir
from tests.stages.dedupe.conftest import sidecar_bytes, sidecars

EXACT_MODES = {
    "documents": {"documents_mode": {}},
    "urls": {"documents_mode": {"key": "metadata.url", "normalize": True}},
    "paragraphs": {"paragraphs": {"min_words": 3}},
    "ngrams": {"ngrams": {}},
}


@pytest.mark.parametrize("mode", sorted(EXACT_MODES))
def test_one_three_and_sixteen_partitions_write_identical_sidecars(mode: str, sample: Path, tmp_path: Path) -> None:
    results = {}
    for partitions in (1, 3, 16):
        root = tmp_path / str(partitions)
        shutil.copytree(sample / "documents", root / "documents")
        summary = dt.dedupe(str(root / "documents"), partitions=partitions, workers=2, **EXACT_MODES[mode])
        results[partitions] = sidecar_bytes(root)
        report = json.loads((root / "attributes" / "dedupe" / "_report.json").read_text())
        figures = next(iter(report["modes"].values()))["filter"]
        assert figures.get("partitions", 1) == partitions
        assert summary.counts[next(iter(report["modes"]))]["documents_flagged"] > 0
    assert results[1] == results[3] == results[16]


def _write(path: Path, texts: list[str], first: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt", encoding="utf-8") as stream:
        for offset, text in enumerate(texts):
            stream.write(json.dumps({"id": str(first + offset), "text": text, "source": "t"}) + "\n")


def _reference(texts: list[str]) -> tuple[set[str], set[tuple[str, int, int]]]:
    """First copy by input order, in plain Python: repeated documents, and repeated paragraphs
    as (id, start, end) spans through their trailing newline."""
    seen_docs: set[str] = set()
    seen_paragraphs: set[str] = set()
    documents, paragraphs = set(), set()
    for index, text in enumerate(texts):
        if text in seen_docs:
            documents.add(str(index))
        seen_docs.add(text)
        start = 0
        for paragraph in text.split("\n"):
            end = start + len(paragraph)
            if paragraph.strip():
                if paragraph in seen_paragraphs:
                    paragraphs.add((str(index), start, min(end + 1, len(text))))
                seen_paragraphs.add(paragraph)
            start = end + 1
    return documents, paragraphs


LINES = st.sampled_from(["alpha beta", "gamma", "delta epsilon zeta", " alpha beta", "ünï cödé", "x"])
TEXTS = st.lists(st.lists(LINES, min_size=1, max_size=4).map("\n".join), min_size=1, max_size=40)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=TEXTS, cuts=st.lists(st.integers(0, 40), max_size=3), partitions=st.integers(1, 20))
def test_partitions_agree_with_a_plain_python_first_copy(tmp_path: Path, texts: list[str], cuts: list[int],
                                                         partitions: int) -> None:
    root = tmp_path / f"run{len(list(tmp_path.iterdir()))}"
    bounds = [0, *sorted(min(cut, len(texts)) for cut in cuts), len(texts)]
    for number, (start, stop) in enumerate(zip(bounds, bounds[1:])):
        _write(root / "documents" / f"part-{number}.jsonl.gz", texts[start:stop], start)
    dt.dedupe(str(root / "documents"), partitions=partitions, workers=1, documents_mode={}, paragraphs={})
    attributes = sidecars(root)
    documents, paragraphs = _reference(texts)
    assert {i for i, a in attributes.items() if a["dedupe__documents__duplicate"]} == documents
    assert {(i, s, e) for i, a in attributes.items() for s, e, _ in a["dedupe__paragraphs__duplicate"]} == paragraphs


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=st.lists(st.lists(st.integers(0, 30), max_size=50), min_size=1, max_size=5), partitions=st.integers(1, 40))
def test_partition_tasks_flag_exactly_the_repeats(tmp_path: Path, files: list[list[int]], partitions: int) -> None:
    """The partition layer alone, on key streams: seen[i] is 'this key occurred earlier in input order'."""
    work = WorkDir(str(tmp_path / f"w{len(list(tmp_path.iterdir()))}"), partitions)
    mode = ExactParagraphs(ParagraphsMode())
    parts = []
    for position, keys in enumerate(files):
        hashes = hash64_batch([str(key) for key in keys], 0)
        parts.append(split_keys({"hash": hashes}, partitions, work.keys("paragraphs", position))["part"])
    key_files = tuple(work.keys("paragraphs", i) for i in range(len(files)))
    counts = keys_per_partition(key_files, partitions)
    assert counts.sum() == sum(map(len, files))
    for p in range(partitions):
        PartitionTask(source="t", output=work.partition("paragraphs", p), mode=mode, key_files=key_files, partition=p,
                      partitions=partitions, items=int(counts[p]), pending=None).run(lambda n: None)
    outputs = [work.partition("paragraphs", p) for p in range(partitions)]
    earlier: set[int] = set()
    for position, keys in enumerate(files):
        expected = []
        for key in keys:
            expected.append(key in earlier)
            earlier.add(key)
        assert seen_flags(parts[position], outputs, position).tolist() == expected


def _versions(sample: Path, tmp_path: Path) -> tuple[Path, Path]:
    files = sorted((sample / "documents").rglob("*.jsonl.gz"))
    old, new = tmp_path / "v1", tmp_path / "v2"
    (old / "documents").mkdir(parents=True)
    (new / "documents").mkdir(parents=True)
    shutil.copy2(files[0], old / "documents" / "a.jsonl.gz")
    shutil.copy2(files[0], new / "documents" / "a.jsonl.gz")
    shutil.copy2(files[1], new / "documents" / "b.jsonl.gz")
    return old, new


def test_a_persistent_filter_is_one_file_per_partition_and_keeps_its_count(sample: Path, tmp_path: Path) -> None:
    old, new = _versions(sample, tmp_path)
    path = tmp_path / "filters" / "docs.bloom"
    bloom = {"path": str(path), "expected_items": 100_000}
    dt.dedupe(str(old / "documents"), partitions=4, workers=2, documents_mode={"bloom": {**bloom, "update": True}})
    assert sorted(p.name for p in path.parent.iterdir()) == [
        "docs.bloom.json", *(f"docs.bloom.part-{p:05d}-of-00004" for p in range(4))]
    assert json.loads(path.with_name("docs.bloom.json").read_text())["partitions"] == 4
    dt.dedupe(str(new / "documents"), workers=2, documents_mode={"bloom": bloom})  # the count comes from the filter
    flagged = sidecars(new)
    assert all(flagged[i]["dedupe__documents__duplicate"] for i in sidecars(old))
    with pytest.raises(ConfigError, match=r"built in 4 partition\(s\) but partitions is 16; set partitions: 4"):
        dt.dedupe(str(new / "documents"), partitions=16, overwrite=True, documents_mode={"bloom": bloom})

    one = tmp_path / "one"
    shutil.copytree(old / "documents", one / "v1" / "documents")
    shutil.copytree(new / "documents", one / "v2" / "documents")
    single = {"path": str(one / "docs.bloom"), "expected_items": 100_000}
    dt.dedupe(str(one / "v1" / "documents"), workers=1, documents_mode={"bloom": {**single, "update": True}})
    assert (one / "docs.bloom").is_file()  # a new persistent filter is one file unless partitions are asked for
    dt.dedupe(str(one / "v2" / "documents"), workers=1, documents_mode={"bloom": single})
    assert sidecar_bytes(one / "v2") == sidecar_bytes(new)


def test_a_damaged_partition_file_is_refused_before_any_work(sample: Path, tmp_path: Path) -> None:
    old, _ = _versions(sample, tmp_path)
    path = tmp_path / "docs.bloom"
    bloom = {"path": str(path), "expected_items": 100_000}
    dt.dedupe(str(old / "documents"), partitions=3, workers=1, documents_mode={"bloom": {**bloom, "update": True}})
    damaged = Path(f"{path}.part-00001-of-00003")
    damaged.write_bytes(damaged.read_bytes()[:-100])
    with pytest.raises(ConfigError, match="part-00001-of-00003: damaged"):
        dt.dedupe(str(old / "documents"), overwrite=True, workers=1, documents_mode={"bloom": bloom})


def test_a_run_killed_during_the_decision_pass_resumes_to_the_same_sidecars(sample: Path, tmp_path: Path) -> None:
    modes = "documents_mode: {}\nparagraphs: {min_words: 3}\nngrams: {}\n"
    reference = tmp_path / "reference"
    shutil.copytree(sample / "documents", reference / "documents")
    dt.dedupe(str(reference / "documents"), workers=1, partitions=1, documents_mode={}, paragraphs={"min_words": 3},
              ngrams={})
    config = tmp_path / "dedupe.yaml"
    config.write_text(f"documents: {sample / 'documents'}\nworkers: 1\npartitions: 48\n{modes}")
    command = [sys.executable, "-m", "dolma_tools", "dedupe", "-c", str(config), "-q"]
    process = subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    work = sample / "attributes" / "dedupe" / "_work"
    deadline = time.monotonic() + 120
    while process.poll() is None and time.monotonic() < deadline:
        if len(list(work.glob("*/partitions/*/*.npy"))) >= 5:
            os.killpg(process.pid, signal.SIGKILL)
            break
        time.sleep(0.01)
    process.wait()
    assert process.returncode == -signal.SIGKILL, "the run ended before the decision pass could be interrupted"
    assert not (sample / "attributes" / "dedupe" / "_report.json").exists()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    assert sidecar_bytes(sample) == sidecar_bytes(reference)
    assert not work.exists()  # removed once the run completed


def test_partitions_out_of_range_fail_at_load(sample: Path) -> None:
    for wrong in (0, 65_536):  # partition numbers are stored as uint16
        with pytest.raises(ConfigError, match="partitions"):
            dt.dedupe(str(sample / "documents"), partitions=wrong, documents_mode={})
