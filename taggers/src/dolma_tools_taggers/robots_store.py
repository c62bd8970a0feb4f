"""robots.txt files per host, as the user collected them, judged with Protego.

A store is either a folder of ``<host>.txt`` files (the fetch date is then unknown), or a JSONL
file (plain or ``.gz``/``.zst``) of ``{"host": ..., "body": <robots.txt text>, "fetched":
<date>}`` lines; ``"status": 404`` (or any 4xx) with no body records that the host has none. A
host missing from the store has no restriction, and the tagger records that it was missing.

Bodies are kept as text and parsed on first use, so a store of 100k hosts loads in about a second
and a run pays only for the hosts its documents come from. A UTF-8 byte-order mark and
undecodable bytes are tolerated (robots.txt is meant to be UTF-8; parsers ignore what they cannot
read), as are lines Protego does not understand.

Cloudflare's ``Content-Signal: search=yes, ai-train=no`` lines are read here too: the signals in
any group that applies to ``*`` or one of the listed agents count.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

from dolma_tools.errors import InputError
from dolma_tools.io import iter_json

from dolma_tools_taggers.blocklist import normalize_host

_BOM = "\ufeff"
_USER_AGENT = re.compile(r"^user[\s_-]*agent\b[\s:]*", re.IGNORECASE)


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


@dataclasses.dataclass
class HostRobots:
    """One robots.txt body (shared by the hosts that serve the same file), scanned and parsed on
    first use."""

    body: str
    _scan: _Scan | None = None
    _parser: object | None = None
    _named_cache: dict[tuple[str, ...], frozenset[str]] = dataclasses.field(default_factory=dict)
    _signal_cache: dict[tuple[str, ...], dict[str, str]] = dataclasses.field(default_factory=dict)

    def scan(self) -> _Scan:
        if self._scan is None:
            self._scan = _scan(self.body)
        return self._scan

    def parser(self):
        if self._parser is None:
            from protego import Protego

            self._parser = Protego.parse(self.body)
        return self._parser

    def refusals(self, url: str, agents: Sequence[str]) -> tuple[list[str], bool]:
        """``(agents whose rules forbid url, whether the * group forbids it)``.

        An agent is ruled by its own group when the file names it, else by ``*``; Protego matches
        a group whose token occurs in the agent's name, so only agents containing a named token
        are asked about, the others share the ``*`` answer (this saves most of the work).
        """
        if not self.scan().disallows:
            return [], False
        parser = self.parser()
        star = not parser.can_fetch(url, "*")
        named = self._named(agents)
        return [agent for agent in agents if (not parser.can_fetch(url, agent) if agent in named else star)], star

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
            wanted = {a.lower() for a in agents} | {"*"}
            found: dict[str, str] = {}
            for group, pairs in self.scan().signals:
                if group & wanted:
                    found.update(pairs)
            self._signal_cache[key] = found
        return self._signal_cache[key]


class RobotsStore:
    """Host → robots.txt, from a folder of ``<host>.txt`` files or a JSONL file.

    Hosts serving the same file (CMS defaults, one company's many domains) share one parsed copy.
    """

    def __init__(self, path: str) -> None:
        if os.path.isdir(path):
            entries = _read_folder(path)
        elif os.path.isfile(path) or "://" in path:
            entries = _read_jsonl(path)
        else:
            raise FileNotFoundError(f"robots.txt store not found: {path!r} (a folder of <host>.txt or a JSONL file)")
        self.hosts: dict[str, HostRobots] = {}
        self.fetched: dict[str, str | None] = {}
        bodies: dict[str, HostRobots] = {}
        for host, body, fetched in entries:
            self.hosts[host] = bodies.setdefault(body, HostRobots(body))
            self.fetched[host] = fetched

    def __len__(self) -> int:
        return len(self.hosts)

    def get(self, url: str) -> HostRobots | None:
        host = normalize_host(url)
        return self.hosts.get(host) if host else None


def _decode(data: bytes) -> str:
    return data.decode("utf-8", errors="replace").removeprefix(_BOM)


def _read_folder(path: str) -> Iterable[tuple[str, str, str | None]]:
    for name in sorted(os.listdir(path)):
        if name.endswith(".txt") and (host := normalize_host(name[: -len(".txt")])):
            with open(os.path.join(path, name), "rb") as handle:
                yield host, _decode(handle.read()), None


def _read_jsonl(path: str) -> Iterable[tuple[str, str, str | None]]:
    for line, entry in iter_json(path):
        if not isinstance(entry, dict) or not isinstance(entry.get("host"), str):
            raise InputError(path, line, "bad_robots_entry", 'expected {"host": ..., "body": ..., "fetched": ...}')
        host = normalize_host(entry["host"])
        body = entry.get("body")
        status = entry.get("status", 200)
        if host is None or not (body is None or isinstance(body, str)) or not isinstance(status, int):
            raise InputError(path, line, "bad_robots_entry", f"host {entry['host']!r}: bad host, body or status")
        if 400 <= status < 500 or body is None:
            continue  # the host says it has no robots.txt: no restriction, the same as absent
        fetched = entry.get("fetched")
        yield host, body.removeprefix(_BOM), str(fetched) if fetched is not None else None


def with_scheme(url: str) -> str:
    """A URL stored without a scheme (``example.com/x``) gets one, so Protego finds its path."""
    return url if urlsplit(url).scheme else f"http://{url}"
