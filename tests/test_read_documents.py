"""``read_documents``: documents joined with chosen attribute sets as a table, and a clear message
when pandas is missing."""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

import pytest

import dolma_tools as dt
from dolma_tools.errors import InputError
from dolma_tools.io import encode_attributes, write_lines
from tests.conftest import make_doc


@pytest.fixture
def tagged(tmp_path: Path) -> Path:
    """Two files tagged by two runs, one with a document-level key and one with spans."""
    for number in range(2):
        write_lines(str(tmp_path / "documents" / f"{number}.jsonl.gz"),
                    [make_doc(f"{number}-{i}", "word " * (i + 1) + "mail a@b.co") for i in range(3)])
    dt.tag(str(tmp_path / "documents"), "exp1", ["word_count_v1", "pii_regex_v1"], workers=1)
    for number in range(2):  # a dedupe-like run: a flag on some documents, none on others
        write_lines(str(tmp_path / "attributes" / "dedupe-run" / f"{number}.jsonl.gz"), [
            encode_attributes(f"{number}-{i}", {"dedupe-run__dup": [(0, 5 * (i + 1) + 11, 1.0)] if i == 1 else []})
            for i in range(3)])
    return tmp_path


def test_documents_come_with_one_column_per_attribute_key(tagged: Path) -> None:
    table = dt.read_documents(str(tagged / "documents"), attributes=["exp1", "dedupe-run"]).to_arrow()
    assert table.num_rows == 6
    assert table.column("id").to_pylist() == ["0-0", "0-1", "0-2", "1-0", "1-1", "1-2"]
    assert table.column("exp1__word_count_v1__words").to_pylist() == [3.0, 4.0, 5.0] * 2
    assert table.column("dedupe-run__dup").to_pylist() == [None, 1.0, None] * 2  # document-level, absent = null
    emails = table.column("exp1__pii_regex_v1__email").to_pylist()  # spans keep their offsets
    assert emails[0] == [{"start": 10, "end": 16, "score": 1.0}]
    assert table.column("text")[0].as_py()[10:16] == "a@b.co"


def test_to_pandas_has_the_same_columns(tagged: Path) -> None:
    pandas = pytest.importorskip("pandas")
    frame = dt.read_documents(str(tagged / "documents"), attributes=["exp1"]).to_pandas()
    assert isinstance(frame, pandas.DataFrame) and len(frame) == 6
    assert frame["exp1__word_count_v1__words"].tolist() == [3.0, 4.0, 5.0] * 2
    assert "dedupe-run__dup" not in frame.columns


def test_an_id_mismatch_names_the_file_and_line(tagged: Path) -> None:
    sidecar = tagged / "attributes" / "exp1" / "1.jsonl.gz"
    sidecar.write_bytes(gzip.compress(gzip.decompress(sidecar.read_bytes()).replace(b'"1-2"', b'"1-9"')))
    with pytest.raises(InputError, match=r"documents/1\.jsonl\.gz:3: attribute_id_mismatch"):
        dt.read_documents(str(tagged / "documents"), attributes=["exp1"]).to_arrow()


def test_a_missing_attribute_set_is_an_error_naming_its_file(tagged: Path) -> None:
    with pytest.raises(InputError, match=r"attributes/nope/0\.jsonl\.gz: not_found"):
        dt.read_documents(str(tagged / "documents"), attributes=["nope"]).to_arrow()


def test_without_pandas_the_message_says_what_to_install(tagged: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now fails
    with pytest.raises(ImportError, match=r"pip install 'dolma-tools\[pandas\]'"):
        dt.read_documents(str(tagged / "documents")).to_pandas()
