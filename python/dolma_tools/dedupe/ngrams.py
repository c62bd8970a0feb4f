"""BFF-style paragraph dedupe: a paragraph's score is the share of its word n-grams seen before.

Within a paragraph each distinct n-gram counts once (a paragraph repeating itself is not a
duplicate of anything earlier). Phase 2 inserts the n-grams of all files in input order and
counts, per paragraph, those already present; paragraphs scoring at least ``threshold`` are
flagged under ``<name>__ngrams__duplicate`` with the score. Paragraphs shorter than
``ngram_size`` words (or ``min_words``) have no n-grams and are never flagged.
"""

from __future__ import annotations

import collections

import numpy as np

from dolma_tools._core import BloomFilter
from dolma_tools.dedupe.config import NgramsMode
from dolma_tools.dedupe.text import ngram_hashes, paragraphs, words_of
from dolma_tools.documents import Document, Span


def extract(mode: NgramsMode, docs: list[Document], seed: int) -> dict[str, np.ndarray]:
    """Distinct n-gram hashes per paragraph (``hash``, ``para``) and each paragraph's doc/span/size."""
    minimum = max(mode.ngram_size, mode.min_words or mode.ngram_size)
    words: list[str] = []
    sizes: list[int] = []
    where: list[tuple[int, int, int]] = []
    for index, doc in enumerate(docs):
        for part, start, end in paragraphs(doc.text, mode.separator):
            tokens = words_of(part, mode.normalize)
            if len(tokens) < minimum:
                continue
            words.extend(tokens)
            sizes.append(len(tokens))
            where.append((index, start, end))
    hashes, groups = ngram_hashes(words, np.asarray(sizes, dtype=np.int64), mode.ngram_size, mode.stride, seed)
    order = np.lexsort((hashes, groups))
    hashes, groups = hashes[order], groups[order]
    keep = np.ones(len(hashes), dtype=bool)
    keep[1:] = (hashes[1:] != hashes[:-1]) | (groups[1:] != groups[:-1])
    table = np.asarray(where, dtype=np.int64).reshape(-1, 3)
    return {"hash": hashes[keep], "para": groups[keep], "doc": table[:, 0], "start": table[:, 1], "end": table[:, 2]}


def decide(bloom: BloomFilter, arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """``score[p]``: the share of paragraph p's distinct n-grams present before it (input order)."""
    seen = bloom.insert_if_absent_hashes(arrays["hash"])
    paragraphs_count = len(arrays["doc"])
    total = np.bincount(arrays["para"], minlength=paragraphs_count)
    repeated = np.bincount(arrays["para"], weights=seen, minlength=paragraphs_count)
    return {"score": repeated / np.maximum(total, 1)}


def annotate(mode: NgramsMode, prefix: str, arrays: dict[str, np.ndarray], decisions: dict[str, np.ndarray],
             out: list[dict[str, list[Span]]], counters: collections.Counter) -> None:
    """Add ``<prefix>duplicate`` spans scored by the repeated share, for paragraphs at the threshold."""
    key = prefix + "duplicate"
    for attributes in out:
        attributes[key] = []
    scores = decisions["score"]
    flagged = scores >= mode.threshold
    for index, start, end, score in zip(arrays["doc"][flagged].tolist(), arrays["start"][flagged].tolist(),
                                        arrays["end"][flagged].tolist(), scores[flagged].tolist()):
        if not out[index][key]:
            counters["ngrams.documents_flagged"] += 1
        out[index][key].append(Span(start, end, float(score)))
        counters["ngrams.spans_flagged"] += 1
        counters["ngrams.chars_flagged"] += end - start
