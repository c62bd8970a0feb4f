"""Removing or replacing spans of text chosen by attribute and score range.

Offsets are code points (Python ``str`` indices), so emoji, CJK and combining marks are cut
exactly where the tagger said. Spans selected by all rules are clipped to the text, sorted and
merged when they overlap (touching spans stay separate, so two adjacent e-mail addresses give
two placeholders). A merged region takes the replacement of the earliest rule in the config among
the spans it is made of.
"""

from __future__ import annotations

from collections.abc import Sequence

from dolma_tools.stages.mix.filters import AttributeRef, EvalError


class SpanRule:
    """One ``spans`` entry, resolved against the stream's attribute runs."""

    def __init__(self, ref: AttributeRef, min_score: float | None, max_score: float | None, replacement: str) -> None:
        self.ref = ref
        self.min_score = min_score
        self.max_score = max_score
        self.replacement = replacement

    def select(self, attributes: dict[str, list]) -> list[tuple[int, int]]:
        spans = self.ref.spans(attributes)
        if not spans:
            return []
        low, high = self.min_score, self.max_score
        if (low is not None or high is not None) and any(isinstance(span[2], str) for span in spans):
            raise EvalError("wrong_type", f"{self.ref.name!r} has string scores ({spans[0][2]!r}, ...): "
                                          "min_score and max_score need numbers")
        return [(int(s), int(e)) for s, e, score in spans
                if (low is None or score >= low) and (high is None or score <= high)]


def merge(selected: Sequence[tuple[int, int, int]], length: int) -> list[tuple[int, int, int]]:
    """Clip ``(start, end, rule)`` triples to ``[0, length)`` and merge overlapping ones."""
    merged: list[tuple[int, int, int]] = []
    for start, end, rule in sorted((max(s, 0), min(e, length), r) for s, e, r in selected):
        if end <= start:
            continue
        if merged and start < merged[-1][1]:
            last_start, last_end, last_rule = merged[-1]
            merged[-1] = (last_start, max(last_end, end), min(last_rule, rule))
        else:
            merged.append((start, end, rule))
    return merged


def apply_rules(text: str, attributes: dict[str, list], rules: Sequence[SpanRule]) -> tuple[str, int]:
    """The text with every selected span replaced; also the number of regions replaced."""
    selected = [(s, e, index) for index, rule in enumerate(rules) for s, e in rule.select(attributes)]
    if not selected:
        return text, 0
    regions = merge(selected, len(text))
    pieces: list[str] = []
    cursor = 0
    for start, end, rule in regions:
        pieces.append(text[cursor:start])
        pieces.append(rules[rule].replacement)
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces), len(regions)
