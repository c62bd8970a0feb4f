"""Word n-gram repetition statistics (Gopher, Rae et al. 2021, appendix A), compiled with numba.

Words arrive as 64-bit hashes plus their lengths in code points. For each n, n-gram hashes are
built incrementally from the (n-1)-gram hashes and counted in an open-addressing table, so one
document costs O(words) per n with no Python objects per n-gram. Two 64-bit hashes colliding
would merge two n-grams; at 2^-64 per pair this is ignored.

* ``top_ngram_fractions``: for n = 2, 3, 4, the characters covered by the most frequent n-gram
  (ties: the one that occurs first) divided by all word characters. Overlapping occurrences
  are counted once, so the value stays within [0, 1].
* ``duplicate_ngram_fractions``: for n = 5..10, the characters of words covered by any n-gram
  that occurs more than once, divided by all word characters. A word inside several duplicate
  n-grams counts once, as the paper asks ("not counting characters in overlapping n-grams twice").
"""

from __future__ import annotations

import numba
import numpy as np

TOP_NS = (2, 3, 4)
DUPLICATE_NS = (5, 6, 7, 8, 9, 10)

@numba.njit(cache=True, nogil=True)
def _mix(a: np.uint64, b: np.uint64) -> np.uint64:
    """Order-sensitive: (a, b) and (b, a) must hash apart, or "x y" and "y x" would merge."""
    x = a * np.uint64(0x9E3779B97F4A7C15) + b
    x ^= x >> np.uint64(31)
    x *= np.uint64(0xBF58476D1CE4E5B9)
    return x ^ (x >> np.uint64(29))


@numba.njit(cache=True, nogil=True)
def _count(keys: np.ndarray, slot_of: np.ndarray, counts: np.ndarray, first: np.ndarray, m: int) -> None:
    """Count ``keys[:m]``; ``slot_of[i]`` is where key i landed, ``first[slot]`` its first index."""
    size = counts.shape[0]
    mask = size - 1
    key_mask = np.uint64(mask)
    table = np.zeros(size, dtype=np.uint64)
    counts[:] = 0
    for i in range(m):
        key = keys[i]
        slot = np.int64(key & key_mask)
        while counts[slot] != 0 and table[slot] != key:
            slot = (slot + 1) & mask
        if counts[slot] == 0:
            table[slot] = key
            first[slot] = i
        counts[slot] += 1
        slot_of[i] = slot


@numba.njit(cache=True, nogil=True)
def _covered_chars(selected: np.ndarray, m: int, n: int, prefix: np.ndarray) -> int:
    """Characters of words covered by the n-grams at the selected start positions (each once)."""
    total = 0
    covered_until = 0
    for i in range(m):
        if selected[i]:
            begin = max(i, covered_until)
            total += prefix[i + n] - prefix[begin]
            covered_until = i + n
    return total


@numba.njit(cache=True, nogil=True)
def repetition_fractions(word_hashes: np.ndarray, word_lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(top 2/3/4-gram fractions, duplicate 5..10-gram fractions); hashes are ``uint64``."""
    w = word_hashes.shape[0]
    top = np.zeros(3, dtype=np.float64)
    dup = np.zeros(6, dtype=np.float64)
    prefix = np.zeros(w + 1, dtype=np.int64)
    for i in range(w):
        prefix[i + 1] = prefix[i] + word_lengths[i]
    total_chars = prefix[w]
    if w < 2 or total_chars == 0:
        return top, dup
    size = 1
    while size < 2 * w:
        size *= 2
    counts = np.zeros(size, dtype=np.int32)
    first = np.zeros(size, dtype=np.int64)
    slot_of = np.zeros(w, dtype=np.int64)
    selected = np.zeros(w, dtype=np.bool_)
    grams = word_hashes.copy()
    for n in range(2, 11):
        m = w - n + 1
        if m <= 0:
            break
        for i in range(m):
            grams[i] = _mix(grams[i], word_hashes[i + n - 1])
        _count(grams, slot_of, counts, first, m)
        if n <= 4:
            best = slot_of[0]
            for i in range(m):
                slot = slot_of[i]
                if counts[slot] > counts[best] or (counts[slot] == counts[best] and first[slot] < first[best]):
                    best = slot
            for i in range(m):
                selected[i] = slot_of[i] == best
            top[n - 2] = _covered_chars(selected, m, n, prefix) / total_chars
        else:
            any_dup = False
            for i in range(m):
                selected[i] = counts[slot_of[i]] > 1
                any_dup = any_dup or selected[i]
            if any_dup:
                dup[n - 5] = _covered_chars(selected, m, n, prefix) / total_chars
    return top, dup
