"""Dedupe throughput and quality against Dolma 1.2.1 and datasketch, in the same run.

    python benchmarks/bench_dedupe.py --docs 400000 [--out /tmp/bench-dedupe] [--workers 2]
        [--dolma /work/dolma-venv/bin/dolma] [--ref-docs 20000] [--minhash-docs 100000]
        [--near-only] [--near-verify exact signature] [--repeat 3]

Writes a corpus of ``--docs`` documents (~1.25 KB each, so 400k is ~500 MB uncompressed) with
planted exact copies (5%), near copies at edit rates 1-10% (5%) and shared boilerplate
paragraphs, then times, each as its own process under ``/usr/bin/time`` (wall seconds and peak
RSS of the largest process): our exact documents, exact paragraphs and 13-gram paragraph modes
and Dolma's equivalents; our MinHash mode end to end (signatures, LSH, clustering, sidecars) on a
second corpus of ``--minhash-docs`` ~3 KB documents, with recall and precision on its planted near
copies; and datasketch (MinHash + MinHashLSH, same
shingles) on the first ``--ref-docs`` documents. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import NamedTuple

import numpy as np

FILES = 8
MINHASH_WORDS = 435
"""Words per document of the near-duplicate corpus: ~3 KB, the size the MinHash target is set for."""


def make_corpus(out: Path, docs: int, seed: int = 0, words_per_doc: int = 200) -> dict:
    """Zipf-distributed words from a 20k vocabulary, ~4 paragraphs a document, with plants."""
    rng = np.random.default_rng(seed)
    py = random.Random(seed)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    vocabulary = ["".join(rng.choice(letters, size=int(rng.integers(2, 10)))) for _ in range(20_000)]
    probabilities = 1.0 / np.arange(1, len(vocabulary) + 1)
    probabilities /= probabilities.sum()
    plates = [" ".join(py.choices(vocabulary[:500], k=py.randint(6, 15))).capitalize() + "." for _ in range(50)]
    texts: list[str] = []
    near: dict[int, int] = {}
    exact: dict[int, int] = {}
    draws = rng.choice(len(vocabulary), size=docs * words_per_doc, p=probabilities)
    for index in range(docs):
        roll = py.random()
        if index > 100 and roll < 0.05:
            source = py.randrange(index // 2, index)
            exact[index] = source
            texts.append(texts[source])
            continue
        if index > 100 and roll < 0.10:
            source = py.randrange(index // 2, index)
            words = texts[source].split(" ")
            for _ in range(max(1, int(len(words) * py.choice([0.01, 0.02, 0.05, 0.1])))):
                words[py.randrange(len(words))] = py.choice(vocabulary)
            near[index] = source
            texts.append(" ".join(words))
            continue
        words = [vocabulary[i] for i in draws[index * words_per_doc:(index + 1) * words_per_doc]]
        cut = sorted(py.sample(range(10, words_per_doc - 10), 3))
        paragraphs = [" ".join(words[a:b]) for a, b in zip([0, *cut], [*cut, words_per_doc])]
        if py.random() < 0.3:
            paragraphs.insert(py.randrange(len(paragraphs) + 1), py.choice(plates))
        texts.append("\n".join(paragraphs))
    folder = out / "documents"
    shutil.rmtree(out, ignore_errors=True)
    folder.mkdir(parents=True)
    per_file = -(-docs // FILES)
    for number in range(FILES):
        with gzip.open(folder / f"part-{number:03d}.jsonl.gz", "wt", compresslevel=1) as stream:
            for index in range(number * per_file, min(docs, (number + 1) * per_file)):
                stream.write(json.dumps({"id": str(index), "text": texts[index], "source": "bench",
                                         "added": "2024-01-01T00:00:00Z", "created": "2024-01-01T00:00:00Z"}) + "\n")
    return {"near": near, "exact": exact, "bytes": sum(len(t.encode()) for t in texts), "texts": texts}


class Timing(NamedTuple):
    wall: float
    """seconds"""
    rss: float
    """peak RSS of the largest process, MiB"""
    cpu: float
    """user + system seconds of the command and its children (steadier than wall on a busy machine)"""


def timed(command: list[str], env: dict | None = None) -> Timing:
    """Wall seconds, peak RSS and CPU seconds of a command."""
    result = subprocess.run(["/usr/bin/time", "-f", "%e %M %U %S", *command], capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise RuntimeError(f"{command[0]} failed:\n{result.stderr[-3000:]}")
    wall, rss, user, system = result.stderr.strip().splitlines()[-1].split()
    return Timing(float(wall), int(rss) / 1024, float(user) + float(system))


def ours(out: Path, mode: dict, workers: int, name: str) -> Timing:
    config = out / f"{name}.yaml"
    config.write_text(json.dumps({"documents": str(out / "documents"), "name": name, "workers": workers,
                                  "overwrite": True, **mode}))
    shutil.rmtree(out / "attributes" / name, ignore_errors=True)
    return timed([sys.executable, "-m", "dolma_tools", "dedupe", "-c", str(config), "-q"])


def dolma(out: Path, dolma_bin: str, section: dict, workers: int, name: str, docs: int,
          pattern: str = "*.jsonl.gz") -> Timing:
    config = out / f"dolma-{name}.json"
    shutil.rmtree(out / "attributes" / name, ignore_errors=True)
    bloom = out / f"dolma-{name}.bloom"
    bloom.unlink(missing_ok=True)
    config.write_text(json.dumps({
        "documents": [str(out / "documents" / pattern)],
        "dedupe": {"name": name, **section, "skip_empty": True},
        "bloom_filter": {"file": str(bloom), "read_only": False, "estimated_doc_count": docs * 20,
                         "desired_false_positive_rate": 1e-6},
        "processes": workers,
    }))
    return timed([dolma_bin, "-c", str(config), "dedupe"])


def minhash_quality(out: Path, name: str, plants: dict, threshold: float = 0.8) -> tuple[float, float, int]:
    """Recall on planted near copies whose true shingle Jaccard with their source reaches the
    threshold, and precision of all flags (a flag on a document that is no planted copy is wrong)."""
    from dolma_tools._core import MinHasher
    from dolma_tools.io import expand, iter_attributes

    shingles = MinHasher(128, seed=1, ngram=5).shingles
    texts = plants["texts"]
    positives = set()
    for copy, source in plants["near"].items():
        a, b = set(shingles(texts[copy])), set(shingles(texts[source]))
        if len(a & b) / max(len(a | b), 1) >= threshold:
            positives.add(copy)

    flagged = set()
    for path in expand(str(out / "attributes" / name)):
        for _, doc_id, attributes in iter_attributes(path):
            if attributes[f"{name}__minhash__duplicate"]:
                flagged.add(int(doc_id))
    planted = set(plants["near"]) | set(plants["exact"])
    recall = len(flagged & positives) / max(len(positives), 1)
    precision = len(flagged & planted) / max(len(flagged), 1)
    return recall, precision, len(positives)


def datasketch_rate(texts: list[str], n: int) -> float:
    import datasketch

    from dolma_tools._core import MinHasher

    hasher = MinHasher(128, seed=1, ngram=5)
    started = time.process_time()
    lsh = datasketch.MinHashLSH(threshold=0.8, num_perm=128)
    for index, text in enumerate(texts[:n]):
        sketch = datasketch.MinHash(num_perm=128, seed=1)
        sketch.update_batch([s.encode() for s in set(hasher.shingles(text))])
        lsh.query(sketch)
        lsh.insert(str(index), sketch)
    return n / (time.process_time() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=400_000)
    parser.add_argument("--out", default="/tmp/bench-dedupe")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--dolma", default="/work/dolma-venv/bin/dolma")
    parser.add_argument("--ref-docs", type=int, default=20_000)
    parser.add_argument("--minhash-docs", type=int, default=100_000,
                        help="documents of ~3 KB in the separate near-duplicate corpus")
    parser.add_argument("--near-only", action="store_true",
                        help="only the near-duplicate row (e.g. to time it under two installs in one session)")
    parser.add_argument("--near-verify", nargs="+", default=["exact"], choices=["exact", "signature", "none"],
                        help="time the near-duplicate row once per verification, alternately, in this order, "
                             "--repeat times (e.g. 'exact signature': the cost of exact verification over "
                             "the estimate that was the default before it)")
    parser.add_argument("--repeat", type=int, default=1, help="times to run each near-duplicate row")
    args = parser.parse_args()
    out = Path(args.out)
    rows = [] if args.near_only else exact_rows(out, args)
    near_row(out, args, rows)


def exact_rows(out: Path, args: argparse.Namespace) -> list[list[str]]:
    """Our exact modes next to Dolma's on the ``--docs`` corpus."""
    started = time.monotonic()
    plants = make_corpus(out, args.docs)
    print(f"corpus: {args.docs:,} documents, {plants['bytes'] / 1e6:,.0f} MB uncompressed "
          f"({time.monotonic() - started:.0f} s to write); {len(plants['exact']):,} exact and "
          f"{len(plants['near']):,} near copies planted; {args.workers} workers, {os.cpu_count()} cores")
    rows = []
    cases = [
        ("exact documents", {"documents_mode": {}}, {"documents": {"attribute_name": "d_dup", "key": "$.text"}}),
        ("exact paragraphs", {"paragraphs": {}}, {"paragraphs": {"attribute_name": "p_dup"}}),
        ("13-gram paragraphs", {"ngrams": {"ngram_size": 13, "threshold": 0.8}},
         {"paragraphs": {"attribute_name": "n_dup", "by_ngram": {"ngram_length": 13, "stride": 1, "overlap_threshold": 0.8}}}),
    ]
    have_dolma = os.path.exists(args.dolma)
    for index, (label, mode, dolma_section) in enumerate(cases):
        wall, rss, _ = ours(out, mode, args.workers, f"ours{index}")
        row = [label, f"{args.docs / wall:,.0f}", f"{rss:,.0f}"]
        if have_dolma:
            dolma_wall, dolma_rss, _ = dolma(out, args.dolma, dolma_section, args.workers, f"dolma{index}", args.docs)
            row += [f"{args.docs / dolma_wall:,.0f}", f"{dolma_rss:,.0f}", f"{dolma_wall / wall:.1f}×"]
        else:
            row += ["n/a", "n/a", "n/a"]
        rows.append(row)
        print(" | ".join(row), flush=True)
    return rows


def near_row(out: Path, args: argparse.Namespace, rows: list[list[str]]) -> None:
    """Our MinHash mode end to end on the ~3 KB corpus (defaults but the threshold) under each
    ``--near-verify``, next to datasketch, then the table."""
    near = out / "minhash-3kb"
    plants = make_corpus(near, args.minhash_docs, seed=1, words_per_doc=MINHASH_WORDS)
    print(f"near-duplicate corpus: {args.minhash_docs:,} documents of ~{plants['bytes'] / args.minhash_docs / 1e3:.1f} KB")
    runs: dict[str, list[Timing]] = {verify: [] for verify in args.near_verify}
    for _ in range(args.repeat):
        for verify in args.near_verify:
            section = {"threshold": 0.8, "num_perm": 128, "ngram_size": 5, "verify": verify}
            run = ours(near, {"minhash": section}, args.workers, f"ours_minhash_{verify}")
            runs[verify].append(run)
            print(f"minhash verify={verify}: {run.wall:.2f} s wall, {run.cpu:.2f} s CPU, peak RSS {run.rss:,.0f} MiB", flush=True)
    reference = datasketch_rate(plants["texts"], min(args.ref_docs, args.minhash_docs))
    wall = {verify: float(np.median([r.wall for r in done])) for verify, done in runs.items()}
    cpu = {verify: float(np.median([r.cpu for r in done])) for verify, done in runs.items()}
    for verify in args.near_verify:
        recall, precision, positives = minhash_quality(near, f"ours_minhash_{verify}", plants)
        per_core = args.minhash_docs / wall[verify] / min(args.workers, os.cpu_count() or 1)
        rows.append([f"near-dup MinHash, verify {verify} (end to end, median of {args.repeat})",
                     f"{args.minhash_docs / wall[verify]:,.0f} ({per_core:,.0f}/core)",
                     f"{max(r.rss for r in runs[verify]):,.0f}",
                     f"{reference:,.0f}/core (datasketch, CPU time)", "n/a", f"{per_core / reference:.1f}× per core"])
        print(f"minhash verify={verify}: recall {recall:.3f} on the {positives:,} planted near copies with true "
              f"Jaccard >= 0.8, precision {precision:.3f} (flags on planted exact/near copies over all flags)")
    first = args.near_verify[0]
    for verify in args.near_verify[1:]:
        print(f"verify={first} over verify={verify} (medians of {args.repeat}): wall {wall[first] / wall[verify] - 1:+.1%}, "
              f"CPU {cpu[first] / cpu[verify] - 1:+.1%}")
    print("\n| mode | ours docs/s | ours peak RSS MiB | reference docs/s | reference peak RSS MiB | speed-up |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
