"""FineWeb quality rules (Penedo et al. 2024, "The FineWeb Datasets", section 3.5).

Lines are every ``\\n``-separated piece, blank ones included, unstripped, as in the reference
implementation (datatrove's ``FineWebQualityFilter``). Document-level keys:

* ``line_punct_ratio``: lines ending in ``.``, ``'``, ``"``, ``!`` or ``?``; the paper removes
  documents at or below 0.12;
* ``short_line_ratio``: lines of at most ``short_line_length`` (30) code points; removed at or
  above 0.67;
* ``dup_line_char_ratio``: characters of non-blank lines that repeat an earlier line, over the
  characters of the text without newlines; removed at or above 0.1 (the paper's value;
  datatrove's default is 0.01);
* ``newline_word_ratio``: newlines per word (list-like pages); words are blingfire tokens, close to
  the NLTK ``word_tokenize`` of the reference; removed above 0.3 (datatrove's rule, not in the
  paper);
* ``passes_all``: 1.0 when none of the above removes the document.
"""

from __future__ import annotations

import blingfire

from dolma_tools.documents import Attributes, Document
from dolma_tools.taggers.base import Tagger, document_span

STOP_CHARS = (".", "'", '"', "!", "?")


def fineweb_statistics(text: str, short_line_length: int = 30) -> dict[str, float]:
    """The four FineWeb ratios of one text."""
    all_lines = text.split("\n")
    n_lines = len(all_lines)
    seen: set[str] = set()
    dup_chars = 0
    for line in all_lines:
        if not line.strip():
            continue
        if line in seen:
            dup_chars += len(line)
        else:
            seen.add(line)
    chars = len(text) - (n_lines - 1)
    words = blingfire.text_to_words(text).split() if text.strip() else []
    return {
        "line_punct_ratio": sum(line.endswith(STOP_CHARS) for line in all_lines) / n_lines,
        "short_line_ratio": sum(len(line) <= short_line_length for line in all_lines) / n_lines,
        "dup_line_char_ratio": dup_chars / chars if chars else 0.0,
        "newline_word_ratio": (n_lines - 1) / len(words) if words else 0.0,
    }


def passes(stats: dict[str, float]) -> bool:
    return (
        stats["line_punct_ratio"] > 0.12
        and stats["short_line_ratio"] < 0.67
        and stats["dup_line_char_ratio"] < 0.1
        and stats["newline_word_ratio"] <= 0.3
    )


class FineWebTagger(Tagger):
    name = "fineweb_v1"
    description = "FineWeb line-punctuation, short-line, duplicate-line and list-like ratios, plus passes_all."
    keys = ("line_punct_ratio", "short_line_ratio", "dup_line_char_ratio", "newline_word_ratio", "passes_all")

    def __init__(self, short_line_length: int = 30) -> None:
        if not isinstance(short_line_length, int) or short_line_length < 0:
            raise ValueError(f"short_line_length must be a non-negative integer, got {short_line_length!r}")
        self.short_line_length = short_line_length

    def predict(self, doc: Document) -> Attributes:
        stats = fineweb_statistics(doc.text, self.short_line_length)
        stats["passes_all"] = float(passes(stats))
        return {key: document_span(doc, value) for key, value in stats.items()}
