"""Every kind of bad input gives file:line: reason under fail, or a counted skip under skip."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pytest

from dolma_tools.errors import ConfigError, InputError
from dolma_tools.io import SkipCounter, expand, iter_documents, write_lines
from dolma_tools.io.compression import zstd

GOOD = b'{"id": "a", "text": "fine"}\n'


def write_raw(path: Path, data: bytes) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return str(path)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (b'{"id": "b", "text": "unterminated\n', "malformed_json"),
        (b'{"text": "no id"}\n', "missing_field"),
        (b'{"id": "b"}\n', "missing_field"),
        (b'{"id": "b", "text": 42}\n', "wrong_type"),
        (b'{"id": "b", "text": "bad \xff\xfe utf8"}\n', "invalid_utf8"),
        (b"\n", "blank_line"),
    ],
)
def test_bad_line_fails_with_file_line_and_reason(tmp_path: Path, line: bytes, reason: str) -> None:
    path = write_raw(tmp_path / "documents" / "x.jsonl", GOOD + line + GOOD)
    with pytest.raises(InputError) as caught:
        list(iter_documents(path))
    assert caught.value.line == 2
    assert caught.value.reason == reason
    assert str(caught.value).startswith(f"{path}:2: {reason}")


def test_bad_lines_are_counted_and_left_out_under_skip(tmp_path: Path) -> None:
    path = write_raw(
        tmp_path / "x.jsonl",
        GOOD + b"{oops\n" + b'{"text": "t"}\n' + b'{"id": "c", "text": 1}\n' + b'{"id":"d","text":"\xff"}\n' + GOOD,
    )
    skips = SkipCounter()
    docs = list(iter_documents(path, skips=skips))
    assert [line for line, _ in docs] == [1, 6]
    assert skips == {"malformed_json": 1, "missing_field": 1, "wrong_type": 1, "invalid_utf8": 1}


@pytest.mark.parametrize("suffix", [".jsonl.gz", ".jsonl.zst", ".jsonl.bz2"])
def test_truncated_archive_is_an_error_not_a_short_file(tmp_path: Path, suffix: str) -> None:
    full = str(tmp_path / f"full{suffix}")
    write_lines(full, [b'{"id": "%d", "text": "%s"}\n' % (i, os.urandom(20).hex().encode()) for i in range(5000)])
    data = Path(full).read_bytes()
    truncated = write_raw(tmp_path / f"cut{suffix}", data[: len(data) // 2])
    with pytest.raises(InputError) as caught:
        list(iter_documents(truncated))
    assert caught.value.reason == "truncated_or_corrupt_archive"
    assert caught.value.line is not None  # where buffered reading hit the end of the data


@pytest.mark.parametrize("suffix", [".jsonl.gz", ".jsonl.zst"])
def test_damaged_archive_is_an_error_naming_the_line_it_reached(tmp_path: Path, suffix: str) -> None:
    full = str(tmp_path / f"full{suffix}")
    write_lines(full, [b'{"id": "%d", "text": "%s"}\n' % (i, os.urandom(20).hex().encode()) for i in range(5000)])
    data = bytearray(Path(full).read_bytes())
    middle = len(data) // 2
    data[middle:middle + 64] = bytes(64)  # zeros in the compressed stream: bad blocks or checksum
    damaged = write_raw(tmp_path / f"bad{suffix}", bytes(data))
    with pytest.raises(InputError) as caught:
        list(iter_documents(damaged))
    assert caught.value.reason == "truncated_or_corrupt_archive"
    assert caught.value.line is not None and caught.value.line <= 5000


def test_lines_spanning_read_blocks_and_a_last_line_without_newline(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import dolma_tools.io.jsonl as jsonl

    monkeypatch.setattr(jsonl, "READ_BLOCK", 7)  # every line crosses several blocks
    body = b"".join(b'{"id": "%d", "text": "t%d"}\n' % (i, i) for i in range(50)) + b'{"id": "last", "text": "z"}'
    path = write_raw(tmp_path / "x.jsonl.gz", gzip.compress(b"\xef\xbb\xbf" + body, mtime=0))
    docs = list(iter_documents(path))
    assert [line for line, _ in docs] == list(range(1, 52))
    assert [doc.id for _, doc in docs] == [str(i) for i in range(50)] + ["last"]


def test_truncated_archive_under_skip_is_counted(tmp_path: Path) -> None:
    data = gzip.compress(b"".join(b'{"id": "%d", "text": "x"}\n' % i for i in range(1000)), mtime=0)
    path = write_raw(tmp_path / "cut.jsonl.gz", data[:-20])
    skips = SkipCounter()
    list(iter_documents(path, skips=skips))
    assert skips == {"truncated_or_corrupt_archive": 1}


def test_zstd_multi_frame_files_read_fully(tmp_path: Path) -> None:
    frame = zstd.compress(GOOD * 3)
    path = write_raw(tmp_path / "x.jsonl.zst", frame + frame)
    assert len(list(iter_documents(path))) == 6


def test_empty_file_has_no_documents(tmp_path: Path) -> None:
    assert list(iter_documents(write_raw(tmp_path / "e.jsonl", b""))) == []
    assert list(iter_documents(write_raw(tmp_path / "e.jsonl.gz", gzip.compress(b"")))) == []


def test_bom_and_crlf_are_accepted(tmp_path: Path) -> None:
    path = write_raw(tmp_path / "x.jsonl", b"\xef\xbb\xbf" + GOOD.replace(b"\n", b"\r\n") * 2)
    assert [doc.id for _, doc in iter_documents(path)] == ["a", "a"]


def test_a_50_mb_document_is_read_whole(tmp_path: Path) -> None:
    text = "word " * 10_000_000
    path = str(tmp_path / "big.jsonl.gz")
    write_lines(path, [b'{"id": "big", "text": "' + text.encode() + b'"}\n', GOOD])
    docs = [doc for _, doc in iter_documents(path)]
    assert len(docs[0].text) == 50_000_000 and docs[1].id == "a"


def test_a_glob_that_matches_nothing_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no document files match"):
        expand(str(tmp_path / "documents" / "*.jsonl.gz"))


def test_expand_skips_temporary_and_summary_files(tmp_path: Path) -> None:
    for name in ("a.jsonl.gz", ".a.jsonl.gz.tmp-123", "_summary.json", "b.parquet", "notes.txt"):
        write_raw(tmp_path / "documents" / name, b"")
    assert [Path(p).name for p in expand(str(tmp_path / "documents"))] == ["a.jsonl.gz", "b.parquet"]
