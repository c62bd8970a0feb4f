"""Exact modes against the planted ground truth: documents, keys, paragraphs, n-gram paragraphs."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

import dolma_tools as dt
from dolma_tools.errors import InputError, StageError
from tests.stages.dedupe.conftest import sidecars, texts, truth


def flagged(attributes: dict[str, dict], key: str) -> set[str]:
    return {doc_id for doc_id, attrs in attributes.items() if attrs.get(key)}


def test_exact_documents_flag_every_copy_but_the_first(sample: Path) -> None:
    summary = dt.dedupe(str(sample / "documents"), documents_mode={}, workers=1)
    attributes = sidecars(sample)
    expected = {c for group in truth(sample)["exact_duplicates"] for c in group["copies"]}
    originals = {group["original"] for group in truth(sample)["exact_duplicates"]}
    assert flagged(attributes, "dedupe__documents__duplicate") == expected
    assert not originals & flagged(attributes, "dedupe__documents__duplicate")
    assert summary.counts["documents"]["documents_flagged"] == len(expected)
    lengths = texts(sample)
    for doc_id in expected:
        assert attributes[doc_id]["dedupe__documents__duplicate"] == [(0, len(lengths[doc_id]), 1.0)]


def test_documents_by_url_key(sample: Path) -> None:
    dt.dedupe(str(sample / "documents"), documents_mode={"key": "metadata.url"}, workers=1)
    expected = {i for group in truth(sample)["duplicate_urls"] for i in group["ids"][1:]}
    assert flagged(sidecars(sample), "dedupe__documents__duplicate") == expected


def test_boilerplate_paragraphs_flagged_after_first_occurrence(sample: Path) -> None:
    dt.dedupe(str(sample / "documents"), paragraphs={"min_words": 3}, workers=1)
    attributes, text_of = sidecars(sample), texts(sample)
    order = list(text_of)  # input order: sorted files, then lines
    flagged_texts: dict[str, set[str]] = {}
    for doc_id, attrs in attributes.items():
        for start, end, score in attrs["dedupe__paragraphs__duplicate"]:
            assert score == 1.0
            flagged_texts.setdefault(text_of[doc_id][start:end].rstrip("\n"), set()).add(doc_id)
    for plate in truth(sample)["boilerplate_paragraphs"]:
        docs = sorted(plate["doc_ids"], key=order.index)
        if len(plate["text"].split()) < 3 or len(docs) < 2:
            continue
        holders = {d for d in order if plate["text"] in text_of[d].split("\n")}
        first = min(holders, key=order.index)
        assert flagged_texts.get(plate["text"], set()) == holders - {first}, plate["kind"]


def test_ngram_paragraphs_score_exact_copies_fully(sample: Path) -> None:
    dt.dedupe(str(sample / "documents"), ngrams={"ngram_size": 13, "threshold": 0.8}, workers=1)
    attributes, text_of = sidecars(sample), texts(sample)
    for group in truth(sample)["exact_duplicates"]:
        for copy in group["copies"]:
            spans = attributes[copy]["dedupe__ngrams__duplicate"]
            # Every paragraph with the default 3 words and 10 word characters is a key (short ones whole).
            keyed = [p for p in text_of[copy].split("\n")
                     if len(words := re.findall(r"\w+", p)) >= 3 and sum(map(len, words)) >= 10]
            assert len(spans) == len(keyed)
            assert all(score == 1.0 for _, _, score in spans)


def _write(path: Path, docs: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt", encoding="utf-8") as stream:
        for doc in docs:
            stream.write(json.dumps(doc, ensure_ascii=False) + "\n")


def test_non_ascii_offsets_are_code_points(tmp_path: Path) -> None:
    shared = "Ünïcödé 🎉🎉 paragraph with 中文字符 and emoji 👩‍👩‍👧 repeated"
    docs = [
        {"id": "a", "text": f"Première ligne 😀\n{shared}\nfin", "source": "x"},
        {"id": "b", "text": f"𝔘𝔫𝔦𝔠𝔬𝔡𝔢 first line\n{shared}\n終わり", "source": "x"},
    ]
    _write(tmp_path / "documents" / "part.jsonl.gz", docs)
    dt.dedupe(str(tmp_path / "documents"), paragraphs={}, workers=1)
    spans = sidecars(tmp_path)["b"]["dedupe__paragraphs__duplicate"]
    assert len(spans) == 1
    start, end, _ = spans[0]
    assert docs[1]["text"][start:end] == shared + "\n"
    assert sidecars(tmp_path)["a"]["dedupe__paragraphs__duplicate"] == []


def test_missing_key_fails_with_file_and_line(tmp_path: Path) -> None:
    docs = [{"id": "a", "text": "x", "metadata": {"url": "u"}}, {"id": "b", "text": "y"}]
    _write(tmp_path / "documents" / "part.jsonl.gz", docs)
    with pytest.raises((InputError, StageError), match=r"part\.jsonl\.gz:2: missing_key"):
        dt.dedupe(str(tmp_path / "documents"), documents_mode={"key": "metadata.url"}, workers=1)


def test_missing_key_is_a_counted_skip(tmp_path: Path) -> None:
    docs = [{"id": "a", "text": "x", "metadata": {"url": "u"}}, {"id": "b", "text": "y"},
            {"id": "c", "text": "z", "metadata": {"url": "u"}}]
    _write(tmp_path / "documents" / "part.jsonl.gz", docs)
    summary = dt.dedupe(str(tmp_path / "documents"), documents_mode={"key": "metadata.url"}, workers=1, on_error="skip")
    assert summary.skipped == {"missing_key": 1}
    attributes = sidecars(tmp_path)
    assert list(attributes) == ["a", "b", "c"]  # the line stays, so sidecars align with documents
    assert attributes["c"]["dedupe__documents__duplicate"] == [(0, 1, 1.0)]
    assert attributes["b"]["dedupe__documents__duplicate"] == []
