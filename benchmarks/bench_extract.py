"""``extract`` and ``consent_v1`` throughput, each next to a reference measured in the same run.

extract, on one worker, on a WARC made of ``--copies`` copies of pywb's real ``iana.warc.gz``
(``pip install --no-deps pywb``):
  (a) the extractor in a plain loop: FastWARC records → decode → extractor, nothing written;
  (b) the same extractor behind warcio, the reader datatrove's ``WarcReader`` uses;
  (c) ``dolma-tools extract``: the checks, the charset rules, the metadata and gzip JSONL output.
Target: c/a ≥ 0.8 (the framework costs little), c/b ≥ 2.

consent_v1 on one core: documents with URLs over a store of ``--hosts`` robots.txt files
(target ≥ 20k docs/s), counting the store's loading separately.

    python benchmarks/bench_extract.py --copies 40 --hosts 100000
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
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


def run_stage(path: Path, extractor: str) -> int:
    import dolma_tools.stages.extract.stage as stage
    from dolma_tools.stages.extract.config import ExtractConfig

    out = WORK / "out"
    shutil.rmtree(out, ignore_errors=True)
    config = ExtractConfig(warcs=[str(path)], destination=str(out), workers=1, added="2024-01-01", extractor=extractor)
    return stage.run(config, quiet=True).documents


def _timed(label: str, function, *args) -> tuple[int, float]:
    started = time.perf_counter()
    count = function(*args)
    seconds = time.perf_counter() - started
    print(f"  {label:<58} {count:>7} docs  {count / seconds:>9,.0f} docs/s")
    return count, seconds


def bench_extract(copies: int, extractor: str) -> None:
    from dolma_tools.stages.extract.html import EXTRACTORS, parse

    path = big_warc(copies)
    print(f"extract ({extractor}), 1 worker, {path.name}: {path.stat().st_size / 1e6:.1f} MB")
    tree_extract = EXTRACTORS[extractor]()
    extract = lambda html: tree_extract(parse(html), html)  # noqa: E731 - same call the stage makes
    a = _timed("(a) FastWARC + extractor, plain loop", plain_loop, path, extract)
    b = _timed("(b) warcio (datatrove's reader) + extractor", warcio_loop, path, extract)
    c = _timed("(c) dolma-tools extract", run_stage, path, extractor)
    rate = lambda r: r[0] / r[1]  # noqa: E731
    print(f"  c/a = {rate(c) / rate(a):.2f} (target >= 0.8)   c/b = {rate(c) / rate(b):.2f} (target >= 2)")


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
        started = time.perf_counter()
        tagger.setup()
        loaded = time.perf_counter() - started
        started = time.perf_counter()
        for start in range(0, documents, 256):
            tagger.predict_batch(docs[start:start + 256])
        seconds = time.perf_counter() - started
        print(f"  {label}: {len(set(chosen)):,} hosts used, store loaded in {loaded:.2f} s, "
              f"{documents / seconds:,.0f} docs/s (target >= 20,000)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=40)
    parser.add_argument("--extractor", default="resiliparse", choices=["resiliparse", "trafilatura"])
    parser.add_argument("--hosts", type=int, default=100_000)
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    bench_extract(args.copies, args.extractor)
    bench_consent(args.hosts, args.documents, args.seed)


if __name__ == "__main__":
    main()
