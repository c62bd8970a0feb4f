"""A MinHash run's ``__survivor`` values are strings (the survivor's id), unlike every other score:
each reader of attribute files copes. Ids are numeric-looking on purpose: numpy or ``float()``
would turn ``"17"`` into a number without a word."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import dolma_tools as dt
from dolma_tools.cli import main
from dolma_tools.errors import InputError
from dolma_tools.io import write_lines
from tests.conftest import make_doc

BASE = "the quick brown fox jumps over the lazy dog near the river bank on a sunny afternoon " * 4
KEY = "dedupe__minhash__survivor"


@pytest.fixture(scope="module")
def deduped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Ids 17 (kept), 18 (its near copy, flagged with survivor "17") and 19 (unrelated)."""
    root = tmp_path_factory.mktemp("survivors")
    write_lines(str(root / "documents" / "part.jsonl.gz"), [
        make_doc("17", BASE), make_doc("18", BASE + "and one more line"),
        make_doc("19", "an unrelated document about sailing boats and their many ropes, knots and sails")])
    dt.dedupe(str(root / "documents"), minhash={}, workers=1)
    return root


def test_the_flagged_copy_names_its_survivor_as_a_string(deduped: Path) -> None:
    attributes = {doc.id: attrs for doc, attrs in dt.read_documents(str(deduped / "documents"), attributes=["dedupe"]).with_attributes()}
    assert attributes["18"][KEY] == [(0, len(BASE) + 17, "17")]
    assert attributes["17"][KEY] == [] and attributes["19"][KEY] == []


def test_read_documents_table_has_a_string_column(deduped: Path) -> None:
    frame = dt.read_documents(str(deduped / "documents"), attributes=["dedupe"]).to_pandas()
    assert frame[KEY].tolist()[1] == "17" and frame[KEY].isna().tolist() == [True, False, True]
    assert frame["dedupe__minhash__duplicate"].tolist()[1] == 1.0


def test_stats_counts_string_values_as_flags_not_numbers(deduped: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["stats", "-d", str(deduped / "documents"), "-o", str(tmp_path), "-q", "--workers", "1"])
    assert result.exit_code == 0, result.output
    survivor = json.loads((tmp_path / "stats.json").read_text())["attributes"][KEY]
    assert (survivor["spans"], survivor["documents_flagged"], survivor["values"]["count"]) == (1, 1, 0)
    assert survivor["characters_flagged"] == len(BASE) + 17
    assert (tmp_path / "report.html").stat().st_size > 0


def test_check_gates_on_a_string_valued_key(deduped: Path, tmp_path: Path) -> None:
    report = dt.check(documents=str(deduped / "documents"), output=str(tmp_path),
                      gates=[f"attributes.{KEY}.documents_flagged == 1", "dedupe.minhash.duplicates == 1"])
    assert report.passed, report.results


def test_mix_filters_on_the_survivor_id(deduped: Path, tmp_path: Path) -> None:
    def kept(expression: str, name: str) -> list[str]:
        out = tmp_path / name
        dt.mix([{"name": "web", "documents": [str(deduped / "documents")], "attributes": ["dedupe"],
                 "filter": expression, "missing": "false"}], {"documents": {"path": str(out)}})
        return [doc.id for doc in dt.read_documents([str(p) for p in sorted(out.glob("web-*.jsonl*"))])]

    assert kept("not dedupe__minhash__duplicate", "a") == ["17", "19"]
    assert kept("minhash__survivor == '17'", "b") == ["18"]
    assert kept("not any(minhash__survivor)", "c") == ["17", "19"]
    with pytest.raises(InputError, match=r"part\.jsonl\.gz:2: wrong_type"):
        kept("minhash__survivor > 1", "d")
