"""Dedupe quality against ground truth: near duplicates next to datasketch, short lines next to Dolma.

    python benchmarks/bench_dedupe_quality.py [--docs 6000] [--out /tmp/bench-dedupe-quality]
        [--dolma /tmp/dolma-venv/bin/dolma]

Writes the corpus of `dolma_tools.sample.dedupe` (prose framed by short repeated lines, code with
indentation variants and lone punctuation lines, near copies at 1-20% word edits with their true
word-5-gram Jaccard), then, on the same corpus in the same run:

* near duplicates: recall per edit-rate bucket, recall at true Jaccard >= 0.6 and precision, for
  our previous defaults (threshold 0.8, 9 x 13, signature check), our defaults (0.6, exact
  verification, 30 x 4), our low-threshold setting (0.5, exact) and datasketch's MinHashLSH at
  14 x 8 and 28 x 4 (same shingles, 128 permutations, candidates unverified). A pair counts as found
  when its later copy (input order) is flagged; precision is the share of flags on planted copies.
* n-gram paragraphs: the share of repeated short lines flagged (every copy after the first), of
  lines that occur once flagged, and lone punctuation lines flagged, for our defaults, our
  previous behaviour (``min_words`` = 13) and Dolma 1.2.1's ``by_ngram`` (when ``--dolma`` exists).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import shutil
import time
from pathlib import Path

from bench_dedupe import dolma, ours

from dolma_tools.io import expand, iter_attributes, iter_documents
from dolma_tools.sample.dedupe import EDIT_RATES, PUNCTUATION_LINES, SHORT_LINES, generate_dedupe_sample

NEAR_SETTINGS = {
    "ours, previous defaults (0.8, signature)": {"threshold": 0.8, "verify": "signature"},
    "ours, defaults (0.6, exact)": {},
    "ours, low threshold (0.5, exact)": {"threshold": 0.5},
}


def documents(out: Path) -> dict[str, str]:
    """Texts by id, in input order."""
    return {doc.id: doc.text for path in expand(str(out / "documents")) for _, doc in iter_documents(path)}


def flags(out: Path, name: str, key: str) -> dict[str, list[tuple[int, int, float]]]:
    spans: dict[str, list] = {}
    for path in expand(str(out / "attributes" / name)):
        for _, doc_id, attributes in iter_attributes(path):
            spans[doc_id] = attributes.get(key, [])
    return spans


def near_scores(truth: dict, order: dict[str, int], flagged: set[str]) -> dict[str, float]:
    """Recall per edit rate and at J >= 0.6 (later copy flagged), precision of all flags."""
    found: dict[str, list[bool]] = collections.defaultdict(list)
    members = {g["original"] for g in truth["near_duplicates"] + truth["exact_duplicates"]}
    members |= {c for g in truth["exact_duplicates"] for c in g["copies"]}
    for group in truth["near_duplicates"]:
        for copy in group["copies"]:
            members.add(copy["id"])
            hit = max(group["original"], copy["id"], key=order.__getitem__) in flagged
            found[f"{copy['edit_rate']:.0%}"].append(hit)
            if copy["jaccard"] >= 0.6:
                found["J>=0.6"].append(hit)
    scores = {bucket: sum(hits) / len(hits) for bucket, hits in found.items()}
    scores["precision"] = len(flagged & members) / max(len(flagged), 1)
    return scores


def datasketch_flags(texts: dict[str, str], bands: int, rows: int) -> tuple[set[str], float]:
    import datasketch

    from dolma_tools._core import MinHasher

    shingles = MinHasher(128, seed=1, ngram=5).shingles
    started = time.monotonic()
    lsh = datasketch.MinHashLSH(num_perm=128, params=(bands, rows))
    flagged = set()
    for doc_id, text in texts.items():
        sketch = datasketch.MinHash(num_perm=128, seed=1)
        sketch.update_batch([s.encode() for s in set(shingles(text))])
        if lsh.query(sketch):
            flagged.add(doc_id)
        lsh.insert(doc_id, sketch)
    return flagged, time.monotonic() - started


def line_scores(texts: dict[str, str], spans: dict[str, list], copies: set[str]) -> dict[str, float]:
    """Shares of repeated short lines (after their first copy), once-only lines (in documents that
    are nobody's copy: an edited line of a near copy is a near-duplicate paragraph) and punctuation
    lines flagged."""
    counts = collections.Counter(line for text in texts.values() for line in text.split("\n"))
    seen: set[str] = set()
    tally: dict[str, list[bool]] = collections.defaultdict(list)
    for doc_id, text in texts.items():
        starts = {int(s) for s, _, _ in spans.get(doc_id, [])}
        position = 0
        for line in text.split("\n"):
            hit = position in starts
            if line in SHORT_LINES and line in seen:
                tally["short lines flagged"].append(hit)
            elif counts[line] == 1 and line.strip() and doc_id not in copies:
                tally["once-only lines flagged"].append(hit)
            if line.strip() in PUNCTUATION_LINES:
                tally["punctuation lines flagged"].append(hit)
            seen.add(line)
            position += len(line) + 1
    return {what: sum(hits) / len(hits) for what, hits in tally.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=6000)
    parser.add_argument("--out", default="/tmp/bench-dedupe-quality")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--dolma", default="/tmp/dolma-venv/bin/dolma")
    args = parser.parse_args()
    out = Path(args.out)
    shutil.rmtree(out, ignore_errors=True)
    truth = json.loads(generate_dedupe_sample(out, seed=0, num_documents=args.docs).read_text())
    texts = documents(out)
    order = {doc_id: i for i, doc_id in enumerate(texts)}
    pairs = sum(len(g["copies"]) for g in truth["near_duplicates"])
    print(f"corpus: {len(texts):,} documents, {pairs:,} near copies, {len(truth['exact_duplicates']):,} exact copies")

    buckets = [f"{rate:.0%}" for rate in EDIT_RATES]
    print("\n| near duplicates | " + " | ".join(f"recall {b}" for b in buckets) + " | recall J>=0.6 | precision | seconds |")
    print("|---|" + "---|" * (len(buckets) + 3))
    rows = []
    for index, (label, setting) in enumerate(NEAR_SETTINGS.items()):
        wall = ours(out, {"minhash": setting}, args.workers, f"near{index}").wall
        flagged = {d for d, s in flags(out, f"near{index}", f"near{index}__minhash__duplicate").items() if s}
        rows.append((label, near_scores(truth, order, flagged), wall))
    for bands, rows_per_band in ((14, 8), (28, 4)):
        flagged, wall = datasketch_flags(texts, bands, rows_per_band)
        rows.append((f"datasketch {bands}×{rows_per_band}", near_scores(truth, order, flagged), wall))
    for label, scores, wall in rows:
        cells = [f"{scores.get(b, float('nan')):.2f}" for b in [*buckets, "J>=0.6", "precision"]]
        print(f"| {label} | " + " | ".join(cells) + f" | {wall:.1f} |")

    copies = {m for g in truth["exact_duplicates"] for m in [g["original"], *g["copies"]]}
    copies |= {m for g in truth["near_duplicates"] for m in [g["original"], *(c["id"] for c in g["copies"])]}
    line_rows = []
    for index, (label, setting) in enumerate((("ours, defaults (min_words 3, min_chars 10)", {}),
                                              ("ours, previous (min_words 13)", {"min_words": 13}))):
        ours(out, {"ngrams": setting}, args.workers, f"lines{index}")
        line_rows.append((label, line_scores(texts, flags(out, f"lines{index}", f"lines{index}__ngrams__duplicate"), copies)))
    if os.path.exists(args.dolma):
        section = {"paragraphs": {"attribute_name": "n_dup",
                                  "by_ngram": {"ngram_length": 13, "stride": 1, "overlap_threshold": 0.8}}}
        dolma(out, args.dolma, section, args.workers, "dolma_lines", len(texts), pattern="*/*.jsonl.gz")
        line_rows.append(("Dolma 1.2.1 by_ngram 13", line_scores(texts, flags(out, "dolma_lines", "n_dup"), copies)))
    else:
        print(f"\n(no Dolma at {args.dolma}: its row is left out)")
    what = ["short lines flagged", "once-only lines flagged", "punctuation lines flagged"]
    print("\n| n-gram paragraphs | " + " | ".join(what) + " |")
    print("|---|" + "---|" * len(what))
    for label, scores in line_rows:
        print(f"| {label} | " + " | ".join(f"{scores.get(w, 0.0):.3f}" for w in what) + " |")


if __name__ == "__main__":
    main()
