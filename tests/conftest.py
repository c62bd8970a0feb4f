"""Fixtures shared by the whole suite: small corpora written by the test itself."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from dolma_tools.io import write_lines


def make_doc(doc_id: str, text: str, source: str = "web") -> bytes:
    return json.dumps({"id": doc_id, "text": text, "source": source}, ensure_ascii=False).encode() + b"\n"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """Four gzip files of 250 documents each under ``tmp_path/documents/web``, non-ASCII included."""
    for file_index in range(4):
        lines = [
            make_doc(f"{file_index}-{i}", f"Doc {i} of file {file_index}: caf\u00e9 \U0001f600 \u4e2d\u6587.\n\nSecond paragraph {i}.")
            for i in range(250)
        ]
        write_lines(str(tmp_path / "documents" / "web" / f"part-{file_index}.jsonl.gz"), lines)
    return tmp_path


def read_gz_lines(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as stream:
        return [json.loads(line) for line in stream]
