"""One robots.txt file, judged with Protego for a list of agents, fast enough for every document.

Bodies are scanned and parsed on first use, so a store of 100k hosts loads in about a second and a
run pays only for the hosts its documents come from. Lines Protego does not understand are
skipped, as Protego skips them.

Shortcuts keep Protego's answers while asking it less (tests compare both for every agent):

* A file without any ``Disallow`` value forbids nothing.
* Most files and paths are judged by `robots_groups.GroupRules`, which reads the groups as
  Protego does into tuples and answers as it does, for rule values and paths Protego keeps as
  written; the rest go to Protego, parsed on first need.
* When no rule has ``*`` or ``$`` either, a URL's verdict depends only on its first ``L`` path
  characters, ``L`` the longest value: verdicts are cached per such prefix, so the pages of a
  host after the first cost a dictionary lookup.
* When Protego judges, it matches a group whose token occurs in the agent's name, so only
  agents containing a token the file names are asked about; the others share the ``*`` answer.

Cloudflare's ``Content-Signal: search=yes, ai-train=no`` lines are read here too: the signals in
any group that applies to ``*`` or one of the listed agents count.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from dolma_tools_taggers.blocklist import normalize_host
from dolma_tools_taggers.robots_groups import PLAIN_PATH, GroupRules, quotable, quoted_path, read_groups

_USER_AGENT = re.compile(r"^user[\s_-]*agent\b[\s:]*", re.IGNORECASE)
_SIMPLE_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://([A-Za-z0-9.-]+)(/[^#]*)?")
CACHE_LIMIT = 4096
"""Cached verdicts per file and agent list (a host's distinct path prefixes, in practice)."""

Verdict = tuple[tuple[str, ...], bool]
"""``(agents whose rules forbid the URL, whether the * group forbids it)``."""


@dataclasses.dataclass
class _Scan:
    """What one pass over the lines tells before any parsing: the user-agent tokens named, whether
    anything is disallowed at all, and the Content-Signal pairs of each group."""

    tokens: frozenset[str]
    disallows: bool
    signals: list[tuple[frozenset[str], dict[str, str]]]


def _field(line: str) -> tuple[str, str] | None:
    """``(field, value)`` of a line, read as leniently as Protego reads it (a colon or a space
    after the field, ``user agent``/``useragent``), the field lower-cased without separators."""
    line = line.split("#", 1)[0].strip()
    if not line:
        return None
    agent = _USER_AGENT.match(line)
    if agent:
        return "useragent", line[agent.end():].strip()
    field, _, value = line.partition(":") if ":" in line else line.partition(" ")
    return field.strip().lower().replace(" ", "").replace("-", ""), value.strip()


def _scan(body: str) -> _Scan:
    tokens: set[str] = set()
    disallows = False
    signals: list[tuple[frozenset[str], dict[str, str]]] = []
    group: set[str] = set()
    in_agents = False
    for line in body.splitlines():
        parsed = _field(line)
        if parsed is None:
            continue
        field, value = parsed
        if field == "useragent":
            group = group if in_agents else set()
            group.add(value.lower())
            tokens.add(value.lower().replace("*", "") or "*")
            in_agents = True
            continue
        in_agents = False
        disallows = disallows or (field.startswith("d") and bool(value))  # Protego accepts misspellings
        if field == "contentsignal":
            pairs = (pair.partition("=") for pair in value.split(","))
            signals.append((frozenset(group), {k.strip().lower(): v.strip().lower() for k, _, v in pairs if k.strip()}))
    return _Scan(frozenset(tokens), disallows, signals)


def url_parts(url: str) -> tuple[str | None, str | None]:
    """``(normalized host, path and query)`` of a URL; the path is None unless the URL has the
    plain ``scheme://host/path`` form (no port, user or IDN host), where it is read without
    ``urlsplit``."""
    match = _SIMPLE_URL.match(url)
    if match and (match.end() == len(url) or url[match.end()] == "#"):
        host = match.group(1).lower().rstrip(".")
        if host:
            return host, match.group(2)
    return normalize_host(url), None


@dataclasses.dataclass
class HostRobots:
    """One robots.txt body (shared by the hosts that serve the same file), scanned and parsed on
    first use."""

    body: str
    _scan: _Scan | None = None
    _parser: object | None = None
    _rules: GroupRules | None = None
    _rules_read: bool = False
    _named_cache: dict[tuple[str, ...], frozenset[str]] = dataclasses.field(default_factory=dict)
    _signal_cache: dict[tuple[str, ...], dict[str, str]] = dataclasses.field(default_factory=dict)
    _verdicts: dict[tuple[tuple[str, ...], str], Verdict] = dataclasses.field(default_factory=dict)

    def scan(self) -> _Scan:
        if self._scan is None:
            self._scan = _scan(self.body)
        return self._scan

    def parser(self):
        if self._parser is None:
            from protego import Protego

            self._parser = Protego.parse(self.body)
        return self._parser

    def rules(self) -> GroupRules | None:
        """The file's groups read without Protego (see `robots_groups`), or None when a rule value
        is one only Protego reads."""
        if not self._rules_read:
            groups = read_groups(self.body)
            self._rules, self._rules_read = (GroupRules(groups) if groups is not None else None), True
        return self._rules

    def judge(self, url: str, path: str | None, agents: tuple[str, ...]) -> Verdict:
        """`refusals`, judged by `GroupRules` when the file's rules and ``path`` (the URL's path and
        query, see `url_parts`) allow it, from the verdict cache when the rules are plain prefixes
        and the path starts with plain characters, else by Protego."""
        rules = self.rules()
        if rules is None or path is None:
            return self.refusals(url, agents)
        if not rules.disallows:
            return (), False
        bound = rules.bound
        if bound is not None and not path.startswith("/robots.txt"):
            key = path[:bound]
            if PLAIN_PATH(key):
                verdict = self._verdicts.get((agents, key))
                if verdict is None:
                    verdict = rules.judge(key, agents)
                    if len(self._verdicts) < CACHE_LIMIT:
                        self._verdicts[(agents, key)] = verdict
                return verdict
        if PLAIN_PATH(path):
            return rules.judge(path, agents)
        if quotable(path) and "/robots.txt" not in path:  # Protego reads /robots.txt;x as /robots.txt
            return rules.judge(quoted_path(path), agents)
        return self.refusals(url, agents)

    def refusals(self, url: str, agents: Sequence[str]) -> Verdict:
        """``(agents whose rules forbid url, whether the * group forbids it)``.

        An agent is ruled by its own group when the file names it, else by ``*``; Protego matches
        a group whose token occurs in the agent's name, so only agents containing a named token
        are asked about, the others share the ``*`` answer (this saves most of the work).
        """
        if not self.scan().disallows:
            return (), False
        parser = self.parser()
        star = not parser.can_fetch(url, "*")
        named = self._named(agents)
        if not named:  # every agent is ruled by '*'
            return (tuple(agents) if star else ()), star
        return tuple(agent for agent in agents if (not parser.can_fetch(url, agent) if agent in named else star)), star

    def _named(self, agents: Sequence[str]) -> frozenset[str]:
        """The agents a group of this file may name (a token of the file occurs in their name)."""
        key = tuple(agents)
        if key not in self._named_cache:
            tokens = [t for t in self.scan().tokens if t != "*"]
            self._named_cache[key] = frozenset(a for a in agents if any(t in a.lower() for t in tokens))
        return self._named_cache[key]

    def content_signals(self, agents: Sequence[str]) -> dict[str, str]:
        """``Content-Signal`` key=value pairs of the groups for ``*`` or any of ``agents``."""
        key = tuple(agents)
        if key not in self._signal_cache:
            found: dict[str, str] = {}
            if "signal" in self.body.lower():  # else no Content-Signal line: the scan is not needed
                wanted = {a.lower() for a in agents} | {"*"}
                for group, pairs in self.scan().signals:
                    if group & wanted:
                        found.update(pairs)
            self._signal_cache[key] = found
        return self._signal_cache[key]
