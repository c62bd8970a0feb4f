"""Dedupe modes, one module each, behind one protocol (`base.Mode`).

To add a mode: write a module with its config section and a `Mode` subclass (see
``docs/architecture.md`` for a worked example), then add it to `MODES`. The dedupe config gets a
section named by its ``config_key``, the tasks and the stage run it, and the report lists it.
"""

from __future__ import annotations

from dolma_tools.stages.dedupe.modes.base import Mode
from dolma_tools.stages.dedupe.modes.decontamination import Decontamination
from dolma_tools.stages.dedupe.modes.documents import ExactDocuments
from dolma_tools.stages.dedupe.modes.minhash import MinhashDocuments
from dolma_tools.stages.dedupe.modes.ngrams import NgramParagraphs
from dolma_tools.stages.dedupe.modes.paragraphs import ExactParagraphs

MODES: tuple[type[Mode], ...] = (ExactDocuments, ExactParagraphs, NgramParagraphs, MinhashDocuments, Decontamination)
"""Every mode, in the order they run and appear in sidecars and reports."""
