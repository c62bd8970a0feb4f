"""Rule taggers against Dolma 1.2.1's gopher_v1, c4_v2 and pii_regex_v2, same corpus, same machine.

Ours run in this interpreter; Dolma's run in-process in its own venv (it pins numpy<2), driven by
a small script in a subprocess that times ``predict`` on the same documents and writes back its
values. Both sides are timed on one process, warm (numba compiled, regexes built), counting CPU
seconds of ``predict`` only. Where both implement the same published definition, the share of
documents on which the values agree (|a - b| <= 1e-6) is printed too.

    python benchmarks/bench_taggers.py --documents 2000 [--dolma-python /work/dolma-venv/bin/python]

Without Dolma's venv the script prints our figures only and says why.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from dolma_tools.documents import Document
from dolma_tools.io import expand, iter_documents
from dolma_tools_taggers.c4 import C4Tagger
from dolma_tools_taggers.gopher import GopherTagger
from dolma_tools_taggers.pii import PiiRegexTagger

HERE = Path(__file__).parent

DOLMA_RUNNER = r"""
import json, sys, time
from dolma.core.data_types import Document
from dolma.taggers.gopher import GopherTagger
from dolma.taggers.c4 import FasterC4Tagger
from dolma.taggers.pii import PiiRegexV2
docs = [Document(source="b", id=str(i), text=t) for i, t in enumerate(json.load(open(sys.argv[1])))]
out = {}
for name, tagger in (("gopher", GopherTagger()), ("c4", FasterC4Tagger()), ("pii", PiiRegexV2())):
    tagger.predict(docs[0])
    start = time.process_time()
    results = [tagger.predict(d) for d in docs]
    seconds = time.process_time() - start
    values = []
    for r in results:
        v = {}
        for s in r.spans:
            if s.start == 0 and s.end == len(r.doc.text) and s.type not in ("EMAIL_ADDRESS", "PHONE_NUMBER", "IP_ADDRESS"):
                v[s.type] = s.score
            else:
                v["n_" + s.type] = v.get("n_" + s.type, 0) + 1
        values.append(v)
    out[name] = {"seconds": seconds, "values": values}
json.dump(out, open(sys.argv[2], "w"))
"""

# (our tagger, our key) -> Dolma key, where both follow the same definition
SAME_DEFINITION = {
    "gopher": [("word_count", "word_count"), ("alpha_word_fraction", "fraction_of_words_with_alpha_character"),
               ("top_2gram_char_fraction", "fraction_of_characters_in_most_common_2grams"),
               ("top_3gram_char_fraction", "fraction_of_characters_in_most_common_3grams"),
               ("top_4gram_char_fraction", "fraction_of_characters_in_most_common_4grams")],
    "c4": [("has_curly_brace", "has_curly_brace"), ("has_lorem_ipsum", "has_lorem_ipsum")],
    "pii": [("email_count", "n_EMAIL_ADDRESS"), ("ipv4_count", "n_IP_ADDRESS")],
}


def load_corpus(num_documents: int, seed: int) -> list[str]:
    root = HERE / "_work" / f"tagger-corpus-{num_documents}-{seed}"
    try:
        from dolma_tools.sample import generate_sample

        if not (root / "ground_truth.json").exists():
            generate_sample(root, seed=seed, num_documents=num_documents, mean_words=400)
        paths = expand(str(root / "documents"))
    except ImportError:
        sys.exit("dolma_tools.sample is missing: this script needs the sample-corpus generator")
    return [doc.text for path in paths for _, doc in iter_documents(path)]


def time_ours(texts: list[str]) -> dict[str, dict]:
    docs = [Document(id=str(i), text=t) for i, t in enumerate(texts)]
    out = {}
    for name, tagger in (("gopher", GopherTagger()), ("c4", C4Tagger()), ("pii", PiiRegexTagger())):
        tagger.setup()
        tagger.predict(docs[0])
        start = time.process_time()
        results = [tagger.predict(d) for d in docs]
        seconds = time.process_time() - start
        values = [{k: v[0].score for k, v in r.items() if v and v[0].start == 0 and v[0].end == len(d.text) and len(v) == 1}
                  for r, d in zip(results, docs)]
        out[name] = {"seconds": seconds, "values": values}
    return out


def time_dolma(texts: list[str], python: str) -> dict[str, dict] | str:
    if not os.path.exists(python):
        return f"Dolma's venv not found at {python}"
    with tempfile.TemporaryDirectory() as work:
        corpus, result = os.path.join(work, "texts.json"), os.path.join(work, "out.json")
        Path(corpus).write_text(json.dumps(texts))
        run = subprocess.run([python, "-c", DOLMA_RUNNER, corpus, result], capture_output=True, text=True)
        if run.returncode != 0:
            return f"Dolma's taggers failed to run: {run.stderr.strip().splitlines()[-1:]}"
        return json.loads(Path(result).read_text())


def agreement(ours: list[dict], theirs: list[dict], our_key: str, their_key: str) -> float:
    same = sum(abs(float(o.get(our_key, 0.0)) - float(t.get(their_key, 0.0))) <= 1e-6 for o, t in zip(ours, theirs))
    return same / len(ours)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dolma-python", default="/work/dolma-venv/bin/python")
    args = parser.parse_args()
    texts = load_corpus(args.documents, args.seed)
    ours = time_ours(texts)
    dolma = time_dolma(texts, args.dolma_python)
    words = sum(len(t.split()) for t in texts)
    print(f"corpus: {len(texts)} documents, {words / len(texts):.0f} words/doc on average; one process, CPU time of predict")
    print(f"{'tagger':<8} {'ours docs/s':>12} {'dolma docs/s':>13} {'speed-up':>9}")
    for name in ("gopher", "c4", "pii"):
        our_rate = len(texts) / ours[name]["seconds"]
        if isinstance(dolma, str):
            print(f"{name:<8} {our_rate:>12.0f} {'-':>13} {'-':>9}")
            continue
        their_rate = len(texts) / dolma[name]["seconds"]
        print(f"{name:<8} {our_rate:>12.0f} {their_rate:>13.0f} {our_rate / their_rate:>8.1f}x")
    if isinstance(dolma, str):
        print(f"(no Dolma figures: {dolma})")
        return
    print("\nagreement on the same definition (share of documents with equal values):")
    for name, pairs in SAME_DEFINITION.items():
        for our_key, their_key in pairs:
            rate = agreement(ours[name]["values"], dolma[name]["values"], our_key, their_key)
            print(f"  {name}: {our_key} vs {their_key}: {rate:.1%}")


if __name__ == "__main__":
    main()
