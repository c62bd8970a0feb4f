"""Cheap counting taggers built into the core, so that ``tag`` is useful on day one."""

from __future__ import annotations

from dolma_tools.documents import Attributes, Document, Span
from dolma_tools.taggers.base import Tagger, document_span


class CharLengthTagger(Tagger):
    name = "char_length_v1"
    description = "Length of the text in Unicode code points (key: length)."
    keys = ("length",)

    def predict(self, doc: Document) -> Attributes:
        return {"length": document_span(doc, len(doc.text))}


class WordCountTagger(Tagger):
    name = "word_count_v1"
    description = "Number of whitespace-separated words (key: words)."
    keys = ("words",)

    def predict(self, doc: Document) -> Attributes:
        return {"words": document_span(doc, len(doc.text.split()))}


class ParagraphCountTagger(Tagger):
    name = "paragraph_count_v1"
    description = (
        "Paragraphs = non-blank newline-separated lines (keys: paragraphs, a document-level count; "
        "paragraph, one span per paragraph scored by its length in code points)."
    )
    keys = ("paragraphs", "paragraph")

    def predict(self, doc: Document) -> Attributes:
        spans = []
        start = 0
        text = doc.text
        for line in text.split("\n"):
            end = start + len(line)
            if line.strip():
                spans.append(Span(start, end, float(end - start)))
            start = end + 1
        return {"paragraphs": document_span(doc, len(spans)), "paragraph": spans}
