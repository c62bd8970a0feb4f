"""LSH clusters against a brute-force union-find over the pairs that share a band."""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dolma_tools._core import LshIndex, MinHasher, lsh_clusters, optimal_bands, set_num_threads, sorted_sets


def band_buckets(sigs: np.ndarray, bands: int, rows: int) -> Iterator[list[int]]:
    """Every band's buckets: the documents (ascending) whose band slots are equal."""
    for band in range(bands):
        buckets: dict[bytes, list[int]] = {}
        for i in range(len(sigs)):
            buckets.setdefault(sigs[i, band * rows:(band + 1) * rows].tobytes(), []).append(i)
        yield from buckets.values()


def reference_clusters(sigs: np.ndarray, bands: int, rows: int, threshold: float | None) -> list[int]:
    """Union-find over every pair with a band in common (and, if given, estimated J >= threshold).

    With verification the Rust rule links to bucket representatives rather than all pairs, so
    verified references are only used where each bucket is one group (see the callers).
    """
    n = len(sigs)
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for members in band_buckets(sigs, bands, rows):
        for x in members:
            for y in members:
                if x < y and (threshold is None or (sigs[x] == sigs[y]).mean() >= threshold):
                    rx, ry = find(x), find(y)
                    parent[max(rx, ry)] = min(rx, ry)
    return [find(i) for i in range(n)]


def planted(n_groups: int, group_size: int, singles: int, num_perm: int, noise: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(n_groups):
        base = rng.integers(0, 2**32, num_perm, dtype=np.uint32)
        for _ in range(group_size):
            row = base.copy()
            flip = rng.random(num_perm) < noise
            row[flip] = rng.integers(0, 2**32, flip.sum(), dtype=np.uint32)
            rows.append(row)
    rows.extend(rng.integers(0, 2**32, (singles, num_perm), dtype=np.uint32))
    sigs = np.array(rows, dtype=np.uint32)
    return sigs[rng.permutation(len(sigs))]


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**31), st.floats(0.0, 0.5), st.integers(1, 8), st.integers(1, 4))
def test_clusters_equal_brute_force(seed: int, noise: float, bands: int, rows: int) -> None:
    sigs = planted(6, 4, 20, 32, noise, seed)
    ids, sim = lsh_clusters(sigs, bands=bands, rows=rows)
    assert ids.dtype == np.int64 and sim.dtype == np.float32
    assert ids.tolist() == reference_clusters(sigs, bands, rows, None)
    for i, c in enumerate(ids):
        assert c <= i
        assert sim[i] == pytest.approx((sigs[i] == sigs[c]).mean())


def test_verification_drops_dissimilar_candidates() -> None:
    rng = np.random.default_rng(3)
    sigs = rng.integers(0, 2**32, (6, 16), dtype=np.uint32)
    sigs[1] = sigs[0]
    sigs[2, :4] = sigs[0, :4]  # shares band 0 with 0 and 1, but J = 4/16
    sigs[4] = sigs[3]
    sigs[4, 15] ^= 1  # J = 15/16
    ids, _ = lsh_clusters(sigs, bands=4, rows=4)
    assert ids.tolist() == [0, 0, 0, 3, 3, 5]
    ids, sim = lsh_clusters(sigs, threshold=0.9, bands=4, rows=4, verify=True)
    assert ids.tolist() == [0, 0, 2, 3, 3, 5]
    assert sim.tolist() == [1.0, 1.0, 1.0, 1.0, 15 / 16, 1.0]
    assert ids.tolist() == reference_clusters(sigs, 4, 4, 0.9)


def test_end_to_end_near_duplicate_documents() -> None:
    words = [f"word{i}" for i in range(1000)]
    rng = np.random.default_rng(0)
    originals = [" ".join(rng.choice(words, 200)) for _ in range(50)]
    near = [d.replace(d.split()[100], "CHANGED", 1) for d in originals[:10]]
    docs = originals + near
    m = MinHasher(128)
    ids, sim = lsh_clusters(m.signatures(docs), threshold=0.8, verify=True)
    assert ids[50:].tolist() == list(range(10))
    assert (ids[10:50] == np.arange(10, 50)).all()
    assert (sim[50:] > 0.8).all()


def test_index_in_batches_equals_one_shot_and_thread_count_does_not_matter() -> None:
    sigs = planted(50, 5, 500, 64, 0.1, 7)
    want = lsh_clusters(sigs, threshold=0.7)
    idx = LshIndex(64, threshold=0.7)
    assert (idx.bands, idx.rows) == optimal_bands(0.7, 64)
    assert idx.add(sigs[500:], 500) == 500
    assert idx.add(sigs[:200]) == 750  # appended after the highest index so far
    idx2 = LshIndex(64, threshold=0.7)
    idx2.add(sigs[300:], start_index=300)
    idx2.add(sigs[:300], start_index=0)
    assert len(idx2) == len(sigs)
    got = idx2.clusters()
    assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1])
    set_num_threads(1)
    try:
        one = lsh_clusters(sigs, threshold=0.7, verify=True)
    finally:
        set_num_threads(None)
    assert np.array_equal(one[0], lsh_clusters(sigs, threshold=0.7, verify=True)[0])


def test_optimal_bands_balances_the_s_curve() -> None:
    for t, p in [(0.5, 128), (0.8, 112), (0.9, 256)]:
        b, r = optimal_bands(t, p)
        assert b * r <= p
        assert abs((1 / b) ** (1 / r) - t) < 0.12
    b1, r1 = optimal_bands(0.8, 128, fp_weight=0.1, fn_weight=0.9)
    b2, r2 = optimal_bands(0.8, 128, fp_weight=0.9, fn_weight=0.1)
    p = lambda s, b, r: 1 - (1 - s**r) ** b  # noqa: E731
    assert p(0.7, b1, r1) > p(0.7, b2, r2)
    assert not math.isnan(p(0.5, b1, r1))


def test_bad_arguments() -> None:
    sigs = np.zeros((4, 16), np.uint32)
    with pytest.raises(ValueError, match="exceeds num_perm"):
        lsh_clusters(sigs, bands=5, rows=4)
    with pytest.raises(ValueError, match="both bands and rows"):
        lsh_clusters(sigs, bands=4)
    with pytest.raises(ValueError, match="threshold"):
        lsh_clusters(sigs, threshold=1.5)
    with pytest.raises(ValueError, match="num_perm"):
        LshIndex(0)
    with pytest.raises(ValueError, match="threshold"):
        optimal_bands(0.0, 128)
    idx = LshIndex(16, bands=4, rows=4)
    with pytest.raises(ValueError, match="columns"):
        idx.add(np.zeros((2, 8), np.uint32))
    idx.add(sigs, start_index=2)
    with pytest.raises(ValueError, match="overlap"):
        idx.add(sigs, start_index=4)
    with pytest.raises(ValueError, match="never added"):
        idx.clusters()
    with pytest.raises(TypeError):
        idx.add(np.zeros((2, 16), np.int64))


MAX_REPRESENTATIVES = 8
"""Representatives kept per bucket when verifying (rust/core/src/lsh/mod.rs)."""


def representative_rule(sigs: np.ndarray, sets: list[set[int]], bands: int, rows: int, threshold: float) -> tuple[list[int], list[float]]:
    """Exact verification as docs/dedupe.md states it, every comparison computed: per band and
    bucket (members ascending), each member is compared with the bucket's representatives in
    order and linked to the first whose Jaccard reaches ``threshold``, else becomes one (at most
    `MAX_REPRESENTATIVES`); clusters are the components, named by their smallest member, and the
    similarity is the Jaccard with that member."""
    def jaccard(a: int, b: int) -> float:
        union = len(sets[a] | sets[b])
        return len(sets[a] & sets[b]) / union if union else 1.0

    n = len(sigs)
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    for members in band_buckets(sigs, bands, rows):
        reps = members[:1]
        for d in members[1:]:
            match = next((r for r in reps if jaccard(r, d) >= threshold), None)
            if match is not None:
                a, b = find(match), find(d)
                parent[max(a, b)] = min(a, b)
            elif len(reps) < MAX_REPRESENTATIVES:
                reps.append(d)
    roots = [find(i) for i in range(n)]
    return roots, [1.0 if r == i else jaccard(r, i) for i, r in enumerate(roots)]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_exact_verification_equals_the_representative_rule_computed_in_full(seed: int) -> None:
    """`clusters_exact` sorts the bands once (in `candidates`) and computes each pair's Jaccard
    once however many bands bring it up: the clusters and similarities are those of the rule
    computed in full. Groups of up to 14 variants of one text at edit rates either side of the
    threshold make chains and members of several groups; with one representative a bucket would
    give other clusters on every seed, so the order of the representatives is tested."""
    rng = np.random.default_rng(seed)
    words = [f"w{i}" for i in range(20)]  # few words, one-row bands: buckets of mixed members
    texts = []
    for _ in range(12):
        base = list(rng.choice(words, 40))
        for _ in range(int(rng.integers(2, 15))):
            text = base.copy()
            for k in rng.choice(40, int(rng.integers(0, 14)), replace=False):
                text[k] = str(rng.choice(words))
            texts.append(" ".join(text))
    texts.extend(" ".join(rng.choice(words, 40)) for _ in range(30))
    texts = [texts[i] for i in rng.permutation(len(texts))]
    hasher = MinHasher(64, ngram=2)
    sigs, values, offsets = hasher.signatures_and_fingerprints(texts)
    bands, rows, threshold = 24, 1, 0.5
    idx = LshIndex(64, threshold=threshold, bands=bands, rows=rows)
    idx.add(sigs[:50])
    early = idx.candidates()  # sorted buckets kept for 50 documents, then dropped by add()
    idx.add(sigs[50:])
    docs = idx.candidates()
    assert len(docs) > len(early)
    set_values, set_offsets = sorted_sets(values, offsets, docs.astype(np.uint64))
    lists = [set(values[offsets[i]:offsets[i + 1]].tolist()) for i in range(len(texts))]
    in_docs = set(docs.tolist())
    want_ids, want_sim = representative_rule(sigs, [s if i in in_docs else set() for i, s in enumerate(lists)],
                                             bands, rows, threshold)
    ids, sim = idx.clusters_exact(docs, set_values, set_offsets, threshold)
    assert ids.tolist() == want_ids
    assert sim.tolist() == pytest.approx(want_sim, abs=1e-6)
    assert len(set(want_ids)) < len(texts) - 10  # clusters were found
    # Without `candidates` first (the bands sorted here), with one thread: the same.
    fresh = LshIndex(64, threshold=threshold, bands=bands, rows=rows)
    fresh.add(sigs)
    set_num_threads(1)
    try:
        again = fresh.clusters_exact(docs, set_values, set_offsets, threshold)
    finally:
        set_num_threads(None)
    assert np.array_equal(again[0], ids) and np.array_equal(again[1], sim)
