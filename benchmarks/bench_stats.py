"""``stats`` against the I/O floor, and ``check`` of token shards in GB/s, on one worker.

(a) floor: decompress and parse every document, nothing else (as ``bench_tag.py`` measures it);
(b) ``stats`` of the same documents: the same reading plus bytes/characters/words per document,
    fixed-bin length histograms per source, the partial files and the merge.
The ratio a/b is the share of the floor's speed that stats keeps; the target is >= 0.8.
(c) the token-shard check (ids below the vocabulary, EOS at every end, boundaries, counts) on a
    synthetic shard written here; the target is >= 1 GB/s of tokens.

The corpus is dedupe's benchmark corpus (``bench_dedupe.make_corpus``: 400k documents are 553 MB
in 8 gzip files), made once under ``benchmarks/_work/``; ``--corpus sample`` uses bench_tag's
sample corpus instead. Load averages are printed: the ratio is the point on a shared machine.

    python benchmarks/bench_stats.py --documents 400000 --tokens 200000000
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

import dolma_tools as dt
from dolma_tools.stages.check.tokens import tokens_verify
from dolma_tools.stages.stats import stage as _stats_stage  # noqa: F401  (imported before timing: a fixed start-up cost)

from bench_dedupe import make_corpus
from bench_tag import HERE, timed_floor


def dedupe_corpus(documents: int, seed: int) -> Path:
    """dedupe's benchmark corpus of ``documents`` documents, written once (a marker says it is whole)."""
    root = HERE / "_work" / f"dedupe-corpus-{documents}-{seed}"
    if not (root / "complete").exists():
        make_corpus(root, documents, seed)
        (root / "complete").touch()
    return root


def _write_shard(folder: Path, tokens: int, document_tokens: int = 1000) -> None:
    """One uint16 shard of ``tokens`` tokens in documents of ``document_tokens``, EOS (0) ending each."""
    rng = np.random.default_rng(0)
    count = tokens // document_tokens
    array = rng.integers(1, 50_000, size=count * document_tokens, dtype=np.uint16)
    ends = np.arange(1, count + 1, dtype=np.int64) * document_tokens
    array[ends - 1] = 0
    array.tofile(folder / "part-00000.npy")
    rows = "".join(f"{e - document_tokens},{e},d{n},bench,x:{n}\n" for n, e in enumerate(ends.tolist()))
    with gzip.open(folder / "part-00000.csv.gz", "wt") as stream:
        stream.write(rows)
    manifest = {"dtype": "uint16", "tokens": len(array), "documents": count,
                "tokenizer": {"eos_id": 0, "bos_id": None, "vocab_size": 50_280},
                "shards": [{"path": "part-00000.npy", "metadata": "part-00000.csv.gz", "tokens": len(array), "documents": count}]}
    (folder / "manifest.json").write_text(json.dumps(manifest))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=400_000)
    parser.add_argument("--corpus", choices=("dedupe", "sample"), default="dedupe")
    parser.add_argument("--tokens", type=int, default=200_000_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    corpus = dedupe_corpus(args.documents, args.seed) if args.corpus == "dedupe" else None
    load_before = os.getloadavg()[0]
    root, files, size_mb, docs, floor_seconds = timed_floor(args.documents, args.seed, corpus)

    output = root / "bench_stats"
    shutil.rmtree(output, ignore_errors=True)
    started = time.perf_counter()
    stats = dt.stats(str(root / "documents"), output=str(output), workers=1, attributes=[])
    stats_seconds = time.perf_counter() - started
    assert stats["documents"] == docs

    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        _write_shard(folder, args.tokens)
        gigabytes = os.path.getsize(folder / "part-00000.npy") / 1e9
        started = time.perf_counter()
        result = tokens_verify([str(folder / "manifest.json")])
        check_seconds = time.perf_counter() - started
        assert result.passed, result.detail

    print(f"corpus ({args.corpus}): {len(files)} files, {docs:,} documents, {size_mb:,.0f} MB uncompressed "
          f"(cpus: {os.cpu_count()}, load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after)")
    print(f"(a) floor, decompress + parse : {docs / floor_seconds:>10,.0f} docs/s {size_mb / floor_seconds:>7.1f} MB/s")
    print(f"(b) stats, 1 worker           : {docs / stats_seconds:>10,.0f} docs/s {size_mb / stats_seconds:>7.1f} MB/s")
    print(f"ratio (b)/(a): {floor_seconds / stats_seconds:.2f} (target >= 0.8)")
    print(f"(c) check of token shards     : {args.tokens:,} tokens, {gigabytes:.2f} GB in {check_seconds:.2f} s = "
          f"{gigabytes / check_seconds:.2f} GB/s (target >= 1 GB/s)")


if __name__ == "__main__":
    main()
