"""Zero-copy pyarrow string/binary batch calls: equal to the list-of-str paths."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dolma_tools._core import BloomFilter, hash64_arrow, hash64_batch, set_num_threads

pa = pytest.importorskip("pyarrow")

TYPES = [pa.string(), pa.large_string(), pa.binary(), pa.large_binary()]
KEYS = st.lists(st.text(max_size=12), max_size=60)


def as_keys(keys: list[str], ty: pa.DataType) -> list[str] | list[bytes]:
    return [k.encode() for k in keys] if ty in (pa.binary(), pa.large_binary()) else keys


@settings(max_examples=100, deadline=None)
@given(KEYS, st.sampled_from(TYPES), st.integers(0, 2**64 - 1), st.integers(0, 5), st.integers(0, 5))
def test_hash64_arrow_equals_batch_on_sliced_arrays(
    keys: list[str], ty: pa.DataType, seed: int, lo: int, cut: int
) -> None:
    arr = pa.array(as_keys(keys, ty), type=ty)
    sliced = arr.slice(min(lo, len(keys)), max(0, len(keys) - lo - cut))
    want = hash64_batch(sliced.to_pylist(), seed=seed)
    got = hash64_arrow(sliced, seed=seed)
    assert got.dtype == np.uint64 and got.tolist() == want.tolist()


@settings(max_examples=60, deadline=None)
@given(st.lists(KEYS, max_size=4), KEYS, st.sampled_from(TYPES), st.integers(0, 3))
def test_bloom_arrow_calls_equal_list_calls(
    batches: list[list[str]], probes: list[str], ty: pa.DataType, seed: int
) -> None:
    chunked = pa.chunked_array([pa.array(as_keys(b, ty), type=ty) for b in batches], type=ty)
    flat = [k for b in batches for k in b]
    a, b = BloomFilter(1000, 0.01, seed=seed), BloomFilter(1000, 0.01, seed=seed)
    assert a.insert_if_absent_arrow(chunked).tolist() == b.insert_if_absent_many(flat).tolist()
    probe_arr = pa.array(as_keys(probes, ty), type=ty)
    assert a.contains_arrow(probe_arr).tolist() == b.contains_many(probes).tolist()
    c = BloomFilter(1000, 0.01, seed=seed)
    c.add_arrow(chunked)
    assert c.contains_arrow(probe_arr).tolist() == b.contains_many(probes).tolist()
    assert hash64_arrow(chunked, seed=seed).tolist() == hash64_batch(flat, seed=seed).tolist()


def test_large_batches_run_in_parallel_and_agree() -> None:
    keys = [f"key-{i}" for i in range(100_000)]
    arr = pa.array(keys)
    f, g = BloomFilter(200_000, 0.01), BloomFilter(200_000, 0.01)
    for threads in (1, None):
        set_num_threads(threads)
        try:
            assert np.array_equal(hash64_arrow(arr), hash64_batch(keys))
        finally:
            set_num_threads(None)
    assert np.array_equal(f.insert_if_absent_arrow(arr[::1].slice(10)), g.insert_if_absent_many(keys[10:]))
    assert np.array_equal(f.contains_arrow(arr), g.contains_many(keys))
    assert f.contains_arrow(arr)[10:].all()


def test_nulls_and_wrong_types_are_refused() -> None:
    f = BloomFilter(100, 0.01)
    with pytest.raises(ValueError, match="null"):
        f.insert_if_absent_arrow(pa.array(["a", None, "b"]))
    assert "a" not in f  # refused before anything was inserted
    with pytest.raises(ValueError, match="null"):
        hash64_arrow(pa.chunked_array([pa.array(["a"]), pa.array([None], pa.string())]))
    with pytest.raises(TypeError, match="string"):
        f.contains_arrow(pa.array([1, 2, 3]))
    with pytest.raises(TypeError):
        f.contains_arrow(["a", "b"])
    assert hash64_arrow(pa.array([], pa.string())).tolist() == []
    assert f.contains_arrow(pa.chunked_array([], pa.string())).tolist() == []
    # A null outside the slice is fine.
    assert hash64_arrow(pa.array([None, "x"]).slice(1)).tolist() == [hash64_batch(["x"])[0]]
