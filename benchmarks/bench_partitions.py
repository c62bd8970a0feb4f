"""The partitioned decision pass of the exact modes: peak memory of its largest process and
throughput, for each partition count against one partition (today's single pass), in the same run.

    python benchmarks/bench_partitions.py --docs 1200000 --mode paragraphs [--partitions 1 4 16]
        [--files 24] [--workers 2] [--out /tmp/bench-partitions]
    python benchmarks/bench_partitions.py --docs 50000 --footprint   # bytes per document, every mode

Writes the corpus of `bench_dedupe.make_corpus` (~1.25 KB documents with planted copies and shared
boilerplate) in ``--files`` files, then per partition count runs ``dedupe`` end to end (timed,
work folder kept), checks that every count writes the same sidecars as one partition, and runs
the decision pass again with each partition task in a fresh spawned process (two at a time, as
the executor does), so that each task's ``ru_maxrss`` is its own. Prints a Markdown table: the
largest decision process's peak RSS, the same above an idle worker's, the largest partition's
Bloom filter, the decision pass's seconds (the tasks' own time over the workers, without process
start-up), whole-run seconds and documents per second.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import hashlib
import json
import multiprocessing
import resource
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

MODES = {"documents": {"documents_mode": {}}, "paragraphs": {"paragraphs": {"min_words": 3}}, "ngrams": {"ngrams": {}}}


def _peak_of(task: object) -> tuple[int, float]:
    """Run one task in this (fresh) process: its peak RSS in bytes and its seconds."""
    start = time.perf_counter()
    if task is not None:
        task.run(lambda n: None)
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, time.perf_counter() - start


def _idle_peak() -> int:
    """Peak RSS of a worker that imported the dedupe stage and ran nothing."""
    import dolma_tools.stages.dedupe.stage  # noqa: F401

    return _peak_of(None)[0]


def _decision_tasks(documents: str, options: dict, partitions: int) -> list:
    from dolma_tools.config import validate
    from dolma_tools.io import expand
    from dolma_tools.stages.dedupe.config import DedupeConfig
    from dolma_tools.stages.dedupe.stage import _work_dir

    config = validate(DedupeConfig, {"documents": documents, "partitions": partitions, "keep_work": True, **options})
    files = expand(config.documents)
    work = _work_dir(config, files)
    return [task for mode in config.modes() for task in mode.decision_tasks(work, len(files))]


def _sidecar_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted((root / "attributes" / "dedupe").glob("*.jsonl.gz")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def measure(root: Path, mode: str, partitions: int, workers: int, docs: int) -> dict:
    import dolma_tools as dt

    documents = str(root / "documents")
    start = time.perf_counter()
    dt.dedupe(documents, partitions=partitions, workers=workers, keep_work=True, overwrite=True, **MODES[mode])
    run_seconds = time.perf_counter() - start
    digest = _sidecar_digest(root)
    tasks = _decision_tasks(documents, MODES[mode], partitions)
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context, max_tasks_per_child=1) as pool:
        idle = max(pool.map(_idle_peak_task, range(workers)))
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context, max_tasks_per_child=1) as pool:
        peaks, seconds = zip(*pool.map(_peak_of, tasks))
    decide_seconds = sum(seconds) / min(workers, len(tasks))  # the tasks' own time, spread over the workers
    report = json.loads((root / "attributes" / "dedupe" / "_report.json").read_text())
    figures = next(iter(report["modes"].values()))["filter"]
    shutil.rmtree(tasks[0].output.split("/partitions/")[0])  # the kept work folder
    return {"partitions": partitions, "peak": max(peaks), "above_idle": max(peaks) - idle,
            "largest_filter": figures.get("largest_partition_bytes", figures["bytes"]), "keys": figures["estimated_keys"],
            "decide_s": decide_seconds, "run_s": run_seconds, "docs_per_s": docs / run_seconds, "digest": digest}


def _idle_peak_task(_: int) -> int:
    return _idle_peak()


FOOTPRINT_MODES = {**MODES, "minhash": {"minhash": {}}}


def footprint(root: Path, docs: int, workers: int) -> None:
    """Bytes per document of each mode: its work folder on disk, by kind of file, and the Bloom
    filter its decision pass holds (at the default fp_rate)."""
    import dolma_tools as dt
    from dolma_tools._core import BloomFilter

    print(f"\nbytes per document, {docs:,} documents (work folder on disk; filter in memory)\n")
    print("| mode | keys | work: hashes/ | work: keys/ | work: partitions/ + decisions/ | filter (memory) | sidecar |")
    print("|---|---|---|---|---|---|---|")
    for mode, options in FOOTPRINT_MODES.items():
        dt.dedupe(str(root / "documents"), workers=workers, keep_work=True, overwrite=True, **options)
        work = next((root / "attributes" / "dedupe" / "_work").iterdir())
        size = {kind: sum(p.stat().st_size for p in (work / kind).rglob("*") if p.is_file())
                for kind in ("hashes", "keys", "partitions", "decisions")}
        report = json.loads((root / "attributes" / "dedupe" / "_report.json").read_text())
        keys = report["modes"][next(iter(report["modes"]))].get("filter", {}).get("estimated_keys", 0)
        filtered = BloomFilter.sizing(keys, 1e-6, layout="blocked").num_bytes if keys else 0  # without the 1 MiB floor
        sidecars = sum(p.stat().st_size for p in (root / "attributes" / "dedupe").glob("*.jsonl.gz"))
        print(f"| {mode} | {keys / docs:,.1f} | {size['hashes'] / docs:,.0f} | {size['keys'] / docs:,.0f} | "
              f"{(size['partitions'] + size['decisions']) / docs:,.1f} | {filtered / docs:,.1f} | {sidecars / docs:,.1f} |")
        shutil.rmtree(work.parent)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=1_200_000)
    parser.add_argument("--files", type=int, default=24)
    parser.add_argument("--mode", choices=sorted(MODES), default="paragraphs")
    parser.add_argument("--partitions", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path("/tmp/bench-partitions"))
    parser.add_argument("--footprint", action="store_true", help="print bytes per document of every mode instead")
    args = parser.parse_args()

    import bench_dedupe

    bench_dedupe.FILES = args.files
    if not (args.out / f".corpus-{args.docs}-{args.files}").exists():
        start = time.perf_counter()
        bench_dedupe.make_corpus(args.out, args.docs)
        (args.out / f".corpus-{args.docs}-{args.files}").touch()
        print(f"corpus: {args.docs:,} documents in {args.files} files, {time.perf_counter() - start:.0f} s", file=sys.stderr)
    if args.footprint:
        footprint(args.out, args.docs, args.workers)
        return
    rows = [measure(args.out, args.mode, p, args.workers, args.docs) for p in args.partitions]
    base = rows[0]
    print(f"\n{args.mode}, {args.docs:,} documents, {base['keys']:,} keys, {args.workers} workers\n")
    print("| partitions | largest decision process, peak RSS | above an idle worker | largest filter | "
          "decision pass s | whole run s | docs/s | vs first row | same sidecars |")
    print("|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        print(f"| {row['partitions']} | {row['peak'] / 2**20:,.0f} MiB | {row['above_idle'] / 2**20:,.0f} MiB | "
              f"{row['largest_filter'] / 2**20:,.1f} MiB | {row['decide_s']:.1f} | {row['run_s']:.1f} | "
              f"{row['docs_per_s']:,.0f} | {row['docs_per_s'] / base['docs_per_s']:.2f}x | "
              f"{'yes' if row['digest'] == base['digest'] else 'NO'} |")


if __name__ == "__main__":
    main()
