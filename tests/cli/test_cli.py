"""The command line as users call it: click's runner for detail, a real process for the wiring."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from dolma_tools import __version__
from dolma_tools.cli import main
from tests.conftest import make_doc, read_gz_lines
from dolma_tools.io import write_lines


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_version_and_list() -> None:
    assert invoke("--version").output.strip() == f"dolma-tools, version {__version__}"
    listing = invoke("list").output
    assert "char_length_v1" in listing and "Length of the text" in listing


@pytest.mark.parametrize("command", ["tag", "run", "list", "config", "sample"])
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = invoke(command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.output or command == "config"


def test_tag_from_a_config_file_with_flag_overrides(corpus: Path) -> None:
    config = corpus / "tag.yaml"
    config.write_text(f"documents: {corpus}/documents\nexperiment: exp\ntaggers: [char_length_v1]\nworkers: 8\n")
    result = invoke("tag", "-c", str(config), "--workers", "1", "--taggers.1", "word_count_v1", "-q")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["documents"] == 1000
    keys = read_gz_lines(corpus / "attributes" / "exp" / "web" / "part-1.jsonl.gz")[0]["attributes"]
    assert sorted(keys) == ["exp__char_length_v1__length", "exp__word_count_v1__words"]


def test_config_mistakes_exit_2_before_any_work(corpus: Path) -> None:
    result = CliRunner().invoke(main, ["tag", "-d", str(corpus / "documents"), "-e", "exp", "-t", "char_length_v1",
                                       "--wrokers", "2"])
    assert result.exit_code == 2
    assert "unknown key 'wrokers' (did you mean 'workers'?)" in result.output
    assert not (corpus / "attributes").exists()


def test_bad_input_exits_1_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "documents" / "a.jsonl.gz"
    write_lines(str(path), [make_doc("1", "ok"), b'{"id": "2", "text": null}\n'])
    result = CliRunner().invoke(main, ["tag", "-d", str(path), "-e", "exp", "-t", "char_length_v1", "-q"])
    assert result.exit_code == 1
    assert f"{path}:2: wrong_type" in result.output


def test_unwritable_output_is_a_clear_failure(corpus: Path) -> None:
    (corpus / "attributes").write_text("a file where the attributes folder should be")
    result = CliRunner().invoke(main, ["tag", "-d", str(corpus / "documents"), "-e", "exp",
                                       "-t", "char_length_v1", "-q", "--workers", "1"])
    assert result.exit_code == 1
    assert "part-0.jsonl.gz" in result.output and "attributes" in result.output


def test_config_schema_and_validate(tmp_path: Path) -> None:
    schema = json.loads(invoke("config", "schema").output)
    assert "TagConfig" in schema["$defs"]
    good = tmp_path / "p.yaml"
    good.write_text("stages:\n  - tag: {documents: x/documents, experiment: e, taggers: [word_count_v1]}\n")
    assert "valid pipeline (tag)" in invoke("config", "validate", str(good)).output
    bad = tmp_path / "bad.yaml"
    bad.write_text("stages:\n  - tag: {documents: x, experiment: e, taggers: [word_cnt_v1]}\n")
    result = CliRunner().invoke(main, ["config", "validate", str(bad)])
    assert result.exit_code == 2 and "did you mean 'word_count_v1'" in result.output


def test_run_executes_a_pipeline_through_a_real_process(corpus: Path) -> None:
    pipeline = corpus / "pipeline.yaml"
    pipeline.write_text(
        "stages:\n"
        f"  - tag: {{documents: {corpus}/documents, experiment: a, taggers: [char_length_v1], workers: 2}}\n"
        f"  - tag: {{documents: {corpus}/documents, experiment: b, taggers: [word_count_v1]}}\n"
    )
    done = subprocess.run([sys.executable, "-m", "dolma_tools", "run", str(pipeline), "-q"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert [s["documents"] for s in json.loads(done.stdout)] == [1000, 1000]
    assert (corpus / "attributes" / "b" / "web" / "part-3.jsonl.gz").exists()


def test_run_takes_workers_on_error_and_overwrite_for_every_stage(corpus: Path) -> None:
    pipeline = corpus / "pipeline.yaml"
    pipeline.write_text(f"stages:\n  - tag: {{documents: {corpus}/documents, experiment: a, taggers: [char_length_v1]}}\n"
                        f"  - tag: {{documents: {corpus}/documents, experiment: b, taggers: [word_count_v1], workers: 3}}\n")
    first = invoke("run", str(pipeline), "--workers", "1", "-q")
    assert first.exit_code == 0, first.output
    again = json.loads(invoke("run", str(pipeline), "--workers", "1", "--overwrite", "--on-error", "skip", "-q").output)
    assert [s["files_processed"] for s in again] == [4, 4]
    resumed = json.loads(invoke("run", str(pipeline), "--workers", "1", "-q").output)
    assert [s["files_processed"] for s in resumed] == [0, 0]
    bad = invoke("run", str(pipeline), "--workers", "0")
    assert bad.exit_code == 2 and "stages.0.tag.workers" in bad.output


def test_every_example_in_help_names_a_file_that_exists() -> None:
    root = Path(__file__).resolve().parents[2]
    for command in ("tag", "dedupe", "mix", "run", "sample", "config"):
        for word in (main.commands[command].help or "").replace(")", " ").split():
            if word.startswith("configs/"):
                assert (root / word).exists(), f"{command} --help cites {word}"


def test_list_shows_each_taggers_keys_and_options() -> None:
    listing = invoke("list").output.splitlines()
    after = listing[next(i for i, line in enumerate(listing) if line.startswith("c4_v1 ")) + 1:]
    assert after[0].split()[:2] == ["keys:", "line_count,"] and "passes_all" in after[0]
    assert after[1].strip().startswith("options: bad_words_path=None, min_words_per_line=5")
    model = listing[next(i for i, line in enumerate(listing) if line.startswith("fasttext_classifier_v1 ")) + 2]
    assert model.strip().startswith("options: model_path,")  # required: no default shown
