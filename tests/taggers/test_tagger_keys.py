"""Declared output keys (what config validation checks a mix's filters against) are the real ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from dolma_tools.documents import Document
from dolma_tools.taggers.registry import available_taggers, get_tagger_class

DOCS = [
    Document(id="a", text="", source="web"),
    Document(id="b", text="Hello world. Mail bob@example.com or call +1 415 555 0100.\nvar x = {};\n\n"
             "Lorem ipsum dolor [1] sit amet, this line has enough words in it.", source="web",
             metadata={"url": "https://bad.example.com/x"}),
]


def _options(name: str, tmp_path: Path) -> dict:
    words = tmp_path / "words.txt"
    words.write_text("bad\nworld\n")
    return {"domain_blocklist_v1": {"blocklist_path": str(words)},
            "wordlist_toxicity_v1": {"word_list_path": str(words)}}.get(name, {})


@pytest.mark.parametrize("name", sorted(n for n, cls in available_taggers().items() if cls.keys is not None))
def test_every_prediction_holds_exactly_the_declared_keys(name: str, tmp_path: Path) -> None:
    tagger = get_tagger_class(name)(**_options(name, tmp_path))
    tagger.setup()
    for result in tagger.predict_batch(DOCS):
        assert sorted(result) == sorted(tagger.output_keys())


def test_options_that_add_keys_are_declared(tmp_path: Path) -> None:
    words = tmp_path / "bad.txt"
    words.write_text("lorem\n")
    tagger = get_tagger_class("c4_v1")(bad_words_path=str(words))
    tagger.setup()
    assert {"bad_words", "bad_word"} <= set(tagger.output_keys())
    assert sorted(tagger.predict_batch(DOCS)[1]) == sorted(tagger.output_keys())
