"""A document under construction: paragraphs plus the annotated spans planted in them.

Spans are kept paragraph-relative while paragraphs are still being inserted, and turned
into code-point offsets of the final text only once, by ``Draft.render``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PARAGRAPH_SEPARATOR = "\n\n"


@dataclass(frozen=True)
class Span:
    """A planted string: ``kind`` is the ground-truth section, ``label`` its type or eval id."""

    paragraph: int
    start: int
    end: int
    kind: str
    label: str


@dataclass
class Draft:
    """Paragraphs of one document; ``fixed`` marks boilerplate lines, ``body`` prose ones
    (where plants may go); ``title`` names it in its url."""

    title: str = ""
    paragraphs: list[str] = field(default_factory=list)
    fixed: set[int] = field(default_factory=set)
    body: list[int] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)

    def add(self, text: str, *, fixed: bool = False, body: bool = False) -> int:
        self.paragraphs.append(text)
        index = len(self.paragraphs) - 1
        if fixed:
            self.fixed.add(index)
        if body:
            self.body.append(index)
        return index

    def insert(self, index: int, text: str) -> None:
        """Insert a prose paragraph before ``index``, shifting everything recorded after it."""
        self.paragraphs.insert(index, text)
        self.fixed = {i + (i >= index) for i in self.fixed}
        self.body = [i + (i >= index) for i in self.body] + [index]
        self.spans = [
            Span(s.paragraph + (s.paragraph >= index), s.start, s.end, s.kind, s.label)
            for s in self.spans
        ]

    def append_to(self, index: int, text: str, separator: str = " ") -> int:
        """Append ``text`` to paragraph ``index``; returns where ``text`` starts in it."""
        start = len(self.paragraphs[index]) + len(separator)
        self.paragraphs[index] += separator + text
        return start

    def mark(self, paragraph: int, start: int, value: str, kind: str, label: str) -> None:
        self.spans.append(Span(paragraph, start, start + len(value), kind, label))

    def render(self) -> tuple[str, list[tuple[Span, int, int]]]:
        """The final text and each span with its absolute ``[start, end)`` code-point offsets."""
        starts = []
        position = 0
        for paragraph in self.paragraphs:
            starts.append(position)
            position += len(paragraph) + len(PARAGRAPH_SEPARATOR)
        text = PARAGRAPH_SEPARATOR.join(self.paragraphs)
        placed = [(s, starts[s.paragraph] + s.start, starts[s.paragraph] + s.end) for s in self.spans]
        return text, placed

    def boilerplate(self) -> list[str]:
        return [self.paragraphs[i] for i in sorted(self.fixed)]
