"""A robots.txt file's groups read as Protego reads them, and judged without it.

Protego's parse builds an object per group, rule and URL pattern; across the ~20,000 distinct
files of a 100,000-host run that allocation and the garbage collection it brings cost more than
the answers. `read_groups` reads the same groups in one pass into tuples, for the files (most of
them) whose rule values Protego keeps as written: letters, digits, ``_.~/=-``, ``*`` wildcards and
a final ``$``. `GroupRules` then answers as Protego's ``can_fetch`` does, for paths made of those
plain characters (which Protego compares as they are). Anything else (``%``-escapes, other
characters, a ``$`` inside a value) is left to Protego: `read_groups` returns None, and callers
ask Protego for paths that are not plain. ``tests/taggers/test_robots_groups.py`` compares the
two on generated files.

What is reproduced, from Protego 0.7's ``_protego.py``, ``_ruleset.py`` and ``_urlpattern.py``:
the reading of a line (a comment cut at ``#``; ``field: value`` or ``field value``; the
misspellings of ``disallow``), the grouping (a user-agent line after a rule starts a group;
``Sitemap`` and ``Host`` lines do not count; values and rules without a group are dropped; a
name seen before adds to its group; ``*`` inside a name also names the name without it), the
rules (``$`` at the end: the anchored pattern and the literal ``%24`` one; ``Allow: …/index.html``
also allows ``…/``), the order (longest pattern first, ``Allow`` first among equals) and the
choice of group (the longest name found in the agent's at a token boundary, else ``*``).
"""

from __future__ import annotations

import re
from urllib.parse import quote

_DISALLOW = frozenset(("disallow", "dissallow", "dissalow", "disalow", "diasllow", "disallaw"))
_USER_AGENT = frozenset(("user-agent", "useragent", "user agent"))
_SITE_WIDE = frozenset(("sitemap", "sitemaps", "site-map", "host"))
_DIRECTIVES = _DISALLOW | _USER_AGENT | _SITE_WIDE | frozenset((
    "allow", "crawl-delay", "crawl delay", "request-rate", "request rate", "visit-time", "visit time"))
_KEPT_VALUE = re.compile(r"[A-Za-z0-9_.~/=*-]+\$?").fullmatch
"""Rule values Protego keeps as written (and a final ``$``, its end anchor)."""
PLAIN_PATH = re.compile(r"[A-Za-z0-9_.~/=-]*").fullmatch
"""Paths (and path prefixes) Protego compares as written."""
_PATH_SAFE, _PATTERN_SAFE = "/%=", "/%*="
"""What Protego's quoting leaves as it is besides letters, digits and ``_.-~``."""


def quotable(text: str) -> bool:
    """Whether Protego's quoting of ``text`` is a plain ``quote``: printable ASCII without ``%``
    (an escape Protego would first decode)."""
    return "%" not in text and text.isascii() and text.isprintable()


def quoted_path(path: str) -> str:
    """Protego's form of a `quotable` path and query (``?`` is escaped too)."""
    return quote(path, safe=_PATH_SAFE)

Rule = tuple[int, bool, str]
"""``(length, whether it allows, pattern)``; sorted in reverse, Protego's order of precedence."""


def _directive(line: str) -> tuple[str, str] | None:
    """``(field, value)`` of a stripped, uncommented, non-empty line, as Protego reads it."""
    field = None
    value = ""
    if ":" in line:
        field, raw = line.split(":", 1)
        field = field.strip().lower()
        value = raw.strip()
        if field in _DIRECTIVES or not raw or raw[0].isspace():
            return field, value
    words = line.split()
    for count in (1, 2):
        candidate = " ".join(words[:count]).lower()
        if candidate in _DIRECTIVES:
            return candidate, " ".join(words[count:])
    return None if field is None else (field, value)


def _rules(value: str, allow: bool) -> list[Rule] | None:
    """The rules Protego adds for one value: one with every ``$`` escaped when there is one, and
    one whose final ``$`` anchors it; for ``Allow: …/index.html``, ``…/`` anchored too. None for a
    value that is not `quotable`."""
    if _KEPT_VALUE(value):
        patterns = [value[:-1] + "%24", value] if value.endswith("$") else [value]
    elif quotable(value):
        value = "/" + value if value.startswith(("https://", "http://")) else value
        whole = quote(value, safe=_PATTERN_SAFE)  # every '$' escaped
        patterns = [whole] if "$" in value else []
        patterns.append(quote(value[:-1], safe=_PATTERN_SAFE) + "$" if value.endswith("$") else whole)
    else:
        return None
    rules = []
    for pattern in patterns:
        rules.append((len(pattern), allow, pattern))
        if allow and pattern.endswith("/index.html"):
            rules.append((len(pattern) - 9, True, pattern[:-10] + "$"))
    return rules


def read_groups(body: str) -> dict[str, list[Rule]] | None:
    """User-agent name (lower case) → its rules, in Protego's order of names, or None when a rule
    value is one Protego rewrites (see the module's docstring)."""
    groups: dict[str, list[Rule]] = {}
    made: dict[tuple[str, bool], list[Rule]] = {}
    current: list[str] = []
    previous = None
    for line in body.splitlines():
        hash_at = line.find("#")
        line = (line[:hash_at] if hash_at != -1 else line).strip()
        if not line:
            continue
        parsed = _directive(line)
        if parsed is None:
            continue
        field, value = parsed
        is_agent = field in _USER_AGENT
        if is_agent and previous is not None and previous not in _USER_AGENT:
            current = []
        if field not in _SITE_WIDE:
            previous = field
        if not value or (not current and not is_agent):
            continue
        if is_agent:
            name = value.lower()
            for key in (name, name.replace("*", "") if name != "*" and "*" in name else None):
                if key and key not in current:
                    current.append(key)
                    groups.setdefault(key, [])
        elif field == "allow" or field in _DISALLOW:
            rules = made.get((value, field == "allow")) or _rules(value, field == "allow")
            if rules is None:
                return None
            made[value, field == "allow"] = rules
            for key in current:
                groups[key].extend(rules)
    return groups


def applies(name: str, agent: str) -> int:
    """Protego's score of group ``name`` for ``agent`` (lower case): 1 for ``*``, the name's length
    when it occurs in the agent's at a token boundary, else 0."""
    if name == "*":
        return 1
    index = agent.find(name)
    while index != -1:
        if index == 0 or not (agent[index - 1].isalnum() or agent[index - 1] in "-_"):
            return len(name)
        index = agent.find(name, index + 1)
    return 0


def _matches(pattern: str, path: str) -> bool:
    """Protego's ``_URLPattern.match``."""
    star = pattern.find("*")
    if star == -1:
        return path == pattern[:-1] if pattern.endswith("$") else path.startswith(pattern)
    if not path.startswith(pattern[:star]):
        return False
    anchored = pattern.endswith("$")
    parts = re.sub(r"\*+", "*", pattern[:-1] if anchored else pattern).split("*")
    position = len(parts[0])
    for part in parts[1:-1]:
        found = path.find(part, position)
        if found == -1:
            return False
        position = found + len(part)
    last = parts[-1]
    if anchored:
        end = len(path) - len(last)
        return end >= position and path[end:] == last
    return not last or path.find(last, position) != -1


class GroupRules:
    """The groups of one file (see `read_groups`), each sorted once, judged per plain path."""

    __slots__ = ("bound", "disallows", "groups", "_chosen")

    def __init__(self, groups: dict[str, list[Rule]]) -> None:
        self.groups: dict[str, tuple[tuple[Rule, ...], tuple[str, ...] | None]] = {}
        """Name → (its rules in order of precedence, their patterns when all are plain prefixes)."""
        longest, plain, self.disallows = 1, True, False
        for name, rules in groups.items():
            ordered = tuple(sorted(rules, reverse=True))
            patterns = tuple(rule[2] for rule in ordered)
            group_plain = not any("*" in pattern or "$" in pattern for pattern in patterns)
            plain = plain and group_plain
            self.groups[name] = ordered, patterns if group_plain else None
            longest = max(longest, ordered[0][0]) if ordered else longest
            self.disallows = self.disallows or not all(rule[1] for rule in ordered)
        self.bound = longest if plain else None
        """The longest pattern when none has ``*`` or ``$``: a verdict then depends on no more of
        the path than this (else None)."""
        self._chosen: dict[tuple[str, ...], tuple[str | None, tuple[str | None, ...]]] = {}

    def chosen(self, agents: tuple[str, ...]) -> tuple[str | None, tuple[str | None, ...]]:
        """The group ruling ``*`` and the group ruling each agent (None: no group, allowed)."""
        found = self._chosen.get(agents)
        if found is None:
            lowered = [agent.strip().lower() for agent in agents]
            joined = "\n".join(lowered)
            names = [name for name in self.groups if name == "*" or name in joined]  # others score 0
            found = _choose("*", names), tuple(_choose(agent, names) for agent in lowered)
            self._chosen[agents] = found
        return found

    def disallowed(self, name: str | None, path: str) -> bool:
        """Whether group ``name``'s first matching rule is a ``Disallow`` (``path`` plain)."""
        if name is None:
            return False
        rules, prefixes = self.groups[name]
        if prefixes is not None:
            if not path.startswith(prefixes):
                return False
            for _, allow, pattern in rules:
                if path.startswith(pattern):
                    return not allow
        for _, allow, pattern in rules:
            if _matches(pattern, path):
                return not allow
        return False

    def judge(self, path: str, agents: tuple[str, ...]) -> tuple[tuple[str, ...], bool]:
        """``(agents whose group forbids path, whether the * group does)`` for a plain path."""
        if path == "/robots.txt" or not self.disallows:
            return (), False
        star_group, agent_groups = self.chosen(agents)
        answers = {star_group: self.disallowed(star_group, path)}
        refused = []
        for agent, name in zip(agents, agent_groups):
            if name not in answers:
                answers[name] = self.disallowed(name, path)
            if answers[name]:
                refused.append(agent)
        return tuple(refused), answers[star_group]


def _choose(agent: str, names: list[str]) -> str | None:
    """The first of the best-scoring names, as Protego's ``max`` picks it (None: all score 0)."""
    best, best_score = None, 0
    for name in names:
        score = applies(name, agent)
        if score > best_score:
            best, best_score = name, score
    return best
