"""A mix that fails leaves no temporary files: the workers still writing are stopped with SIGTERM,
which unwinds their writers instead of killing them mid-write."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from tests.stages.mix.conftest import mix_config, write_corpus

from dolma_tools.config.loading import validate
from dolma_tools.errors import InputError
from dolma_tools.stages.mix.config import MixConfig
from dolma_tools.stages.mix.stage import MixStage
from dolma_tools.stages.runner import run_stage


def test_a_failed_mix_leaves_no_temporary_files_in_its_work_folder(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus", {"web": 16000, "books": 600})
    bad = corpus / "documents" / "books" / "1.jsonl.gz"  # fails while the web files are being written
    bad.write_bytes(gzip.compress(b"{oops\n" + gzip.decompress(bad.read_bytes())))
    with pytest.raises(InputError, match=r"books/1\.jsonl\.gz:1: malformed_json"):
        run_stage(MixStage(validate(MixConfig, mix_config(corpus, tmp_path / "out", None, workers=3))), quiet=True)
    assert [path for path in tmp_path.rglob("*") if ".tmp-" in path.name] == []
