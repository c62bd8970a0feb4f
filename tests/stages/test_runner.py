"""The one runner: receipts, resumed summaries, refusing a rerun with other settings, _summary.json."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import dolma_tools as dt
from dolma_tools.cli import main
from dolma_tools.errors import ConfigError
from dolma_tools.io import write_lines
from tests.conftest import make_doc

TAGGERS = ["char_length_v1", "word_count_v1"]
STABLE = ("stage", "files_total", "documents", "skipped", "counts")
"""Summary fields that a resumed run must report as an uninterrupted one does."""


def stable(summary: dt.RunSummary) -> dict:
    return {key: value for key, value in summary.to_dict().items() if key in STABLE}


def with_bad_lines(corpus: Path) -> Path:
    """Add a file with two bad lines, so that skip counts are part of every summary."""
    lines = [make_doc(f"bad-{i}", f"text {i}") for i in range(5)]
    lines[1], lines[3] = b"{oops\n", b'{"id": "x", "text": 1}\n'
    write_lines(str(corpus / "documents" / "web" / "part-9.jsonl.gz"), lines)
    return corpus


def forget(root: Path, names: list[str]) -> None:
    """Leave ``root`` as a run killed before these outputs were written would."""
    for name in names:
        (root / name).unlink()
        receipt = root / name.rsplit("/", 1)[0] / f".{name.rsplit('/', 1)[1]}.receipt.json"
        receipt.unlink(missing_ok=True)


def test_a_resumed_tag_run_reports_the_whole_run(corpus: Path, tmp_path_factory) -> None:
    with_bad_lines(corpus)
    whole = dt.tag(str(corpus / "documents"), "exp", TAGGERS, workers=1, on_error="skip")
    assert whole.skipped == {"malformed_json": 1, "wrong_type": 1} and whole.documents == 1003
    forget(corpus / "attributes" / "exp", ["web/part-1.jsonl.gz", "web/part-3.jsonl.gz"])
    resumed = dt.tag(str(corpus / "documents"), "exp", TAGGERS, workers=2, on_error="skip")
    assert resumed.files_processed == 2 and resumed.files_already_done == 3
    assert stable(resumed) == stable(whole)
    saved = json.loads((corpus / "attributes" / "exp" / "_summary.json").read_text())
    assert {key: saved[key] for key in STABLE} == stable(whole)


def test_a_finished_run_rerun_reports_the_same_figures_and_writes_nothing(corpus: Path) -> None:
    first = dt.tag(str(corpus / "documents"), "exp", TAGGERS, workers=1)
    before = {p: p.stat().st_mtime_ns for p in (corpus / "attributes").rglob("*")}
    again = dt.tag(str(corpus / "documents"), "exp", TAGGERS, workers=1)
    assert again.files_processed == 0 and stable(again) == stable(first)
    assert {p: p.stat().st_mtime_ns for p in (corpus / "attributes").rglob("*")} == before


def test_retagging_with_another_tagger_list_refuses_and_says_how_to_proceed(corpus: Path) -> None:
    dt.tag(str(corpus / "documents"), "quality", ["char_length_v1"], workers=1)
    result = CliRunner().invoke(main, ["tag", "-d", str(corpus / "documents"), "-e", "quality", "-q",
                                       "-t", "char_length_v1", "-t", "word_count_v1", "--workers", "1"])
    assert result.exit_code == 2
    assert "4 of 4 outputs already exist but were made with other settings" in result.output
    assert "taggers" in result.output and "word_count_v1" in result.output
    assert "--overwrite" in result.output and "new experiment name" in result.output
    redone = dt.tag(str(corpus / "documents"), "quality", ["char_length_v1", "word_count_v1"], workers=1, overwrite=True)
    assert redone.files_processed == 4
    with gzip.open(corpus / "attributes" / "quality" / "web" / "part-0.jsonl.gz", "rt") as stream:
        assert "quality__word_count_v1__words" in json.loads(stream.readline())["attributes"]
    assert dt.tag(str(corpus / "documents"), "quality", ["char_length_v1", "word_count_v1"], workers=1).files_processed == 0


def test_dedupe_rerun_with_other_modes_or_inputs_refuses(corpus: Path) -> None:
    dt.dedupe(str(corpus / "documents"), documents_mode={}, workers=1)
    with pytest.raises(ConfigError, match=r"modes\.paragraphs.*--overwrite.*new run name"):
        dt.dedupe(str(corpus / "documents"), documents_mode={}, paragraphs={}, workers=1)
    write_lines(str(corpus / "documents" / "web" / "part-5.jsonl.gz"), [make_doc("new", "another text")])
    with pytest.raises(ConfigError, match=r"inputs\.files: 4 -> 5"):
        dt.dedupe(str(corpus / "documents"), documents_mode={}, workers=1)


def test_dedupe_removes_its_work_folder_after_success_unless_asked(corpus: Path) -> None:
    dt.dedupe(str(corpus / "documents"), documents_mode={}, workers=1)
    assert not (corpus / "attributes" / "dedupe" / "_work").exists()
    dt.dedupe(str(corpus / "documents"), name="kept", documents_mode={}, workers=1, keep_work=True)
    assert any((corpus / "attributes" / "kept" / "_work").iterdir())


def test_every_stage_writes_a_summary_beside_its_outputs(corpus: Path, tmp_path: Path) -> None:
    tokenizer = tmp_path / "tokenizer.json"
    _train_tokenizer(tokenizer)
    summaries = [
        dt.tag(str(corpus / "documents"), "exp", TAGGERS, workers=1),
        dt.dedupe(str(corpus / "documents"), documents_mode={}, workers=1),
        dt.mix([{"name": "web", "documents": str(corpus / "documents")}],
               {"tokens": {"path": str(tmp_path / "tokens"), "tokenizer": str(tokenizer), "eos": "<|endoftext|>"}},
               workers=1),
    ]
    for summary in summaries:
        assert summary.output is not None and summary.output.endswith("/_summary.json")
        saved = json.loads(Path(summary.output).read_text())
        assert saved["stage"] == summary.stage and saved["documents"] == 1000 == summary.documents
        assert all(Path(report).exists() for report in summary.reports)
    assert [Path(s.output).parent for s in summaries] == [
        corpus / "attributes" / "exp", corpus / "attributes" / "dedupe", tmp_path / "tokens"]
    assert summaries[1].reports == [str(corpus / "attributes" / "dedupe" / "_report.json")]


def _train_tokenizer(path: Path) -> None:
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=300, special_tokens=["<|endoftext|>"], show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tokenizer.train_from_iterator(["Doc of file: café 😀 中文. Second paragraph."] * 20, trainer)
    tokenizer.save(str(path))
