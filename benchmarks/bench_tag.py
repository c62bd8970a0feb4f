"""Tag-stage overhead against the I/O floor, on one worker.

(a) floor: decompress and parse every document, nothing else;
(b) ``tag`` with a no-op tagger: the same reading plus batching, encoding and writing sidecars.
The ratio b/a is what the stage costs beyond reading; the target is >= 0.6.

    python benchmarks/bench_tag.py --documents 70000     # ~200 MB of uncompressed JSONL
"""

from __future__ import annotations

import argparse
import os
import shutil
import time
from pathlib import Path

import dolma_tools as dt
from dolma_tools.io import expand, iter_documents, iter_lines
from dolma_tools.sample import generate_sample

HERE = Path(__file__).parent


def ensure_corpus(num_documents: int, seed: int) -> Path:
    """Generate the sample corpus once per size and reuse it."""
    root = HERE / "_work" / f"corpus-{num_documents}-{seed}"
    if not (root / "ground_truth.json").exists():
        generate_sample(root, seed=seed, num_documents=num_documents, mean_words=500, files_per_source=4)
    return root


def uncompressed_bytes(files: list[str]) -> int:
    return sum(len(line) for path in files for _, line in iter_lines(path))


def floor(files: list[str]) -> int:
    count = 0
    for path in files:
        for _ in iter_documents(path):
            count += 1
    return count


def timed_floor(num_documents: int, seed: int, root: Path | None = None) -> tuple[Path, list[str], float, int, float]:
    """The corpus (the sample corpus made once, unless ``root`` is given), its files and
    uncompressed MB, and (documents, seconds) of the floor."""
    root = root or ensure_corpus(num_documents, seed)
    files = expand(str(root / "documents"))
    size_mb = uncompressed_bytes(files) / 1e6
    started = time.perf_counter()
    docs = floor(files)
    return root, files, size_mb, docs, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=70_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    root, files, size_mb, docs, floor_seconds = timed_floor(args.documents, args.seed)

    shutil.rmtree(root / "attributes" / "bench_noop", ignore_errors=True)
    started = time.perf_counter()
    summary = dt.tag(str(root / "documents"), "bench_noop", ["noop_v1"], workers=1,
                     tagger_modules=[str(HERE / "noop_tagger.py")])
    tag_seconds = time.perf_counter() - started
    assert summary.documents == docs

    print(f"corpus: {len(files)} files, {docs:,} documents, {size_mb:,.0f} MB uncompressed (cpus: {os.cpu_count()})")
    print(f"(a) floor, decompress + parse : {docs / floor_seconds:>10,.0f} docs/s {size_mb / floor_seconds:>7.1f} MB/s")
    print(f"(b) tag, no-op tagger, 1 worker: {docs / tag_seconds:>10,.0f} docs/s {size_mb / tag_seconds:>7.1f} MB/s")
    print(f"ratio b/a: {floor_seconds / tag_seconds:.2f} (target >= 0.6)")


if __name__ == "__main__":
    main()
