"""MinHash signatures per second against datasketch, in the same run.

    python benchmarks/bench_minhash.py [--docs 4000] [--ref-docs 300]

Documents are ~3 KB of English-like text generated deterministically from a built-in word list
(Zipf-like frequencies, sentences with punctuation). Every side uses word 5-grams and 112
permutations. Two datasketch references:

* shingles given: datasketch gets the shingles our shingler produced, so its time is MinHash only
  (`MinHash.update_batch`). This favours datasketch; the per-core target (30x) is judged on it.
* end to end: what a datasketch user runs: Python shingling of the same definition (lower case,
  punctuation removed, word 5-grams joined by one space), then `update_batch`. The script checks
  that these shingles equal ours.

Ours is timed with 1 thread and all threads. Single-thread figures (ours and datasketch's) are
process CPU time, so that a busy shared machine does not skew the per-core ratio; the all-threads
figure is wall time.
"""

from __future__ import annotations

import argparse
import random
import string
import time

from dolma_tools._core import MinHasher, get_num_threads, set_num_threads

WORDS = (
    "the of and to in a is that for it as was with be by on not he this are or his from at which "
    "but have an they you were her she there been one all we their has would when if so no will "
    "more can who its than other into some could them time these two may then do first any my now "
    "such like our over man me even most made after also did many before must through back years "
    "where much your way well down should because each just those people how too little state good "
    "very make world still own see men work long get here between both life being under never day "
    "same another know while last might us great old year off come since against go came right used "
    "take three states himself few house use during without again place american around however home "
    "small found thought went say part once general high upon school every does got united left "
    "number course war until always away something fact though water less public put think almost "
    "hand enough far took head yet government system better set told nothing night end why called "
    "didn eyes find going look asked later knew point next program city business give group toward "
    "young days let room president side social given present several order national possible rather "
    "second face per among form important often things looked early white case john become large big "
    "need four within felt along children saw best church ever least power development light thing "
    "corpus dataset training model language token filter quality duplicate pipeline research"
).split()


def make_docs(n: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    weights = [1.0 / (rank + 1) for rank in range(len(WORDS))]
    docs = []
    for _ in range(n):
        parts: list[str] = []
        size = 0
        while size < 3000:
            sentence = rng.choices(WORDS, weights, k=rng.randint(6, 24))
            text = " ".join(sentence).capitalize() + rng.choice([".", ".", ".", "!", "?", ";"])
            parts.append(text)
            size += len(text) + 1
        docs.append(" ".join(parts))
    return docs


_NO_PUNCTUATION = str.maketrans("", "", string.punctuation)


def python_shingles(text: str, n: int = 5) -> list[bytes]:
    """Word n-grams the way a datasketch user writes them (ASCII punctuation, as in these docs)."""
    words = text.lower().translate(_NO_PUNCTUATION).split()
    if len(words) < n:
        return [" ".join(words).encode()]
    return [" ".join(words[i : i + n]).encode() for i in range(len(words) - n + 1)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=4000)
    ap.add_argument("--ref-docs", type=int, default=300)
    args = ap.parse_args()
    docs = make_docs(args.docs)
    mean_len = sum(map(len, docs)) / len(docs)
    m = MinHasher(112, ngram=5)
    print(f"{len(docs)} docs, mean {mean_len:.0f} chars, word 5-grams, 112 permutations")
    results = {}
    for threads in sorted({1, get_num_threads()}):
        set_num_threads(threads)
        m.signatures(docs[:100])
        clock = time.process_time if threads == 1 else time.perf_counter
        t = min(_timed(lambda: m.signatures(docs), clock) for _ in range(3))
        results[threads] = len(docs) / t
    set_num_threads(None)
    import datasketch

    ref_docs = docs[: args.ref_docs]
    shingles = [[s.encode() for s in m.shingles(d)] for d in ref_docs]
    if [python_shingles(d) for d in ref_docs] != shingles:
        raise SystemExit("the Python shingling differs from ours: the end-to-end row would not compare like with like")

    def minhash_only() -> None:
        for sh in shingles:
            datasketch.MinHash(num_perm=112).update_batch(sh)

    def end_to_end() -> None:
        for d in ref_docs:
            datasketch.MinHash(num_perm=112).update_batch(python_shingles(d))

    refs = {
        "shingles given (MinHash only)": minhash_only,
        "end to end (Python shingling)": end_to_end,
    }
    ref_rates = {name: len(ref_docs) / min(_timed(fn, time.process_time) for _ in range(2)) for name, fn in refs.items()}
    print(f"{'datasketch, 1 thread':36} {'docs/s':>10}")
    for name, rate in ref_rates.items():
        print(f"{name:36} {rate:10,.0f}")
    print()
    print(f"{'ours':36} {'docs/s':>10} {'vs MinHash only':>16} {'vs end to end':>14}")
    for threads, ours in results.items():
        ratios = [f"{ours / rate:.1f}x" for rate in ref_rates.values()]
        print(f"{str(threads) + ' thread(s)':36} {ours:10,.0f} {ratios[0]:>16} {ratios[1]:>14}")


def _timed(fn, clock=time.perf_counter) -> float:
    t = clock()
    fn()
    return clock() - t


if __name__ == "__main__":
    main()
