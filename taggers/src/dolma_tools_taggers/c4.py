"""C4 cleaning rules (Raffel et al. 2020, section 2.2), as implemented by TFDS ``c4_utils.clean_page``.

Lines (``\\n``-separated, stripped, blank ones ignored) are checked in the TFDS order, and a line
is flagged by the first rule that removes it:

1. ``line_too_long_word``: a whitespace-separated word longer than ``max_word_length`` (1000);
2. ``line_no_end_mark``: after deleting citation marks (``[1]``, ``[edit]``, ``[citation
   needed]``), the line does not end in ``.``, ``?``, ``!`` or ``"``, or ends in ``...``;
3. ``line_too_few_words``: fewer than ``min_words_per_line`` (5) words;
4. ``line_javascript``: contains "javascript" (any case);
5. ``line_policy``: contains "terms of use", "privacy policy", "cookie policy", "uses cookies",
   "use of cookies" or "use cookies" (any case).

Each key holds one span per flagged line (score 1.0; the span includes the line's newline) and
``line_removed`` holds all of them, so a mixer can delete exactly the lines C4 deletes. Citation
marks inside kept lines are reported as ``citation`` spans. Page rules look, as in TFDS, only at
lines that passed rules 1-3: ``has_lorem_ipsum``, ``has_curly_brace`` (``{``) and, when
``bad_words_path`` is given, ``bad_words`` (hits in lines kept so far, with ``bad_word`` spans).
Document-level counts: ``line_count``, ``kept_lines`` and ``lines_<rule>`` per rule. ``passes_all`` is 1.0 when C4 keeps the
page: no lorem ipsum, no curly brace, no bad word, and at least ``min_sentences`` (3) sentences
in the kept lines, counted line by line as TFDS does (blingfire here, NLTK punkt there).

Differences from TFDS: lines are split on ``\n`` only (TFDS's ``splitlines`` also splits on rare
separators such as ``\x0c`` and ``\u2028``); TFDS stops reading a page at its first page-level hit, we keep counting;
its bad-word regex needs a non-letter on both sides (so it misses a word at the very start or end
of a line), our matcher uses token boundaries (see `wordlist`).
"""

from __future__ import annotations

import re

import blingfire

from dolma_tools.documents import Attributes, Document, Span
from dolma_tools.taggers.base import Tagger, document_span

from dolma_tools_taggers.wordlist import WordList

END_MARKS = (".", "?", "!", '"')
POLICY_SUBSTRINGS = (
    "terms of use", "privacy policy", "cookie policy", "uses cookies", "use of cookies", "use cookies",
)
LINE_RULES = ("too_long_word", "no_end_mark", "too_few_words", "javascript", "policy")
_CITATION = re.compile(r"\[\d*\]|\[edit\]|\[citation needed\]")
_POLICY = re.compile("|".join(POLICY_SUBSTRINGS))


class C4Tagger(Tagger):
    name = "c4_v1"
    description = "C4 line and page rules (TFDS clean_page): line spans to remove, page flags, passes_all."
    keys = ("line_count", "kept_lines", "has_lorem_ipsum", "has_curly_brace", "passes_all", "line_removed", "citation",
            *(f"{kind}_{rule}" for rule in LINE_RULES for kind in ("lines", "line")))

    def __init__(
        self,
        bad_words_path: str | None = None,
        min_words_per_line: int = 5,
        min_sentences: int = 3,
        max_word_length: int = 1000,
    ) -> None:
        for option, value in (("min_words_per_line", min_words_per_line), ("min_sentences", min_sentences),
                              ("max_word_length", max_word_length)):
            if not isinstance(value, int) or value < 0:
                raise ValueError(f"{option} must be a non-negative integer, got {value!r}")
        self.bad_words = WordList.from_file(bad_words_path) if bad_words_path else None
        self.min_words_per_line = min_words_per_line
        self.min_sentences = min_sentences
        self.max_word_length = max_word_length

    def output_keys(self) -> tuple[str, ...]:
        return (*self.keys, "bad_words", "bad_word") if self.bad_words is not None else self.keys

    def _line_rule(self, line: str) -> tuple[str | None, list[tuple[int, int]]]:
        """The first rule that removes ``line`` (stripped) or None, and its citation spans."""
        if len(line) > self.max_word_length and any(len(word) > self.max_word_length for word in line.split()):
            return "too_long_word", []
        citations = [m.span() for m in _CITATION.finditer(line)] if "[" in line else []
        cleaned = _CITATION.sub("", line) if citations else line
        if not cleaned.endswith(END_MARKS) or cleaned.endswith("..."):
            return "no_end_mark", []
        if len(cleaned.split()) < self.min_words_per_line:
            return "too_few_words", []
        lower = cleaned.lower()
        if "javascript" in lower:
            return "javascript", []
        if _POLICY.search(lower):
            return "policy", []
        return None, citations

    def _enough_sentences(self, kept: list[str]) -> bool:
        """TFDS counts sentences line by line, so each kept line has at least one: blingfire
        (the slow part) only runs when there are fewer kept lines than sentences needed."""
        if len(kept) >= self.min_sentences:
            return True
        found = 0
        for line in kept:
            found += blingfire.text_to_sentences(_CITATION.sub("", line)).count("\n") + 1
        return found >= self.min_sentences

    def predict(self, doc: Document) -> Attributes:
        spans: dict[str, list[Span]] = {f"line_{rule}": [] for rule in LINE_RULES}
        removed: list[Span] = []
        citations: list[Span] = []
        bad_words: list[Span] = []
        kept: list[str] = []
        line_count = 0
        lorem = curly = False
        text = doc.text
        start = 0
        for raw in text.split("\n"):
            line_start, start = start, start + len(raw) + 1
            line = raw.strip()
            if not line:
                continue
            line_count += 1
            offset = line_start + len(raw) - len(raw.lstrip())
            rule, line_citations = self._line_rule(line)
            if rule not in ("too_long_word", "no_end_mark", "too_few_words"):
                lower = line.lower()
                lorem = lorem or "lorem ipsum" in lower
                curly = curly or (rule != "javascript" and "{" in line)
                if self.bad_words is not None and rule is None:
                    bad_words.extend(Span(offset + s, offset + e, 1.0) for s, e in self.bad_words.find(line))
            if rule is None:
                kept.append(line)
                citations.extend(Span(offset + s, offset + e, 1.0) for s, e in line_citations)
            else:
                span = Span(line_start, min(start, len(text)), 1.0)
                spans[f"line_{rule}"].append(span)
                removed.append(span)
        passes = not lorem and not curly and not bad_words and self._enough_sentences(kept)
        result: Attributes = {
            "line_count": document_span(doc, line_count),
            "kept_lines": document_span(doc, len(kept)),
            "has_lorem_ipsum": document_span(doc, lorem),
            "has_curly_brace": document_span(doc, curly),
            "passes_all": document_span(doc, passes),
            "line_removed": removed,
            "citation": citations,
        }
        for rule in LINE_RULES:
            result[f"lines_{rule}"] = document_span(doc, len(spans[f"line_{rule}"]))
            result[f"line_{rule}"] = spans[f"line_{rule}"]
        if self.bad_words is not None:
            result["bad_words"] = document_span(doc, len(bad_words))
            result["bad_word"] = bad_words
        return result
