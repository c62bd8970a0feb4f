"""``extract`` and ``consent_v1`` throughput, each next to a reference measured in the same run.

extract, on one worker, on a WARC made of ``--copies`` copies of pywb's real ``iana.warc.gz``
(``pip install --no-deps pywb``), each measure run ``--repeat`` times, interleaved:
  (a) the extractor in a plain loop: FastWARC records → decode → extractor, nothing written;
  (b) datatrove 0.10's ``WarcReader`` → a datatrove extractor step calling the same extractor →
      ``JsonlWriter`` (``pip install 'datatrove[io]'``); without datatrove, warcio (the reader
      its ``WarcReader`` uses) + the same extractor in a loop, a lower bound on its cost;
  (c) ``dolma-tools extract``: the checks, the charset rules, the metadata and gzip JSONL output.
Speeds are documents per CPU-second (user + system of the process and its children: datatrove
runs its extractor in a child process), the "per core" measure that a loaded machine does not
distort; wall-clock speeds are printed too. Target: c/a ≥ 0.8 (the framework costs little),
c/b ≥ 2. a/b is printed too: (a) is little more than the extractor, so it is about the most c/b
can reach while the stage runs the same extractor.

consent_v1 on one core: documents with URLs over a store of ``--hosts`` robots.txt files
(target ≥ 20k docs per CPU-second), counting the store's loading separately.

    python benchmarks/bench_extract.py --copies 40 --hosts 100000 --repeat 3
    python benchmarks/bench_extract.py --only consent --hosts 100000   # no pywb, no datatrove
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import time
from pathlib import Path

from dolma_tools.documents import Document

HERE = Path(__file__).parent
WORK = HERE / "_work" / "extract"


def real_warc() -> Path:
    import importlib.metadata

    for file in importlib.metadata.files("pywb") or []:
        if str(file).endswith("sample_archive/warcs/iana.warc.gz"):
            return Path(str(file.locate())).resolve()
    raise SystemExit("needs pywb's sample crawl: pip install --no-deps pywb==2.10.0")


def big_warc(copies: int) -> Path:
    """``copies`` copies of the real crawl, concatenated (gzip members stay members)."""
    path = WORK / f"iana-x{copies}.warc.gz"
    if not path.exists():
        WORK.mkdir(parents=True, exist_ok=True)
        data = real_warc().read_bytes()
        path.write_bytes(data * copies)
    return path


def _is_html(content_type: str | None) -> bool:
    return (content_type or "").split(";")[0].strip().lower() == "text/html"


def plain_loop(path: Path, extract) -> int:
    from fastwarc.warc import ArchiveIterator, WarcRecordType
    from resiliparse.parse.encoding import bytes_to_str, detect_encoding

    count = 0
    with open(path, "rb") as stream:
        for record in ArchiveIterator(stream, record_types=WarcRecordType.response, parse_http=True):
            if record.http_headers.status_code == 200 and _is_html(record.http_headers.get("Content-Type")):
                body = record.reader.read()
                html = bytes_to_str(body, detect_encoding(body))
                count += bool(extract(html).strip())
    return count


def warcio_loop(path: Path, extract) -> int:
    from resiliparse.parse.encoding import bytes_to_str, detect_encoding
    from warcio.archiveiterator import ArchiveIterator

    count = 0
    with open(path, "rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type == "response" and record.http_headers.get_statuscode() == "200" \
                    and _is_html(record.http_headers.get_header("Content-Type")):
                body = record.content_stream().read()
                html = bytes_to_str(body, detect_encoding(body))
                count += bool(extract(html).strip())
    return count


def datatrove_pipeline(path: Path, extractor: str) -> int:
    """datatrove's own steps, run as its executor runs them for one task (rank 0 of 1)."""
    import logging

    from datatrove.pipeline.extractors.base import BaseExtractor
    from datatrove.pipeline.readers import WarcReader
    from datatrove.pipeline.writers import JsonlWriter
    from loguru import logger

    from dolma_tools.stages.extract.html import EXTRACTORS, parse

    logger.remove()
    logging.getLogger("datatrove").setLevel(logging.WARNING)

    class SameExtractor(BaseExtractor):
        name = "same extractor as dolma-tools"

        def __init__(self) -> None:
            super().__init__(timeout=60)
            self._extract = None

        def extract(self, text: str) -> str:
            if self._extract is None:
                self._extract = EXTRACTORS[extractor]()
            return self._extract(parse(text), text) if text else ""

    out = WORK / "datatrove-out"
    shutil.rmtree(out, ignore_errors=True)
    documents = WarcReader(str(path.parent), glob_pattern=path.name).run(None, 0, 1)
    written = JsonlWriter(str(out)).run(SameExtractor().run(documents, 0, 1), 0, 1)
    return sum(1 for _ in written)


def run_stage(path: Path, extractor: str) -> int:
    from dolma_tools.stages.extract.config import ExtractConfig
    from dolma_tools.stages.extract.stage import ExtractStage
    from dolma_tools.stages.runner import run_stage as run

    out = WORK / "out"
    shutil.rmtree(out, ignore_errors=True)
    config = ExtractConfig(warcs=[str(path)], destination=str(out), workers=1, added="2024-01-01", extractor=extractor)
    return run(ExtractStage(config), quiet=True).documents


def _cpu() -> float:
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def _measure(function, *args) -> tuple[int, float, float]:
    """(documents, CPU seconds of this process and its children, wall seconds)."""
    cpu, wall = _cpu(), time.perf_counter()
    count = function(*args)
    return count, _cpu() - cpu, time.perf_counter() - wall


def bench_extract(copies: int, extractor: str, repeat: int) -> None:
    from dolma_tools.stages.extract.html import EXTRACTORS, parse

    path = big_warc(copies)
    print(f"extract ({extractor}), 1 worker, {path.name}: {path.stat().st_size / 1e6:.1f} MB, "
          f"median of {repeat} interleaved runs")
    tree_extract = EXTRACTORS[extractor]()
    extract = lambda html: tree_extract(parse(html), html)  # noqa: E731 - same call the stage makes
    extract("<html><body><p>warm up</p></body></html>")
    try:
        import datatrove  # noqa: F401

        reference = ("(b) datatrove WarcReader + same extractor + JsonlWriter", datatrove_pipeline, (path, extractor))
    except ImportError:
        reference = ("(b) warcio + same extractor (no datatrove installed)", warcio_loop, (path, extract))
    measures = [("(a) FastWARC + extractor, plain loop", plain_loop, (path, extract)), reference,
                ("(c) dolma-tools extract", run_stage, (path, extractor))]
    runs: dict[str, list[tuple[int, float, float]]] = {label: [] for label, _, _ in measures}
    for _ in range(repeat):
        for label, function, args in measures:
            runs[label].append(_measure(function, *args))
    rates = {}
    for label, _, _ in measures:
        count = runs[label][0][0]
        cpu = statistics.median(r[1] for r in runs[label])
        wall = statistics.median(r[2] for r in runs[label])
        rates[label[:3]] = count / cpu
        print(f"  {label:<58} {count:>6} docs  {count / cpu:>7,.0f} docs/CPU-s  ({count / wall:,.0f} docs/s wall)")
    print(f"  c/a = {rates['(c)'] / rates['(a)']:.2f} (target >= 0.8)   "
          f"c/b = {rates['(c)'] / rates['(b)']:.2f} (target >= 2), per CPU-second")
    print(f"  a/b = {rates['(a)'] / rates['(b)']:.2f} (about c/b's ceiling with this extractor)")


def robots_store(hosts: int, seed: int) -> Path:
    path = WORK / f"robots-{hosts}.jsonl"
    if path.exists():
        return path
    rng = random.Random(seed)
    agents = ["GPTBot", "CCBot", "ClaudeBot", "Google-Extended", "Bytespider", "Googlebot", "bingbot"]
    WORK.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as out:
        for i in range(hosts):
            groups = [f"User-agent: {agent}\nDisallow: /{rng.choice(['', 'private/', 'search', '*.pdf$'])}\n"
                      for agent in rng.sample(agents, rng.randint(0, 3))]
            groups.append("User-agent: *\n" + "".join(f"Disallow: /p{j}/\nAllow: /p{j}/open/\n" for j in range(rng.randint(1, 8))))
            out.write(json.dumps({"host": f"www.site{i}.example", "body": "\n".join(groups), "fetched": "2024-06-01"}) + "\n")
    return path


def bench_consent(hosts: int, documents: int, seed: int) -> None:
    from dolma_tools_taggers.consent import ConsentTagger

    store = robots_store(hosts, seed)
    print(f"consent_v1, 1 core, store of {hosts:,} hosts, {documents:,} documents")
    for label, pick in (("hosts drawn uniformly (most documents are their host's first)", None),
                        ("hosts drawn Zipf-like (s=1.1), as pages per host are in a crawl", 1.1)):
        rng = random.Random(seed)
        weights = [1 / (rank + 1) ** pick for rank in range(hosts)] if pick else None
        chosen = rng.choices(range(hosts), weights=weights, k=documents)
        docs = [Document(id=str(i), text="page text " * 50, metadata={
            "url": f"https://www.site{host}.example/p{rng.randrange(10)}/{rng.choice(['open/', ''])}{i}",
            "headers": {"x-robots-tag": "noai"} if i % 50 == 0 else {},
            "meta": {"robots": "index, follow"} if i % 3 == 0 else {},
        }) for i, host in enumerate(chosen)]
        tagger = ConsentTagger(robots_store=str(store))
        started = time.process_time()
        tagger.setup()
        loaded = time.process_time() - started
        cpu, wall = time.process_time(), time.perf_counter()
        for start in range(0, documents, 256):
            tagger.predict_batch(docs[start:start + 256])
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        print(f"  {label}: {len(set(chosen)):,} hosts used, store loaded in {loaded:.2f} CPU-s, "
              f"{documents / cpu:,.0f} docs/CPU-s (target >= 20,000; {documents / wall:,.0f} docs/s wall)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=40)
    parser.add_argument("--extractor", default="resiliparse", choices=["resiliparse", "trafilatura"])
    parser.add_argument("--hosts", type=int, default=100_000)
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", choices=["extract", "consent"], help="run one of the two benchmarks")
    args = parser.parse_args()
    if args.only != "consent":
        bench_extract(args.copies, args.extractor, args.repeat)
    if args.only != "extract":
        bench_consent(args.hosts, args.documents, args.seed)


if __name__ == "__main__":
    main()
