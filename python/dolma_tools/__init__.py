"""dolma-tools: tag, deduplicate and mix text corpora into tokenized pretraining data."""

from dolma_tools._core import __version__

__all__ = ["__version__"]
