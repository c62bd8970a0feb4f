"""Golden bytes for the file formats other tools read, and the sidecar path rule."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from dolma_tools.documents import Document, Span
from dolma_tools.errors import ConfigError
from dolma_tools.io import (
    atomic_writer,
    attributes_path,
    encode_attributes,
    iter_attributes,
    iter_documents,
    write_lines,
    write_parquet_documents,
)


def test_attribute_line_is_dolma_shaped_with_float_scores() -> None:
    line = encode_attributes("doc-1", {"exp__tagger__length": [Span(0, 5, 5.0)], "exp__tagger__empty": []})
    assert line == b'{"id":"doc-1","attributes":{"exp__tagger__length":[[0,5,5.0]],"exp__tagger__empty":[]}}\n'


def test_gzip_output_is_reproducible(tmp_path: Path) -> None:
    first, second = tmp_path / "a.jsonl.gz", tmp_path / "b.jsonl.gz"
    write_lines(str(first), [b"same\n"])
    write_lines(str(second), [b"same\n"])
    assert first.read_bytes() == second.read_bytes()
    assert gzip.decompress(first.read_bytes()) == b"same\n"


@pytest.mark.parametrize(
    ("documents", "expected"),
    [
        ("/data/documents/web/part-0.jsonl.gz", "/data/attributes/exp/web/part-0.jsonl.gz"),
        ("s3://bucket/v1/documents/a.json.zst", "s3://bucket/v1/attributes/exp/a.json.zst"),
        ("documents/a.jsonl", "attributes/exp/a.jsonl"),
        ("/x/documents/y/documents/z.jsonl", "/x/documents/y/attributes/exp/z.jsonl"),
        ("/data/documents/a.parquet", "/data/attributes/exp/a.jsonl.gz"),
    ],
)
def test_sidecar_path_replaces_the_last_documents_folder(documents: str, expected: str) -> None:
    assert attributes_path(documents, "exp") == expected


def test_sidecar_path_needs_a_documents_folder() -> None:
    with pytest.raises(ConfigError, match="documents"):
        attributes_path("/data/raw/part-0.jsonl.gz", "exp")


def test_failed_write_leaves_nothing_under_the_final_name(tmp_path: Path) -> None:
    target = tmp_path / "out" / "a.jsonl.gz"
    with pytest.raises(RuntimeError), atomic_writer(str(target)) as stream:
        stream.write(b"partial\n")
        raise RuntimeError("killed")
    assert not target.exists()
    assert list((tmp_path / "out").iterdir()) == []


def test_parquet_round_trip(tmp_path: Path) -> None:
    docs = [Document(id=str(i), text=f"t\u00e9xt {i}", source="s", metadata={"url": f"u{i}"}) for i in range(10)]
    path = str(tmp_path / "documents" / "a.parquet")
    write_parquet_documents(path, docs)
    assert [doc for _, doc in iter_documents(path)] == docs


def test_attributes_read_back(tmp_path: Path) -> None:
    path = str(tmp_path / "a.jsonl.zst")
    write_lines(path, [encode_attributes("x", {"k": [Span(1, 2, 0.5)]})])
    assert list(iter_attributes(path)) == [(1, "x", {"k": [(1, 2, 0.5)]})]
