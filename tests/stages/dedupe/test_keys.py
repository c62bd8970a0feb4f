"""Keys of the text modes: decontamination spans from n-gram runs, and filters of an older hash scheme."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pytest

import dolma_tools as dt
from dolma_tools._core import BloomFilter, document_ngrams
from dolma_tools._core import StringColumn
from dolma_tools.stages.dedupe.config import DecontaminationMode
from dolma_tools.stages.dedupe.modes.base import Batch
from dolma_tools.stages.dedupe.modes.decontamination import Decontamination
from dolma_tools.errors import ConfigError


def _filter_of(tmp_path: Path, eval_texts: list[str], mode: DecontaminationMode) -> str:
    hashes = document_ngrams(eval_texts, mode.ngram_size, normalize=mode.normalize, seed=mode.bloom.seed)[0]
    bloom = BloomFilter(1000, 1e-9, seed=mode.bloom.seed)
    bloom.add_hashes(np.unique(hashes))
    path = str(tmp_path / "eval.bloom")
    bloom.save(path)
    return path


def _extract(mode: DecontaminationMode, texts: list[str], path: str) -> dict[str, np.ndarray]:
    ids = StringColumn.from_list([str(i) for i in range(len(texts))])
    return Decontamination(mode, path).extract(Batch(ids, texts), "unused", None)


def _rows(arrays: dict[str, np.ndarray]) -> list[tuple[int, int, int]]:
    return list(zip(arrays["span_doc"].tolist(), arrays["span_start"].tolist(), arrays["span_end"].tolist()))


def _spans(arrays: dict[str, np.ndarray], texts: list[str]) -> list[tuple[int, str]]:
    return [(d, texts[d][s:e]) for d, s, e in _rows(arrays)]


def test_runs_of_matching_ngrams_become_one_span_each_and_stop_at_document_ends(tmp_path: Path) -> None:
    mode = DecontaminationMode(eval_sets=["unused"], ngram_size=3)
    path = _filter_of(tmp_path, ["Alpha beta gamma delta", "one two three"], mode)
    texts = ["Intro 😀 words here. ALPHA beta, gamma\ndelta! filler words go on. one two three",
             "one two three starts this one", "nothing in common with the eval set at all"]
    arrays = _extract(mode, texts, path)
    assert arrays["doc"].tolist() == [0, 1]
    assert arrays["share"].tolist() == pytest.approx([3 / 12, 1 / 4])  # 14 words (not the emoji), 12 3-grams
    assert _spans(arrays, texts) == [(0, "ALPHA beta, gamma\ndelta"), (0, "one two three"), (1, "one two three")]


def test_adjacent_single_word_matches_are_separate_spans(tmp_path: Path) -> None:
    mode = DecontaminationMode(eval_sets=["unused"], ngram_size=1, threshold=0.5)
    path = _filter_of(tmp_path, ["alpha"], mode)
    texts = ["alpha alpha beta", "alpha beta gamma"]
    arrays = _extract(mode, texts, path)
    assert arrays["doc"].tolist() == [0]  # 1/3 is not above the threshold
    assert _rows(arrays) == [(0, 0, 5), (0, 6, 11)]


def _corpus(root: Path) -> str:
    (root / "documents").mkdir(parents=True)
    paragraph = "a paragraph long enough to hold several thirteen word n-grams of its own, repeated below"
    with gzip.open(root / "documents" / "part.jsonl.gz", "wt") as stream:
        for i in range(3):
            stream.write(json.dumps({"id": str(i), "text": f"{paragraph}\nline {i}"}) + "\n")
    return str(root / "documents")


def _as_if_scheme_1(meta_path: Path) -> None:
    """Rewrite a filter's metadata as dolma-tools wrote it before n-gram hashes were versioned."""
    meta = json.loads(meta_path.read_text())
    meta["settings"].pop("ngram_hash_version")
    if "fingerprint" in meta:
        meta["fingerprint"] = meta["fingerprint"].split("-")[0]
    meta_path.write_text(json.dumps(meta))


def test_ngram_filter_of_an_older_hash_scheme_is_refused(tmp_path: Path) -> None:
    documents = _corpus(tmp_path / "corpus")
    bloom = {"path": str(tmp_path / "ngrams.bloom"), "expected_items": 10_000, "fp_rate": 1e-6}
    summary = dt.dedupe(documents, ngrams={"bloom": {**bloom, "update": True}}, workers=1)
    assert summary.counts["ngrams"]["spans_flagged"] == 2
    dt.dedupe(documents, ngrams={"bloom": bloom}, overwrite=True, workers=1)  # same scheme: accepted
    _as_if_scheme_1(tmp_path / "ngrams.bloom.json")
    with pytest.raises(ConfigError, match=r"ngrams\.bloom\.path: .*n-gram hashes of scheme 1 .*scheme 2; rebuild it"):
        dt.dedupe(documents, ngrams={"bloom": bloom}, overwrite=True, workers=1)


def test_eval_filter_of_an_older_hash_scheme_is_refused(tmp_path: Path) -> None:
    documents = _corpus(tmp_path / "corpus")
    eval_set = tmp_path / "eval.jsonl"
    eval_set.write_text(json.dumps({"text": "several thirteen word n-grams of its own, repeated below and more"}) + "\n")
    decontamination = {"eval_sets": str(eval_set), "ngram_size": 5, "bloom": {"path": str(tmp_path / "eval.bloom"), "expected_items": 1000}}
    dt.dedupe(documents, decontamination=decontamination, workers=1)
    _as_if_scheme_1(tmp_path / "eval.bloom.json")
    with pytest.raises(ConfigError, match=r"decontamination\.bloom\.path: .*n-gram hashes of scheme 1 .*; remove it"):
        dt.dedupe(documents, decontamination=decontamination, overwrite=True, workers=1)

