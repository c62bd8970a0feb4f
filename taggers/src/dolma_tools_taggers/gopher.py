"""Gopher quality and repetition rules (Rae et al. 2021, "Scaling Language Models", appendix A).

Reference: the MassiveText quality filter (A.1.1) and repetition removal (A.1.2). Every value is
document-level (one span over the whole text); ``passes_all`` is 1.0 when the document passes all
of the paper's thresholds (listed in ``THRESHOLDS``), else 0.0.

Keys written:

* ``word_count`` (words = whitespace-separated tokens), ``mean_word_length`` (code points)
* ``symbol_to_word_ratio``: occurrences of ``#``, ``...`` and ``…`` per word
* ``bullet_line_fraction`` / ``ellipsis_line_fraction``: non-blank lines starting with a bullet
  (after leading whitespace; bullets are ``BULLETS``) / ending with ``...`` or ``…``
* ``alpha_word_fraction``: words containing at least one alphabetic character
* ``stop_word_count``: occurrences of the, be, to, of, and, that, have, with (case-insensitive,
  ignoring quotes, brackets and punctuation around the word)
* ``dup_line_fraction`` / ``dup_line_char_fraction``: non-blank lines (stripped) that repeat an
  earlier line, by count / by characters over all lines' characters; the same for paragraphs
  (``dup_paragraph_*``, paragraphs separated by blank lines)
* ``top_{2,3,4}gram_char_fraction`` and ``dup_{5..10}gram_char_fraction``: see `repetition`
* ``passes_all``

Deliberate differences from Dolma's ``gopher_v1``, which follows the same paper: Dolma reports
the *median* word length (the paper says mean), counts a symbol once per word and ignores
``...``, counts only lines starting with ``*``/``-`` or ending with ``…``, counts blank lines,
counts every copy of a duplicated line (we count the repeats, so two equal lines give 0.5), is
case-sensitive for stop words, and sums overlapping duplicate n-grams more than once (the paper
says not to). We also add the paragraph duplicates and the pass/fail key.
"""

from __future__ import annotations

import re

import numpy as np

from dolma_tools.documents import Attributes, Document
from dolma_tools.taggers.base import Tagger, document_span

from dolma_tools_taggers.repetition import DUPLICATE_NS, TOP_NS, repetition_fractions
from dolma_tools_taggers.text import lines, paragraphs

BULLETS = ("•", "‣", "⁃", "◦", "●", "○", "▪", "■", "□", "-", "*", "–")
_NO_ALPHA_WORD = re.compile(r"(?<!\S)(?:[^\w\s]|[\d_])+(?!\S)")
_STOP_WORD = re.compile(
    r"(?<!\S)[\"'“‘(\[]*(?:the|be|to|of|and|that|have|with)[\"'”’)\].,;:!?]*(?!\S)", re.IGNORECASE
)

THRESHOLDS: dict[str, tuple[float, float]] = {
    "word_count": (50, 100_000),
    "mean_word_length": (3, 10),
    "symbol_to_word_ratio": (0.0, 0.1),
    "bullet_line_fraction": (0.0, 0.9),
    "ellipsis_line_fraction": (0.0, 0.3),
    "alpha_word_fraction": (0.8, 1.0),
    "stop_word_count": (2, float("inf")),
    "dup_line_fraction": (0.0, 0.3),
    "dup_paragraph_fraction": (0.0, 0.3),
    "dup_line_char_fraction": (0.0, 0.2),
    "dup_paragraph_char_fraction": (0.0, 0.2),
    "top_2gram_char_fraction": (0.0, 0.20),
    "top_3gram_char_fraction": (0.0, 0.18),
    "top_4gram_char_fraction": (0.0, 0.16),
    "dup_5gram_char_fraction": (0.0, 0.15),
    "dup_6gram_char_fraction": (0.0, 0.14),
    "dup_7gram_char_fraction": (0.0, 0.13),
    "dup_8gram_char_fraction": (0.0, 0.12),
    "dup_9gram_char_fraction": (0.0, 0.11),
    "dup_10gram_char_fraction": (0.0, 0.10),
}
"""Inclusive (low, high) bounds a document must meet on every key to pass (paper, A.1.1-2)."""


def duplicate_fractions(units: list[str]) -> tuple[float, float]:
    """(repeated units / units, characters of repeated units / characters of all units)."""
    seen: set[str] = set()
    repeats = repeat_chars = total_chars = 0
    for unit in units:
        total_chars += len(unit)
        if unit in seen:
            repeats += 1
            repeat_chars += len(unit)
        else:
            seen.add(unit)
    if not units:
        return 0.0, 0.0
    return repeats / len(units), repeat_chars / max(total_chars, 1)


def gopher_statistics(text: str) -> dict[str, float]:
    """Every Gopher statistic of one text (see the module docstring for definitions)."""
    words = text.split()
    n_words = len(words)
    lengths = np.fromiter(map(len, words), dtype=np.int64, count=n_words)
    hashes = np.fromiter(map(hash, words), dtype=np.int64, count=n_words).view(np.uint64)
    top, dup = repetition_fractions(hashes, lengths)
    line_texts = [piece.text.strip() for piece in lines(text)]
    line_texts = [line for line in line_texts if line]
    n_lines = max(len(line_texts), 1)
    symbols = text.count("#") + text.count("...") + text.count("…")
    stats = {
        "word_count": float(n_words),
        "mean_word_length": float(lengths.sum()) / n_words if n_words else 0.0,
        "symbol_to_word_ratio": symbols / n_words if n_words else 0.0,
        "bullet_line_fraction": sum(line.startswith(BULLETS) for line in line_texts) / n_lines,
        "ellipsis_line_fraction": sum(line.endswith(("...", "…")) for line in line_texts) / n_lines,
        "alpha_word_fraction": 1.0 - len(_NO_ALPHA_WORD.findall(text)) / n_words if n_words else 0.0,
        "stop_word_count": float(len(_STOP_WORD.findall(text))),
    }
    stats["dup_line_fraction"], stats["dup_line_char_fraction"] = duplicate_fractions(line_texts)
    paragraph_texts = [piece.text for piece in paragraphs(text)]
    stats["dup_paragraph_fraction"], stats["dup_paragraph_char_fraction"] = duplicate_fractions(paragraph_texts)
    for n, value in zip(TOP_NS, top):
        stats[f"top_{n}gram_char_fraction"] = float(value)
    for n, value in zip(DUPLICATE_NS, dup):
        stats[f"dup_{n}gram_char_fraction"] = float(value)
    return stats


def passes(stats: dict[str, float]) -> bool:
    return all(low <= stats[key] <= high for key, (low, high) in THRESHOLDS.items())


class GopherTagger(Tagger):
    name = "gopher_v1"
    description = "Gopher (MassiveText) quality and repetition statistics, document-level, plus passes_all."
    keys = ("word_count", "mean_word_length", "symbol_to_word_ratio", "bullet_line_fraction", "ellipsis_line_fraction",
            "alpha_word_fraction", "stop_word_count", "dup_line_fraction", "dup_line_char_fraction",
            "dup_paragraph_fraction", "dup_paragraph_char_fraction",
            *(f"top_{n}gram_char_fraction" for n in (2, 3, 4)), *(f"dup_{n}gram_char_fraction" for n in range(5, 11)),
            "passes_all")

    def predict(self, doc: Document) -> Attributes:
        stats = gopher_statistics(doc.text)
        stats["passes_all"] = float(passes(stats))
        return {key: document_span(doc, value) for key, value in stats.items()}
