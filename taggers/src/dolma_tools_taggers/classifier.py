"""Any fastText classifier as a tagger, by document, paragraph or sentence.

Every label of the model becomes an attribute key (``__label__hq`` → ``hq``) holding one span
per unit (the document, each paragraph, or each blingfire sentence) scored with that label's
probability. Text goes through `text.normalize_for_fasttext`, the same function
``dolma-tools train-fasttext`` uses, so a model trained there is applied to the same form of text.

Presets name the two common uses and only change defaults (the model is always the user's):
``dclm_quality_v1`` (document mode; DCLM, Li et al. 2024, filters on a fastText quality score)
and ``jigsaw_toxicity_v1`` (sentence mode; Jigsaw toxic-comment classifiers as used by Dolma).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from dolma_tools.documents import Attributes, Document, Span
from dolma_tools.taggers.base import Tagger

from dolma_tools_taggers.fasttext_model import label_key, load_model, resolve_model
from dolma_tools_taggers.text import Piece, normalize_for_fasttext, paragraphs, sentences

MODES = ("document", "paragraph", "sentence")


def units(text: str, mode: str) -> list[Piece]:
    """The pieces of ``text`` a classifier scores in ``mode``."""
    if mode == "paragraph":
        return paragraphs(text)
    if mode == "sentence":
        return sentences(text)
    return [Piece(text, 0, len(text))]


class FastTextClassifierTagger(Tagger):
    name = "fasttext_classifier_v1"
    description = "A fastText classifier (model_path: path or URL) by document, paragraph or sentence; one key per label."
    default_mode: ClassVar[str] = "document"

    def __init__(self, model_path: str, mode: str | None = None, cache_dir: str | None = None) -> None:
        self.mode = mode or self.default_mode
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
        self.model_path = resolve_model(model_path, cache_dir)
        self.model: Any = None
        self.labels: list[str] = []

    def setup(self) -> None:
        self.model = load_model(self.model_path)
        self.labels = list(self.model.get_labels())

    def predict(self, doc: Document) -> Attributes:
        return self.predict_batch([doc])[0]

    def predict_batch(self, docs: Sequence[Document]) -> list[Attributes]:
        if self.model is None:
            self.setup()
        pieces = [units(doc.text, self.mode) for doc in docs]
        texts = [normalize_for_fasttext(piece.text) for doc_pieces in pieces for piece in doc_pieces]
        labels, probabilities = self.model.predict(texts, k=-1) if texts else ([], [])
        results = []
        position = 0
        for doc_pieces in pieces:
            result: Attributes = {label_key(label): [] for label in self.labels}
            for piece in doc_pieces:
                for label, probability in zip(labels[position], probabilities[position]):
                    result[label_key(label)].append(Span(piece.start, piece.end, min(float(probability), 1.0)))
                position += 1
            results.append(result)
        return results


class DclmQualityTagger(FastTextClassifierTagger):
    name = "dclm_quality_v1"
    description = "DCLM-style fastText quality classifier (model_path required), document-level; one key per label."
    default_mode = "document"


class JigsawToxicityTagger(FastTextClassifierTagger):
    name = "jigsaw_toxicity_v1"
    description = "Jigsaw-style fastText toxicity/NSFW classifier (model_path required), per sentence; one key per label."
    default_mode = "sentence"
