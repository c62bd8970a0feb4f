"""The Ray executor against the local executor on the same corpus and the same number of workers.

    python benchmarks/bench_ray.py [--docs 200000] [--minhash-docs 40000] [--workers 2] [--repeats 2]
        [--out benchmarks/_work/ray]

Three dedupe runs (exact documents, 13-gram paragraphs, MinHash) under each executor, local and
Ray alternating, each mode timed ``--repeats`` times and the best kept. Ray runs on a cluster of
``--workers`` CPUs started on this machine once, before the timed runs; its start-up (``ray.init``
and the first worker processes) is reported on its own line. The local executor's runs include
its process pool's start, as every run of a stage does. Prints documents per second of both and
the ratio Ray / local (target >= 0.8).
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")

from bench_dedupe import MINHASH_WORDS, make_corpus  # noqa: E402

import dolma_tools as dt  # noqa: E402
from dolma_tools.executor.base import FileTask  # noqa: E402

MODES = {
    "exact documents": {"documents_mode": {}},
    "13-gram paragraphs": {"ngrams": {"ngram_size": 13, "threshold": 0.8}},
    "MinHash (end to end)": {"minhash": {"threshold": 0.8, "num_perm": 128, "ngram_size": 5}},
}


@dataclasses.dataclass(frozen=True)
class Nothing(FileTask):
    """A task that does nothing: it starts the Ray workers before the timed runs."""

    source: str
    output: str = "/nonexistent/warm-up"

    def run(self, report: object) -> collections.Counter:
        return collections.Counter()


def start_ray(workers: int) -> tuple[object, float]:
    """A local cluster of ``workers`` CPUs with its worker processes up, and the seconds it took."""
    from dolma_tools.executor.ray import RayExecutor

    started = time.perf_counter()
    executor = RayExecutor(workers)
    for _ in executor.map([Nothing(f"warm-up-{n}") for n in range(workers)], lambda documents: None):
        pass
    return executor, time.perf_counter() - started


def run_once(documents: Path, mode: dict, workers: int, name: str, executor: str) -> float:
    started = time.perf_counter()
    dt.dedupe(str(documents), name=name, workers=workers, executor=executor, **mode)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=200_000, help="documents of the exact and n-gram corpus")
    parser.add_argument("--minhash-docs", type=int, default=40_000, help="~3 KB documents of the MinHash corpus")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "_work" / "ray")
    args = parser.parse_args()

    corpora = {"short": (args.out / "short", args.docs, 200), "long": (args.out / "long", args.minhash_docs, MINHASH_WORDS)}
    for folder, docs, words in corpora.values():
        if not (folder / f"{docs}.ready").exists():
            make_corpus(folder, docs, seed=1, words_per_doc=words)
            (folder / f"{docs}.ready").touch()
    executor, startup = start_ray(args.workers)
    print(f"Ray start-up (local cluster of {args.workers} CPUs, workers started): {startup:.1f} s")
    rows = []
    try:
        for label, mode in MODES.items():
            folder, docs, _ = corpora["long" if "minhash" in mode else "short"]
            best = {"local": float("inf"), "ray": float("inf")}
            for repeat in range(args.repeats):
                for kind in best:
                    seconds = run_once(folder / "documents", mode, args.workers, f"{kind}_{repeat}_{time.time_ns()}", kind)
                    best[kind] = min(best[kind], seconds)
            rows.append((label, docs, docs / best["local"], docs / best["ray"]))
    finally:
        executor.close()
    print(f"\n{args.workers} workers; best of {args.repeats}; docs/s\n")
    print("| mode | documents | local | Ray | Ray / local (target >= 0.8) |")
    print("|---|---:|---:|---:|---:|")
    for label, docs, local, remote in rows:
        print(f"| {label} | {docs:,} | {local:,.0f} | {remote:,.0f} | {remote / local:.2f} |")


if __name__ == "__main__":
    main()
