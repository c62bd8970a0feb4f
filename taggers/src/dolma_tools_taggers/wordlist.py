"""Finding the words and phrases of a user's word list in text, with code-point spans.

A list file has one word or phrase per line; blank lines and lines starting with ``#`` are
ignored. Matching is case-insensitive (``str.casefold``) and on whole tokens: a token is a run of
word characters, optionally joined by an apostrophe or hyphen (``don't``, ``e-mail``), so
``class`` does not hit inside ``classic``. A phrase matches the same tokens in sequence,
whatever the whitespace or punctuation between them. We match tokens against a set rather than
compile one big regex alternation: Python's ``re`` tries every alternative at every position,
which is slow for lists of thousands of entries.
"""

from __future__ import annotations

import os
import re

_TOKEN = re.compile(r"\w+(?:['’-]\w+)*")


class WordList:
    """A set of words and phrases, matched on whole tokens."""

    def __init__(self, entries: list[str]) -> None:
        self.phrases: set[tuple[str, ...]] = set()
        for entry in entries:
            tokens = tuple(t.casefold() for t in _TOKEN.findall(entry))
            if tokens:
                self.phrases.add(tokens)
        self.first_tokens = {phrase[0] for phrase in self.phrases}
        self.max_tokens = max((len(p) for p in self.phrases), default=0)

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> WordList:
        """Read a list file; a missing or empty list is an `OSError`/`ValueError` naming the path."""
        if not os.path.isfile(path):
            raise FileNotFoundError(f"word list not found: {os.fspath(path)!r}")
        with open(path, encoding="utf-8") as handle:
            entries = [line.strip() for line in handle]
        word_list = cls([e for e in entries if e and not e.startswith("#")])
        if not word_list.phrases:
            raise ValueError(f"word list {os.fspath(path)!r} has no entries")
        return word_list

    def find(self, text: str) -> list[tuple[int, int]]:
        """Code-point spans of every hit, left to right; the longest phrase wins at a position."""
        tokens = [(m.group().casefold(), m.start(), m.end()) for m in _TOKEN.finditer(text)]
        hits = []
        i = 0
        while i < len(tokens):
            matched = 0
            if tokens[i][0] in self.first_tokens:
                for n in range(min(self.max_tokens, len(tokens) - i), 0, -1):
                    if tuple(t[0] for t in tokens[i:i + n]) in self.phrases:
                        matched = n
                        break
            if matched:
                hits.append((tokens[i][1], tokens[i + matched - 1][2]))
                i += matched
            else:
                i += 1
        return hits

    def count_tokens(self, text: str) -> int:
        """How many tokens the text has, as `find` sees them (the denominator of hit ratios)."""
        return sum(1 for _ in _TOKEN.finditer(text))
