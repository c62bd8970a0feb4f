"""Text to keys. The per-document loops live in the Rust core (``dolma_tools._core``):

* ``paragraph_keys``: paragraphs split on a separator with code-point spans (each span through
  its trailing separator) and the hash of each eligible paragraph's key (paragraphs mode);
* ``paragraph_ngrams``: the distinct word n-gram hashes of each long enough paragraph (n-gram mode);
* ``document_ngrams``: every word n-gram of a text with its span (decontamination, both the eval
  side and the training side, so their hashes agree).

Whitespace and word characters follow Python's ``str.isspace`` and ``re``'s ``\\w`` (letters,
numbers, ``_``), so paragraph keys are the ones Python computed before (``normalize_key`` then
``hash64``) and persistent paragraph filters stay valid. N-gram hashes are a rolling polynomial of
word hashes whose scheme is versioned by ``NGRAM_HASH_VERSION``: n-gram filters carry it in their
key settings, and one built with another version is refused.

Only document keys (``documents.py``) are still normalised here, one string per document.
"""

from __future__ import annotations

import re

from dolma_tools._core import StringColumn

Texts = StringColumn | list[str]
"""What the modes take: the texts of a batch, packed (read by the Rust scanner) or as str."""

_SPACES = re.compile(r"\s+")


def normalize_key(text: str) -> str:
    """Lower-case and collapse whitespace (for exact keys that should ignore case and spacing)."""
    return _SPACES.sub(" ", text).strip().lower()
