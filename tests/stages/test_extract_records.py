"""extract on WARCs written here: damaged files, lying lengths, charsets, encodings, empty pages."""

from __future__ import annotations

import gzip
import importlib.util
import re
import zlib
from pathlib import Path

import pytest

from dolma_tools.errors import ConfigError, InputError
from dolma_tools.stages.extract import stage
from dolma_tools.stages.extract.config import ExtractConfig
from dolma_tools.stages.extract.records import iter_records
from dolma_tools.stages.runner import run_stage
from tests.conftest import read_gz_lines
from tests.stages.warcs import html_page, pages, request_record, response_record, write_warc


def _run(tmp_path: Path, warc: Path, **options) -> tuple[list[dict], dict]:
    config = ExtractConfig(warcs=[str(warc)], destination=str(tmp_path / "out"), workers=1, added="2024-01-01",
                           **options)
    summary = run_stage(stage.ExtractStage(config), quiet=True)
    output = tmp_path / "out" / "documents" / "common-crawl" / stage.output_name(str(warc))
    return (read_gz_lines(output) if output.exists() else []), summary.to_dict()


def _member_boundaries(records: list[bytes]) -> set[int]:
    sizes = [len(gzip.compress(r, mtime=0)) for r in records]
    return {sum(sizes[:i]) for i in range(len(sizes) + 1)}


@pytest.mark.parametrize("compress", [True, False], ids=["gz", "plain"])
def test_a_file_cut_anywhere_is_an_error_unless_cut_between_records(tmp_path: Path, compress: bool) -> None:
    records = pages(3)
    data = write_warc(tmp_path / "full.warc", records, compress).read_bytes()
    boundaries = _member_boundaries(records) if compress else {sum(map(len, records[:i])) for i in range(4)}
    cut_path = tmp_path / ("cut.warc.gz" if compress else "cut.warc")
    for cut in range(1, len(data)):
        cut_path.write_bytes(data[:cut])
        if cut in boundaries:
            assert len(list(iter_records(str(cut_path)))) == sorted(boundaries).index(cut)
            continue
        with pytest.raises(InputError) as caught:
            list(iter_records(str(cut_path)))
        assert caught.value.reason in {"truncated_record", "truncated_archive", "corrupt_record"}, cut


def test_a_cut_file_fails_the_run_and_writes_nothing(tmp_path: Path) -> None:
    warc = write_warc(tmp_path / "in" / "cut.warc.gz", pages(3))
    warc.write_bytes(warc.read_bytes()[:-30])
    with pytest.raises(InputError, match="cut.warc.gz.*truncated"):
        _run(tmp_path, warc)
    assert not list((tmp_path / "out").rglob("*.jsonl.gz"))


def test_a_cut_file_under_skip_keeps_the_complete_records_and_counts_the_damage(tmp_path: Path) -> None:
    warc = write_warc(tmp_path / "in" / "cut.warc.gz", pages(3))
    warc.write_bytes(warc.read_bytes()[:-30])
    docs, summary = _run(tmp_path, warc, on_error="skip")
    assert [d["metadata"]["url"] for d in docs] == ["http://site0.example/page", "http://site1.example/page"]
    assert summary["skipped"] == {"truncated_record": 1}


def _lie_about_length(record: bytes, delta: int) -> bytes:
    match = re.search(rb"Content-Length: (\d+)", record)
    return record[:match.start(1)] + str(int(match.group(1)) + delta).encode() + record[match.end(1):]


@pytest.mark.parametrize("delta", [40, -40], ids=["too-long", "too-short"])
@pytest.mark.parametrize("compress", [True, False], ids=["gz", "plain"])
def test_a_record_whose_declared_length_lies_is_never_emitted(tmp_path: Path, delta: int, compress: bool) -> None:
    records = pages(3)
    records[1] = _lie_about_length(records[1], delta)
    warc = write_warc(tmp_path / "lies.warc", records, compress)
    seen = []
    with pytest.raises(InputError) as caught:
        for record in iter_records(str(warc)):
            seen.append(record.url)
    assert caught.value.reason in {"corrupt_record", "truncated_record"}
    assert seen == ["http://site0.example/page"]
    assert "lies.warc" in str(caught.value)


ENGLISH = "Le café était très animé ce soir-là, et les garçons servaient des crêpes à la crème fraîche."
RUSSIAN = "Это русский текст для проверки определения кодировки, он достаточно длинный для детектора."
JAPANESE = "日本語のテキストです。これは文字コードの検出をテストするための文章で、十分な長さがあります。"


@pytest.mark.parametrize(("paragraph", "encoding", "content_type", "head"), [
    (ENGLISH, "cp1252", "text/html; charset=windows-1252", ""),
    (ENGLISH, "cp1252", "text/html", ""),  # no charset anywhere: detected
    (RUSSIAN, "koi8_r", "text/html", ""),
    (JAPANESE, "shift_jis", "text/html", ""),
    (RUSSIAN, "cp1251", "text/html", '<meta charset="windows-1251">'),  # only the meta tag says it
    (ENGLISH, "latin-1", "text/html; charset=utf-8", ""),  # the header lies: not valid UTF-8, detected
], ids=["cp1252-header", "cp1252-none", "koi8-none", "sjis-none", "cp1251-meta", "wrong-header"])
def test_non_utf8_pages_decode_to_the_original_text(tmp_path: Path, paragraph: str, encoding: str,
                                                    content_type: str, head: str) -> None:
    body = html_page("T", paragraph, head).encode(encoding)
    warc = write_warc(tmp_path / "in" / "c.warc.gz", [response_record("http://x.example/", body, [("Content-Type", content_type)])])
    docs, _ = _run(tmp_path, warc)
    assert paragraph in docs[0]["text"]


def test_records_that_are_not_documents_are_counted_by_reason(tmp_path: Path) -> None:
    records = [
        request_record("http://a.example/"),
        response_record("http://a.example/", html_page("A", "Real content about gardens and tomatoes.").encode()),
        response_record("http://b.example/", b"<html><head><title>x</title></head><body></body></html>"),
        response_record("http://c.example/x.png", b"\x89PNG....", [("Content-Type", "image/png")]),
        response_record("http://d.example/", html_page("Gone", "Not here.").encode(), status="404 Not Found"),
        response_record("http://e.example/", html_page("E", "Stored decoded, header kept: still read.").encode(),
                        [("Content-Type", "text/html"), ("Content-Encoding", "gzip")]),
        response_record("http://f.example/", b"\x1f\x8b\x08\x00broken", [("Content-Type", "text/html"), ("Content-Encoding", "gzip")]),
    ]
    docs, summary = _run(tmp_path, write_warc(tmp_path / "in" / "mixed.warc.gz", records))
    assert [d["metadata"]["url"] for d in docs] == ["http://a.example/", "http://e.example/"]
    counts = summary["counts"]
    assert counts["records"] == 7
    assert {k: v for k, v in counts.items() if k.startswith("dropped.")} == {
        "dropped.not_response": 1, "dropped.no_main_text": 1, "dropped.not_html": 1,
        "dropped.http_status": 1, "dropped.bad_content_encoding": 1,
    }
    assert summary["documents"] + sum(v for k, v in counts.items() if k.startswith("dropped.")) == counts["records"]


def test_chunked_and_gzip_encoded_bodies_are_decoded(tmp_path: Path) -> None:
    html = html_page("Encoded", "A compressed page about apple orchards in the autumn.").encode()
    compressed = gzip.compress(html)
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(compressed), compressed)
    deflated = zlib.compress(html)
    records = [
        response_record("http://a.example/", chunked, [("Content-Type", "text/html"), ("Transfer-Encoding", "chunked"),
                                                      ("Content-Encoding", "gzip")]),
        response_record("http://b.example/", deflated, [("Content-Type", "text/html"), ("Content-Encoding", "deflate")]),
    ]
    docs, _ = _run(tmp_path, write_warc(tmp_path / "in" / "enc.warc.gz", records))
    assert [("apple orchards" in d["text"]) for d in docs] == [True, True]


def test_usage_signal_headers_and_meta_tags_are_kept(tmp_path: Path) -> None:
    head = ('<meta name="robots" content="noai, noimageai"><meta name="ROBOTS" content="noindex">'
            '<meta name="tdm-reservation" content="1"><meta name="description" content="not kept">')
    headers = [("Content-Type", "text/html"), ("X-Robots-Tag", "noai"), ("Content-Usage", "train-ai=n"),
               ("Set-Cookie", "not=kept")]
    record = response_record("http://a.example/p", html_page("Signals", "Body text about the weather.", head).encode(), headers)
    docs, _ = _run(tmp_path, write_warc(tmp_path / "in" / "sig.warc.gz", [record]))
    metadata = docs[0]["metadata"]
    assert metadata["headers"] == {"x-robots-tag": "noai", "content-usage": "train-ai=n"}
    assert metadata["meta"] == {"robots": "noai, noimageai, noindex", "tdm-reservation": "1"}
    assert metadata["warc_offset"] == 0 and metadata["warc_record_id"].startswith("<urn:uuid:")
    assert docs[0]["id"] == metadata["warc_record_id"][len("<urn:uuid:"):-1]


def test_two_inputs_with_one_output_name_are_refused(tmp_path: Path) -> None:
    a = write_warc(tmp_path / "a" / "x.warc.gz", pages(1))
    b = write_warc(tmp_path / "b" / "x.warc.gz", pages(1))
    with pytest.raises(ConfigError, match="both write"):
        stage.plan(ExtractConfig(warcs=[str(a), str(b)], destination=str(tmp_path / "out")))


def test_missing_packages_name_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "trafilatura" else real(name, *a))
    with pytest.raises(ConfigError, match=r"trafilatura.*pip install 'dolma-tools\[warc\]'"):
        stage.check(ExtractConfig(warcs=["x.warc"], destination="out", extractor="trafilatura"))
