"""MinHasher against exact Jaccard and against datasketch on the same shingles."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dolma_tools._core import MinHasher, hash64, jaccard, jaccard_pairs, set_num_threads, sorted_sets

WORDS = [f"w{i}" for i in range(400)]


def doc_pair(rng: random.Random, length: int, overlap: float) -> tuple[str, str]:
    a = [rng.choice(WORDS) for _ in range(length)]
    b = [w if rng.random() < overlap else rng.choice(WORDS) for w in a]
    return " ".join(a), " ".join(b)


def exact_jaccard(m: MinHasher, a: str, b: str) -> float:
    sa, sb = set(m.shingles(a)), set(m.shingles(b))
    return len(sa & sb) / len(sa | sb)


def test_shingles_and_normalisation() -> None:
    m = MinHasher(16, ngram=3)
    assert m.shingles("Hello,  WORLD! «How» are you?") == ["hello world how", "world how are", "how are you"]
    assert m.shingles("Two words") == ["two words"]  # shorter than ngram: one shingle
    assert m.shingles("") == [""]
    c = MinHasher(16, ngram=4, mode="char", lowercase=False, remove_punctuation=False)
    assert c.shingles("Ab, c") == ["Ab, ", "b, c"]
    assert c.shingle_hashes("Ab, c").tolist() == [hash64("Ab, ", seed=1), hash64("b, c", seed=1)]
    assert m.signature("a, B c!") .tolist() == m.signature("A b   c").tolist()


def test_batch_is_one_array_equal_to_single_signatures() -> None:
    m = MinHasher(64, seed=5)
    docs = ["the quick brown fox jumps over the lazy dog", "", "a b c", "ünïcödé text here and there"] * 50
    sigs = m.signatures(docs)
    assert sigs.shape == (200, 64) and sigs.dtype == np.uint32 and sigs.flags.c_contiguous
    assert all(np.array_equal(sigs[i], m.signature(d)) for i, d in enumerate(docs[:4]))
    assert np.array_equal(m.signature(docs[0]), m.signature_from_hashes(m.shingle_hashes(docs[0])))
    set_num_threads(1)
    try:
        assert np.array_equal(m.signatures(docs), sigs)
    finally:
        set_num_threads(None)
    assert not np.array_equal(MinHasher(64, seed=6).signatures(docs[:1]), sigs[:1])


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32), st.floats(0.0, 1.0))
def test_estimate_within_standard_error_of_exact(seed: int, overlap: float) -> None:
    rng = random.Random(seed)
    a, b = doc_pair(rng, 120, overlap)
    m = MinHasher(256, seed=seed, ngram=2)
    j = exact_jaccard(m, a, b)
    est = jaccard(m.signature(a), m.signature(b))
    se = max((j * (1 - j) / 256) ** 0.5, 1 / 256)
    assert abs(est - j) <= 5 * se + 1e-9


def test_mean_error_is_unbiased_over_many_pairs() -> None:
    rng = random.Random(0)
    m = MinHasher(128, ngram=3)
    pairs = [doc_pair(rng, 150, rng.random()) for _ in range(300)]
    a = m.signatures([p[0] for p in pairs])
    b = m.signatures([p[1] for p in pairs])
    est = (a == b).mean(axis=1)
    exact = np.array([exact_jaccard(m, *p) for p in pairs])
    assert abs((est - exact).mean()) < 0.01
    assert np.abs(est - exact).mean() < 0.04  # expected ~0.8 * sqrt(J(1-J)/128) <= 0.035


def test_agrees_statistically_with_datasketch() -> None:
    datasketch = pytest.importorskip("datasketch")
    rng = random.Random(1)
    m = MinHasher(128, ngram=3)
    ours, theirs, exact = [], [], []
    for _ in range(150):
        a, b = doc_pair(rng, 150, rng.random())
        sa, sb = m.shingles(a), m.shingles(b)
        da, db = datasketch.MinHash(num_perm=128), datasketch.MinHash(num_perm=128)
        da.update_batch([s.encode() for s in sa])
        db.update_batch([s.encode() for s in sb])
        theirs.append(da.jaccard(db))
        ours.append(jaccard(m.signature(a), m.signature(b)))
        exact.append(exact_jaccard(m, a, b))
    ours_a, theirs_a, exact_a = map(np.array, (ours, theirs, exact))
    # Same estimator, independent permutations: the difference has sd ~ sqrt(2 J(1-J)/128) <= 0.063.
    assert np.abs(ours_a - theirs_a).mean() < 0.06
    assert abs(np.abs(ours_a - exact_a).mean() - np.abs(theirs_a - exact_a).mean()) < 0.01


@pytest.mark.parametrize(
    "kwargs, message",
    [({"num_perm": 0}, "num_perm"), ({"ngram": 0}, "ngram"), ({"mode": "sentence"}, "mode")],
)
def test_bad_arguments(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        MinHasher(**kwargs)


def test_bad_inputs() -> None:
    m = MinHasher(8)
    with pytest.raises(TypeError):
        m.signatures([b"bytes"])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        m.signatures("a str")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="equal length"):
        jaccard(np.zeros(8, np.uint32), np.zeros(9, np.uint32))


M64 = (1 << 64) - 1


def _mix64(x: int) -> int:
    x ^= x >> 30
    x = (x * 0xBF58476D1CE4E5B9) & M64
    x ^= x >> 27
    x = (x * 0x94D049BB133111EB) & M64
    return x ^ (x >> 31)


def _word_shingle_hash(shingle: str, seed: int) -> int:
    words = [w for w in shingle.split(" ") if w]
    h = (len(words) * 0x9E3779B97F4A7C15) & M64
    for w in words:
        rot = ((h << 23) | (h >> 41)) & M64
        h = ((rot ^ hash64(w, seed=seed)) * 0xFF51AFD7ED558CCD) & M64
    return _mix64(h)


TEXT = st.text(st.sampled_from(list("aAbB zZ,.-'\t\n\u00a0\u2003éÉß«»—İΣ😀")), max_size=60)


@settings(max_examples=200, deadline=None)
@given(TEXT, st.integers(1, 6), st.integers(0, 2**64 - 1), st.booleans(), st.booleans())
def test_word_shingle_hashes_are_the_documented_combination(
    text: str, ngram: int, seed: int, lowercase: bool, punct: bool
) -> None:
    m = MinHasher(8, seed=seed, ngram=ngram, lowercase=lowercase, remove_punctuation=punct)
    shingles = m.shingles(text)
    assert m.shingle_hashes(text).tolist() == [_word_shingle_hash(s, seed) for s in shingles]
    # Equal shingles, equal hashes; the signature is that of the shingle hashes.
    assert np.array_equal(m.signature(text), m.signature_from_hashes(m.shingle_hashes(text)))
    assert np.array_equal(m.signatures([text])[0], m.signature(text))


def test_fingerprints_become_sets_with_the_exact_jaccard() -> None:
    """Phase 1 keeps each text's fingerprints unsorted, repeats included; `sorted_sets` makes the
    sets that `jaccard_pairs` (and exact verification) read, for as many texts as asked."""
    hasher = MinHasher(64, ngram=2)
    texts = ["a b c a b", "", "a b c d", *(f"text {i} with words {i % 7}" for i in range(300))]
    signatures, values, offsets = hasher.signatures_and_fingerprints(texts)
    assert (signatures == hasher.signatures(texts)).all()
    assert np.diff(offsets)[:3].tolist() == [4, 1, 3]  # a b, b c, c a, a b; the empty text is one shingle
    assert values[:4].tolist() == (hasher.shingle_hashes("a b c a b") >> np.uint64(32)).astype(np.uint32).tolist()
    set_values, set_offsets = sorted_sets(values, offsets)
    first = set_values[:set_offsets[1]]
    assert first.tolist() == sorted(set(values[:4].tolist()))
    # {a b, b c, c a} and {a b, b c, c d}: 2 of 4
    assert jaccard_pairs(set_values, set_offsets, np.array([0], np.uint32), np.array([2], np.uint32)).tolist() == [0.5]
    again = sorted_sets(set_values, set_offsets)  # sets stay as they are
    assert (again[0] == set_values).all() and (again[1] == set_offsets).all()
    with pytest.raises(ValueError, match="offsets must run from 0"):
        sorted_sets(values, offsets[:-1])
