"""robots.txt judged without Protego (`robots_groups`) gives Protego's answers: for every agent and
``*``, on generated files (agent-specific and ``*`` groups, Allow/Disallow precedence, wildcards and
``$``, case, several user-agent lines per group, misspellings, BOM, malformed lines, Content-Signal
lines) and paths, cold and from the verdict cache."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dolma_tools_taggers.consent import DEFAULT_AGENTS
from dolma_tools_taggers.robots_groups import read_groups
from dolma_tools_taggers.robots_rules import HostRobots, _scan, url_parts

protego = pytest.importorskip("protego")

AGENT_FIELDS = ["User-agent:", "user-agent:", "USER-AGENT :", "User agent:", "useragent:", "User-agent",
                "User agent", "user_agent:", "User-Agent:\t", "Useragent"]
NAMES = ["*", "GPTBot", "gptbot", "GPT*", "gpt", "CCBot", "ccbot/2.0", "ClaudeBot", "claude", "anthropic-ai",
         "Google-Extended", "Googlebot", "google", "Bytespider", "bot", "Ai2Bot", "Ai2Bot-Dolma", "*bot",
         "Meta-ExternalAgent", "agent", "externalagent", "mybot", "cohere-training-data-crawler", "Pangu*", "", "* ", "bingbot", "AI"]
RULE_FIELDS = ["Disallow:", "disallow:", "DISALLOW:", "Allow:", "allow:", "Disallow", "Allow", "Dissallow:",
               "disalow:", "Disallaw", "diasllow:", "Allow :", "Disallow :"]
VALUES = ["/", "/p1/", "/p1/open/", "/p1", "/a", "/ab", "/ok", "/x=1", "/private", "/search", "", "/*.pdf$",
          "/*.pdf", "/p1/$", "/p1$", "*", "/*", "/p*/open", "/p1/*/x", "/**/x$", "$", "/a$b", "/p%31/",
          "/é/", "/p1/index.html", "/index.html", "/*/index.html", "https://x.example/p1", "/a b", "/a:b",
          "p1", "/?", "/*?", "/p1/open/$", "/x=1$", "/~u/", "/robots.txt", "/p1*1$", "/*&sort=", "/search?q=",
          "/*?*", "/a;b", "/%7E", "/a\\b", "/p1?$", "/a$$", "http://x.example/a$", "/a?/index.html", "/*.PDF$",
          "/ä", "/a\tb"]
OTHER_LINES = ["", "# comment", "Sitemap: https://x.example/s.xml", "Host: x.example", "Crawl-delay: 10",
               "Request-rate: 1/5", "Content-Signal: search=yes, ai-train=no", "Content-Signal: ai-train=yes",
               "content signal: ai-train=no", "CONTENT-SIGNAL ai-train=no", "Content - Signal: ai-train=n",
               "Content-Signals: ai-train=no", "signal: ai-train=no",
               "nonsense", "garbage: line", "Foo:bar", ":", "   ", "Disallow /a:b", "Visit-time: 0400-0845"]
PATHS = ["/", "/p1", "/p1/", "/p1/x", "/p1/open", "/p1/open/", "/p1/open/1", "/p2/open/3", "/ab", "/a", "/ok",
         "/okay", "/x=1", "/x=10", "/private/1", "/search", "/x.pdf", "/p1/x.pdf", "/p1/x.pdfx", "/p1/x/x",
         "/index.html", "/p1/index.html", "/q/index.html", "/q/", "/robots.txt", "/robots.txtx", "/~u/a",
         "//a", "/p1?x=1", "/p%31/x", "/é/x", "/p1/é", "/a b", "/a:b", "/a$b", "/x$", "/search?q=1&sort=2", "/p1/?",
         "/a;b", "/robots.txt;x", "/robots.txt?x", "/p1?", "/a?/index.html", "/a?/", "/x.PDF", "/a*b", "/%7E",
         "/~", "/a\\b", "/http://x.example/a$", "/a$$", "/p1/x?y=%20", "/a\tb", "/p1\n"]
AGENTS = (*DEFAULT_AGENTS, "Googlebot", "bingbot", "MyBot/1.0 (compatible; claudebot)", " CCBot ", "Foo_GPTBot",
          "claude GPTBot")  # a name after '_' is no token; two names of one length


def _line(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.3:
        line = f"{rng.choice(AGENT_FIELDS)} {rng.choice(NAMES)}"
    elif kind < 0.8:
        line = f"{rng.choice(RULE_FIELDS)} {rng.choice(VALUES)}"
    else:
        line = rng.choice(OTHER_LINES)
    if rng.random() < 0.1:
        line += " # trailing comment"
    if rng.random() < 0.1:
        line = "  " + line + " "
    return line


def _body(rng: random.Random) -> str:
    body = rng.choice(["\n", "\r\n", "\r"]).join(_line(rng) for _ in range(rng.randint(0, 14)))
    return ("\ufeff" if rng.random() < 0.05 else "") + body


def _assert_protegos_answers(body: str) -> None:
    parser = protego.Protego.parse(body)
    robots = HostRobots(body)
    wanted = {agent.lower() for agent in AGENTS} | {"*"}  # the signals, without the shortcut for files without any
    signals = {key: value for group, pairs in _scan(body).signals if group & wanted for key, value in pairs.items()}
    assert robots.content_signals([agent.lower() for agent in AGENTS]) == signals, body
    for _ in range(2):  # cold, then from the verdict cache
        for path in PATHS:
            url = f"https://x.example{path}"
            refused, star = robots.judge(url, url_parts(url)[1], AGENTS)
            assert list(refused) == [a for a in AGENTS if not parser.can_fetch(url, a)], (body, url)
            assert star == (not parser.can_fetch(url, "*")), (body, url)


def test_generated_files_are_judged_as_protego_judges_them() -> None:
    rng = random.Random(20250101)
    read = 0
    for _ in range(1500):
        body = _body(rng)
        _assert_protegos_answers(body)
        read += read_groups(body) is not None
    assert read > 1000  # most files take the path without Protego


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(
    st.tuples(st.sampled_from(AGENT_FIELDS), st.sampled_from(NAMES)).map(" ".join),
    st.tuples(st.sampled_from(RULE_FIELDS), st.sampled_from(VALUES)).map(" ".join),
    st.sampled_from(OTHER_LINES),
    st.text(alphabet="UuAaDd:-* /$#\t=%", max_size=12),
), max_size=12))
def test_any_mix_of_lines_is_judged_as_protego_judges_it(lines: list[str]) -> None:
    _assert_protegos_answers("\n".join(lines))


@pytest.mark.parametrize(("body", "groups"), [
    ("", {}),
    ("User-agent: GPTBot\nUser-agent: CCBot\nDisallow: /a\n", {"gptbot": [(2, False, "/a")], "ccbot": [(2, False, "/a")]}),
    ("Disallow: /a\nUser-agent: *\n", {"*": []}),
    ("User-agent: GPT*\nAllow: /x$\n", {"gpt*": [(5, True, "/x%24"), (3, True, "/x$")], "gpt": [(5, True, "/x%24"), (3, True, "/x$")]}),
    ("User-agent: *\nAllow: /a/index.html\n", {"*": [(13, True, "/a/index.html"), (4, True, "/a/$")]}),
    ("User-agent: *\nDisallow: /p%31/\n", None),
    ("User-agent: *\nDisallow: /é\n", None),
    ("User-agent: *\nDisallow: /a$b\n", {"*": [(6, False, "/a%24b"), (6, False, "/a%24b")]}),
    ("User-agent: *\nDisallow: /*?\nAllow: /a?$\n", {"*": [(5, False, "/*%3F"), (8, True, "/a%3F%24"), (6, True, "/a%3F$")]}),
    ("Disallow: /p%31/\nUser-agent: *\nDisallow: /\n", {"*": [(1, False, "/")]}),  # no group: dropped
])
def test_groups_read_as_protego_reads_them(body: str, groups: dict | None) -> None:
    assert read_groups(body) == groups
