"""TDMRep's site-wide file, ``/.well-known/tdmrep.json``, per host (W3C TDM Reservation Protocol).

The file is a JSON array of rules ``{"location": "/images/*", "tdm-reservation": 1, "tdm-policy":
<url>}``; a page's rule is the first whose ``location`` matches its path (``*`` any characters,
a trailing ``$`` the end of the path; otherwise a prefix). A file that is not such an array is
an `InputError` naming the host: a site's reservation is never dropped silently.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

from dolma_tools.errors import InputError

from dolma_tools_taggers.host_files import read_host_files
from dolma_tools_taggers.robots_rules import url_parts

Rule = tuple["re.Pattern[str]", bool]
"""``(location pattern, whether TDM rights are reserved)``."""


def _pattern(location: str) -> re.Pattern[str]:
    anchored = location.endswith("$")
    body = location[:-1] if anchored else location
    return re.compile(".*".join(re.escape(part) for part in body.split("*")) + ("$" if anchored else ""))


def parse_rules(text: str, where: str) -> list[Rule]:
    """The rules of one tdmrep.json body, in file order."""
    try:
        entries = json.loads(text)
    except ValueError as exc:
        raise InputError(where, None, "bad_tdmrep", f"not JSON: {exc}") from None
    if not isinstance(entries, list):
        raise InputError(where, None, "bad_tdmrep", "expected an array of {location, tdm-reservation}")
    rules: list[Rule] = []
    for entry in entries:
        location = entry.get("location") if isinstance(entry, dict) else None
        reservation = entry.get("tdm-reservation") if isinstance(entry, dict) else None
        if not isinstance(location, str) or reservation not in (0, 1):
            raise InputError(where, None, "bad_tdmrep", f"bad rule {entry!r}: needs location and tdm-reservation 0 or 1")
        rules.append((_pattern(location if location.startswith(("/", "*")) else f"/{location}"), reservation == 1))
    return rules


class TdmRepStore:
    """Host → tdmrep.json rules, from WARC records of ``/.well-known/tdmrep.json``, a JSONL file or
    a folder of ``<host>.json`` (see `host_files`)."""

    def __init__(self, path: str) -> None:
        self.hosts = {host: parse_rules(body, f"{path} ({host})")
                      for host, (body, _) in read_host_files(path, "/.well-known/tdmrep.json", ".json", "tdmrep").items()}

    def reserved(self, url: str) -> bool | None:
        """Whether the host's file reserves TDM rights on ``url``; None when the host has no file
        or no rule matches the path."""
        host, path = url_parts(url)
        rules = self.hosts.get(host) if host else None
        if not rules:
            return None
        if path is None:
            split = urlsplit(url)
            path = split.path + (f"?{split.query}" if split.query else "")
        path = path or "/"
        for pattern, reserved in rules:
            if pattern.match(path):
                return reserved
        return None
