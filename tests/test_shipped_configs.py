"""Every YAML file in configs/ loads and validates, so that no example rots.

Validation reads the tokenizer a mix names (a config mistake is caught before any work), so each
config is checked from a scratch folder in which every ``tokenizer:`` path it names holds a real,
tiny tokenizer trained here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dolma_tools.config.loading import load_config, read_yaml
from dolma_tools.pipeline import load_pipeline
from dolma_tools.stages import STAGES, stage_config_class, stage_module

CONFIGS = sorted((Path(__file__).parent.parent / "configs").glob("*.yaml"))


def _tokenizer_paths(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "tokenizer" and isinstance(value, str):
                yield value
            else:
                yield from _tokenizer_paths(value)
    elif isinstance(node, list):
        for item in node:
            yield from _tokenizer_paths(item)


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
    for tokenizer in _tokenizer_paths(data):
        _write_tiny_tokenizer(tmp_path / tokenizer)
    if "stages" in data:
        assert load_pipeline(path)
        return
    if "gates" in data:  # a gates file of `dolma-tools check`
        from dolma_tools.stages.check.config import CheckConfig
        from dolma_tools.stages.check.stage import check

        check(load_config(CheckConfig, path))
        return
    stage = path.name.split("-")[0]  # a single-stage example is named <stage>-<what>.yaml
    assert stage in STAGES, f"{path.name}: name single-stage examples <stage>-<what>.yaml"
    config = load_config(stage_config_class(stage), path)
    check = getattr(stage_module(stage), "check", None)
    if check is not None:
        check(config)
