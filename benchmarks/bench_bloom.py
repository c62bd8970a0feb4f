"""Bloom filter batch insert/lookup throughput against rbloom, in the same run.

    python benchmarks/bench_bloom.py [--keys 2000000] [--fp-rate 0.01]

Reports keys/s for: our batch calls on a list of str (marshalling included), our batch calls on a
numpy array of precomputed hash64 values, our zero-copy calls on a pyarrow string array, each with 1 thread and all threads; and rbloom's
`update` / per-key `in` on the same list (rbloom has no batch lookup and is single-threaded).
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--keys", type=int, default=2_000_000)
    ap.add_argument("--fp-rate", type=float, default=0.01)
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


if __name__ == "__main__":
    main()
