"""Near-duplicate clusters: planted near copies, datasketch agreement, no cluster emptied."""

from __future__ import annotations

from pathlib import Path

import pytest

import dolma_tools as dt
from dolma_tools._core import MinHasher
from tests.stages.dedupe.conftest import sidecars, texts, truth

datasketch = pytest.importorskip("datasketch")


def test_near_duplicates_against_ground_truth_and_datasketch(sample: Path) -> None:
    summary = dt.dedupe(str(sample / "documents"), minhash={"threshold": 0.8, "num_perm": 128, "ngram_size": 5}, workers=1)
    attributes, text_of = sidecars(sample), texts(sample)
    order = list(text_of)
    flagged = {d for d, a in attributes.items() if a["dedupe__minhash__duplicate"]}

    # No cluster loses all its members: every cluster's kept document is itself unflagged.
    for doc_id in flagged:
        (_, _, cluster), = attributes[doc_id]["dedupe__minhash__cluster"]
        keeper = order[int(cluster)]
        assert keeper not in flagged
        assert order.index(keeper) < order.index(doc_id)
    assert summary.counts["minhash"]["documents_flagged"] == len(flagged)

    # Planted near copies well above the threshold are found (exact copies are trivially similar).
    high = [c["id"] for g in truth(sample)["near_duplicates"] for c in g["copies"] if c["jaccard_5gram"] >= 0.9]
    exact = {c for g in truth(sample)["exact_duplicates"] for c in g["copies"]}
    recall = sum(d in flagged for d in high) / max(len(high), 1)
    print(f"recall on planted near copies with Jaccard >= 0.9: {recall:.2f} of {len(high)}")
    assert high and recall >= 0.8  # ground-truth Jaccard is on raw words; ours on normalised ones
    assert exact <= flagged

    # Same shingles into datasketch's MinHashLSH, candidates verified at the threshold as ours are:
    # the documents each side flags should agree.
    hasher = MinHasher(128, seed=1, ngram=5)
    lsh = datasketch.MinHashLSH(threshold=0.8, num_perm=128)
    sketches = {}
    reference: set[str] = set()
    for doc_id in order:
        sketch = datasketch.MinHash(num_perm=128, seed=1)
        sketch.update_batch([s.encode() for s in set(hasher.shingles(text_of[doc_id]))])
        if any(sketch.jaccard(sketches[other]) >= 0.8 for other in lsh.query(sketch)):
            reference.add(doc_id)
        lsh.insert(doc_id, sketch)
        sketches[doc_id] = sketch
    agreement = len(flagged & reference) / max(len(flagged | reference), 1)
    print(f"minhash agreement with datasketch (Jaccard of flagged sets): {agreement:.3f}; "
          f"ours {len(flagged)}, datasketch {len(reference)}")
    assert agreement >= 0.9
