"""Deduplication: exact documents, exact paragraphs, BFF-style n-gram paragraphs, MinHash
near-duplicates and benchmark decontamination, written as attribute sidecars.

Attribute keys (``<name>`` is the config's ``name``, default ``dedupe``):

* ``<name>__documents__duplicate``: document-level ``[0, len, 1.0]`` on every copy but the first.
* ``<name>__paragraphs__duplicate``: spans of repeated paragraphs (score 1.0).
* ``<name>__ngrams__duplicate``: spans of paragraphs whose share of already-seen n-grams reaches
  the threshold (score: that share).
* ``<name>__minhash__duplicate`` / ``__cluster`` / ``__similarity``: document-level, on every member
  of a near-duplicate cluster but the first (cluster: the kept document's global input index).
* ``<name>__decontamination__document`` (share of the document's n-grams found in eval sets) and
  ``<name>__decontamination__overlap`` (spans of the matching text).

Every enabled key is present on every line (an empty list when nothing is flagged). How the kept
copy is chosen and how reruns stay safe is described in `dolma_tools.stages.dedupe.stage`; the config
is `dolma_tools.stages.dedupe.config.DedupeConfig`. This package imports nothing on purpose: the
top-level package loads it before binding the ``dolma_tools.stages.dedupe`` *function*, which a later
submodule import must not overwrite.
"""
