"""The tagger API: subclass `Tagger`, register it under the ``dolma_tools.taggers`` entry points."""

from dolma_tools.taggers.base import Tagger, document_span
from dolma_tools.taggers.registry import available_taggers, get_tagger_class

__all__ = ["Tagger", "available_taggers", "document_span", "get_tagger_class"]
