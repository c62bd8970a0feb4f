"""Out-of-core MinHash clustering (``minhash.memory_mb``) on millions of synthetic signatures.

    python benchmarks/bench_minhash_scale.py --docs 10000000 --memory-mb 512 [--files 20]
        [--workers 2] [--check-docs 1000000] [--out /tmp/bench-minhash-scale] [--reuse]

Writes ``--docs`` signatures of 128 uint32 (a corpus needs ``docs × 512`` bytes to hold them;
5.1 GB for 10 M) as ``--files`` phase-1 work files, with planted clusters: 5% of documents are
near copies (8 of 128 slots changed, estimated Jaccard ~0.94) of an earlier document. Then, each
in its own process under ``/usr/bin/time`` (wall seconds, peak RSS of the largest process of the
tree: driver or band-task worker):

1. the out-of-core path over every document: band tasks on ``--workers`` local processes, the
   union-find over their links, the decisions file by file (signature verification at 0.8,
   the default 30 × 4 banding for it ... as `MinhashMode` derives it);
2. the in-memory path (`LshIndex` holding every signature) on the first ``--check-docs``
   documents, the reference: its clusters must equal the out-of-core path's on the same
   documents (the same out-of-core run restricted to those files is timed too).

Prints a Markdown table; recall of the planted copies is printed as a sanity check.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np

from dolma_tools._core import StringColumn

NUM_PERM = 128
THRESHOLD = 0.8
BANDS, ROWS = 30, 4
"""The default banding (the one `MinhashMode` derives for exact verification at 0.6)."""

def child(root: str, files: int, path: str, memory: str, workers: int) -> None:
    """One clustering (run as its own process, under /usr/bin/time): survivors saved to ``path``."""
    import time

    from dolma_tools.stages.dedupe.modes.minhash import MinhashMode
    from dolma_tools.stages.dedupe.work import WorkDir

    counts = json.loads(Path(f"{root}/counts.json").read_text())[:files]
    mode = MinhashMode(num_perm=NUM_PERM, threshold=THRESHOLD, verify="signature", bands=BANDS, rows=ROWS,
                       memory_mb=None if memory == "none" else float(memory))
    bands, rows = mode.banding()
    started = time.monotonic()
    if mode.memory_mb is None:
        from dolma_tools._core import LshIndex

        index = LshIndex(NUM_PERM, threshold=THRESHOLD, bands=bands, rows=rows)
        for i in range(files):
            with np.load(f"{root}/work/hashes/{i:06d}.npz") as npz:
                index.add(npz["minhash/signatures"])
        survivor, _ = index.clusters(verify=True)
        with open(path, "wb") as out:
            out.write(survivor.astype(np.int64).tobytes())
    else:
        from dolma_tools.executor.local import LocalExecutor
        from dolma_tools.stages.dedupe.modes.clusters_disk import DiskLshDecider

        decider = DiskLshDecider(mode, WorkDir(f"{root}/work"), bands, rows)
        tasks = [task for phase in decider.phases(counts) for task in phase.tasks]
        with LocalExecutor(workers) as executor:
            for _ in executor.map(tasks, lambda n: None):
                pass
        banded = time.monotonic() - started
        per_file, _ = decider.finish(counts)
        with open(path, "wb") as out:  # one file's decisions at a time, as the stage saves them
            for decided in per_file:
                out.write(decided["survivor"].astype(np.int64).tobytes())
        print(f"{bands} x {rows} bands: band tasks {banded:.1f} s, union-find and decisions "
              f"{time.monotonic() - started - banded:.1f} s", file=sys.stderr)
        shutil.rmtree(f"{root}/work/lsh", ignore_errors=True)


def write_signatures(root: Path, docs: int, files: int, seed: int = 0) -> None:
    """Phase-1 work files of random signatures with planted near copies (5%); the truth beside them."""
    rng = np.random.default_rng(seed)
    hashes = root / "work" / "hashes"
    hashes.mkdir(parents=True, exist_ok=True)
    per_file = -(-docs // files)
    counts, copies_of = [], []
    recent = np.zeros((0, NUM_PERM), dtype=np.uint32)
    for i in range(files):
        n = min(per_file, docs - i * per_file)
        sigs = rng.integers(0, 2**32, size=(n, NUM_PERM), dtype=np.uint32)
        copies = np.flatnonzero(rng.random(n) < 0.05)
        pool = np.concatenate([recent, sigs])
        for doc in copies:  # an earlier document of this or the previous file
            source = int(rng.integers(0, len(recent) + doc)) if len(recent) + doc else None
            if source is None:
                continue
            sigs[doc] = pool[source]
            sigs[doc, rng.choice(NUM_PERM, 8, replace=False)] = rng.integers(0, 2**32, 8, dtype=np.uint32)
            pool[len(recent) + doc] = sigs[doc]
            copies_of.append(i * per_file + int(doc))
        id_data, id_offsets = StringColumn.from_list([f"doc{i * per_file + d}" for d in range(n)]).to_arrays()
        np.savez(hashes / f"{i:06d}.npz", **{"minhash/signatures": sigs, "id_data": id_data, "id_offsets": id_offsets})
        counts.append(n)
        recent = sigs
    (root / "counts.json").write_text(json.dumps(counts))
    np.save(root / "copies.npy", np.array(copies_of, dtype=np.int64))


def timed(args: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MiB, largest process of the tree) and stderr of a command."""
    result = subprocess.run(["/usr/bin/time", "-f", "%e %M", *args], capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-3000:])
    *lines, last = result.stderr.strip().splitlines()
    wall, rss = last.split()
    return float(wall), int(rss) / 1024, "\n".join(lines)


def cluster(root: Path, files: int, memory: str, workers: int, name: str) -> tuple[float, float, np.ndarray, str]:
    path = root / f"{name}.i64"
    wall, rss, log = timed([sys.executable, __file__, "--child", str(root), str(files), str(path), memory, str(workers)])
    return wall, rss, np.fromfile(path, dtype=np.int64), log


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        root, files, path, memory, workers = sys.argv[2:]
        return child(root, int(files), path, memory, int(workers))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=10_000_000)
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--memory-mb", type=float, default=512)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--check-docs", type=int, default=1_000_000)
    parser.add_argument("--out", default="/tmp/bench-minhash-scale")
    parser.add_argument("--reuse", action="store_true", help="reuse the signatures of an earlier run in --out (kept)")
    args = parser.parse_args()
    root = Path(args.out)
    if not (args.reuse and (root / "counts.json").exists()):
        shutil.rmtree(root, ignore_errors=True)
        write_signatures(root, args.docs, args.files)
    counts = json.loads((root / "counts.json").read_text())
    check_files = max(1, min(len(counts), round(args.check_docs / counts[0])))
    check_docs = sum(counts[:check_files])
    held = args.docs * NUM_PERM * 4 / 2**20
    print(f"{args.docs:,} signatures × {NUM_PERM} in {len(counts)} files ({held:,.0f} MiB to hold them all); "
          f"memory cap {args.memory_mb:g} MiB per process; {args.workers} workers, {os.cpu_count()} cores")
    rows = []
    wall, rss, full, log = cluster(root, len(counts), str(args.memory_mb), args.workers, "disk_all")
    print(log)
    copies = np.load(root / "copies.npy")
    recall = float((full[copies] != copies).mean())
    rows.append([f"out of core, {args.docs:,} docs", f"{wall:,.1f}", f"{args.docs / wall:,.0f}", f"{rss:,.0f}", f"recall of planted copies {recall:.4f}"])
    wall, rss, subset, _ = cluster(root, check_files, str(args.memory_mb), args.workers, "disk_subset")
    rows.append([f"out of core, first {check_docs:,} docs", f"{wall:,.1f}", f"{check_docs / wall:,.0f}", f"{rss:,.0f}", ""])
    wall, rss, reference, _ = cluster(root, check_files, "none", args.workers, "memory_subset")
    same = bool(np.array_equal(subset, reference))
    rows.append([f"in memory (reference), first {check_docs:,} docs", f"{wall:,.1f}", f"{check_docs / wall:,.0f}", f"{rss:,.0f}",
                 f"same clusters as out of core: {same}"])
    print("\n| run | wall s | docs/s | peak RSS MiB (largest process) | check |")
    print("|---|---:|---:|---:|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    if not args.reuse:
        shutil.rmtree(root, ignore_errors=True)
    if not same:
        sys.exit("out-of-core clusters differ from the in-memory path")


if __name__ == "__main__":
    main()
