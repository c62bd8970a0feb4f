"""A corpus with the duplicate phenomena of real text, and its ground truth for every dedupe mode.

``generate_dedupe_sample`` writes prose pages framed by short repeated lines (navigation,
"Share this" bars, copyright footers: the boilerplate the n-gram mode exists to remove), code
pages whose shared lines recur with different indentation and whose lone ``}`` / ``...`` lines
must never count, exact copies, near copies at 1-20% word edits with their true word-5-gram
Jaccard (on the words MinHash shingles, so it is the similarity our verification measures),
and a few pages holding a passage of an eval set. ``dedupe_truth.json`` records each phenomenon.
The same arguments give the same bytes.
"""

from __future__ import annotations

import os
from pathlib import Path

import msgspec
import numpy as np

from dolma_tools.io import atomic_writer
from dolma_tools.sample import vocabulary as v

EDIT_RATES = (0.01, 0.02, 0.03, 0.05, 0.1, 0.15, 0.2)
SOURCES = ("web", "docs", "news")
SHORT_LINES = (
    "Home | About | Contact", "Share this: Facebook Twitter Email", "Skip to main content",
    "© 2024 Example Media. All rights reserved.", "Sign up for our newsletter", "Read more articles like this",
    "Privacy Policy · Terms of Use · Cookies", "Was this page helpful? Yes No", "Back to top of the page",
)
"""Repeated short lines (3 to 7 words): each is one key of the n-gram mode."""
PUNCTUATION_LINES = ("}", "...", "};", "*/", "---", "end")
"""Lines of code with too little text to count, however often they recur."""
CODE_LINES = (
    "if (value == null) {", "return result;", "for item in items:", "self.count += 1",
    "throw new IllegalStateException(message);", "except KeyError as error:", "console.log(response.data);",
)
"""Code lines that recur across pages at different indentations."""
INDENTS = ("", "    ", "        ", "\t")


class _Writer:
    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        words = sorted(set(v.GENERAL_NOUNS + v.ADJECTIVES + v.ADVERBS + v.TRANSITIVE_VERBS + v.INTRANSITIVE_VERBS))
        self.words = np.array(words)
        weights = 1.0 / np.arange(1, len(words) + 1) ** 0.8  # Zipf-like, as real word frequencies
        self.weights = weights / weights.sum()

    def sentence(self, count: int) -> str:
        text = " ".join(self.rng.choice(self.words, count, p=self.weights))
        return text[0].upper() + text[1:] + "."

    def paragraph(self) -> str:
        return " ".join(self.sentence(int(self.rng.integers(8, 20))) for _ in range(int(self.rng.integers(2, 5))))

    def prose(self) -> tuple[list[str], list[str]]:
        """A page's lines and the short repeated lines among them."""
        top = [str(x) for x in self.rng.choice(SHORT_LINES[:3], int(self.rng.integers(0, 3)), replace=False)]
        bottom = [str(x) for x in self.rng.choice(SHORT_LINES[3:], int(self.rng.integers(0, 3)), replace=False)]
        body = [self.paragraph() for _ in range(int(self.rng.integers(3, 7)))]
        return top + body + bottom, top + bottom

    def code(self) -> tuple[list[str], list[str]]:
        """A code page: a sentence of prose, then lines of code among shared lines at random indentation."""
        lines = [self.paragraph()]
        for _ in range(int(self.rng.integers(8, 16))):
            pick = self.rng.random()
            indent = INDENTS[int(self.rng.integers(len(INDENTS)))]
            if pick < 0.3:
                lines.append(indent + CODE_LINES[int(self.rng.integers(len(CODE_LINES)))])
            elif pick < 0.55:
                lines.append(indent + PUNCTUATION_LINES[int(self.rng.integers(len(PUNCTUATION_LINES)))])
            else:
                name = "_".join(self.rng.choice(self.words, 2))
                lines.append(f"{indent}{name} = compute({int(self.rng.integers(10**6))}, {name!r})")
        return lines, []

    def edit(self, lines: list[str], keep: set[str], rate: float) -> list[str]:
        """A copy with words of the lines not in ``keep`` substituted, inserted or deleted at ``rate``."""
        out = []
        for line in lines:
            if line in keep or not line.strip():
                out.append(line)
                continue
            words: list[str] = []
            for word in line.split(" "):
                if self.rng.random() >= rate:
                    words.append(word)
                    continue
                op = int(self.rng.integers(3))
                if op == 0:
                    words.append(str(self.rng.choice(self.words)))
                elif op == 1:
                    words += [word, str(self.rng.choice(self.words))]
            out.append(" ".join(words) or str(self.rng.choice(self.words)))
        if out == lines:  # at least one edit: a near copy is never an exact one
            at = next(i for i, line in enumerate(lines) if line not in keep and line.strip())
            out[at] += " " + str(self.rng.choice(self.words))
        return out


def _jaccard(a: str, b: str) -> float:
    from dolma_tools._core import MinHasher  # (the shingles MinHash uses: normalised words)

    shingles = MinHasher(8, ngram=5).shingles
    x, y = set(shingles(a)), set(shingles(b))
    return len(x & y) / max(len(x | y), 1)


def generate_dedupe_sample(out_dir: str | os.PathLike[str], *, seed: int = 0, num_documents: int = 600) -> Path:
    """Write ``documents/<source>/part-0.jsonl.gz`` files and ``dedupe_truth.json``; return the truth's path."""
    out = Path(out_dir)
    w = _Writer(seed)
    evals = [w.sentence(30) for _ in range(4)]
    truth: dict = {"exact_duplicates": [], "near_duplicates": [], "short_lines": {}, "code_lines": {},
                   "punctuation_lines": list(PUNCTUATION_LINES), "contaminated": {}, "sources": {}, "lengths": {}}
    docs: dict[str, list[dict]] = {s: [] for s in SOURCES}
    counter = 0

    def add(lines: list[str], shared: list[str]) -> str:
        nonlocal counter
        source = SOURCES[counter % len(SOURCES)]
        doc_id = f"{source}-{counter:05d}"
        counter += 1
        text = "\n".join(lines)
        docs[source].append({"id": doc_id, "text": text, "source": source, "metadata": {"score": round(float(w.rng.random()), 4)}})
        truth["sources"][doc_id], truth["lengths"][doc_id] = source, len(text)
        for line in shared:
            truth["short_lines"].setdefault(line, []).append(doc_id)
        for line in lines:
            if line.strip() in CODE_LINES:
                truth["code_lines"].setdefault(line.strip(), {}).setdefault(line, []).append(doc_id)
        return doc_id

    while counter < num_documents:
        lines, shared = w.code() if w.rng.random() < 0.2 else w.prose()
        if w.rng.random() < 0.02:
            item = int(w.rng.integers(len(evals)))
            lines.insert(1, evals[item])
        original = add(lines, shared)
        if lines[1:2] and lines[1] in evals:
            truth["contaminated"][original] = evals.index(lines[1])
        roll = w.rng.random()
        if roll < 0.05:
            truth["exact_duplicates"].append({"original": original, "copies": [add(lines, shared)]})
        elif roll < 0.25:
            rate = EDIT_RATES[int(w.rng.integers(len(EDIT_RATES)))]
            copy = w.edit(lines, set(shared), rate)
            copy_id = add(copy, shared)
            truth["near_duplicates"].append({"original": original, "copies": [
                {"id": copy_id, "edit_rate": rate, "jaccard": round(_jaccard("\n".join(lines), "\n".join(copy)), 6)}]})
    for source, rows in docs.items():
        path = out / "documents" / source / "part-0.jsonl.gz"
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_writer(str(path)) as stream:
            stream.write(b"".join(msgspec.json.encode(row) + b"\n" for row in rows))
    (out / "eval").mkdir(parents=True, exist_ok=True)
    with atomic_writer(str(out / "eval" / "eval.jsonl")) as stream:
        stream.write(b"".join(msgspec.json.encode({"id": str(i), "text": t}) + b"\n" for i, t in enumerate(evals)))
    truth_path = out / "dedupe_truth.json"
    with atomic_writer(str(truth_path)) as stream:
        stream.write(msgspec.json.format(msgspec.json.encode(truth), indent=1))
    return truth_path
