"""How the taggers cut text into lines, paragraphs and sentences, with code-point offsets.

Every tagger that reports spans uses these, so that "a line" means the same thing in the Gopher,
C4 and FineWeb taggers and the mixer can remove what any of them flags. Lines are the pieces
between ``\\n``; a line span includes its trailing newline, so deleting flagged spans leaves the
kept lines intact. Paragraphs are runs of lines separated by blank lines. Sentences come from
blingfire (rule-based, fast, handles "Dr." and "p.m."). Words are whitespace-separated
(``str.split``): the papers whose rules we follow count words that way, and it is C-fast.
"""

from __future__ import annotations

import re
from typing import NamedTuple

import blingfire

_WHITESPACE = re.compile(r"\s+")
_BLANK_LINES = re.compile(r"\n[^\S\n]*\n\s*")


class Piece(NamedTuple):
    """A slice of a document: its text and where it sits (code points, end exclusive)."""

    text: str
    start: int
    end: int


def lines(text: str) -> list[Piece]:
    """Every line (blank ones included); ``end`` includes the newline that ends the line."""
    pieces = []
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        pieces.append(Piece(line, start, min(end + 1, len(text))))
        start = end + 1
    return pieces


def paragraphs(text: str) -> list[Piece]:
    """Non-blank paragraphs: text between blank lines, without surrounding whitespace."""
    pieces = []
    start = 0
    for match in _BLANK_LINES.finditer(text):
        _append_stripped(pieces, text, start, match.start())
        start = match.end()
    _append_stripped(pieces, text, start, len(text))
    return pieces


def _append_stripped(pieces: list[Piece], text: str, start: int, end: int) -> None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if stripped:
        offset = start + (len(chunk) - len(chunk.lstrip()))
        pieces.append(Piece(stripped, offset, offset + len(stripped)))


def sentences(text: str) -> list[Piece]:
    """Sentences by blingfire's rule-based splitter (offsets are code points)."""
    if not text.strip():
        return []
    _, offsets = blingfire.text_to_sentences_and_offsets(text)
    return [Piece(text[start:end], start, end) for start, end in offsets]


def normalize_for_fasttext(text: str) -> str:
    """The one text normalisation used to train fastText classifiers and to apply them.

    fastText reads one example per line, so newlines must go; runs of whitespace collapse to one
    space. Case and punctuation are kept: they carry quality signal, and the model sees the same
    form at training and at prediction time because both call this function.
    """
    return _WHITESPACE.sub(" ", text).strip()
