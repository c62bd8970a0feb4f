"""`dolma-tools dedupe` with a persistent Bloom filter tells a damaged filter file (rebuild or restore
it) from one written with other parameters (ask for those), before any work."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from dolma_tools.cli import main


@pytest.fixture
def built(tmp_path: Path) -> Path:
    """A corpus under ``documents/`` and ``f.bloom``, a filter an updating run filled with its keys."""
    documents = tmp_path / "documents"
    documents.mkdir()
    with gzip.open(documents / "a.jsonl.gz", "wt", encoding="utf-8") as stream:
        for i in range(40):
            stream.write(json.dumps({"id": str(i), "text": f"text {i % 7}", "source": "test"}) + "\n")
    result = dedupe(tmp_path, "--documents_mode.bloom.update", "true")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "f.bloom").exists()
    return tmp_path


def arguments(root: Path, *extra: str) -> list[str]:
    return ["dedupe", "-d", str(root / "documents"), "--documents_mode.bloom.path", str(root / "f.bloom"),
            "--documents_mode.bloom.expected_items", "1000", "--workers", "1", "-q", "--overwrite", *extra]


def dedupe(root: Path, *extra: str):
    return CliRunner().invoke(main, arguments(root, *extra))


def outputs(root: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in sorted((root / "attributes").rglob("*")) if p.is_file()}


@pytest.mark.parametrize("how", ["flip a byte of the bits", "truncate"])
def test_a_damaged_filter_is_reported_as_damaged(built: Path, how: str) -> None:
    path = built / "f.bloom"
    data = bytearray(path.read_bytes())
    if how == "truncate":
        del data[len(data) // 3:]
    else:
        data[-100] ^= 0x01
    path.write_bytes(bytes(data))
    before = outputs(built)
    result = dedupe(built)
    assert result.exit_code == 2
    assert f"{path}: damaged" in result.output
    assert {"truncate": "truncated", "flip a byte of the bits": "checksum mismatch"}[how] in result.output
    assert f"remove it (and {path}.json) and rerun" in result.output
    assert "use the parameters it was written with" not in result.output
    assert outputs(built) == before  # refused before any work


def test_a_filter_with_other_parameters_is_a_mismatch(built: Path) -> None:
    result = dedupe(built, "--documents_mode.bloom.seed", "4")
    assert result.exit_code == 2
    assert "written with seed=0, but seed=4 was asked for; use the parameters it was written with" in result.output
    assert "damaged" not in result.output


def test_a_damaged_filter_through_a_real_process(built: Path) -> None:
    path = built / "f.bloom"
    data = bytearray(path.read_bytes())
    data[200] ^= 0x80
    path.write_bytes(bytes(data))
    done = subprocess.run([sys.executable, "-m", "dolma_tools.cli", *arguments(built)],
                          capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 2, done.stderr
    assert f"error: documents_mode.bloom.path: {path}: damaged" in done.stderr
    assert "Traceback" not in done.stderr
