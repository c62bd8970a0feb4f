"""Language identification with a fastText LID model (e.g. fastText's ``lid.176.ftz``).

Keys: ``doc_<lang>`` (document-level score) and ``paragraph_<lang>`` (one span per paragraph),
for the ``top_k`` most likely languages of each unit plus every language listed in
``languages`` (reported even when unlikely, so a filter on ``doc_en`` always finds its key).
The top language of a unit is the key with the highest score. ``level`` picks ``document``,
``paragraph`` or ``both``. Text is normalised as for every fastText tagger
(`text.normalize_for_fasttext`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dolma_tools.documents import Attributes, Document, Span
from dolma_tools.taggers.base import Tagger

from dolma_tools_taggers.fasttext_model import label_key, load_model, resolve_model
from dolma_tools_taggers.text import Piece, normalize_for_fasttext, paragraphs

LEVELS = ("document", "paragraph", "both")


class FastTextLangIdTagger(Tagger):
    name = "fasttext_langid_v1"
    description = "fastText language ID (model_path) per document and/or paragraph: doc_<lang>, paragraph_<lang>."

    def __init__(
        self,
        model_path: str,
        level: str = "both",
        top_k: int = 1,
        languages: Sequence[str] = (),
        cache_dir: str | None = None,
    ) -> None:
        if level not in LEVELS:
            raise ValueError(f"level must be one of {', '.join(LEVELS)}, got {level!r}")
        if not isinstance(top_k, int) or top_k < 1:
            raise ValueError(f"top_k must be a positive integer, got {top_k!r}")
        self.level = level
        self.top_k = top_k
        self.languages = tuple(languages)
        self.model_path = resolve_model(model_path, cache_dir)
        self.model: Any = None

    def setup(self) -> None:
        self.model = load_model(self.model_path)

    def _scores(self, texts: list[str]) -> list[dict[str, float]]:
        """Per text, the reported languages and their scores."""
        if not texts:
            return []
        k = -1 if self.languages else self.top_k
        labels, probabilities = self.model.predict(texts, k=k)
        out = []
        for text_labels, text_probabilities in zip(labels, probabilities):
            ranked = [(label_key(label), min(float(p), 1.0)) for label, p in zip(text_labels, text_probabilities)]
            chosen = dict(ranked[: self.top_k])
            for language, score in ranked:
                if language in self.languages:
                    chosen[language] = score
            out.append(chosen)
        return out

    def predict(self, doc: Document) -> Attributes:
        return self.predict_batch([doc])[0]

    def predict_batch(self, docs: Sequence[Document]) -> list[Attributes]:
        if self.model is None:
            self.setup()
        levels = ("doc", "paragraph") if self.level == "both" else ("doc",) if self.level == "document" else ("paragraph",)
        results: list[Attributes] = [{f"{lv}_{lang}": [] for lv in levels for lang in self.languages} for _ in docs]
        if self.level in ("document", "both"):
            scores = self._scores([normalize_for_fasttext(doc.text) for doc in docs])
            for result, doc, doc_scores in zip(results, docs, scores):
                for language, score in doc_scores.items():
                    result[f"doc_{language}"] = [Span(0, len(doc.text), score)]
        if self.level in ("paragraph", "both"):
            pieces: list[tuple[int, Piece]] = [(i, p) for i, doc in enumerate(docs) for p in paragraphs(doc.text)]
            scores = self._scores([normalize_for_fasttext(p.text) for _, p in pieces])
            for (i, piece), piece_scores in zip(pieces, scores):
                for language, score in piece_scores.items():
                    results[i].setdefault(f"paragraph_{language}", []).append(Span(piece.start, piece.end, score))
        return results
