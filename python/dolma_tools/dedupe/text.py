"""Text to keys: paragraphs with code-point offsets, words, and vectorised word n-gram hashes.

N-gram hashes are built from word hashes rather than from n-gram strings: each word is hashed
once (XXH3 in Rust, batched), an n-gram's hash is a position-weighted sum of its words' hashes
(odd 64-bit weights, wrapping) passed through the SplitMix64 finaliser. That is order-sensitive,
computed for all n-grams of a file in ``n`` numpy passes, and never allocates n-gram strings.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

import numpy as np

from dolma_tools._core import hash64_batch

_WORD = re.compile(r"\w+")
_SPACES = re.compile(r"\s+")
_NON_SPACE = re.compile(r"\S+")


def normalize_key(text: str) -> str:
    """Lower-case and collapse whitespace (for exact keys that should ignore case and spacing)."""
    return _SPACES.sub(" ", text).strip().lower()


def words_of(text: str, normalize: bool) -> list[str]:
    """Words for n-grams: lower-cased letter/digit runs when normalising, else space-split tokens."""
    return _WORD.findall(text.lower()) if normalize else text.split()


def word_spans(text: str, normalize: bool) -> tuple[list[str], list[int], list[int]]:
    """`words_of` with each word's code-point start and end in ``text`` (for span offsets).

    Words are lower-cased one by one, so offsets stay those of the original text even where
    lower-casing changes a string's length.
    """
    pattern = _WORD if normalize else _NON_SPACE
    words, starts, ends = [], [], []
    for match in pattern.finditer(text):
        word = match.group()
        words.append(word.lower() if normalize else word)
        starts.append(match.start())
        ends.append(match.end())
    return words, starts, ends


def paragraphs(text: str, separator: str) -> list[tuple[str, int, int]]:
    """``(paragraph, start, end)`` per paragraph; ``end`` includes the trailing separator.

    Including the separator means that removing every flagged span leaves no empty lines behind.
    Offsets are code points (Python ``str`` indices), as attribute spans require.
    """
    out = []
    position = 0
    step = len(separator)
    parts = text.split(separator)
    last = len(parts) - 1
    for index, part in enumerate(parts):
        end = position + len(part)
        out.append((part, position, end if index == last else end + step))
        position = end + step
    return out


_WEIGHT_SEED = 0x9E3779B97F4A7C15


@functools.lru_cache(maxsize=8)
def _weights(n: int) -> np.ndarray:
    """``n`` fixed odd 64-bit weights (deterministic, so hashes are stable across runs)."""
    state = np.uint64(_WEIGHT_SEED)
    weights = np.empty(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for i in range(n):
            state = np.uint64(state + np.uint64(_WEIGHT_SEED))
            weights[i] = _mix(np.array([state], dtype=np.uint64))[0] | np.uint64(1)
    return weights


def _mix(h: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser, vectorised (a bijection on 64-bit values)."""
    with np.errstate(over="ignore"):
        h = h ^ (h >> np.uint64(30))
        h = h * np.uint64(0xBF58476D1CE4E5B9)
        h = h ^ (h >> np.uint64(27))
        h = h * np.uint64(0x94D049BB133111EB)
        return h ^ (h >> np.uint64(31))


def ngram_hashes(
    words: Sequence[str], group_sizes: np.ndarray, n: int, stride: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of the word n-grams inside each group (paragraph or document) of ``words``.

    ``words`` is every group's words concatenated; ``group_sizes[g]`` is group g's word count. A
    group with fewer than ``n`` words has no n-grams. Returns ``(hashes, group_of_each_hash)``,
    in input order.
    """
    sizes = np.asarray(group_sizes, dtype=np.int64)
    counts = np.where(sizes >= n, (sizes - n) // stride + 1, 0)
    total = int(counts.sum())
    if total == 0:
        return np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.int64)
    word_hashes = hash64_batch(words, seed)
    first_word = np.cumsum(sizes) - sizes
    groups = np.repeat(np.arange(len(sizes), dtype=np.int64), counts)
    first_ngram = np.cumsum(counts) - counts
    starts = first_word[groups] + (np.arange(total, dtype=np.int64) - first_ngram[groups]) * stride
    acc = np.zeros(total, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j, weight in enumerate(_weights(n)):
            acc += word_hashes[starts + j] * weight
    return _mix(acc), groups
