"""robots.txt files per host, as the user collected them (see `host_files` for the store's forms).

A host missing from the store has no restriction, and the tagger records that it was missing.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from dolma_tools_taggers.host_files import read_host_files
from dolma_tools_taggers.robots_rules import HostRobots


class RobotsStore:
    """Host → robots.txt, from robots.txt WARC records, a JSONL file or a folder of ``<host>.txt``.

    Hosts serving the same file (CMS defaults, one company's many domains) share one parsed copy,
    and with it its cached verdicts.
    """

    def __init__(self, path: str) -> None:
        self.hosts: dict[str, HostRobots] = {}
        self.fetched: dict[str, str | None] = {}
        bodies: dict[str, HostRobots] = {}
        for host, (body, fetched) in read_host_files(path, "/robots.txt", ".txt", "robots").items():
            self.hosts[host] = bodies.setdefault(body, HostRobots(body))
            self.fetched[host] = fetched

    def __len__(self) -> int:
        return len(self.hosts)


def with_scheme(url: str) -> str:
    """A URL stored without a scheme (``example.com/x``) gets one, so Protego finds its path."""
    return url if url.startswith(("http://", "https://")) or urlsplit(url).scheme else f"http://{url}"
