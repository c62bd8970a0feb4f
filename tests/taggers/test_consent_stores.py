"""consent_v1's stores and fast path: robots.txt WARC records as Common Crawl publishes them,
``/.well-known/tdmrep.json`` files, and the per-prefix verdict cache against Protego."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest

from dolma_tools.documents import Document
from dolma_tools.errors import InputError
from dolma_tools_taggers.consent import DEFAULT_AGENTS, ConsentTagger
from dolma_tools_taggers.robots_rules import HostRobots, url_parts
from tests.taggers.conftest import write_jsonl

pytest.importorskip("warcio")
pytest.importorskip("fastwarc")


def _fetch(url: str, body: bytes, status: str = "200 OK", date: str = "2024-06-01T00:00:00Z",
           headers: list[tuple[str, str]] | None = None) -> bytes:
    """One gzip member holding a WARC response record, as a crawler's robots.txt fetch is stored."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=False)
    http = StatusAndHeaders(status, headers or [("Content-Type", "text/plain")], protocol="HTTP/1.1")
    record = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http,
                                       length=len(body), warc_headers_dict={"WARC-Date": date})
    writer.write_record(record)
    return gzip.compress(buffer.getvalue(), mtime=0)


def _values(tagger: ConsentTagger, url: str, **metadata) -> dict[str, float]:
    doc = Document(id="d", text="some text", metadata={"url": url, **metadata})
    return {key: spans[0][2] for key, spans in tagger.predict(doc).items()}


def _tagger(**options) -> ConsentTagger:
    tagger = ConsentTagger(**options)
    tagger.setup()
    return tagger


def test_robots_txt_warc_records_are_a_store(tmp_path: Path) -> None:
    disallow_all = b"User-agent: GPTBot\nDisallow: /\n"
    warc = tmp_path / "CC-MAIN-robotstxt-00000.warc.gz"
    warc.write_bytes(b"".join([
        _fetch("https://a.example/robots.txt", disallow_all),
        _fetch("http://b.example/robots.txt", b"not found", status="404 Not Found"),
        _fetch("http://c.example/robots.txt", disallow_all, date="2024-06-01T00:00:00Z"),
        _fetch("http://c.example/robots.txt", b"gone", status="404 Not Found", date="2024-06-02T00:00:00Z"),
        _fetch("http://d.example/robots.txt", disallow_all, status="503 Service Unavailable"),
        _fetch("http://e.example/robots.txt", gzip.compress(b"User-agent: *\nDisallow: /x\n", mtime=0),
               headers=[("Content-Type", "text/plain"), ("Content-Encoding", "gzip")]),
        _fetch("http://f.example/other.txt", disallow_all),
        _fetch("http://g.example/robots.txt", disallow_all, date="2024-06-03T00:00:00Z"),
        _fetch("http://g.example/robots.txt", b"User-agent: *\nAllow: /\n", date="2024-05-01T00:00:00Z"),
    ]))
    tagger = _tagger(robots_store=str(warc))
    assert sorted(tagger.store.hosts) == ["a.example", "e.example", "g.example"]
    assert tagger.store.fetched["a.example"] == "2024-06-01T00:00:00Z"
    assert _values(tagger, "https://a.example/page")["robots_disallowed_by_gptbot"] == 1.0
    assert _values(tagger, "https://e.example/x/1")["robots_star_disallowed"] == 1.0  # gzip body decoded
    assert _values(tagger, "https://g.example/x")["robots_ai_disallowed"] == 1.0  # the latest fetch wins
    for host in ("b", "c", "d", "f"):  # 404, a later 404, a server error, not robots.txt
        assert _values(tagger, f"https://{host}.example/page")["robots_missing"] == 1.0

    folder = tmp_path / "robotstxt"
    folder.mkdir()
    (folder / "part-1.warc.gz").write_bytes(_fetch("https://h.example/robots.txt", disallow_all))
    (folder / "part-2.warc").write_bytes(gzip.decompress(_fetch("https://i.example/robots.txt", disallow_all)))
    assert sorted(_tagger(robots_store=str(folder)).store.hosts) == ["h.example", "i.example"]


def test_a_damaged_robots_warc_is_an_error_naming_the_file(tmp_path: Path) -> None:
    data = _fetch("https://a.example/robots.txt", b"User-agent: *\nDisallow: /\n") * 2
    warc = tmp_path / "cut.warc.gz"
    warc.write_bytes(data[:-10])
    with pytest.raises(InputError, match="cut.warc.gz"):
        _tagger(robots_store=str(warc))


def _tdmrep(rules: list[dict]) -> str:
    return json.dumps(rules)


def test_tdmrep_json_reserves_by_the_first_matching_location(tmp_path: Path) -> None:
    rules = [{"location": "/free/*", "tdm-reservation": 0},
             {"location": "/*.pdf$", "tdm-reservation": 1},
             {"location": "/", "tdm-reservation": 1, "tdm-policy": "https://a.example/policy.json"}]
    store = write_jsonl(tmp_path / "tdmrep.jsonl", [
        {"host": "a.example", "body": _tdmrep(rules), "fetched": "2024-06-01"},
        {"host": "b.example", "body": _tdmrep([{"location": "/books/", "tdm-reservation": 1}])},
    ])
    tagger = _tagger(tdmrep_store=str(store))
    cases = {"https://a.example/free/x.pdf": 0.0, "https://a.example/doc.pdf": 1.0, "https://a.example/page": 1.0,
             "https://b.example/books/1": 1.0, "https://b.example/news/1": 0.0, "https://c.example/": 0.0}
    for url, reserved in cases.items():
        values = _values(tagger, url)
        assert (values["tdmrep_file_reserved"], values["tdm_reserved"], values["restricted"]) == (reserved,) * 3, url
    # the header still counts where the file says nothing
    assert _values(tagger, "https://c.example/", headers={"tdm-reservation": "1"})["tdm_reserved"] == 1.0
    assert "tdmrep_file_reserved" not in _values(_tagger(), "https://a.example/doc.pdf")


def test_tdmrep_json_from_warc_records_and_folders(tmp_path: Path) -> None:
    body = _tdmrep([{"location": "/", "tdm-reservation": 1}]).encode()
    warc = tmp_path / "wellknown.warc.gz"
    warc.write_bytes(_fetch("https://a.example/.well-known/tdmrep.json", body)
                     + _fetch("https://b.example/robots.txt", body))
    assert _values(_tagger(tdmrep_store=str(warc)), "https://a.example/x")["tdmrep_file_reserved"] == 1.0
    assert _values(_tagger(tdmrep_store=str(warc)), "https://b.example/x")["tdmrep_file_reserved"] == 0.0
    folder = tmp_path / "tdm"
    folder.mkdir()
    (folder / "a.example.json").write_bytes(body)
    assert _values(_tagger(tdmrep_store=str(folder)), "https://a.example/x")["tdm_reserved"] == 1.0


@pytest.mark.parametrize("body", ["{not json", '{"location": "/"}', '[{"location": "/", "tdm-reservation": 2}]'])
def test_a_bad_tdmrep_file_is_an_error_naming_the_host(tmp_path: Path, body: str) -> None:
    store = write_jsonl(tmp_path / "tdmrep.jsonl", [{"host": "bad.example", "body": body}])
    with pytest.raises(InputError, match=r"bad\.example.*bad_tdmrep|bad_tdmrep.*bad\.example"):
        _tagger(tdmrep_store=str(store))


PLAIN_BODIES = [
    "User-agent: *\nDisallow: /p1/\nAllow: /p1/open/\n\nUser-agent: GPTBot\nDisallow: /a\n",
    "User-agent: CCBot\nDisallow: /\nAllow: /ok\n\nUser-agent: *\nDisallow: /private\n",
    "User agent GPTBot\nDissallow /x=1\n",
    "User-agent: *\nDisallow: /a/b/c/d/e/f/g\nAllow: /a/b/c/d/e/f/g/h\n",
]
OTHER_BODIES = [  # wildcards, anchors, escapes: never cached, still Protego's answer
    "User-agent: *\nDisallow: /*.pdf$\nDisallow: /p%31/\n",
    "User-agent: *\nAllow: /p1/index.html\nDisallow: /p1/\n",
]
PATHS = ["/p1/x", "/p1/open/1", "/p1/open", "/p1", "/a", "/ab", "/ok", "/okay", "/x=1", "/x=10", "/private/1",
         "/p1/x.pdf", "/p%31/x", "/p1/", "/robots.txt", "/robots.txtx", "/a/b/c/d/e/f/g/h/i", "/a/b/c/d/e/f/g/x",
         "/é/x", "/p1/é", "/p1?x=1", "/ok#frag", ""]


@pytest.mark.parametrize("body", PLAIN_BODIES + OTHER_BODIES)
def test_cached_verdicts_are_protegos_for_every_agent_and_path(body: str) -> None:
    from protego import Protego

    parser = Protego.parse(body)
    robots = HostRobots(body)
    agents = tuple(DEFAULT_AGENTS)
    for _ in range(2):  # cold, then every answer from the cache
        for path in PATHS:
            url = f"https://x.example{path}"
            host, plain_path = url_parts(url)
            assert host == "x.example"
            refused, star = robots.judge(url, plain_path, agents)
            assert list(refused) == [a for a in agents if not parser.can_fetch(url, a)], url
            assert star == (not parser.can_fetch(url, "*")), url
    assert bool(robots._verdicts) == (body in PLAIN_BODIES)


@pytest.mark.parametrize(("url", "host"), [
    ("https://WWW.Example.COM./a", "www.example.com"), ("http://example.com:8080/a", "example.com"),
    ("https://user@example.com/a", "example.com"), ("example.com/a", "example.com"),
    ("https://bücher.example/a", "xn--bcher-kva.example"), ("https://example.com?q=1", "example.com"),
])
def test_url_parts_agree_with_the_general_host_rules(url: str, host: str) -> None:
    from dolma_tools_taggers.blocklist import normalize_host

    assert url_parts(url)[0] == host == normalize_host(url)
