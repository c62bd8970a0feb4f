"""A planted-duplicate sample corpus, generated once per session and copied per test."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from dolma_tools.io import expand, iter_attributes, iter_documents
from dolma_tools.sample.corpus import generate_sample
from dolma_tools.sample.dedupe import generate_dedupe_sample


@pytest.fixture(scope="session")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("planted")
    generate_sample(out, seed=7, num_documents=1200)
    return out


@pytest.fixture
def sample(planted: Path, tmp_path: Path) -> Path:
    """A private copy (documents, eval set, ground truth) that a test may dedupe into."""
    target = tmp_path / "sample"
    shutil.copytree(planted, target)
    return target


@pytest.fixture(scope="session")
def phenomena(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The corpus of `dolma_tools.sample.dedupe` (short repeated lines, near copies, eval passages)."""
    out = tmp_path_factory.mktemp("phenomena")
    generate_dedupe_sample(out, seed=3, num_documents=700)
    return out


@pytest.fixture
def corpus(phenomena: Path, tmp_path: Path) -> Path:
    """A private copy of `phenomena` that a test may dedupe into."""
    shutil.copytree(phenomena, tmp_path / "corpus")
    return tmp_path / "corpus"


def truth(root: Path) -> dict:
    return json.loads((root / "ground_truth.json").read_text())


def sidecars(root: Path, name: str = "dedupe") -> dict[str, dict]:
    """Attributes by document id, over every sidecar of run ``name``."""
    out: dict[str, dict] = {}
    for path in expand(str(root / "attributes" / name)):
        for _, doc_id, attributes in iter_attributes(path):
            out[doc_id] = attributes
    return out


def texts(root: Path) -> dict[str, str]:
    return {doc.id: doc.text for path in expand(str(root / "documents")) for _, doc in iter_documents(path)}


def sidecar_bytes(root: Path, name: str = "dedupe") -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted((root / "attributes" / name).rglob("*.jsonl.gz"))
            if "_work" not in p.parts}
