"""LSH clustering time and peak memory for synthetic signatures with planted near-duplicates.

    python benchmarks/bench_lsh.py [--docs 1000000] [--num-perm 112] [--threshold 0.8]

The clustering runs in a subprocess that reads VmHWM (peak resident memory) from /proc/self/status
after building the signatures and after clustering; the difference is what the index and the
clustering added. The reference is a pure-Python banding (dict of band keys + union-find) on a
subset, in the same run, scaled per million documents.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

CHILD = r"""
import json, sys, time
import numpy as np
from dolma_tools._core import LshIndex, set_num_threads

def hwm():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0

n, p, threshold, threads = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
rng = np.random.default_rng(0)
sigs = rng.integers(0, 2**32, (n, p), dtype=np.uint32)
# Planted groups: 1% of documents are near-copies (10% of slots changed) of another one.
k = n // 100
src = rng.integers(0, n, k)
dst = rng.integers(0, n, k)
sigs[dst] = sigs[src]
noise = rng.random((k, p)) < 0.1
sigs[dst] = np.where(noise, rng.integers(0, 2**32, (k, p), dtype=np.uint32), sigs[dst])
set_num_threads(threads)
base = hwm()
t = time.perf_counter()
idx = LshIndex(p, threshold=threshold)
for start in range(0, n, 100_000):
    idx.add(sigs[start:start + 100_000], start)
ids, sim = idx.clusters()
elapsed = time.perf_counter() - t
peak = hwm()
t = time.perf_counter()
ids_v, _ = idx.clusters(verify=True)
elapsed_v = time.perf_counter() - t
print(json.dumps({"seconds": elapsed, "seconds_verify": elapsed_v, "added_bytes": peak - base,
                  "sig_bytes": sigs.nbytes, "bands": idx.bands, "rows": idx.rows,
                  "clustered": int((ids != np.arange(n)).sum()),
                  "clustered_verify": int((ids_v != np.arange(n)).sum()), "planted": k}))
"""


def python_reference(n: int, p: int, bands: int, rows: int) -> float:
    import numpy as np

    rng = np.random.default_rng(1)
    sigs = rng.integers(0, 2**32, (n, p), dtype=np.uint32)
    t = time.perf_counter()
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for b in range(bands):
        first: dict[bytes, int] = {}
        block = sigs[:, b * rows : (b + 1) * rows]
        for i in range(n):
            key = block[i].tobytes()
            j = first.setdefault(key, i)
            if j != i:
                ri, rj = find(i), find(j)
                parent[max(ri, rj)] = min(ri, rj)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=1_000_000)
    ap.add_argument("--num-perm", type=int, default=112)
    ap.add_argument("--threshold", type=float, default=0.8)
    ap.add_argument("--ref-docs", type=int, default=50_000)
    args = ap.parse_args()
    from dolma_tools._core import get_num_threads

    for threads in sorted({1, get_num_threads()}):
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(args.docs), str(args.num_perm), str(args.threshold), str(threads)],
            check=True, capture_output=True, text=True,
        )
        r = json.loads(out.stdout)
        per_m = r["seconds"] / args.docs * 1e6
        print(f"ours, {threads} thread(s): {args.docs:,} signatures x {args.num_perm} (b={r['bands']}, r={r['rows']}): "
              f"{r['seconds']:.2f} s ({per_m:.2f} s per million), with verification {r['seconds_verify']:.2f} s; "
              f"peak memory added {r['added_bytes'] / 2**20:.0f} MiB = {r['added_bytes'] / r['sig_bytes']:.2f}x "
              f"the {r['sig_bytes'] / 2**20:.0f} MiB of signatures; {r['clustered']:,} docs clustered "
              f"({r['clustered_verify']:,} verified), {r['planted']:,} planted")
    bands, rows = r["bands"], r["rows"]
    ref = python_reference(args.ref_docs, args.num_perm, bands, rows) / args.ref_docs * 1e6
    print(f"pure-Python banding + union-find: {ref:.1f} s per million (measured on {args.ref_docs:,}); "
          f"ratio {ref / per_m:.1f}x")


if __name__ == "__main__":
    main()
