"""The Rust text functions against plain-Python references (Python's ``str`` and ``re`` rules)."""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dolma_tools._core import NGRAM_HASH_VERSION, document_ngrams, hash64, paragraph_keys, paragraph_ngrams, set_num_threads

MASK = (1 << 64) - 1
BASE = 0x9E3779B97F4A7C15  # the documented n-gram polynomial base


def mix64(x: int) -> int:
    x ^= x >> 30
    x = (x * 0xBF58476D1CE4E5B9) & MASK
    x ^= x >> 27
    x = (x * 0x94D049BB133111EB) & MASK
    return x ^ (x >> 31)


def ngram_hash(words: list[str], seed: int) -> int:
    """Scheme 2: mix64 of the polynomial sum(hash64(w_j) * BASE^(n-1-j)) mod 2^64."""
    total = 0
    for word in words:
        total = (total * BASE + hash64(word, seed)) & MASK
    return mix64(total)


def paragraphs(text: str, separator: str) -> list[tuple[str, int, int]]:
    out, position, parts = [], 0, text.split(separator)
    for index, part in enumerate(parts):
        end = position + len(part)
        out.append((part, position, end if index == len(parts) - 1 else end + len(separator)))
        position = end + len(separator)
    return out


def words(text: str, normalize: bool) -> list[tuple[str, int, int]]:
    pattern = r"\w+" if normalize else r"\S+"
    return [(m.group().lower() if normalize else m.group(), m.start(), m.end()) for m in re.finditer(pattern, text)]


def ref_paragraph_keys(texts, separator, normalize, strip, min_length, min_words, seed):
    """Normalised: whitespace runs as one space, stripped, lower-cased; else exact, or stripped."""
    out = []
    for doc, text in enumerate(texts):
        for part, start, end in paragraphs(text, separator):
            stripped = re.sub(r"\s+", " ", part).strip().lower() if normalize else part.strip()
            key = stripped if normalize or strip else part
            if len(stripped) >= min_length and (min_words <= 1 or len(stripped.split()) >= min_words):
                out.append((hash64(key, seed), doc, start, end))
    return out


def ref_paragraph_ngrams(texts, n, separator, stride, min_words, min_chars, normalize, seed):
    """A paragraph shorter than ``n`` words (but of ``min_words`` words and ``min_chars`` word
    characters) is one n-gram of all its words."""
    grams, table = [], []
    for doc, text in enumerate(texts):
        for part, start, end in paragraphs(text, separator):
            tokens = [w for w, _, _ in words(part, normalize)]
            if len(tokens) < max(1, min_words) or len(re.findall(r"\w", part)) < min_chars:
                continue
            if len(tokens) < n:
                hashes = {ngram_hash(tokens, seed)}
            else:
                hashes = {ngram_hash(tokens[i:i + n], seed) for i in range(0, len(tokens) - n + 1, stride)}
            grams.extend((h, len(table)) for h in sorted(hashes))
            table.append((doc, start, end))
    return grams, table


def ref_document_ngrams(texts, n, normalize, seed):
    out = []
    for doc, text in enumerate(texts):
        found = words(text, normalize)
        for i in range(len(found) - n + 1):
            out.append((ngram_hash([w for w, _, _ in found[i:i + n]], seed), doc, found[i][1], found[i + n - 1][2]))
    return out


def rows(*arrays: np.ndarray) -> list[tuple[int, ...]]:
    return list(zip(*(a.tolist() for a in arrays)))


# Characters where Python and naive Rust differ or offsets get hard: accents, dotted capital I,
# sigma (final form), combining marks, astral letters and emoji, CJK, non-ASCII digits and
# spaces, the ASCII separators Python counts as whitespace, CR/LF, ZWJ, punctuation.
TRICKY = list("aZ9_ é İΣσς\u0301\u093e𝔘😀👩\u200d中٣²\u00a0\u3000\u2028\x1c\x1f\t\r\n.,'-«")
# Assigned code points only: Python (Unicode 14 for 3.11) and the Rust tables may differ on
# characters assigned later, which the docs accept.
ASSIGNED = st.characters(exclude_categories=("Cs", "Cn"))
# ASCII text takes a fast path in 64-byte blocks: long texts over word, space and upper-case bytes.
ASCII = st.text(st.sampled_from(list("abZQ09_ .,'-\t\r\n\x0b\x0c\x1c\x1f")), max_size=300)
TEXT = st.text(st.sampled_from(TRICKY) | ASSIGNED, max_size=80) | ASCII
SEPARATOR = st.sampled_from(["\n", "\r\n", "\n\n", "§", "😀", "ab"])


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(TEXT, max_size=5), separator=SEPARATOR, normalize=st.booleans(), strip=st.booleans(),
       min_length=st.integers(0, 6), min_words=st.integers(1, 4), seed=st.integers(0, 2**64 - 1))
def test_paragraph_keys_match_python(texts, separator, normalize, strip, min_length, min_words, seed) -> None:
    got = paragraph_keys(texts, separator, normalize=normalize, strip=strip, min_length=min_length,
                         min_words=min_words, seed=seed)
    assert [a.dtype for a in got] == [np.uint64, np.int64, np.int64, np.int64]
    assert rows(*got) == ref_paragraph_keys(texts, separator, normalize, strip, min_length, min_words, seed)


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(TEXT, max_size=5), n=st.integers(1, 4), separator=SEPARATOR, stride=st.integers(1, 3),
       min_words=st.integers(1, 6), min_chars=st.integers(0, 12), normalize=st.booleans(),
       seed=st.integers(0, 2**64 - 1))
def test_paragraph_ngrams_match_python(texts, n, separator, stride, min_words, min_chars, normalize, seed) -> None:
    hashes, para, doc, start, end = paragraph_ngrams(texts, n, separator=separator, stride=stride, min_words=min_words,
                                                     min_chars=min_chars, normalize=normalize, seed=seed)
    grams, table = ref_paragraph_ngrams(texts, n, separator, stride, min_words, min_chars, normalize, seed)
    assert rows(hashes, para) == grams
    assert rows(doc, start, end) == table


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(TEXT, max_size=5), n=st.integers(1, 4), normalize=st.booleans(), seed=st.integers(0, 2**64 - 1))
def test_document_ngrams_match_python(texts, n, normalize, seed) -> None:
    got = document_ngrams(texts, n, normalize=normalize, seed=seed)
    assert rows(*got) == ref_document_ngrams(texts, n, normalize, seed)


def test_offsets_on_non_ascii_text_slice_the_python_string() -> None:
    text = "Première 😀 ligne\r\n𝔘𝔫𝔦 ΟΔΟΣ 👩\u200d👩\u200d👧 İstanbul\r\nfin"
    _, doc, start, end = paragraph_keys([text], "\r\n", normalize=True)
    assert [text[s:e] for s, e in zip(start.tolist(), end.tolist())] == [
        "Première 😀 ligne\r\n", "𝔘𝔫𝔦 ΟΔΟΣ 👩\u200d👩\u200d👧 İstanbul\r\n", "fin"]
    assert paragraph_keys([text], "\r\n", normalize=True)[0][1] == hash64("𝔘𝔫𝔦 ΟΔΟΣ 👩\u200d👩\u200d👧 İstanbul".lower())
    hashes, _, start, end = document_ngrams([text], 2)
    assert [text[s:e] for s, e in zip(start.tolist(), end.tolist())][:3] == ["Première 😀 ligne", "ligne\r\n𝔘𝔫𝔦", "𝔘𝔫𝔦 ΟΔΟΣ"]
    assert hashes[3] == ngram_hash(["ΟΔΟΣ".lower(), "İstanbul".lower()], 0)  # emoji are not words


def test_short_and_empty_texts() -> None:
    assert all(len(a) == 0 for a in document_ngrams(["", "  ", "one two"], 3))
    hashes, para, doc, start, end = paragraph_ngrams(["a b c\nd e\n", ""], 3)
    assert rows(doc, start, end) == [(0, 0, 6), (0, 6, 10)]  # "d e" is short: hashed whole
    assert hashes.tolist()[-1] == ngram_hash(["d", "e"], 0)
    hashes, para, doc, start, end = paragraph_ngrams(["a b c\n}\n...\nShare this"], 3, min_chars=4)
    assert rows(doc, start, end) == [(0, 12, 22)]  # lone punctuation and too few word characters: no key
    assert len(paragraph_keys([""])[0]) == 0


def test_word_characters_are_pythons_in_the_shared_unicode_range() -> None:
    # Every assigned BMP character alone between two words: a word character joins them.
    chars = [chr(c) for c in range(0x80, 0x10000) if unicodedata.category(chr(c)) not in ("Cn", "Cs")]
    texts = [f"a{c}b" for c in chars]
    _, doc, start, end = document_ngrams(texts, 1)
    joined = np.bincount(doc, minlength=len(texts)) == 1
    assert [c for c, j in zip(chars, joined) if j != bool(re.fullmatch(r"\w", c))] == []


def test_hash_scheme_and_arguments() -> None:
    assert NGRAM_HASH_VERSION == 2
    assert document_ngrams(["b a c"], 2)[0].tolist() == [ngram_hash(["b", "a"], 0), ngram_hash(["a", "c"], 0)]
    with pytest.raises(ValueError, match="separator"):
        paragraph_keys(["x"], "")
    with pytest.raises(ValueError, match="ngram_size and stride"):
        paragraph_ngrams(["x"], 2, stride=0)
    with pytest.raises(ValueError, match="ngram_size"):
        document_ngrams(["x"], 0)
    with pytest.raises(TypeError):
        document_ngrams([b"bytes"], 2)


def test_many_threads_give_the_single_thread_result() -> None:
    texts = [f"Doc {i} shared paragraph with several words in it\nunique {i} 😀 tail words here" for i in range(3000)]
    set_num_threads(1)
    try:
        single = [paragraph_keys(texts), paragraph_ngrams(texts, 3), document_ngrams(texts, 3)]
    finally:
        set_num_threads(None)
    set_num_threads(4)
    try:
        multi = [paragraph_keys(texts), paragraph_ngrams(texts, 3), document_ngrams(texts, 3)]
    finally:
        set_num_threads(None)
    for a, b in zip(single, multi):
        assert all(np.array_equal(x, y) for x, y in zip(a, b))
