"""Bloom filter batch insert/lookup throughput against rbloom, in the same run.

    python benchmarks/bench_bloom.py [--keys 2000000] [--fp-rate 0.01] [--big-keys 20000000] [--big-fp-rate 1e-6]

Reports keys/s for: our batch calls on a list of str (marshalling included), our batch calls on a
numpy array of precomputed hash64 values, our zero-copy calls on a pyarrow string array, each with 1 thread and all threads; and rbloom's
`update` / per-key `in` on the same list (rbloom has no batch lookup and is single-threaded).

Then the call dedupe depends on, on a filter far bigger than the caches: the ordered
`insert_if_absent_hashes` of `--big-keys` distinct random hashes (every key new: the costly case)
into a filter sized for them at `--big-fp-rate`, for the standard layout (the reference) and the
blocked one, each on a fresh filter, with lookups of as many absent hashes. The ordered insert runs
on one thread, so its process CPU time is reported beside the wall clock (a loaded machine depresses
the latter).
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

import pyarrow as pa

from dolma_tools._core import BloomFilter, get_num_threads, hash64_batch, set_num_threads


def best(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def timed(fn) -> tuple[float, float]:
    """(wall seconds, process CPU seconds) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def big_filter(n: int, fp_rate: float, repeat: int = 2) -> None:
    """Ordered insert and lookups on a filter far bigger than the caches, both layouts."""
    rng = np.random.default_rng(0)
    hashes = rng.integers(0, 2**64, size=n, dtype=np.uint64, endpoint=False)
    absent = rng.integers(0, 2**64, size=n, dtype=np.uint64, endpoint=False)
    print(f"\nbig filter: {n:,} distinct random hashes, fp_rate {fp_rate}")
    print(f"{'layout':9} {'MiB':>5} {'k':>3} {'ordered insert keys/s':>22} {'(CPU)':>12} {'lookup 1T':>12} {'lookup all':>12}")
    for layout in ("standard", "blocked"):
        shape = BloomFilter.sizing(n, fp_rate, layout=layout)
        best_wall = best_cpu = float("inf")
        for _ in range(repeat):
            f = BloomFilter(n, fp_rate, layout=layout)
            wall, cpu = timed(lambda: f.insert_if_absent_hashes(hashes))
            best_wall, best_cpu = min(best_wall, wall), min(best_cpu, cpu)
        assert f.contains_hashes(hashes[:1000]).all()  # no false negatives
        lookups = {}
        for threads in sorted({1, get_num_threads()}):
            set_num_threads(threads)
            lookups[threads] = n / best(lambda: f.contains_hashes(absent), repeat)
        set_num_threads(None)
        print(
            f"{layout:9} {shape.num_bytes / 2**20:5.0f} {shape.num_hashes:3d} {n / best_wall:22,.0f} "
            f"{n / best_cpu:12,.0f} {lookups[1]:12,.0f} {lookups[max(lookups)]:12,.0f}"
        )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--keys", type=int, default=2_000_000)
    ap.add_argument("--fp-rate", type=float, default=0.01)
    ap.add_argument("--big-keys", type=int, default=20_000_000, help="0 skips the big-filter section")
    ap.add_argument("--big-fp-rate", type=float, default=1e-6)
    args = ap.parse_args()
    n = args.keys
    keys = [f"key-{i:09d}" for i in range(n)]  # 13-byte keys
    probes = [f"key-{i:09d}" for i in range(n // 2, n + n // 2)]  # half present
    keys_arrow = pa.array(keys, pa.string())
    probes_arrow = pa.array(probes, pa.string())
    hashes = hash64_batch(keys)
    probe_hashes = hash64_batch(probes)
    all_threads = get_num_threads()
    print(f"{n:,} keys of 13 bytes, fp_rate {args.fp_rate}, {os.cpu_count()} cores")
    print(f"filter: {BloomFilter.sizing(n, args.fp_rate)}")
    rows = []
    for threads in sorted({1, all_threads}):
        set_num_threads(threads)
        f = BloomFilter(n, args.fp_rate)
        rows.append((f"ours  insert list[str]   {threads}T", n / best(lambda: f.add_many(keys))))
        rows.append((f"ours  lookup list[str]   {threads}T", n / best(lambda: f.contains_many(probes))))
        g = BloomFilter(n, args.fp_rate)
        rows.append((f"ours  insert u64 hashes  {threads}T", n / best(lambda: g.add_hashes(hashes))))
        rows.append((f"ours  lookup u64 hashes  {threads}T", n / best(lambda: g.contains_hashes(probe_hashes))))
        a = BloomFilter(n, args.fp_rate)
        rows.append((f"ours  insert arrow str   {threads}T", n / best(lambda: a.add_arrow(keys_arrow))))
        rows.append((f"ours  lookup arrow str   {threads}T", n / best(lambda: a.contains_arrow(probes_arrow))))
        rows.append((f"ours  ins-if-absent arrow {threads}T", n / best(lambda: a.insert_if_absent_arrow(probes_arrow))))
    set_num_threads(None)
    try:
        import rbloom
    except ImportError:
        print("rbloom not installed: no reference")
        rbloom = None
    ref = {}
    if rbloom is not None:
        r = rbloom.Bloom(n, args.fp_rate)
        ref["insert"] = n / best(lambda: r.update(keys))
        ref["lookup"] = n / best(lambda: [k in r for k in probes])
    print(f"{'measure':34} {'keys/s':>14} {'rbloom keys/s':>14} {'ratio':>7}")
    for name, ours in rows:
        kind = "insert" if "insert" in name else "lookup"
        theirs = ref.get(kind)
        ratio = f"{ours / theirs:6.1f}x" if theirs else "   n/a"
        print(f"{name:34} {ours:14,.0f} {theirs or 0:14,.0f} {ratio}")
    if args.big_keys:
        big_filter(args.big_keys, args.big_fp_rate)


if __name__ == "__main__":
    main()
