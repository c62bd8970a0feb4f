"""Gopher rules on texts whose values are worked out by hand in the comments."""

from __future__ import annotations

import numpy as np
import pytest

from dolma_tools.documents import Document
from dolma_tools_taggers.gopher import GopherTagger, gopher_statistics
from dolma_tools_taggers.repetition import repetition_fractions

TEXT = "The cat sat on the mat.\nThe cat sat on the mat.\n- 42 ...\n"


def test_quality_rules_by_hand() -> None:
    stats = gopher_statistics(TEXT)
    # 15 words; characters 3+3+3+2+3+4 twice, then 1+2+3.
    assert stats["word_count"] == 15
    assert stats["mean_word_length"] == pytest.approx(42 / 15)
    assert stats["symbol_to_word_ratio"] == pytest.approx(1 / 15)  # one "..."
    assert stats["bullet_line_fraction"] == pytest.approx(1 / 3)
    assert stats["ellipsis_line_fraction"] == pytest.approx(1 / 3)
    assert stats["alpha_word_fraction"] == pytest.approx(12 / 15)  # "-", "42", "..." have no letter
    assert stats["stop_word_count"] == 4  # "The" and "the" in each sentence; "mat." is not one


def test_repetition_rules_by_hand() -> None:
    stats = gopher_statistics(TEXT)
    assert stats["dup_line_fraction"] == pytest.approx(1 / 3)
    assert stats["dup_line_char_fraction"] == pytest.approx(23 / 54)
    assert stats["dup_paragraph_fraction"] == 0.0  # one paragraph
    # most frequent 2/3/4-grams (ties: first) occur twice: "The cat", "The cat sat", "The cat sat on"
    assert stats["top_2gram_char_fraction"] == pytest.approx(12 / 42)
    assert stats["top_3gram_char_fraction"] == pytest.approx(18 / 42)
    assert stats["top_4gram_char_fraction"] == pytest.approx(22 / 42)
    # duplicate 5- and 6-grams cover both sentences (36 chars); no 7-gram repeats
    assert stats["dup_5gram_char_fraction"] == pytest.approx(36 / 42)
    assert stats["dup_6gram_char_fraction"] == pytest.approx(36 / 42)
    assert stats["dup_7gram_char_fraction"] == 0.0


def test_overlapping_occurrences_count_once() -> None:
    # "a a a a a a": the bigram "a a" occurs 5 times but covers only the 6 characters, and the
    # 5-gram occurs twice (positions 0 and 1), covering all 6 words once.
    hashes = np.full(6, 7, dtype=np.uint64)
    top, dup = repetition_fractions(hashes, np.ones(6, dtype=np.int64))
    assert top[0] == pytest.approx(1.0)
    assert dup[0] == pytest.approx(1.0)
    assert dup[1] == 0.0  # the only 6-gram occurs once
    assert gopher_statistics("")["word_count"] == 0


def test_paragraph_duplicates_and_pass_flag() -> None:
    paragraph = ("Researchers at the university published a report that describes how the museum "
                 "and the library have preserved old maps, letters and photographs for more than a century.")
    text = "\n\n".join([paragraph, "A different paragraph with other words to be fair.", paragraph])
    stats = gopher_statistics(text)
    assert stats["dup_paragraph_fraction"] == pytest.approx(1 / 3)
    assert stats["dup_paragraph_char_fraction"] == pytest.approx(len(paragraph) / (2 * len(paragraph) + 50))
    good = (
        "The committee met on Tuesday to discuss the budget for next year. Members agreed that the "
        "library should have longer opening hours, and that funds for the museum be kept at the same "
        "level. A report with the final numbers will be published in March, together with a summary "
        "of the public comments received during the consultation period."
    )
    tags = GopherTagger().predict(Document(id="1", text=good))
    assert tags["passes_all"][0].score == 1.0
    assert tags["word_count"] == [(0, len(good), 58.0)]
    assert GopherTagger().predict(Document(id="2", text=TEXT))["passes_all"][0].score == 0.0


def test_ngram_hashing_keeps_word_order() -> None:
    # "x y" and "y x" each occur twice; hashing them alike would report "x y" four times
    stats = gopher_statistics("x y q y x r x y s y x")
    assert stats["top_2gram_char_fraction"] == pytest.approx(4 / 11)
