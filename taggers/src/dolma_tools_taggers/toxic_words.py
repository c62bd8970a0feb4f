"""Toxicity by word list: hits of the user's list of offensive words and phrases.

No list ships with this package; give your own (one entry a line, see `wordlist` for how entries
match; lists are small, so they load, and are checked, when the tagger is built). Keys: ``hit`` (one span per hit, score 1.0), ``hits`` (document-level count) and
``hit_ratio`` (hits per token, tokens as the matcher sees them; 0.0 for a text without tokens).
"""

from __future__ import annotations

from dolma_tools.documents import Attributes, Document, Span
from dolma_tools.taggers.base import Tagger, document_span

from dolma_tools_taggers.wordlist import WordList


class WordListToxicityTagger(Tagger):
    name = "wordlist_toxicity_v1"
    description = "Hits of a user's offensive-word list: spans (hit), count (hits) and hits per token (hit_ratio)."
    keys = ("hit", "hits", "hit_ratio")

    def __init__(self, word_list_path: str) -> None:
        self.words = WordList.from_file(word_list_path)

    def predict(self, doc: Document) -> Attributes:
        hits = self.words.find(doc.text)
        tokens = self.words.count_tokens(doc.text) if hits else 0
        return {
            "hit": [Span(start, end, 1.0) for start, end in hits],
            "hits": document_span(doc, len(hits)),
            "hit_ratio": document_span(doc, len(hits) / tokens if tokens else 0.0),
        }
