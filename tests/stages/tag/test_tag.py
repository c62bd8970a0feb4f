"""The tag stage end to end: outputs, determinism, resume, failures."""

from __future__ import annotations

import filecmp
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import dolma_tools as dt
from dolma_tools.errors import ConfigError, InputError, StageError
from tests.conftest import make_doc, read_gz_lines
from dolma_tools.io import write_lines

TAGGERS = ["char_length_v1", "word_count_v1", "paragraph_count_v1"]


def attribute_files(root: Path) -> dict[str, bytes]:
    base = root / "attributes" / "exp"
    return {str(p.relative_to(base)): p.read_bytes() for p in sorted(base.rglob("*.jsonl.gz"))}


def test_sidecars_follow_the_documents_line_by_line(corpus: Path) -> None:
    summary = dt.tag(str(corpus / "documents"), "exp", TAGGERS, workers=1)
    assert summary.documents == 1000 and summary.files_processed == 4
    records = read_gz_lines(corpus / "attributes" / "exp" / "web" / "part-0.jsonl.gz")
    assert [r["id"] for r in records] == [f"0-{i}" for i in range(250)]
    first = records[0]["attributes"]
    text = "Doc 0 of file 0: caf\u00e9 \U0001f600 \u4e2d\u6587.\n\nSecond paragraph 0."
    assert first["exp__char_length_v1__length"] == [[0, len(text), float(len(text))]]
    assert first["exp__word_count_v1__words"] == [[0, len(text), 11.0]]
    assert first["exp__paragraph_count_v1__paragraph"] == [[0, 27, 27.0], [29, 48, 19.0]]
    assert all(isinstance(score, float) for spans in first.values() for _, _, score in spans)
    saved = json.loads((corpus / "attributes" / "exp" / "_summary.json").read_text())
    assert saved["documents"] == 1000 and saved["stage"] == "tag"


def test_one_and_four_workers_write_identical_bytes(corpus: Path, tmp_path_factory) -> None:
    other = tmp_path_factory.mktemp("copy")
    for path in (corpus / "documents").rglob("*.gz"):
        target = other / path.relative_to(corpus)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    dt.tag(str(corpus / "documents"), "exp", TAGGERS, workers=1)
    dt.tag(str(other / "documents"), "exp", TAGGERS, workers=4)
    assert attribute_files(corpus) == attribute_files(other)
    assert len(attribute_files(corpus)) == 4


def test_rerun_of_a_finished_run_is_a_no_op(corpus: Path) -> None:
    dt.tag(str(corpus / "documents"), "exp", TAGGERS, workers=2)
    before = {p: p.stat().st_mtime_ns for p in (corpus / "attributes").rglob("*")}
    summary = dt.tag(str(corpus / "documents"), "exp", TAGGERS, workers=2)
    assert summary.files_processed == 0 and summary.files_already_done == 4
    assert {p: p.stat().st_mtime_ns for p in (corpus / "attributes").rglob("*")} == before


def test_overwrite_redoes_finished_files(corpus: Path) -> None:
    dt.tag(str(corpus / "documents"), "exp", TAGGERS, workers=1)
    assert dt.tag(str(corpus / "documents"), "exp", TAGGERS, workers=1, overwrite=True).files_processed == 4


def test_bad_line_fails_the_run_and_leaves_no_sidecar(tmp_path: Path) -> None:
    path = tmp_path / "documents" / "a.jsonl.gz"
    write_lines(str(path), [make_doc("1", "ok"), b'{"id": "2"}\n', make_doc("3", "ok")])
    with pytest.raises(InputError, match=r"a\.jsonl\.gz:2: missing_field"):
        dt.tag(str(path), "exp", TAGGERS, workers=1)
    assert not (tmp_path / "attributes" / "exp" / "a.jsonl.gz").exists()
    assert not any(p.is_file() for p in (tmp_path / "attributes").rglob("*"))


def test_skip_counts_bad_lines_by_reason(tmp_path: Path) -> None:
    path = tmp_path / "documents" / "a.jsonl.gz"
    write_lines(str(path), [make_doc("1", "ok"), b'{"id": "2"}\n', b"{bad\n", make_doc("3", "ok")])
    summary = dt.tag(str(path), "exp", TAGGERS, workers=1, on_error="skip")
    assert summary.documents == 2
    assert summary.skipped == {"missing_field": 1, "malformed_json": 1}
    assert [r["id"] for r in read_gz_lines(tmp_path / "attributes" / "exp" / "a.jsonl.gz")] == ["1", "3"]


FAILING_TAGGER = '''
import os
from dolma_tools import Tagger, document_span

class Exploding(Tagger):
    name = "exploding_v1"
    def predict(self, doc):
        if doc.id == "1-100":
            raise RuntimeError("tagger bug on purpose")
        return {"x": document_span(doc, 1)}

class Dying(Tagger):
    name = "dying_v1"
    def predict(self, doc):
        if doc.id == "2-5":
            os._exit(3)
        return {}
'''


@pytest.mark.parametrize(("tagger", "message"), [
    ("exploding_v1", "tagger bug on purpose"),
    ("dying_v1", "worker process died"),
])
def test_a_failure_in_a_worker_fails_the_run(corpus: Path, tagger: str, message: str) -> None:
    module = corpus / "failing.py"
    module.write_text(FAILING_TAGGER)
    with pytest.raises(StageError, match=message) as caught:
        dt.tag(str(corpus / "documents"), "exp", [tagger], workers=2, tagger_modules=[str(module)])
    assert "part-" in str(caught.value)


BATCH_FAILURE = '''
from dolma_tools import Tagger

class Picky(Tagger):
    name = "picky_v1"
    def predict_batch(self, docs):
        raise RuntimeError("fails on any batch")
'''


def test_a_tagger_crash_names_the_document_line(corpus: Path) -> None:
    module = corpus / "failing.py"
    module.write_text(FAILING_TAGGER)
    with pytest.raises(StageError) as caught:
        dt.tag(str(corpus / "documents" / "web" / "part-1.jsonl.gz"), "exp", ["exploding_v1"], workers=1,
               tagger_modules=[str(module)])
    assert str(caught.value).startswith(f"{corpus}/documents/web/part-1.jsonl.gz:101: tagger 'exploding_v1' "
                                        "failed on document '1-100'")
    assert "tagger bug on purpose" in str(caught.value)
    picky = corpus / "picky.py"
    picky.write_text(BATCH_FAILURE)  # fails even alone: the first document is named
    with pytest.raises(StageError, match=r"part-1\.jsonl\.gz:1: tagger 'picky_v1' failed on document '1-0'"):
        dt.tag(str(corpus / "documents" / "web" / "part-1.jsonl.gz"), "exp", ["picky_v1"], workers=1,
               tagger_modules=[str(picky)])


def test_taggers_are_checked_before_any_work(corpus: Path) -> None:
    with pytest.raises(ConfigError, match="did you mean 'char_length_v1'"):
        dt.tag(str(corpus / "documents"), "exp", ["char_lenght_v1"])
    with pytest.raises(ConfigError, match="unexpected keyword argument"):
        dt.tag(str(corpus / "documents"), "exp", [{"name": "char_length_v1", "options": {"nope": 1}}])
    assert not (corpus / "attributes").exists()


def test_two_taggers_with_one_name_is_an_error_naming_both(tmp_path: Path) -> None:
    module = tmp_path / "clash.py"
    module.write_text("from dolma_tools import Tagger\nclass Mine(Tagger):\n    name = 'char_length_v1'\n"
                      "    def predict(self, doc):\n        return {}\n")
    with pytest.raises(ConfigError) as caught:
        dt.tag(str(tmp_path / "documents"), "exp", ["char_length_v1"], tagger_modules=[str(module)])
    assert "dolma_tools.taggers.counting:CharLengthTagger" in str(caught.value)
    assert ":Mine" in str(caught.value)


SLOW_TAGGER = '''
import time
from dolma_tools import Tagger, document_span

class Slow(Tagger):
    name = "slow_v1"
    batch_size = 50
    def predict_batch(self, docs):
        time.sleep(0.05)
        return [{"length": document_span(d, len(d.text))} for d in docs]
'''


def _tag_command(root: Path, module: Path) -> list[str]:
    return [sys.executable, "-m", "dolma_tools.cli", "tag", "-d", str(root / "documents"), "-e", "exp",
            "-t", "slow_v1", "-t", "char_length_v1", "--tagger-modules", str(module), "--workers", "2", "-q"]


@pytest.mark.slow
def test_kill_9_then_rerun_equals_an_uninterrupted_run(tmp_path: Path) -> None:
    module = tmp_path / "slow.py"
    module.write_text(SLOW_TAGGER)
    roots = [tmp_path / "killed", tmp_path / "clean"]
    for root in roots:
        for file_index in range(8):
            write_lines(str(root / "documents" / f"p{file_index}.jsonl.gz"),
                        [make_doc(f"{file_index}-{i}", f"text {i} \u00e9" * (i % 7 + 1)) for i in range(400)])
    process = subprocess.Popen(_tag_command(roots[0], module), start_new_session=True)
    out_dir = roots[0] / "attributes" / "exp"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(out_dir.glob("p*.jsonl.gz"))) < 2:
        assert process.poll() is None, "the run ended before it could be killed"
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    finished = list(out_dir.glob("p*.jsonl.gz"))
    assert 2 <= len(finished) < 8, "the run should have been killed midway"
    for path in finished:  # whatever exists under a final name is complete
        assert len(read_gz_lines(path)) == 400
    subprocess.run(_tag_command(roots[0], module), check=True)
    subprocess.run(_tag_command(roots[1], module), check=True)
    names = sorted(p.name for p in (roots[1] / "attributes" / "exp").glob("p*.jsonl.gz"))
    assert len(names) == 8
    match, mismatch, errors = filecmp.cmpfiles(out_dir, roots[1] / "attributes" / "exp", names, shallow=False)
    assert (mismatch, errors) == ([], [])


def test_parquet_documents_get_jsonl_sidecars(tmp_path: Path) -> None:
    from dolma_tools.documents import Document
    from dolma_tools.io import write_parquet_documents

    docs = [Document(id=str(i), text="\u00e9t\u00e9 " * i) for i in range(1, 6)]
    write_parquet_documents(str(tmp_path / "documents" / "a.parquet"), docs)
    dt.tag(str(tmp_path / "documents"), "exp", ["word_count_v1"], workers=1)
    records = read_gz_lines(tmp_path / "attributes" / "exp" / "a.jsonl.gz")
    assert [r["attributes"]["exp__word_count_v1__words"][0][2] for r in records] == [1.0, 2.0, 3.0, 4.0, 5.0]


def test_read_documents_converts_to_arrow_and_pandas(corpus: Path) -> None:
    stream = dt.read_documents(str(corpus / "documents"))
    table = stream.to_arrow()
    assert table.num_rows == 1000 and table.column("id")[0].as_py() == "0-0"
    pandas = pytest.importorskip("pandas")
    assert isinstance(stream.to_pandas(), pandas.DataFrame)
