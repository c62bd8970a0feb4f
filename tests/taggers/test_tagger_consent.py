"""consent_v1: robots.txt per AI agent (Protego), page signals in both forms, the domain list."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from dolma_tools.documents import Document
from dolma_tools.errors import InputError
from dolma_tools_taggers.consent import DEFAULT_AGENTS, ConsentTagger
from tests.taggers.conftest import write_jsonl


def _store(tmp_path: Path, robots: dict[str, str | bytes]) -> Path:
    folder = tmp_path / "robots"
    folder.mkdir(exist_ok=True)
    for host, body in robots.items():
        (folder / f"{host}.txt").write_bytes(body if isinstance(body, bytes) else body.encode())
    return folder


def _tagger(**options) -> ConsentTagger:
    tagger = ConsentTagger(**options)
    tagger.setup()
    return tagger


def _doc(url: str | None, headers: dict | None = None, meta: dict | None = None) -> Document:
    metadata = {"url": url, "headers": headers or {}, "meta": meta or {}} if url is not None else None
    return Document(id="d", text="some text", metadata=metadata)


def _values(tagger: ConsentTagger, doc: Document) -> dict[str, float]:
    return {key: spans[0][2] for key, spans in tagger.predict(doc).items()}


def _robots(tmp_path: Path, body: str | bytes, url: str = "https://www.site.example/page", **options) -> dict[str, float]:
    return _values(_tagger(robots_store=str(_store(tmp_path, {"www.site.example": body})), **options), _doc(url))


def test_allowed_for_star_but_disallowed_for_gptbot_is_flagged_by_default(tmp_path: Path) -> None:
    values = _robots(tmp_path, "User-agent: *\nAllow: /\n\nUser-agent: GPTBot\nDisallow: /\n")
    assert values["robots_ai_disallowed"] == 1.0 and values["robots_star_disallowed"] == 0.0
    assert values["robots_disallowed_by_gptbot"] == 1.0 and "robots_disallowed_by_ccbot" not in values
    assert values["restricted"] == 1.0 and values["robots_missing"] == 0.0


def test_star_disallow_applies_to_agents_without_a_group_and_is_judged_apart(tmp_path: Path) -> None:
    values = _robots(tmp_path, "User-agent: *\nDisallow: /page\n\nUser-agent: CCBot\nAllow: /\n")
    assert values["robots_star_disallowed"] == 1.0
    assert values["robots_ai_disallowed"] == 1.0  # GPTBot has no group of its own: '*' rules it
    assert "robots_disallowed_by_ccbot" not in values  # CCBot's own group allows it
    only_ccbot = _robots(tmp_path, "User-agent: *\nDisallow: /\n\nUser-agent: CCBot\nAllow: /\n", agents=["CCBot"])
    assert only_ccbot["robots_ai_disallowed"] == 0.0 and only_ccbot["robots_star_disallowed"] == 1.0


def test_allow_with_the_longer_match_wins(tmp_path: Path) -> None:
    body = "User-agent: GPTBot\nDisallow: /docs/\nAllow: /docs/public/\n"
    assert _robots(tmp_path, body, "https://www.site.example/docs/public/a")["robots_ai_disallowed"] == 0.0
    assert _robots(tmp_path, body, "https://www.site.example/docs/private/a")["robots_ai_disallowed"] == 1.0


@pytest.mark.parametrize(("path", "refused"), [("/a/file.pdf", 1.0), ("/a/file.pdf?x=1", 0.0),
                                               ("/x/secret/y", 1.0), ("/x/public", 0.0)])
def test_wildcards_and_end_anchors(tmp_path: Path, path: str, refused: float) -> None:
    body = "User-agent: GPTBot\nDisallow: /*.pdf$\nDisallow: /*/secret/\n"
    assert _robots(tmp_path, body, f"https://www.site.example{path}")["robots_ai_disallowed"] == refused


def test_agent_names_match_whatever_their_case(tmp_path: Path) -> None:
    values = _robots(tmp_path, "user-agent: gptbot\ndisallow: /\n", agents=["GPTBot"])
    assert values["robots_disallowed_by_gptbot"] == 1.0
    assert _robots(tmp_path, "USER-AGENT: GPTBOT\nDISALLOW: /\n", agents=["gptbot"])["robots_ai_disallowed"] == 1.0


def test_a_byte_order_mark_does_not_hide_the_first_group(tmp_path: Path) -> None:
    body = b"\xef\xbb\xbfUser-agent: GPTBot\nDisallow: /\n"
    assert _robots(tmp_path, body)["robots_ai_disallowed"] == 1.0


def test_malformed_files_keep_the_rules_that_parse(tmp_path: Path) -> None:
    body = b"<html>not a robots file</html>\n\xff\xfe garbage\nUser-agent GPTBot\nDisallow /\n" \
           b"User-agent: CCBot\nDisallow: /\n"
    values = _robots(tmp_path, body)
    assert values["robots_disallowed_by_ccbot"] == 1.0
    assert values["robots_disallowed_by_gptbot"] == 1.0  # a missing colon is tolerated, as Google's parser does
    assert "robots_disallowed_by_claudebot" not in values
    html = _robots(tmp_path, "<!doctype html><html><body>404 not found</body></html>")
    assert html["robots_ai_disallowed"] == 0.0 and html["robots_missing"] == 0.0


def test_a_500_kb_file_is_judged_quickly_and_completely(tmp_path: Path) -> None:
    lines = [f"Disallow: /archive/{i}/\n" for i in range(24_000)]
    body = "User-agent: *\n" + "".join(lines) + "\nUser-agent: GPTBot\nDisallow: /private/\n"
    assert len(body) > 500_000
    started = time.perf_counter()
    values = _robots(tmp_path, body, "https://www.site.example/private/x")
    assert values["robots_disallowed_by_gptbot"] == 1.0 and values["robots_star_disallowed"] == 0.0
    assert _robots(tmp_path, body, "https://www.site.example/archive/23999/x")["robots_star_disallowed"] == 1.0
    assert time.perf_counter() - started < 10


def test_a_host_without_robots_txt_is_unrestricted_and_recorded(tmp_path: Path) -> None:
    store = write_jsonl(tmp_path / "robots.jsonl", [
        {"host": "a.example", "body": "User-agent: *\nDisallow: /\n", "fetched": "2024-06-01"},
        {"host": "gone.example", "status": 404, "fetched": "2024-06-01"},
    ])
    tagger = _tagger(robots_store=str(store))
    assert _values(tagger, _doc("http://a.example/x"))["robots_star_disallowed"] == 1.0
    for url in ("http://gone.example/x", "http://elsewhere.example/"):
        values = _values(tagger, _doc(url))
        assert values["robots_missing"] == 1.0 and values["robots_ai_disallowed"] == 0.0
    assert tagger.store.fetched["a.example"] == "2024-06-01"


def test_a_bad_store_line_names_file_and_line(tmp_path: Path) -> None:
    store = write_jsonl(tmp_path / "robots.jsonl", [{"host": "a.example", "body": ""}, {"body": "no host"}])
    with pytest.raises(InputError, match=r"robots.jsonl:2: bad_robots_entry"):
        _tagger(robots_store=str(store))


def test_content_signal_in_robots_txt(tmp_path: Path) -> None:
    body = "User-agent: *\nContent-Signal: search=yes, ai-train=no\nAllow: /\n"
    values = _robots(tmp_path, body)
    assert values["content_signal_ai_train_no"] == 1.0 and values["robots_ai_disallowed"] == 0.0
    assert values["restricted"] == 1.0
    other = "User-agent: Googlebot\nContent-Signal: ai-train=no\n\nUser-agent: *\nAllow: /\n"
    assert _robots(tmp_path, other)["content_signal_ai_train_no"] == 0.0  # another agent's group


@pytest.mark.parametrize(("headers", "meta", "key"), [
    ({"x-robots-tag": "noai"}, {}, "noai"),
    ({}, {"robots": "noai"}, "noai"),
    ({"x-robots-tag": "noimageai"}, {}, "noimageai"),
    ({}, {"robots": "noimageai"}, "noimageai"),
    ({"x-robots-tag": "none"}, {}, "noindex"),
    ({}, {"robots": "NOINDEX, follow"}, "noindex"),
    ({"x-robots-tag": "GPTBot: noai"}, {}, "noai"),
    ({}, {"gptbot": "noai"}, "noai"),
    ({"tdm-reservation": "1"}, {}, "tdm_reserved"),
    ({}, {"tdm-reservation": "1"}, "tdm_reserved"),
    ({"content-usage": "train-ai=n"}, {}, "content_usage_train_ai_no"),
    ({}, {"content-usage": "search=y, train-genai=n"}, "content_usage_train_ai_no"),
], ids=["xrt-noai", "meta-noai", "xrt-noimageai", "meta-noimageai", "xrt-none", "meta-noindex",
        "xrt-agent", "meta-agent", "tdm-header", "tdm-meta", "usage-header", "usage-meta"])
def test_each_page_signal_in_header_and_meta_form(headers: dict, meta: dict, key: str) -> None:
    values = _values(_tagger(), _doc("http://a.example/", headers, meta))
    assert values[key] == 1.0
    assert sum(values.values()) == (1.0 if key == "noindex" else 2.0)  # the signal, plus 'restricted'


@pytest.mark.parametrize(("headers", "meta"), [
    ({"x-robots-tag": "googlebot: noai"}, {}),  # an agent not on the list
    ({"tdm-reservation": "0"}, {"tdm-reservation": "0"}),
    ({"content-usage": "train-ai=y"}, {}),
    ({"x-robots-tag": "noarchive"}, {"description": "noai"}),
])
def test_signals_that_do_not_refuse_training(headers: dict, meta: dict) -> None:
    assert _values(_tagger(), _doc("http://a.example/", headers, meta))["restricted"] == 0.0


def test_domain_list_matches_subdomains(tmp_path: Path) -> None:
    listed = tmp_path / "optout.txt"
    listed.write_text("# takedown requests\nnews.example\nhttps://blog.other.example/\n")
    tagger = _tagger(domain_list=str(listed))
    for url, expected in (("https://news.example/a", 1.0), ("https://www.news.example/b", 1.0),
                          ("https://badnews.example/", 0.0), ("http://blog.other.example/x", 1.0),
                          ("http://other.example/", 0.0)):
        assert _values(tagger, _doc(url))["domain_listed"] == expected, url
    assert _values(tagger, _doc(None))["domain_listed"] == 0.0


def test_options_are_checked_when_the_config_loads(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="robots.txt store"):
        ConsentTagger(robots_store=str(tmp_path / "nope"))
    with pytest.raises(ValueError, match="agents"):
        ConsentTagger(agents=["*"])
    assert "GPTBot" in DEFAULT_AGENTS and "CCBot" in DEFAULT_AGENTS


def test_tagged_through_the_tag_stage(tmp_path: Path) -> None:
    import dolma_tools as dt
    from dolma_tools.io import iter_attributes, write_lines

    docs = [{"id": str(i), "text": "text", "metadata": {"url": f"https://h{i % 2}.example/p", "headers": {},
                                                          "meta": {"robots": "noai"} if i == 3 else {}}}
            for i in range(4)]
    write_lines(str(tmp_path / "documents" / "d.jsonl.gz"), [json.dumps(d).encode() + b"\n" for d in docs])
    store = _store(tmp_path, {"h1.example": "User-agent: ClaudeBot\nDisallow: /\n"})
    dt.tag(str(tmp_path / "documents"), "c", [{"name": "consent_v1", "options": {"robots_store": str(store)}}],
           workers=1)
    rows = [attrs for _, _, attrs in iter_attributes(str(tmp_path / "attributes" / "c" / "d.jsonl.gz"))]
    restricted = [attrs["c__consent_v1__restricted"][0][2] for attrs in rows]
    assert restricted == [0.0, 1.0, 0.0, 1.0]


@pytest.mark.parametrize("body", [
    "User-agent: *\nDisallow: /\n",
    "User-agent: GPT*\nDisallow: /a\n\nUser-agent: *\nAllow: /\n",
    "User agent GPTBot\nDissallow /a\n",
    "useragent: claudebot\nuser-agent: ccbot\ndisalow: /a/\n\nUser-agent: *\nDisallow: /b\n",
    "User-agent: Google-Extended\nDisallow: /\nUser-agent: Googlebot\nAllow: /\n",
    "User-agent: bot\nDisallow: /\n",
    "Sitemap: https://x.example/s.xml\nUser-agent: *\nAllow: /\n",
    "",
])
@pytest.mark.parametrize("path", ["/a/1", "/b/2", "/c"])
def test_the_shortcuts_give_protegos_answer_for_every_agent(body: str, path: str) -> None:
    from protego import Protego

    from dolma_tools_taggers.robots_store import HostRobots

    url = f"https://x.example{path}"
    parser = Protego.parse(body)
    refused, star = HostRobots(body).refusals(url, DEFAULT_AGENTS)
    assert list(refused) == [a for a in DEFAULT_AGENTS if not parser.can_fetch(url, a)]
    assert star == (not parser.can_fetch(url, "*"))
