"""The mode registry: every mode follows one protocol, and a new mode is one class plus one entry.

`FirstLines` is the worked example of docs/architecture.md ("Adding a dedupe mode"): a complete
mode in a few lines, run end to end by the real stage with a config class that has its section.
"""

from __future__ import annotations

import collections
import gzip
import json
from pathlib import Path

import numpy as np
from pydantic import Field

from dolma_tools._core import hash64_batch
from dolma_tools.config.models import StrictModel
from dolma_tools.io import Sidecar, SkipCounter, write_lines
from dolma_tools.stages.dedupe.bloom import BloomConfig
from dolma_tools.stages.dedupe.config import DedupeConfig, dedupe_config_class
from dolma_tools.stages.dedupe.modes import MODES
from dolma_tools.stages.dedupe.modes.base import Batch, FileView, Mode
from dolma_tools.stages.dedupe.modes.filtered import BloomMode
from dolma_tools.stages.dedupe.stage import DedupeStage
from dolma_tools.stages.runner import run_stage
from tests.conftest import make_doc


class FirstLinesMode(StrictModel):
    """Documents whose first line was already seen (repeated page headers)."""

    bloom: BloomConfig = Field(default_factory=BloomConfig)


class FirstLines(BloomMode[FirstLinesMode]):
    name = "first_lines"
    config_key = "first_lines"
    section = FirstLinesMode

    def extract(self, batch: Batch, source: str, skips: SkipCounter | None) -> dict[str, np.ndarray]:
        firsts = [text.split("\n", 1)[0] for text in batch.texts]
        return {"hash": hash64_batch(firsts, self.settings.bloom.seed), "doc": np.arange(len(firsts))}

    def annotate(self, prefix: str, view: FileView, sidecar: Sidecar, counters: collections.Counter) -> None:
        sidecar.add_keys(prefix + "duplicate")
        flagged = view.arrays["doc"][view.decisions["duplicate"]]
        sidecar.add_spans(prefix + "duplicate", flagged, 0, view.lengths[flagged], 1.0)
        counters["first_lines.documents_flagged"] += len(flagged)


def test_every_registered_mode_has_a_config_section_and_keys() -> None:
    names = [mode.name for mode in MODES]
    assert names == ["documents", "paragraphs", "ngrams", "minhash", "decontamination"]
    for mode in MODES:
        assert issubclass(mode, Mode)
        assert DedupeConfig.model_fields[mode.config_key].annotation == mode.section | None


def test_a_new_mode_is_one_class_and_one_registry_entry(tmp_path: Path) -> None:
    texts = ["Header A\nbody one", "Header B\nbody two", "Header A\nbody three", "Header A\nbody one"]
    write_lines(str(tmp_path / "documents" / "part.jsonl.gz"), [make_doc(str(i), t) for i, t in enumerate(texts)])
    config_class = dedupe_config_class((*MODES, FirstLines))
    config = config_class(documents=[str(tmp_path / "documents")], first_lines={}, documents_mode={}, workers=1)
    summary = run_stage(DedupeStage(config), quiet=True)
    with gzip.open(tmp_path / "attributes" / "dedupe" / "part.jsonl.gz", "rt") as stream:
        lines = [json.loads(line)["attributes"] for line in stream]
    assert [bool(line["dedupe__first_lines__duplicate"]) for line in lines] == [False, False, True, True]
    assert [bool(line["dedupe__documents__duplicate"]) for line in lines] == [False, False, False, True]
    assert summary.counts["first_lines"]["documents_flagged"] == 2
    assert summary.counts["first_lines"]["filter"]["hashes"] > 0
