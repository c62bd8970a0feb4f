"""``check``: the quickstart gates pass on the quickstart's output; every direct check fails on a
file damaged for it; exit codes, JSON and JUnit XML (parsed back)."""

from __future__ import annotations

import gzip
import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import dolma_tools as dt
from dolma_tools.cli import main
from dolma_tools.io import write_lines
from dolma_tools.stages.check.files import documents_parse, sidecars_align
from dolma_tools.stages.check.tokens import tokens_verify
from tests.conftest import make_doc
from tests.stages.conftest import REPO

GATES = REPO / "configs" / "quickstart-check.yaml"


@pytest.fixture
def in_quickstart(quickstart: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(quickstart)
    return quickstart


def _junit_cases(path: Path) -> list[tuple[str, str | None]]:
    suite = ET.parse(path).getroot().find("testsuite")
    assert suite is not None
    return [(case.get("name"), None if case.find("failure") is None else case.find("failure").get("message"))
            for case in suite.findall("testcase")]


def test_the_quickstart_gates_pass_on_the_quickstart_output(in_quickstart: Path, tmp_path: Path) -> None:
    out = tmp_path / "check"
    result = CliRunner().invoke(main, ["check", str(GATES), "-o", str(out), "--junit", str(tmp_path / "junit.xml"), "-q"])
    assert result.exit_code == 0, result.output
    assert "0 failed" in result.output and "token shards verify" in result.output
    cases = _junit_cases(tmp_path / "junit.xml")
    assert len(cases) >= 10 and all(failure is None for _, failure in cases)
    assert {"documents parse", "attribute sidecars align", "token shards verify"} <= {name for name, _ in cases}
    for name in ("stats.json", "report.html", "results.json"):
        assert (out / name).is_file()


def test_a_failed_gate_exits_1_and_is_a_junit_failure(in_quickstart: Path, tmp_path: Path) -> None:
    gates = tmp_path / "gates.yaml"
    gates.write_text("documents: sample/documents/web\nchecks: {documents: false, attributes: false}\n"
                     "gates:\n  - dedupe.documents.duplicate_fraction <= 0.001\n  - documents > 0\n")
    result = CliRunner().invoke(main, ["check", str(gates), "-o", str(tmp_path / "out"), "--junit", str(tmp_path / "j.xml"), "--json", "-q"])
    assert result.exit_code == 1, result.output
    payload = json.loads(result.output)
    assert payload["passed"] is False and [r["passed"] for r in payload["results"]] == [False, True]
    cases = dict(_junit_cases(tmp_path / "j.xml"))
    assert cases["documents > 0"] is None
    assert "measured 0.0" in cases["dedupe.documents.duplicate_fraction <= 0.001"]
    assert (tmp_path / "out" / "report.html").is_file()  # the report judged is left for the failed build


def test_drift_gates_compare_with_the_baseline(in_quickstart: Path, tmp_path: Path) -> None:
    stats = dt.stats("sample/documents/wiki", output=str(tmp_path / "now"), workers=1)
    baseline = dict(stats.to_dict(), documents=stats["documents"] * 2)
    (tmp_path / "baseline.json").write_text(json.dumps(baseline))
    gates = [{"metric": "documents", "max_change": 0.1}, {"metric": "characters", "max_change": 0.0}]
    report = dt.check(stats=str(tmp_path / "now" / "stats.json"), baseline=str(tmp_path / "baseline.json"),
                      gates=gates, output=str(tmp_path / "out"))
    assert [r.passed for r in report.results] == [False, True]
    assert "changed by 0.5" in report.results[0].detail


@pytest.mark.parametrize(("gates", "named"), [
    ("gates:\n  - documents >= 1\nbogus: 1\n", "bogus"),
    ("gates:\n  - documents >=\n", "gates.0"),
    ("gates:\n  - {metric: documents, op: '>=', value: 1, colour: red}\n", "gates.0.colour"),
    ("gates:\n  - dedupe.documnets.duplicate_fraction <= 0.1\n", "gates.0.metric"),
    ("gates:\n  - {metric: documents, max_change: 0.1}\n", "gates.0.max_change"),
])
def test_config_errors_exit_2_naming_the_key(in_quickstart: Path, tmp_path: Path, gates: str, named: str) -> None:
    path = tmp_path / "gates.yaml"
    path.write_text("documents: sample/documents/news\nchecks: {documents: false, attributes: false}\n" + gates)
    result = CliRunner().invoke(main, ["check", str(path), "-o", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 2, result.output
    assert named in result.output


# --- direct checks: each fails on a file damaged for it, and passes on the clean one ---


def _copy_tokens(quickstart: Path, tmp_path: Path) -> tuple[Path, dict]:
    folder = tmp_path / "tokens"
    shutil.copytree(quickstart / "sample" / "mixed" / "tokens", folder)
    return folder, json.loads((folder / "manifest.json").read_text())


def test_token_check_passes_on_clean_shards(in_quickstart: Path, tmp_path: Path) -> None:
    folder, _ = _copy_tokens(in_quickstart, tmp_path)
    assert tokens_verify([str(folder / "manifest.json")]).passed


def test_token_check_fails_on_an_id_over_the_vocabulary(in_quickstart: Path, tmp_path: Path) -> None:
    folder, manifest = _copy_tokens(in_quickstart, tmp_path)
    tokens = np.memmap(folder / "part-00000.npy", dtype=manifest["dtype"], mode="r+")
    tokens[5] = manifest["tokenizer"]["vocab_size"]
    tokens.flush()
    result = tokens_verify([str(folder / "manifest.json")])
    assert not result.passed and "token_over_vocabulary" in result.detail and "position 5" in result.detail


def test_token_check_fails_on_a_missing_eos(in_quickstart: Path, tmp_path: Path) -> None:
    folder, manifest = _copy_tokens(in_quickstart, tmp_path)
    with gzip.open(folder / "part-00000.csv.gz", "rt") as stream:
        end = int(stream.readline().split(",")[1])
    tokens = np.memmap(folder / "part-00000.npy", dtype=manifest["dtype"], mode="r+")
    tokens[end - 1] = 7
    tokens.flush()
    result = tokens_verify([str(folder / "manifest.json")])
    assert not result.passed and "part-00000.csv.gz:1: missing_eos" in result.detail


def test_token_check_fails_on_a_malformed_metadata_row(in_quickstart: Path, tmp_path: Path) -> None:
    folder, _ = _copy_tokens(in_quickstart, tmp_path)
    with gzip.open(folder / "part-00000.csv.gz", "rt") as stream:
        rows = stream.read().splitlines(keepends=True)
    rows[2] = "x" + rows[2]
    with gzip.open(folder / "part-00000.csv.gz", "wt") as stream:
        stream.write("".join(rows))
    result = tokens_verify([str(folder / "manifest.json")])
    assert not result.passed and "part-00000.csv.gz:3: bad_shard_metadata: start is not an integer" in result.detail


def test_token_check_fails_on_counts_and_tokenizer_hash(in_quickstart: Path, tmp_path: Path) -> None:
    folder, manifest = _copy_tokens(in_quickstart, tmp_path)
    changed = tmp_path / "tokenizer.json"
    changed.write_bytes((in_quickstart / "sample" / "tokenizer.json").read_bytes() + b"\n")
    manifest["tokenizer"]["path"] = str(changed)
    manifest["shards"][0]["documents"] += 1
    (folder / "manifest.json").write_text(json.dumps(manifest))
    result = tokens_verify([str(folder / "manifest.json")])
    assert not result.passed
    assert "tokenizer_hash" in result.detail and "document_count" in result.detail and "manifest_totals" in result.detail


def _documents_and_sidecar(quickstart: Path, tmp_path: Path) -> tuple[Path, Path, list[bytes]]:
    documents = tmp_path / "documents" / "web" / "web-0000.jsonl.gz"
    documents.parent.mkdir(parents=True)
    shutil.copy(quickstart / "sample" / "documents" / "web" / "web-0000.jsonl.gz", documents)
    with gzip.open(quickstart / "sample" / "attributes" / "pii" / "web" / "web-0000.jsonl.gz", "rb") as stream:
        lines = stream.read().splitlines(keepends=True)
    return documents, tmp_path / "attributes" / "pii" / "web" / "web-0000.jsonl.gz", lines


def test_sidecar_check_passes_on_the_clean_sidecar(in_quickstart: Path, tmp_path: Path) -> None:
    documents, sidecar, lines = _documents_and_sidecar(in_quickstart, tmp_path)
    write_lines(str(sidecar), lines)
    assert sidecars_align([(str(documents), str(sidecar))]).passed


def test_sidecar_check_fails_on_a_sidecar_one_line_short(in_quickstart: Path, tmp_path: Path) -> None:
    documents, sidecar, lines = _documents_and_sidecar(in_quickstart, tmp_path)
    write_lines(str(sidecar), lines[:-1])
    result = sidecars_align([(str(documents), str(sidecar))])
    assert not result.passed and "sidecar_too_short" in result.detail


def test_sidecar_check_fails_on_a_span_past_the_end_of_the_text(in_quickstart: Path, tmp_path: Path) -> None:
    documents, sidecar, lines = _documents_and_sidecar(in_quickstart, tmp_path)
    record = json.loads(lines[3])
    length = next(iter(record["attributes"]["pii__pii_regex_v1__email_count"]))[1]
    record["attributes"]["pii__pii_regex_v1__email"] = [[length - 2, length + 5, 1.0]]
    lines[3] = json.dumps(record).encode() + b"\n"
    write_lines(str(sidecar), lines)
    result = sidecars_align([(str(documents), str(sidecar))])
    assert not result.passed and f"{sidecar}:4: span_outside_text" in result.detail


def test_documents_check_lists_every_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl.gz"
    write_lines(str(path), [make_doc("1", "ok"), b"{not json\n", make_doc("3", "ok"), b'{"id": "4"}\n'])
    result = documents_parse([str(path)])
    assert not result.passed
    assert f"{path}:2: malformed_json" in result.detail and f"{path}:4: missing_field" in result.detail
    write_lines(str(path), [make_doc("1", "ok")])
    assert documents_parse([str(path)]).passed


def test_a_broken_input_fails_the_check_with_exit_1_not_a_crash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_lines("documents/a.jsonl.gz", [make_doc("1", "one two"), b"{broken\n"])
    result = CliRunner().invoke(main, ["check", "-d", "documents", "-o", "out", "-q", "skipped == 0"])
    assert result.exit_code == 2  # a gate is not a file argument: the gates file does not exist
    (tmp_path / "gates.yaml").write_text("gates: ['skipped == 0']\n")
    result = CliRunner().invoke(main, ["check", "gates.yaml", "-d", "documents", "-o", "out", "-q"])
    assert result.exit_code == 1, result.output
    assert "documents/a.jsonl.gz:2: malformed_json" in result.output and "measured" in result.output
