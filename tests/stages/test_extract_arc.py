"""extract on ARC files: pywb's real ``example.arc``/``example.arc.gz``, and ARC files written here
for the cases the format allows to go wrong (cut short, lying or bad lengths)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from dolma_tools.errors import InputError
from dolma_tools.io import iter_json
from dolma_tools.stages.extract.arc import iter_arc_records
from dolma_tools.stages.extract.config import ExtractConfig
from dolma_tools.stages.extract.stage import ExtractStage
from dolma_tools.stages.runner import run_stage
from tests.stages.warcs import html_page, needs_pywb, pywb_warc

pytest.importorskip("warcio")
pytest.importorskip("resiliparse")

_VERSION_BLOCK = b"1 0 dolma-tools test\nURL IP-address Archive-date Content-type Archive-length\n"


def arc_record(url: str, body: bytes, status: str = "200 OK", content_type: str = "text/html",
               date: str = "20240601120000") -> bytes:
    http = f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body
    return f"{url} 192.0.2.1 {date} {content_type} {len(http)}\n".encode() + http + b"\n"


def write_arc(path: Path, records: list[bytes], compress: bool) -> Path:
    header = f"filedesc://{path.name} 0.0.0.0 20240601120000 text/plain {len(_VERSION_BLOCK)}\n".encode() + _VERSION_BLOCK + b"\n"
    members = [header, *records]
    path.write_bytes(b"".join(gzip.compress(m, mtime=0) for m in members) if compress else b"".join(members))
    return path


def _records() -> list[bytes]:
    return [
        arc_record("http://a.example/", html_page("Gardens", "Tomatoes and beans grow along a sunny wall. " * 4).encode()),
        arc_record("http://a.example/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(40), content_type="image/png"),
        arc_record("http://a.example/missing", b"<html><body>gone</body></html>", status="404 Not Found"),
        arc_record("http://b.example/", html_page("Caf\xe9", "Un caf\xe9 cr\xe8me au comptoir, pr\xe8s de la gare. " * 4)
                   .encode("cp1252")),
    ]


def _extract(tmp_path: Path, inputs: list[Path], **options) -> tuple[dict, list[dict]]:
    out = tmp_path / "out"
    summary = run_stage(ExtractStage(ExtractConfig(warcs=[str(p) for p in inputs], destination=str(out), workers=1,
                                                   added="2024-06-01", **options)), quiet=True)
    docs = [doc for path in sorted((out / "documents" / "common-crawl").glob("*.jsonl.gz"))
            for _, doc in iter_json(str(path))]
    skipped = {f"skipped.{reason}": count for reason, count in summary.skipped.items()}
    return {**summary.counts, **skipped, "documents": summary.documents}, docs


@needs_pywb
@pytest.mark.parametrize("name", ["example.arc", "example.arc.gz"])
def test_the_real_arc_files_of_pywb(tmp_path: Path, name: str) -> None:
    arc = pywb_warc(name)
    assert arc is not None
    counts, docs = _extract(tmp_path, [arc])
    assert counts["records"] == 2 and counts["documents"] == 1 and counts["dropped.not_response"] == 1
    (doc,) = docs
    assert doc["text"].startswith("Example Domain") and doc["metadata"]["url"] == "http://example.com/"
    assert doc["created"] == "2014-02-16T05:02:21Z" and doc["metadata"]["content_type"] == "text/html"
    _, again = _extract(tmp_path / "again", [arc])
    assert again[0]["id"] == doc["id"]  # stable across runs


@pytest.mark.parametrize("compress", [False, True])
def test_arc_records_are_counted_by_reason_and_decoded(tmp_path: Path, compress: bool) -> None:
    arc = write_arc(tmp_path / ("crawl.arc.gz" if compress else "crawl.arc"), _records(), compress)
    counts, docs = _extract(tmp_path, [arc])
    assert counts["records"] == 5 and counts["documents"] == 2
    assert counts["dropped.not_html"] == 1 and counts["dropped.http_status"] == 1
    assert counts["dropped.not_response"] == 1  # the filedesc header
    assert [d["metadata"]["url"] for d in docs] == ["http://a.example/", "http://b.example/"]
    assert "Un café crème au comptoir" in docs[1]["text"] and docs[1]["metadata"]["charset"] == "cp1252"
    assert docs[0]["created"] == "2024-06-01T12:00:00Z" and len({d["id"] for d in docs}) == 2


@pytest.mark.parametrize("compress", [False, True])
def test_an_arc_cut_anywhere_is_an_error_unless_cut_between_records(tmp_path: Path, compress: bool) -> None:
    whole = write_arc(tmp_path / "crawl.arc", _records(), compress).read_bytes()
    members = [write_arc(tmp_path / "crawl.arc", [], compress).read_bytes()]
    members += [gzip.compress(r, mtime=0) if compress else r for r in _records()]
    ends = [sum(len(m) for m in members[:i]) for i in range(1, len(members) + 1)]
    boundaries = set(ends) | (set() if compress else {end - 1 for end in ends})  # the line end between records
    cut_path = tmp_path / ("cut.arc.gz" if compress else "cut.arc")
    for cut in range(1, len(whole), 7):
        cut_path.write_bytes(whole[:cut])
        try:
            list(iter_arc_records(str(cut_path)))
        except InputError as error:
            assert cut not in boundaries, (cut, error)  # a cut anywhere else, line ends included, is an error
            assert error.reason in ("truncated_record", "corrupt_record", "truncated_archive")
        else:
            assert cut in boundaries, f"a file cut at byte {cut} of {len(whole)} was read without an error"


def test_a_record_whose_length_lies_is_never_emitted(tmp_path: Path) -> None:
    first, second = _records()[0], _records()[3]
    header, _, rest = first.partition(b"\n")
    length = int(header.rsplit(b" ", 1)[1])
    lying = header.rsplit(b" ", 1)[0] + f" {length - 5}".encode() + b"\n" + rest
    arc = write_arc(tmp_path / "lying.arc", [lying, second], compress=False)
    seen = []
    with pytest.raises(InputError):
        for record in iter_arc_records(str(arc)):
            seen.append(record.url)
    assert "http://a.example/" not in seen


@needs_pywb
def test_pywbs_bad_arc_fails_the_run_and_is_counted_under_skip(tmp_path: Path) -> None:
    bad = pywb_warc("bad.arc")
    assert bad is not None
    with pytest.raises(InputError, match="bad.arc.*corrupt_record"):
        _extract(tmp_path, [bad])
    assert not list((tmp_path / "out").rglob("*.jsonl.gz"))
    counts, docs = _extract(tmp_path / "skip", [bad], on_error="skip")
    assert counts["skipped.corrupt_record"] == 1 and docs == []


@needs_pywb
def test_the_cli_reads_arc_and_warc_together_in_a_subprocess(tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    arc, warc = pywb_warc("example.arc.gz"), pywb_warc("example.warc.gz")
    assert arc is not None and warc is not None
    out = tmp_path / "out"
    subprocess.run([sys.executable, "-m", "dolma_tools", "extract", "-q", "-w", str(arc), "-w", str(warc),
                    "-o", str(out), "--added", "2024-06-01"], check=True, stdout=subprocess.DEVNULL)
    names = sorted(p.name for p in (out / "documents" / "common-crawl").glob("*.jsonl.gz"))
    assert names == ["example.arc.jsonl.gz", "example.jsonl.gz"]  # an ARC and its WARC conversion side by side
    summary = json.loads((out / "documents" / "common-crawl" / "_summary.json").read_text())
    assert summary["files_processed"] == 2 and summary["documents"] >= 2
