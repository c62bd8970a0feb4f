"""BloomFilter against a plain Python set, file round trips and damaged files, bad arguments."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dolma_tools._core import BloomFilter, BloomSizing, hash64, hash64_batch

keys_strategy = st.lists(st.one_of(st.text(max_size=20), st.binary(max_size=20)), max_size=200)


def test_sizing_is_optimal_and_does_not_allocate() -> None:
    s = BloomFilter.sizing(100_000, 1e-4)
    assert isinstance(s, BloomSizing)
    assert s.num_hashes == 13  # Dolma's sizing would pick 59
    assert s.num_bits % 64 == 0 and s.num_bytes == s.num_bits // 8
    assert abs(s.expected_fp_rate - 1e-4) < 1e-5
    huge = BloomFilter.sizing(10**12, 1e-6)  # 3.6 TB: reported, not allocated
    assert huge.num_bytes > 3 * 10**12
    by_size = BloomFilter.sizing(1000, size_bytes=1250)
    assert by_size.num_hashes == 7


@settings(max_examples=50, deadline=None)
@given(keys_strategy, keys_strategy)
def test_no_false_negatives_against_a_set(inserted: list[str | bytes], probes: list[str | bytes]) -> None:
    f = BloomFilter(max(len(inserted), 1), 1e-3)
    reference: set[bytes] = set()
    for k in inserted:
        was = f.insert_if_absent(k)
        kb = k.encode() if isinstance(k, str) else k
        if kb in reference:
            assert was
        reference.add(kb)
    for k in inserted:
        assert k in f
    assert f.contains_many(inserted).all()
    got = f.contains_many(probes)
    for k, present in zip(probes, got):
        kb = k.encode() if isinstance(k, str) else k
        if kb in reference:
            assert present


def test_batch_methods_agree_with_single_ones_and_hashes() -> None:
    keys = [f"key-{i}" for i in range(50_000)]  # past the parallel threshold
    f = BloomFilter(100_000, 0.01, seed=7)
    f.add_many(keys[:25_000])
    g = BloomFilter(100_000, 0.01, seed=7)
    g.add_hashes(hash64_batch(keys[:25_000], seed=7))
    assert np.array_equal(f.contains_many(keys), g.contains_hashes(hash64_batch(keys, seed=7)))
    assert f.contains_many(keys)[:25_000].all()
    assert all((k in f) == bool(v) for k, v in zip(keys[::97], f.contains_many(keys[::97])))
    assert f.contains_hashes(np.array([hash64("key-1", seed=7)], dtype=np.uint64))[0]
    # Estimated length from the fill ratio.
    assert abs(len(f) - 25_000) < 25_000 * 0.03
    assert 0.0 < f.estimated_fp_rate() < 0.01
    # In-batch duplicates count as present from the second occurrence on.
    h = BloomFilter(1000, 1e-6)
    assert h.insert_if_absent_many(["a", "b", "a", b"a", "c"]).tolist() == [False, False, True, True, False]
    assert h.insert_if_absent_hashes(hash64_batch(["c", "d", "d"])).tolist() == [True, False, True]


def test_measured_false_positive_rate() -> None:
    f = BloomFilter(200_000, 0.01)
    f.add_hashes(np.arange(200_000, dtype=np.uint64))
    fp = f.contains_hashes(np.arange(10**9, 10**9 + 200_000, dtype=np.uint64)).mean()
    assert 0.008 < fp < 0.0125


@pytest.mark.parametrize("layout", ["standard", "blocked"])
def test_threads_never_both_see_a_key_as_new(layout: str) -> None:
    f = BloomFilter(100_000, 1e-4, layout=layout)
    keys = [f"k{i}" for i in range(20_000)]
    results: list[tuple[np.ndarray, np.ndarray]] = []

    def worker(offset: int) -> None:
        order = keys[offset:] + keys[:offset]
        results.append((np.array(order), f.insert_if_absent_many(order)))

    threads = [threading.Thread(target=worker, args=(i * 5000,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    new = np.concatenate([order[~present] for order, present in results])
    assert len(new) == len(set(new.tolist())) > 19_900  # each key new once; only false positives missing


def test_union() -> None:
    a, b = BloomFilter(1000, 0.01), BloomFilter(1000, 0.01)
    a.add("x")
    b.add("y")
    c = a | b
    assert "x" in c and "y" in c and "y" not in a
    a.union_update(b)
    assert "y" in a
    with pytest.raises(ValueError, match="different parameters"):
        a.union(BloomFilter(1000, 0.001))
    with pytest.raises(ValueError, match="different parameters"):
        a.union_update(BloomFilter(1000, 0.01, seed=1))


@pytest.mark.parametrize("mmap", [False, True])
def test_save_load_round_trip(tmp_path: Path, mmap: bool) -> None:
    f = BloomFilter(10_000, 0.001, seed=3)
    f.add_many([f"k{i}" for i in range(5000)])
    path = tmp_path / "f.bloom"
    f.save(path)
    g = BloomFilter.load(path, 10_000, 0.001, seed=3, mmap=mmap)
    assert (g.num_bits, g.num_hashes, g.seed, g.read_only) == (f.num_bits, f.num_hashes, 3, mmap)
    assert g.contains_many([f"k{i}" for i in range(5000)]).all()
    assert len(g) == len(f)
    if mmap:
        with pytest.raises(ValueError, match="read-only"):
            g.add("new")
        with pytest.raises(ValueError, match="read-only"):
            g.union_update(f)
        assert "k1" in g.union(f)  # a union of a mapped filter is a writable copy
    else:
        g.add("new")
        assert "new" in g


def test_loading_with_other_parameters_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "f.bloom"
    BloomFilter(10_000, 0.001, seed=3).save(path)
    with pytest.raises(ValueError, match="num_bits"):
        BloomFilter.load(path, 20_000, 0.001)
    with pytest.raises(ValueError, match="seed=3"):
        BloomFilter.load(path, seed=4)
    with pytest.raises(FileNotFoundError):
        BloomFilter.load(tmp_path / "missing.bloom")


def test_damaged_files_are_clear_errors(tmp_path: Path) -> None:
    path = tmp_path / "f.bloom"
    BloomFilter(1000, 0.01).save(path)
    good = path.read_bytes()
    cases = {
        "truncated": good[:-5],
        "truncated ": good[:12],
        "magic": b"GARBAGE!" + good[8:],
        "checksum": good[:-1] + bytes([good[-1] ^ 0xFF]),
        "trailing": good + b"\0",
    }
    for expected, data in cases.items():
        path.write_bytes(data)
        for mmap in (False, True):
            with pytest.raises(ValueError, match=expected.strip()):
                BloomFilter.load(path, mmap=mmap)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"expected_items": 0, "fp_rate": 0.01}, "expected_items"),
        ({"expected_items": 10, "fp_rate": 0.0}, "fp_rate"),
        ({"expected_items": 10, "fp_rate": 1.5}, "fp_rate"),
        ({"expected_items": 10}, "fp_rate or size_bytes"),
        ({"expected_items": 10, "fp_rate": 0.1, "size_bytes": 8}, "not both"),
        ({"expected_items": 10, "size_bytes": 0}, "size_bytes"),
        ({"expected_items": 10**15, "fp_rate": 1e-300}, "limit"),
    ],
)
def test_bad_arguments(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        BloomFilter(**kwargs)
    with pytest.raises(ValueError, match=message):
        BloomFilter.sizing(**kwargs)


def test_wrong_key_types() -> None:
    f = BloomFilter(10, 0.01)
    with pytest.raises(TypeError):
        f.add(3)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        f.contains_many("abc")  # type: ignore[arg-type]
    with pytest.raises(OverflowError):
        BloomFilter(-1, 0.01)


# --- blocked layout -------------------------------------------------------------------------

repeated_keys_strategy = st.lists(st.sampled_from([f"k{i}" for i in range(30)]) | st.binary(max_size=6), max_size=300)


@settings(max_examples=50, deadline=None)
@given(repeated_keys_strategy, keys_strategy)
def test_blocked_against_a_set(inserted: list[str | bytes], probes: list[str | bytes]) -> None:
    """Exactly the answers of a set for keys seen before; no false negatives."""
    f = BloomFilter(max(len(inserted), 1), 1e-4, layout="blocked")
    g = BloomFilter(max(len(inserted), 1), 1e-4, layout="blocked")
    reference: set[bytes] = set()
    answers = []
    for k in inserted:
        kb = k.encode() if isinstance(k, str) else k
        was = f.insert_if_absent(k)
        if kb in reference:
            assert was
        answers.append(was)
        reference.add(kb)
    # The ordered batch gives the one-by-one answers, repeats included.
    assert g.insert_if_absent_many(inserted).tolist() == answers
    h = BloomFilter(max(len(inserted), 1), 1e-4, layout="blocked")
    assert h.insert_if_absent_hashes(hash64_batch(inserted)).tolist() == answers
    assert f.contains_many(inserted).all() and all(k in f for k in inserted)
    for k, present in zip(probes, f.contains_many(probes)):
        if (k.encode() if isinstance(k, str) else k) in reference:
            assert present


def test_blocked_sizing_costs_bits_and_fewer_probes() -> None:
    standard = BloomFilter.sizing(1_000_000, 1e-6)
    blocked = BloomFilter.sizing(1_000_000, 1e-6, layout="blocked")
    assert (standard.layout, blocked.layout) == ("standard", "blocked")
    assert blocked.num_bits % 512 == 0
    assert standard.num_bytes < blocked.num_bytes < 1.5 * standard.num_bytes
    assert blocked.num_hashes < standard.num_hashes
    assert 0.8e-6 < blocked.expected_fp_rate <= 1e-6
    by_size = BloomFilter.sizing(1000, size_bytes=100, layout="blocked")
    assert (by_size.num_bytes, by_size.layout) == (128, "blocked")  # whole 64-byte blocks
    assert "layout='blocked'" in repr(blocked)


def test_blocked_batches_and_measured_fp_rate() -> None:
    f = BloomFilter(200_000, 1e-3, layout="blocked")
    assert f.layout == "blocked" and "layout='blocked'" in repr(f)
    keys = np.arange(200_000, dtype=np.uint64)
    f.add_hashes(keys[:100_000])
    present = f.insert_if_absent_hashes(keys)
    assert present[:100_000].all() and present[100_000:].mean() < 1e-3  # false positives only
    assert f.contains_hashes(keys).all()
    fp = f.contains_hashes(np.arange(10**9, 10**9 + 400_000, dtype=np.uint64)).mean()
    expected = BloomFilter.sizing(200_000, 1e-3, layout="blocked").expected_fp_rate
    assert expected / 1.25 < fp < expected * 1.25
    assert abs(f.estimated_fp_rate() - expected) < expected * 0.25
    assert abs(len(f) - 200_000) < 200_000 * 0.02


@pytest.mark.parametrize("mmap", [False, True])
def test_blocked_save_load_and_layout_mismatch(tmp_path: Path, mmap: bool) -> None:
    f = BloomFilter(10_000, 0.001, seed=3, layout="blocked")
    f.add_many([f"k{i}" for i in range(5000)])
    path = tmp_path / "f.bloom"
    f.save(path)
    g = BloomFilter.load(path, 10_000, 0.001, seed=3, mmap=mmap, layout="blocked")
    assert (g.layout, g.num_bits, g.num_hashes, g.read_only) == ("blocked", f.num_bits, f.num_hashes, mmap)
    assert g.contains_many([f"k{i}" for i in range(5000)]).all()
    assert BloomFilter.load(path, mmap=mmap).layout == "blocked"  # nothing asked, nothing checked
    with pytest.raises(ValueError, match="layout=blocked, but layout=standard"):
        BloomFilter.load(path, mmap=mmap, layout="standard")
    with pytest.raises(ValueError, match="layout=blocked, but layout=standard"):
        BloomFilter.load(path, 10_000, 0.001, mmap=mmap)  # sizing without a layout means standard
    BloomFilter(10_000, 0.001).save(path)
    with pytest.raises(ValueError, match="layout=standard, but layout=blocked"):
        BloomFilter.load(path, mmap=mmap, layout="blocked")


def test_blocked_union() -> None:
    a, b = BloomFilter(1000, 0.01, layout="blocked"), BloomFilter(1000, 0.01, layout="blocked")
    a.add("x")
    b.add("y")
    c = a | b
    assert "x" in c and "y" in c and "y" not in a and c.layout == "blocked"
    with pytest.raises(ValueError, match="different parameters"):
        a.union(BloomFilter(1000, size_bytes=a.num_bits // 8))


@pytest.mark.parametrize("layout", ["Blocked", "", "split"])
def test_bad_layout_names(tmp_path: Path, layout: str) -> None:
    with pytest.raises(ValueError, match="layout"):
        BloomFilter(10, 0.01, layout=layout)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="layout"):
        BloomFilter.sizing(10, 0.01, layout=layout)  # type: ignore[arg-type]
    path = tmp_path / "f.bloom"
    BloomFilter(10, 0.01).save(path)
    with pytest.raises(ValueError, match="layout"):
        BloomFilter.load(path, layout=layout)  # type: ignore[arg-type]
