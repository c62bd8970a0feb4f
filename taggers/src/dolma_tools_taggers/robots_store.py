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
_FIELD = re.compile(r"^\s*([A-Za-z-]+)\s*:\s*(.*?)\s*(?:#.*)?$")


@dataclasses.dataclass
class HostRobots:
    """One host's robots.txt, parsed lazily."""

    body: str
    fetched: str | None
    _parser: object | None = None
    _signals: dict[str, str] | None = None

    def parser(self):
        if self._parser is None:
            from protego import Protego

            self._parser = Protego.parse(self.body)
        return self._parser

    def content_signals(self, agents: Iterable[str]) -> dict[str, str]:
        """``Content-Signal`` key=value pairs of the groups for ``*`` or any of ``agents``."""
        if self._signals is None:
            self._signals = _content_signals(self.body, {a.lower() for a in agents} | {"*"})
        return self._signals


def _content_signals(body: str, agents: set[str]) -> dict[str, str]:
    signals: dict[str, str] = {}
    group: set[str] = set()
    in_agents = False
    for line in body.splitlines():
        match = _FIELD.match(line)
        if not match:
            continue
        field, value = match.group(1).lower(), match.group(2)
        if field == "user-agent":
            group = group if in_agents else set()
            group.add(value.lower())
            in_agents = True
            continue
        in_agents = False
        if field == "content-signal" and group & agents:
            for pair in value.split(","):
                key, _, setting = pair.partition("=")
                if key.strip():
                    signals[key.strip().lower()] = setting.strip().lower()
    return signals


class RobotsStore:
    """Host → robots.txt, from a folder of ``<host>.txt`` files or a JSONL file."""

    def __init__(self, path: str) -> None:
        if os.path.isdir(path):
            self.hosts = dict(_read_folder(path))
        elif os.path.isfile(path) or "://" in path:
            self.hosts = dict(_read_jsonl(path))
        else:
            raise FileNotFoundError(f"robots.txt store not found: {path!r} (a folder of <host>.txt or a JSONL file)")

    def __len__(self) -> int:
        return len(self.hosts)

    def get(self, url: str) -> HostRobots | None:
        host = normalize_host(url)
        return self.hosts.get(host) if host else None


def _decode(data: bytes) -> str:
    return data.decode("utf-8", errors="replace").removeprefix(_BOM)


def _read_folder(path: str) -> Iterable[tuple[str, HostRobots]]:
    for name in sorted(os.listdir(path)):
        if name.endswith(".txt") and (host := normalize_host(name[: -len(".txt")])):
            with open(os.path.join(path, name), "rb") as handle:
                yield host, HostRobots(_decode(handle.read()), None)


def _read_jsonl(path: str) -> Iterable[tuple[str, HostRobots]]:
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
        yield host, HostRobots(body.removeprefix(_BOM), str(fetched) if fetched is not None else None)


def disallowed_agents(robots: HostRobots, url: str, agents: Sequence[str]) -> list[str]:
    """The agents whose rules (their own group, or ``*`` when they have none) forbid ``url``."""
    parser = robots.parser()
    return [agent for agent in agents if not parser.can_fetch(url, agent)]


def with_scheme(url: str) -> str:
    """A URL stored without a scheme (``example.com/x``) gets one, so Protego finds its path."""
    return url if urlsplit(url).scheme else f"http://{url}"
