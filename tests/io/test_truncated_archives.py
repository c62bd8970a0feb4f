"""A cut or damaged archive keeps every complete line that decodes before the damage (what
``zcat`` recovers), names the line where the damage starts, and under skip counts the damaged
tail once; both readers (`iter_documents` and `iter_document_columns`) agree."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from dolma_tools.errors import InputError
from dolma_tools.io import SkipCounter, iter_document_columns, iter_documents, write_lines

TOOLS = {".gz": ["gzip", "-dc"], ".zst": ["zstd", "-dcq"], ".bz2": ["bzip2", "-dc"]}


def corpus(path: Path, lines: int = 10_000) -> bytes:
    rng = random.Random(7)
    write_lines(str(path), [json.dumps({"id": str(i), "text": "%x " % rng.getrandbits(64) * rng.randint(1, 12)}).encode()
                            + b"\n" for i in range(lines)])
    return path.read_bytes()


def recovered_by_cli(path: Path) -> list[str]:
    """The ids of the complete lines the codec's own command line tool decodes from ``path``
    (``bzip2 -dc`` writes in 5,000-byte pieces and drops the last piece it decoded)."""
    if shutil.which(TOOLS[path.suffix][0]) is None:
        pytest.skip(f"{TOOLS[path.suffix][0]} is not installed")
    result = subprocess.run([*TOOLS[path.suffix], str(path)], capture_output=True, check=False)
    assert result.returncode != 0, "the cut file should be an error for the command line tool too"
    complete = result.stdout[: result.stdout.rfind(b"\n") + 1]
    return [json.loads(line)["id"] for line in complete.splitlines()]


def read_both_ways(path: str, skip: bool) -> list[tuple[list[str], object]]:
    """(ids read, the error's (line, reason) or the skip counts) by each reader."""
    results = []
    for columns in (False, True):
        skips = SkipCounter() if skip else None
        ids: list[str] = []
        try:
            if columns:
                for block in iter_document_columns(path, skips=skips):
                    ids.extend(block.ids.tolist())
            else:
                ids.extend(doc.id for _, doc in iter_documents(path, skips=skips))
        except InputError as error:
            results.append((ids, (error.line, error.reason)))
            continue
        results.append((ids, dict(skips or {})))
    return results


@pytest.mark.parametrize("suffix", [".gz", ".zst", ".bz2"])
@pytest.mark.parametrize("cut", [0.1, 0.5, 0.93, 0.999])
def test_a_cut_archive_keeps_what_the_codecs_tool_recovers(tmp_path: Path, suffix: str, cut: float) -> None:
    data = corpus(tmp_path / f"full.jsonl{suffix}")
    path = tmp_path / f"cut.jsonl{suffix}"
    path.write_bytes(data[: int(len(data) * cut)])
    expected = recovered_by_cli(path)
    if suffix == ".bz2":  # bzip2's command line tool loses up to 5,000 bytes at the end
        decoded = read_both_ways(str(path), skip=True)[0][0]
        assert decoded[: len(expected)] == expected and len(decoded) - len(expected) <= 5000 / 20
        expected = decoded
    assert expected == [str(i) for i in range(len(expected))]
    damage = len(expected) + 1
    for ids, end in read_both_ways(str(path), skip=False):
        assert end == (damage, "truncated_or_corrupt_archive")
        assert ids == expected  # every complete line was handed out before the error
    for ids, end in read_both_ways(str(path), skip=True):
        assert ids == expected
        assert end == {"truncated_or_corrupt_archive": 1}
    if suffix == ".gz":
        assert len(expected) > 0.9 * cut * 10_000  # gzip recovers nearly everything before the cut


def test_the_error_message_names_the_line_where_the_damage_starts(tmp_path: Path) -> None:
    data = corpus(tmp_path / "full.jsonl.gz", lines=2000)
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    damage = len(recovered_by_cli(path)) + 1
    with pytest.raises(InputError, match=rf"cut\.jsonl\.gz:{damage}: truncated_or_corrupt_archive"):
        list(iter_documents(str(path)))


def test_a_damaged_tail_is_logged_with_its_line_under_skip(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    data = corpus(tmp_path / "full.jsonl.gz", lines=2000)
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    damage = len(recovered_by_cli(path)) + 1
    list(iter_documents(str(path), skips=SkipCounter()))
    assert f"cut.jsonl.gz:{damage}: truncated_or_corrupt_archive" in caplog.text


@pytest.mark.parametrize("suffix", [".gz", ".zst"])
def test_multi_member_archives_cut_in_the_second_member(tmp_path: Path, suffix: str) -> None:
    first = corpus(tmp_path / f"a.jsonl{suffix}", lines=300)
    second = corpus(tmp_path / f"b.jsonl{suffix}", lines=300)
    path = tmp_path / f"two.jsonl{suffix}"
    path.write_bytes(first + second[: len(second) // 2])
    expected = recovered_by_cli(path)
    assert len(expected) >= 300
    for ids, end in read_both_ways(str(path), skip=True):
        assert ids == expected and end == {"truncated_or_corrupt_archive": 1}


@pytest.mark.parametrize("suffix", [".gz", ".zst", ".bz2"])
def test_a_zero_byte_archive_is_an_error_or_a_counted_skip(tmp_path: Path, suffix: str,
                                                           caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / f"empty.jsonl{suffix}"
    path.write_bytes(b"")
    for ids, end in read_both_ways(str(path), skip=False):
        assert (ids, end) == ([], (None, "empty_file"))
    for ids, end in read_both_ways(str(path), skip=True):
        assert (ids, end) == ([], {"empty_file": 1})
    assert f"{path}: empty_file" in caplog.text


def test_garbage_after_a_complete_member_is_damage_at_the_next_line(tmp_path: Path) -> None:
    data = corpus(tmp_path / "full.jsonl.gz", lines=100)
    path = tmp_path / "padded.jsonl.gz"
    path.write_bytes(data + os.urandom(64))
    for ids, end in read_both_ways(str(path), skip=True):
        assert len(ids) == 100 and end == {"truncated_or_corrupt_archive": 1}


def test_a_zero_byte_file_shows_in_the_run_summary(corpus: Path) -> None:
    import dolma_tools as dt

    (corpus / "documents" / "web" / "part-9.jsonl.gz").write_bytes(b"")
    with pytest.raises(InputError, match=r"part-9\.jsonl\.gz: empty_file: 0 bytes"):
        dt.tag(str(corpus / "documents"), "exp", ["char_length_v1"], workers=1)
    summary = dt.tag(str(corpus / "documents"), "exp2", ["char_length_v1"], workers=2, on_error="skip")
    assert (summary.documents, summary.skipped) == (1000, {"empty_file": 1})
