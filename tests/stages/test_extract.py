"""extract end to end on the real crawl pywb ships (``iana.warc.gz``, 343 records of iana.org, 2014)."""

from __future__ import annotations

import filecmp
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from dolma_tools.cli import main
from dolma_tools.io import iter_documents
from tests.conftest import read_gz_lines
from tests.stages.warcs import needs_pywb, pywb_warc

pytestmark = needs_pywb
REAL = ["iana.warc.gz", "example.warc.gz", "example-wget-1-14.warc.gz", "example-wpull.warc.gz", "dupes.warc.gz"]


def _html_responses(path: Path) -> list[str]:
    """URLs of 2xx HTML responses, counted by warcio (a reader independent of the stage's)."""
    from warcio.archiveiterator import ArchiveIterator

    urls = []
    with open(path, "rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type != "response" or record.http_headers is None:
                continue
            mime = (record.http_headers.get_header("Content-Type") or "").split(";")[0].strip().lower()
            if record.http_headers.get_statuscode().startswith("2") and mime == "text/html":
                urls.append(record.rec_headers.get_header("WARC-Target-URI"))
    return urls


def _extract(args: list[str]) -> dict:
    result = CliRunner().invoke(main, ["extract", "-q", "--added", "2024-05-01", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_every_html_response_of_the_real_crawl_becomes_a_document(tmp_path: Path) -> None:
    warc = pywb_warc()
    summary = _extract(["-w", str(warc), "-o", str(tmp_path), "--workers", "1"])
    docs = read_gz_lines(tmp_path / "documents" / "common-crawl" / "iana.jsonl.gz")
    expected = _html_responses(warc)
    assert len(expected) == 16
    assert [d["metadata"]["url"] for d in docs] == expected
    assert summary["documents"] == 16 and summary["counts"]["records"] == 343
    for doc in docs:
        assert doc["text"].strip() and doc["source"] == "common-crawl" and doc["added"] == "2024-05-01"
        assert doc["created"].startswith("2014-01-26T") and doc["metadata"]["content_type"] == "text/html"
    home = docs[0]
    assert home["text"].startswith("Internet Assigned Numbers Authority")
    assert home["id"] == "4eec4942-a541-410a-99f4-50de39b62118"  # the record's WARC-Record-ID
    dropped = sum(v for k, v in summary["counts"].items() if k.startswith("dropped."))
    assert summary["documents"] + dropped == summary["counts"]["records"]
    assert summary["counts"]["dropped.http_status"] == 4  # the 302 redirects


def test_documents_are_read_by_the_other_stages(tmp_path: Path) -> None:
    _extract(["-w", str(pywb_warc()), "-o", str(tmp_path), "--workers", "1"])
    result = CliRunner().invoke(main, ["tag", "-q", "-d", str(tmp_path / "documents"), "-e", "len",
                                       "-t", "char_length_v1", "--workers", "1"])
    assert result.exit_code == 0, result.output
    docs = [d for _, d in iter_documents(str(tmp_path / "documents" / "common-crawl" / "iana.jsonl.gz"))]
    assert len(read_gz_lines(tmp_path / "attributes" / "len" / "common-crawl" / "iana.jsonl.gz")) == len(docs)


def _copy_real(folder: Path, copies: int = 1) -> Path:
    folder.mkdir(parents=True)
    for name in REAL:
        for copy in range(copies):
            shutil.copy(pywb_warc(name), folder / (f"c{copy}-{name}" if copies > 1 else name))
    return folder


def test_ids_and_bytes_are_the_same_for_any_worker_count_and_rerun(tmp_path: Path) -> None:
    inputs = _copy_real(tmp_path / "in")
    outputs = []
    for label, workers in (("one", "1"), ("three", "3"), ("again", "1")):
        _extract(["-w", str(inputs), "-o", str(tmp_path / label), "--workers", workers])
        outputs.append(tmp_path / label / "documents" / "common-crawl")
    names = sorted(p.name for p in outputs[0].glob("*.jsonl.gz"))
    assert len(names) == len(REAL)
    for other in outputs[1:]:
        assert filecmp.cmpfiles(outputs[0], other, names, shallow=False)[1:] == ([], [])


def test_a_finished_run_rerun_does_nothing_and_overwrite_redoes_it(tmp_path: Path) -> None:
    args = ["-w", str(pywb_warc()), "-o", str(tmp_path), "--workers", "1"]
    assert _extract(args)["files_processed"] == 1
    assert _extract(args)["files_already_done"] == 1
    assert _extract([*args, "--overwrite"])["files_processed"] == 1


def _command(inputs: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "dolma_tools.cli", "extract", "-w", str(inputs), "-o", str(out),
            "--extractor", "trafilatura", "--workers", "1", "--added", "2024-05-01", "-q"]


@pytest.mark.slow
def test_kill_9_then_rerun_equals_an_uninterrupted_run(tmp_path: Path) -> None:
    inputs = _copy_real(tmp_path / "in", copies=3)
    killed, clean = tmp_path / "killed", tmp_path / "clean"
    out_dir = killed / "documents" / "common-crawl"
    process = subprocess.Popen(_command(inputs, killed), start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(out_dir.glob("*.jsonl.gz"))) < 2:
        assert process.poll() is None, "the run ended before it could be killed"
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    finished = list(out_dir.glob("*.jsonl.gz"))
    assert 2 <= len(finished) < 3 * len(REAL), "the run should have been killed midway"
    subprocess.run(_command(inputs, killed), check=True, stdout=subprocess.DEVNULL)
    subprocess.run(_command(inputs, clean), check=True, stdout=subprocess.DEVNULL)
    names = sorted(p.name for p in (clean / "documents" / "common-crawl").glob("*.jsonl.gz"))
    assert len(names) == 3 * len(REAL)
    assert filecmp.cmpfiles(out_dir, clean / "documents" / "common-crawl", names, shallow=False)[1:] == ([], [])


def test_trafilatura_extracts_the_same_pages(tmp_path: Path) -> None:
    summary = _extract(["-w", str(pywb_warc()), "-o", str(tmp_path), "--workers", "1", "--extractor", "trafilatura"])
    docs = read_gz_lines(tmp_path / "documents" / "common-crawl" / "iana.jsonl.gz")
    assert summary["documents"] + summary["counts"].get("dropped.no_main_text", 0) == 16
    assert all(d["text"].strip() for d in docs) and len(docs) >= 12
