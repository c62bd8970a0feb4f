"""The Rust fast path for ids, texts and sources (`iter_document_columns`) reads exactly what the msgspec
reader (`iter_documents`) reads: the same documents, the same skips, the same first error."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import msgspec
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dolma_tools.io.jsonl as jsonl
from dolma_tools._core import StringColumn, scan_documents
from dolma_tools.errors import InputError
from dolma_tools.io import SkipCounter, iter_document_columns, iter_documents

TRICKY_LINES = [
    b'{"id":"a","text":"b","text":"c"}',  # repeated key: msgspec keeps the last
    b'{"id":"a","text":"b","id":"z"}',
    b'{"id":"a","text":"b","metadata":{"x":1e999}}',  # msgspec: number out of range
    b'{"id":"a","text":"b","zz":1e999}',  # msgspec skips unknown keys without range checks
    b'{"id":"a","text":"b","metadata":{"x":123456789012345678901234567890}}',
    b'{"id":"a","text":"\\ud800"}',
    b'{"id":"a","text":"b","zz":"\\ud800"}',
    b'{"id":"a","text":"\\ud83d\\ude00 ok"}',
    b'{"id":"a","text":"b","zz":"\xff"}',  # invalid UTF-8 where msgspec does not look
    b'{"id":"a","text":"\xed\xa0\x80"}',
    b'{"id":"a","text":"b","metadata":{"\xff":1}}',
    b'{"id":"a","text":"b","metadata":{"k\\ud800":1}}',
    b'{"id":"a","text":"b","zz":{"\xff":1}}',
    b'{"id":"a","text":"b"}\xff',
    b'{"id":"a","text":"a\tb"}',
    b'{"id":"a","text":"b","zz":01}',
    b'{"id":"a","text":"b","source":null}',
    b'{"id":"a","text":"b","source":"s","added":null,"created":"c","metadata":null}',
    b'{"id":"a","text":"b","created":5}',
    b'{"id":"a","text":"b","metadata":[]}',
    b' {"id":"a","text":"b"} \r',
    b'{"id":"a","text":"b"}\x0c',
    b'{"id":"a","text":"b","zz":' + b"[" * 200 + b"]" * 200 + b"}",  # deeper than serde_json's 128
    b'{"t\\u0065xt":"escaped key","id":"k"}',
    b'{"id":"a","text":"\\u0000\\/\\b"}',
    b'{"id":"a","text":"b","zz":NaN}',
    b'["id","text"]',
    b"",
    b"   ",
    b'{"id":"a"}',
    b'{"id":7,"text":"b"}',
]


def read_slow(path: str, skip: bool) -> tuple[list[tuple[str, str, str]], object]:
    skips = SkipCounter() if skip else None
    docs: list[tuple[str, str, str]] = []
    try:
        for _, doc in iter_documents(path, skips=skips):
            docs.append((doc.id, doc.text, doc.source))
    except InputError as error:
        return docs, (error.line, error.reason)
    return docs, dict(skips or {})


def read_fast(path: str, skip: bool) -> tuple[list[tuple[str, str, str]], object]:
    skips = SkipCounter() if skip else None
    docs: list[tuple[str, str, str]] = []
    try:
        for columns in iter_document_columns(path, skips=skips):
            docs.extend(zip(columns.ids.tolist(), columns.texts.tolist(), columns.sources.tolist()))
    except InputError as error:
        return docs, (error.line, error.reason)
    return docs, dict(skips or {})


def same_reading(path: str) -> None:
    for skip in (False, True):
        fast_docs, fast_end = read_fast(path, skip)
        slow_docs, slow_end = read_slow(path, skip)
        assert fast_end == slow_end, f"skip={skip}"
        if skip or not isinstance(fast_end, tuple):  # after an error (fail) the documents read so far differ by block
            assert fast_docs == slow_docs


@pytest.mark.parametrize("line", TRICKY_LINES, ids=range(len(TRICKY_LINES)))
def test_each_tricky_line_reads_as_msgspec_reads_it(tmp_path: Path, line: bytes) -> None:
    path = tmp_path / "x.jsonl"
    path.write_bytes(b'{"id":"1","text":"first"}\n' + line + b'\n{"id":"3","text":"last"}\n')
    same_reading(str(path))


documents = st.builds(
    lambda doc_id, text, extra: msgspec.json.encode({"id": doc_id, "text": text, **extra}),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=8),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
    st.dictionaries(st.sampled_from(["source", "added", "created", "metadata", "zz"]),
                    st.one_of(st.none(), st.text(max_size=3).filter(str.isprintable), st.integers(), st.floats(allow_nan=False),
                              st.just({"k": [1, {"n": None}]}), st.just([]))),
)


@st.composite
def damaged(draw: st.DrawFn) -> bytes:
    """A valid line with one byte removed, replaced or inserted: mostly malformed, sometimes not."""
    line = bytearray(draw(documents))
    position = draw(st.integers(0, len(line)))
    byte = draw(st.sampled_from(b'"\\{}[],:0e-. \xff\xc3\tu'))
    kind = draw(st.sampled_from(["remove", "replace", "insert"]))
    if kind == "insert" or position == len(line):
        line.insert(position, byte)
    elif kind == "remove":
        del line[position]
    else:
        line[position] = byte
    return bytes(line).replace(b"\n", b" ")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(st.one_of(documents, damaged(), st.sampled_from(TRICKY_LINES)), max_size=12),
       block=st.sampled_from([16, 64, 4 << 20]), compressed=st.booleans(), final_newline=st.booleans())
def test_any_file_reads_as_msgspec_reads_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lines: list[bytes],
                                            block: int, compressed: bool, final_newline: bool) -> None:
    monkeypatch.setattr(jsonl, "READ_BLOCK", block)
    body = b"\n".join(lines) + (b"\n" if final_newline and lines else b"")
    path = tmp_path / ("x.jsonl.gz" if compressed else "x.jsonl")
    path.write_bytes(gzip.compress(body, mtime=0) if compressed else body)
    same_reading(str(path))


def test_blocks_keep_line_numbers_and_the_bom(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonl, "READ_BLOCK", 7)
    body = b"".join(b'{"id": "%d", "text": "t\\u00e9%d"}\n' % (i, i) for i in range(50)) + b"{oops\n"
    path = tmp_path / "x.jsonl.gz"
    path.write_bytes(gzip.compress(b"\xef\xbb\xbf" + body, mtime=0))
    with pytest.raises(InputError) as caught:
        list(iter_document_columns(str(path)))
    assert (caught.value.line, caught.value.reason) == (51, "malformed_json")
    skips = SkipCounter()
    columns = list(iter_document_columns(str(path), skips=skips))
    assert [i for c in columns for i in c.ids.tolist()] == [str(i) for i in range(50)]
    assert [t for c in columns for t in c.texts.tolist()][:2] == ["té0", "té1"]
    assert skips == {"malformed_json": 1}


def test_parquet_documents_come_as_columns(tmp_path: Path) -> None:
    from dolma_tools.documents import Document
    from dolma_tools.io import write_parquet_documents

    path = str(tmp_path / "x.parquet")
    write_parquet_documents(path, [Document(id=str(i), text="é" * i) for i in range(10)])
    columns = list(iter_document_columns(path))
    assert [t for c in columns for t in c.texts.tolist()] == ["é" * i for i in range(10)]


def test_string_column_round_trips_and_checks_its_input() -> None:
    values = ["", "a", "héllo", "𝄞 x", json.dumps({"k": 1})]
    column = StringColumn.from_list(values)
    assert column.tolist() == values and len(column) == 5 and column[-1] == values[-1]
    assert column.char_lengths().tolist() == [len(v) for v in values]
    data, offsets = column.to_arrays()
    assert StringColumn.from_arrays(data, offsets).tolist() == values
    assert StringColumn.concat([column, column]).tolist() == values * 2
    with pytest.raises(ValueError, match="UTF-8"):
        StringColumn.from_arrays(np.array([0xFF, 0xFF], dtype=np.uint8), np.array([0, 2]))
    with pytest.raises(IndexError):
        column[5]


_WORD = re.compile(rb"[^\x00-\x20]+")
_NASTY = st.text(st.one_of(st.sampled_from(list(" \t\n\r\x00\x01\x1f\x7f\xa0\u2028\u3000\u200b\ufeff!é中𝄞👩\u200d")),
                           st.characters(blacklist_categories=("Cs",))), max_size=40)


@settings(max_examples=300, deadline=None)
@given(st.lists(_NASTY, max_size=12))
def test_column_measures_match_python(values: list[str]) -> None:
    """Bytes, code points and words (runs of bytes above 0x20), as ``stats`` counts them."""
    column = StringColumn.from_list(values)
    assert column.byte_lengths().tolist() == [len(v.encode()) for v in values]
    assert column.char_lengths().tolist() == [len(v) for v in values]
    assert column.word_counts().tolist() == [len(_WORD.findall(v.encode())) for v in values]


def test_scan_reports_lines_as_split_does_and_carries_the_unfinished_line() -> None:
    ids, texts, sources, rejected, lines, consumed = scan_documents(
        b'{"id":"a","text":"b","source":"s"}\n\n{"id":"c","text":"d"}\n{"id"')
    assert (ids.tolist(), texts.tolist(), sources.tolist(), rejected, lines, consumed) == (
        ["a", "c"], ["b", "d"], ["s", ""], [1], 3, 58)
    ids, texts, sources, rejected, lines, consumed = scan_documents(b':"e","source":"\\u00e9","text":"f"}', b'{"id"', last=True)
    assert (ids.tolist(), texts.tolist(), sources.tolist(), rejected, lines, consumed) == (["e"], ["f"], ["é"], [], 1, 34)


@pytest.mark.parametrize("cut", [0.3, 0.7])
def test_a_truncated_archive_reads_as_msgspec_reads_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        cut: float) -> None:
    monkeypatch.setattr(jsonl, "READ_BLOCK", 4096)
    body = b"".join(b'{"id": "%d", "text": "%s"}\n' % (i, b"w%d " % i * 20) for i in range(3000))
    data = gzip.compress(body, mtime=0)
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: int(len(data) * cut)])
    same_reading(str(path))
    assert read_fast(str(path), True)[1] == {"truncated_or_corrupt_archive": 1}
    assert read_fast(str(path), False)[1][1] == "truncated_or_corrupt_archive"
