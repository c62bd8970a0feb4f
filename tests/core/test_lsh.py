"""LSH clusters against a brute-force union-find over the pairs that share a band."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dolma_tools._core import LshIndex, MinHasher, lsh_clusters, optimal_bands, set_num_threads


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

    for band in range(bands):
        buckets: dict[bytes, list[int]] = {}
        for i in range(n):
            buckets.setdefault(sigs[i, band * rows : (band + 1) * rows].tobytes(), []).append(i)
        for members in buckets.values():
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
