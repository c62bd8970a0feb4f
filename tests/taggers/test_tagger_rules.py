"""C4 and FineWeb rules, word lists and the domain blocklist, on hand-checked texts."""

from __future__ import annotations

from pathlib import Path

import pytest

from dolma_tools.documents import Document
from dolma_tools_taggers.blocklist import DomainBlocklistTagger
from dolma_tools_taggers.c4 import C4Tagger
from dolma_tools_taggers.fineweb import FineWebTagger, fineweb_statistics
from dolma_tools_taggers.toxic_words import WordListToxicityTagger
from dolma_tools_taggers.wordlist import WordList

C4_LINES = [
    "Hello world this is a sentence. Another one here! And a third?",  # kept (3 sentences)
    "Please enable JavaScript to view this page now.",                 # javascript
    "Too short.",                                                      # too few words
    "A heading without an end mark",                                   # no end mark
    "This site uses cookies to improve your visit.",                   # policy
    "It was fine, as the record shows.[1]",                            # kept; citation removed
    "Trailing dots are not an end mark, says C4...",                   # ends in ...
]


def c4_tags(text: str, **options) -> dict:
    return C4Tagger(**options).predict(Document(id="d", text=text))


def test_c4_flags_each_line_by_its_first_rule() -> None:
    text = "\n".join(C4_LINES)
    tags = c4_tags(text)
    starts = [text.index(line) for line in C4_LINES]

    def line_span(i: int) -> tuple[int, int, float]:
        return (starts[i], starts[i] + len(C4_LINES[i]) + 1, 1.0)

    assert tags["line_javascript"] == [line_span(1)]
    assert tags["line_too_few_words"] == [line_span(2)]
    assert tags["line_no_end_mark"] == [line_span(3), (starts[6], len(text), 1.0)]
    assert tags["line_policy"] == [line_span(4)]
    assert tags["line_removed"] == sorted(tags["line_removed"]) and len(tags["line_removed"]) == 5
    citation = text.index("[1]")
    assert tags["citation"] == [(citation, citation + 3, 1.0)]
    assert tags["line_count"][0].score == 7 and tags["lines_no_end_mark"][0].score == 2
    assert tags["kept_lines"][0].score == 2  # 3 + 1 sentences: enough
    assert tags["passes_all"][0].score == 1.0
    # deleting the flagged spans leaves exactly the kept lines
    kept = "".join(text[a:b] for a, b in _complement(tags["line_removed"], len(text)))
    assert kept == C4_LINES[0] + "\n" + C4_LINES[5] + "\n"


def _complement(spans: list, length: int) -> list[tuple[int, int]]:
    out, position = [], 0
    for start, end, _ in spans:
        out.append((position, start))
        position = end
    out.append((position, length))
    return out


def test_c4_page_rules_only_look_at_surviving_lines(tmp_path: Path) -> None:
    body = "This is the first proper sentence here. This is another one. And one more for luck."
    assert c4_tags(body + "\nvar x = {a: 1}")["has_curly_brace"][0].score == 0.0  # line has no end mark
    assert c4_tags(body + "\nThe code is function f() { return 1; } ok.")["passes_all"][0].score == 0.0
    assert c4_tags(body + "\nLorem ipsum dolor sit amet, consectetur.")["has_lorem_ipsum"][0].score == 1.0
    assert c4_tags("Only one sentence in this whole page here.")["passes_all"][0].score == 0.0
    words = tmp_path / "bad.txt"
    words.write_text("# test list\nbadword\nvery bad phrase\n")
    tags = c4_tags(body + "\nThis line has a BadWord in it, sadly.", bad_words_path=str(words))
    assert tags["bad_words"][0].score == 1 and tags["passes_all"][0].score == 0.0
    start = tags["bad_word"][0].start
    assert (body + "\nThis line has a BadWord in it, sadly.")[start:tags["bad_word"][0].end] == "BadWord"
    with pytest.raises(FileNotFoundError, match="nope.txt"):
        C4Tagger(bad_words_path=str(tmp_path / "nope.txt"))


def test_fineweb_ratios_by_hand() -> None:
    text = ("Short line\nThis line ends with a period.\nShort line\n\n"
            "Another line ending without punctuation here ok")
    stats = fineweb_statistics(text)
    assert stats["line_punct_ratio"] == pytest.approx(1 / 5)
    assert stats["short_line_ratio"] == pytest.approx(4 / 5)  # 10, 29, 10 and 0 characters
    assert stats["dup_line_char_ratio"] == pytest.approx(10 / 96)  # 96 = characters without newlines
    assert stats["newline_word_ratio"] == pytest.approx(4 / 18)  # blingfire splits off the "."
    tags = FineWebTagger().predict(Document(id="d", text=text))
    assert tags["passes_all"][0].score == 0.0
    prose = "This is a long enough line of prose that ends properly with a period.\n" * 1
    assert FineWebTagger().predict(Document(id="d", text=prose + "And a second, different one that ends well!"))[
        "passes_all"][0].score == 1.0


def test_word_list_matches_whole_tokens_and_phrases(tmp_path: Path) -> None:
    path = tmp_path / "words.txt"
    path.write_text("class\nvery bad phrase\ndon't\n")
    text = "A classic Class; a Very  bad\nphrase and don't stop (class)."
    words = WordList.from_file(path)
    assert [text[a:b] for a, b in words.find(text)] == ["Class", "Very  bad\nphrase", "don't", "class"]
    tags = WordListToxicityTagger(word_list_path=str(path)).predict(Document(id="d", text=text))
    assert tags["hits"][0].score == 4
    assert tags["hit_ratio"][0].score == pytest.approx(4 / 11)
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing\n\n")
    with pytest.raises(ValueError, match="no entries"):
        WordListToxicityTagger(word_list_path=str(empty))


def test_domain_blocklist_matches_domains_and_subdomains(tmp_path: Path) -> None:
    path = tmp_path / "blocked.txt"
    path.write_text("# blocked\nexample.com\nhttps://Spam.Example.org/some/page\nbücher.example\n")
    tagger = DomainBlocklistTagger(blocklist_path=str(path))

    def blocked(url: str | None) -> float:
        metadata = {"url": url} if url is not None else None
        return tagger.predict(Document(id="d", text="x", metadata=metadata))["blocked"][0].score

    assert blocked("http://example.com/a") == 1.0
    assert blocked("https://news.EXAMPLE.com:8080/x?y=1") == 1.0
    assert blocked("https://user@deep.sub.example.com./") == 1.0
    assert blocked("https://badexample.com/") == 0.0
    assert blocked("https://example.com.evil.net/") == 0.0
    assert blocked("spam.example.org/page") == 1.0
    assert blocked("https://example.org/") == 0.0
    assert blocked("https://xn--bcher-kva.example/") == 1.0
    assert blocked(None) == 0.0
