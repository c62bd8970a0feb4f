"""What a tagger is.

A tagger reads one document and returns scored spans under short keys; the tag stage prefixes
each key as ``<experiment>__<tagger>__<key>`` and writes the sidecar. Three moments matter:

* ``__init__(**options)`` runs when the config is validated, before any document is read. Check
  options here (a model path that does not exist fails now, not an hour into the run).
* ``setup()`` runs once per worker process, before its first document: load models here.
* ``predict`` (one document) or ``predict_batch`` (a list; override it to vectorise) per document.

The class attribute ``name`` is the stable, versioned name users put in configs (``gopher_v1``);
it stays the same when the implementation changes, so attribute names survive.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from dolma_tools.documents import Attributes, Document, Span


class Tagger:
    """Base class of every tagger; subclass it, set ``name`` and implement a predict method."""

    name: ClassVar[str]
    description: ClassVar[str] = ""
    batch_size: ClassVar[int] = 256
    """How many documents ``predict_batch`` receives at a time."""
    keys: ClassVar[tuple[str, ...] | None] = None
    """The short keys every prediction holds, when they are fixed (``None``: not declared). Config
    validation checks the attribute keys a mix names against them; see `output_keys`."""

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if cls.predict is Tagger.predict and cls.predict_batch is Tagger.predict_batch:
            raise TypeError(f"{cls.__qualname__} must implement predict() or predict_batch()")

    def output_keys(self) -> tuple[str, ...] | None:
        """The short keys of this instance's predictions; override when options change them."""
        return self.keys

    def setup(self) -> None:
        """Load what the tagger needs (models, word lists); called once per worker process."""

    def predict(self, doc: Document) -> Attributes:
        """Spans for one document, keyed by attribute key (without the prefixes)."""
        return self.predict_batch([doc])[0]

    def predict_batch(self, docs: Sequence[Document]) -> list[Attributes]:
        """Spans for several documents; override to vectorise."""
        return [self.predict(doc) for doc in docs]


def document_span(doc: Document, value: float) -> list[Span]:
    """A document-level attribute: one span over the whole text."""
    return [Span(0, len(doc.text), float(value))]
