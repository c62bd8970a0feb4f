"""The CLI (in process and as a real subprocess), the pipeline stage, dt.mix, kill and rerun."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time

import yaml
from click.testing import CliRunner
from tests.stages.mix.conftest import files_of, mix_config, read_json, write_corpus

import dolma_tools as dt
from dolma_tools.cli import main


def test_cli_runs_a_config_with_overrides(corpus, tmp_path, tokenizer_path):
    path = tmp_path / "mix.yaml"
    path.write_text(yaml.safe_dump(mix_config(corpus, tmp_path / "out", tokenizer_path)))
    result = CliRunner().invoke(main, ["mix", "-c", str(path), "--workers", "1", "-q", "--seed", "5",
                                       "--streams.1.weight", "1"])
    assert result.exit_code == 0, result.output
    manifest = read_json(tmp_path / "out" / "tokens" / "manifest.json")
    assert manifest["seed"] == 5 and manifest["config"]["streams"][1]["weight"] == 1
    assert manifest["mixture"]["books"]["documents"] == 40


def test_cli_reports_a_bad_filter_with_exit_code_2(corpus, tmp_path):
    config = mix_config(corpus, tmp_path / "out", None)
    config["streams"][0]["filter"] = "counts__words >> 3"
    path = tmp_path / "mix.yaml"
    path.write_text(yaml.safe_dump(config))
    result = CliRunner().invoke(main, ["mix", "-c", str(path)])
    assert result.exit_code == 2
    assert "streams.0.filter" in result.output and "position 15" in result.output
    assert not (tmp_path / "out").exists()


def test_pipeline_stage_and_notebook_function(corpus, tmp_path):
    config = mix_config(corpus, tmp_path / "a", None, workers=1)
    (tmp_path / "pipeline.yaml").write_text(yaml.safe_dump({"stages": [{"mix": config}]}))
    [summary] = dt.run(tmp_path / "pipeline.yaml")
    assert summary.stage == "mix" and summary.documents == 160
    again = dt.mix(config["streams"], {"documents": {"path": str(tmp_path / "b" / "documents"), "max_bytes": 4000}},
                   workers=1)
    assert again.counts["mixture"] == summary.counts["mixture"]


def test_kill_and_rerun_equals_a_clean_run(tmp_path, tokenizer_path):
    corpus = write_corpus(tmp_path / "corpus", {"web": 1200, "books": 400}, files_per_source=12)
    config = mix_config(corpus, tmp_path / "killed", tokenizer_path, workers=1)
    path = tmp_path / "killed.yaml"
    path.write_text(yaml.safe_dump(config))
    command = [shutil.which("dolma-tools") or "dolma-tools", "mix", "-c", str(path), "-q"]
    process = subprocess.Popen(command, start_new_session=True)
    work = tmp_path / "killed" / "documents"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(work.rglob("*.counts.json"))) < 3:
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert not (work / "_manifest.json").exists(), "the run finished before it could be killed"
    rerun = subprocess.run(command, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    assert '"files_already_done": ' in rerun.stdout and '"files_already_done": 0' not in rerun.stdout

    clean = mix_config(corpus, tmp_path / "clean", tokenizer_path, workers=1)
    clean_config = tmp_path / "clean.yaml"
    clean_config.write_text(yaml.safe_dump(clean))
    CliRunner().invoke(main, ["mix", "-c", str(clean_config), "-q"], catch_exceptions=False)
    killed, fresh = files_of(tmp_path / "killed"), files_of(tmp_path / "clean")
    assert killed.keys() == fresh.keys()
    assert not any(".tmp-" in name or ".mix-work" in name for name in killed)
    for name in killed:
        if "manifest" not in name:
            assert killed[name] == fresh[name], name


def test_progress_counts_each_mixed_document_once_per_output(corpus, tmp_path, tokenizer_path):
    path = tmp_path / "mix.yaml"
    path.write_text(yaml.safe_dump(mix_config(corpus, tmp_path / "out", tokenizer_path, workers=1)))
    result = CliRunner().invoke(main, ["mix", "-c", str(path)])
    assert result.exit_code == 0, result.output
    mixed = sum(s["documents"] for s in read_json(tmp_path / "out" / "tokens" / "manifest.json")["mixture"].values())
    last = {line.split(":")[0] + ":" + line.split(":")[1]: line for line in result.stderr.splitlines()
            if line.startswith("mix:") and "files" in line}
    assert f"documents {mixed:,} " in last["mix:documents"] and f"documents {mixed:,} " in last["mix:tokens"]
