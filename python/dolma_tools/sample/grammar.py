"""Vectorised template grammar: turns slot templates and word lists into sentences, fast.

A template is a string of tokens. A token naming a category (``Noun``, ``VerbS``...) is a
slot filled at random from that category's words; any other token is a literal (``_`` is a
space inside it). A trailing ``,`` on a token puts a comma after the filled word; a final
``.``/``?``/``!`` token ends the sentence. Generation draws every slot of a whole batch
with a handful of numpy calls, so the Python cost is per sentence, not per word; that is
what makes hundreds of MB of sample text cheap.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

END_MARKS = (".", "?", "!")


def capitalize_first(text: str) -> str:
    """Upper-case the first letter, skipping leading punctuation such as ``¿`` (not digits)."""
    for i, ch in enumerate(text):
        if ch.isalpha():
            return text[:i] + ch.upper() + text[i + 1 :]
        if ch.isdigit():
            break
    return text


@dataclass(frozen=True)
class GrammarSpec:
    """Word lists and templates of one language.

    ``topical`` maps a category to extra words per topic; a topic's draws for that category
    come half from the general list and half from the topic's words.
    """

    categories: Mapping[str, Sequence[str]]
    templates: Mapping[str, Sequence[str]]
    topical: Mapping[str, Mapping[str, Sequence[str]]]


@dataclass(frozen=True)
class Templates:
    """The templates of one kind as flat arrays: ``codes`` index ``tokens`` slot by slot."""

    tokens: tuple[str, ...]
    codes: np.ndarray
    commas: np.ndarray
    lengths: np.ndarray
    ends: np.ndarray

    @classmethod
    def parse(cls, templates: Sequence[str]) -> Templates:
        names: dict[str, int] = {}
        codes: list[int] = []
        commas: list[bool] = []
        lengths: list[int] = []
        ends: list[str] = []
        for template in templates:
            tokens = template.split()
            ends.append(tokens.pop() if tokens[-1] in END_MARKS else "")
            codes += [names.setdefault(t.rstrip(","), len(names)) for t in tokens]
            commas += [t.endswith(",") and len(t) > 1 for t in tokens]
            lengths.append(len(tokens))
        return cls(
            tokens=tuple(names),
            codes=np.array(codes, dtype=np.int64),
            commas=np.array(commas, dtype=bool),
            lengths=np.array(lengths, dtype=np.int64),
            ends=np.array([end + "\0" for end in ends], dtype=object),
        )


class Lexicon:
    """A language's parsed templates, category word arrays (with capitalised twins) and
    compiled grammars, each built on first use. Immutable once built, so one instance can
    serve every run in a process."""

    def __init__(self, spec: GrammarSpec) -> None:
        self.spec = spec
        self._templates: dict[str, Templates] = {}
        self._arrays: dict[tuple[str, str | None], tuple[np.ndarray, np.ndarray]] = {}
        self._grammars: dict[tuple[str, str | None], CompiledGrammar] = {}

    def grammar(self, kind: str, topic: str | None) -> CompiledGrammar:
        if (kind, topic) not in self._grammars:
            self._grammars[kind, topic] = CompiledGrammar(self, kind, topic)
        return self._grammars[kind, topic]

    def templates(self, kind: str) -> Templates:
        if kind not in self._templates:
            self._templates[kind] = Templates.parse(self.spec.templates[kind])
        return self._templates[kind]

    def arrays(self, token: str, topic: str | None) -> tuple[np.ndarray, np.ndarray]:
        """(words, capitalised words) of a category, or of a literal token."""
        topic = topic if token in self.spec.topical else None
        key = (token, topic)
        if key not in self._arrays:
            words = self.spec.categories.get(token)
            if words is None:
                words = [token.replace("_", " ")]
            elif topic is not None:
                extra = list(self.spec.topical[token][topic])
                words = list(words) + extra * max(1, len(words) // max(1, len(extra)))
            plain = np.array(list(words), dtype=object)
            self._arrays[key] = plain, np.array([capitalize_first(w) for w in words], dtype=object)
        return self._arrays[key]


class CompiledGrammar:
    """One template kind of one language and topic, ready for batched generation."""

    def __init__(self, lexicon: Lexicon, kind: str, topic: str | None) -> None:
        templates = lexicon.templates(kind)
        arrays = [lexicon.arrays(token, topic) for token in templates.tokens]
        # Every category's words in one array, so one fancy index fills a whole batch.
        sizes = np.array([len(plain) for plain, _ in arrays], dtype=np.int64)
        offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        self._words = np.concatenate([plain for plain, _ in arrays])
        self._capitalized = np.concatenate([capitalized for _, capitalized in arrays])
        self._commas = templates.commas
        self._lengths = templates.lengths
        self._template_starts = np.concatenate([[0], np.cumsum(self._lengths)[:-1]])
        self._ends = templates.ends
        self._sizes = sizes[templates.codes]
        self._offsets = offsets[templates.codes]
        self.mean_words = float(self._lengths.mean())

    def generate(self, n: int, rng: np.random.Generator) -> list[str]:
        """``n`` sentences drawn uniformly over templates."""
        choice = rng.integers(len(self._lengths), size=n)
        lengths = self._lengths[choice]
        stops = np.cumsum(lengths)
        starts = stops - lengths
        slots = np.repeat(self._template_starts[choice] - starts, lengths)
        slots += np.arange(slots.size)
        index = self._offsets[slots] + (rng.random(slots.size) * self._sizes[slots]).astype(np.int64)
        words = self._words[index]
        words[starts] = self._capitalized[index[starts]]
        comma_at = np.flatnonzero(self._commas[slots])
        words[comma_at] = words[comma_at] + ","
        last = stops - 1
        words[last] = words[last] + self._ends[choice]
        # Each sentence's last word carries a NUL marker: one join and one split beat n joins.
        return " ".join(words.tolist())[:-1].split("\0 ")


class SentencePool:
    """Per (language, kind, topic) streams generated in batches, so callers can take a few
    sentences at a time cheaply. A stream's batch doubles on each refill (up to
    ``max_batch``): small samples waste little, large ones amortise numpy's overhead."""

    def __init__(self, lexicons: Mapping[str, Lexicon], rng: np.random.Generator, max_batch: int = 8192):
        self._lexicons = lexicons
        self._rng = rng
        self._max_batch = max_batch
        self._streams: dict[tuple[str, str, str | None], tuple[list[str], int, int]] = {}

    def grammar(self, lang: str, kind: str, topic: str | None = None) -> CompiledGrammar:
        return self._lexicons[lang].grammar(kind, topic)

    def take(self, lang: str, kind: str, topic: str | None, n: int) -> list[str]:
        """The next ``n`` sentences of that stream."""
        key = (lang, kind, topic)
        buffer, position, batch = self._streams.get(key, ([], 0, 64))
        if position + n > len(buffer):
            batch = min(2 * batch, self._max_batch)
            fresh = self.grammar(lang, kind, topic).generate(max(batch, n), self._rng)
            buffer, position = buffer[position:] + fresh, 0
        self._streams[key] = buffer, position + n, batch
        return buffer[position : position + n]

    def one(self, lang: str, kind: str, topic: str | None = None) -> str:
        return self.take(lang, kind, topic, 1)[0]
