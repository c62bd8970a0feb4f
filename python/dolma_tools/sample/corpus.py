"""Plans, writes and records the sample corpus: which document is what, where it goes, and the
ground truth that every stage's tests check against.

Planning happens first and is cheap (a few ints per document); text is then generated in
input order, one file at a time, so memory stays flat however large the corpus. Only the
drafts that later copies need are kept, until their last copy is written.
"""

from __future__ import annotations

import functools
import json
import os
import random
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import msgspec
import numpy as np

from dolma_tools.documents import Document
from dolma_tools.sample.benchmark import benchmark_items
from dolma_tools.sample.boilerplate import BOILERPLATE
from dolma_tools.sample.draft import Draft, Span
from dolma_tools.sample.english import ENGLISH
from dolma_tools.sample.foreign import FOREIGN
from dolma_tools.sample.grammar import Lexicon, SentencePool
from dolma_tools.sample.plants import EDIT_RATES, jaccard, perturb, plant_decoys, plant_passage, plant_pii, shingles
from dolma_tools.sample.rng import FastRandom
from dolma_tools.sample.styles import LOW_QUALITY_REASONS, SOURCES, Composer
from dolma_tools.sample.vocabulary import ADJECTIVES, GENERAL_NOUNS, TOPICS, TOWNS
from dolma_tools.sample.writer import EXTENSIONS, atomic_output

SOURCE_SHARES = {"forum": 0.2, "news": 0.2, "web": 0.4, "wiki": 0.2}
MIN_DOCUMENTS = 50
FORMAT_VERSION = 1


@dataclass(frozen=True)
class SampleManifest:
    """What ``generate_sample`` wrote. ``num_documents`` counts every line, copies included."""

    out_dir: Path
    document_files: tuple[Path, ...]
    eval_path: Path | None
    ground_truth_path: Path
    num_documents: int
    num_base_documents: int
    documents_per_source: dict[str, int]
    text_bytes: int


@dataclass
class _Base:
    """The plan of one unique document; ``copies`` are ("exact", 0.0) or ("near", rate)."""

    source: str
    lang: str = "en"
    topic: str | None = None
    low_quality: str | None = None
    pii: int | None = None  # ordinal among the documents that get PII
    decoys: bool = False
    eval_item: int | None = None
    copies: list[tuple[str, float]] = field(default_factory=list)


def generate_sample(
    out_dir: str | os.PathLike[str],
    *,
    seed: int = 0,
    num_documents: int = 2000,
    files_per_source: int = 2,
    compression: str = "gz",
    mean_words: int = 400,
    eval_set: bool = True,
) -> SampleManifest:
    """Write the deterministic sample corpus under ``out_dir`` (see the package docstring)."""
    if compression not in EXTENSIONS:
        raise ValueError(f"compression must be one of {sorted(EXTENSIONS)}, not {compression!r}")
    if num_documents < MIN_DOCUMENTS:
        raise ValueError(f"num_documents must be at least {MIN_DOCUMENTS}, not {num_documents}")
    if files_per_source < 1 or num_documents * min(SOURCE_SHARES.values()) < files_per_source:
        raise ValueError(f"files_per_source={files_per_source} leaves some file empty; use fewer files or more documents")
    if mean_words < 20:
        raise ValueError(f"mean_words must be at least 20, not {mean_words}")

    out = Path(out_dir)
    items = benchmark_items(seed) if eval_set else []
    plan = _plan(FastRandom(f"plan-{seed}"), num_documents, len(items))
    layout = _layout(FastRandom(f"layout-{seed}"), plan, files_per_source)
    pool = SentencePool(_lexicons(), np.random.default_rng(seed))
    builder = _Builder(plan, items, Composer(pool, FastRandom(f"text-{seed}"), mean_words), seed)

    files = []
    for source, chunks in layout.items():
        (out / "documents" / source).mkdir(parents=True, exist_ok=True)
        for number, entries in enumerate(chunks):
            path = out / "documents" / source / f"{source}-{number:04d}{EXTENSIONS[compression]}"
            with atomic_output(path, compression) as stream:
                builder.write_file(stream, source, number, entries)
            files.append(path)

    eval_path = None
    if eval_set:
        (out / "eval").mkdir(parents=True, exist_ok=True)
        eval_path = out / "eval" / "benchmark.jsonl"
        with atomic_output(eval_path) as stream:
            stream.write(b"".join(msgspec.json.encode({"id": i, "text": t}) + b"\n" for i, t in items))

    truth = builder.ground_truth(
        {"seed": seed, "num_documents": num_documents, "files_per_source": files_per_source,
         "compression": compression, "mean_words": mean_words, "eval_set": eval_set}
    )
    truth_path = out / "ground_truth.json"
    with atomic_output(truth_path) as stream:
        stream.write(json.dumps(truth, ensure_ascii=False, indent=1).encode())
    return SampleManifest(
        out_dir=out,
        document_files=tuple(files),
        eval_path=eval_path,
        ground_truth_path=truth_path,
        num_documents=builder.written,
        num_base_documents=num_documents,
        documents_per_source=dict(builder.per_source),
        text_bytes=builder.text_bytes,
    )


@functools.cache
def _lexicons() -> dict[str, Lexicon]:
    """Word arrays and compiled grammars, shared by every run in this process."""
    return {lang: Lexicon(spec) for lang, spec in {"en": ENGLISH, **FOREIGN}.items()}


def _counts(n: int, rate: float, minimum: int) -> int:
    return max(minimum, round(rate * n))


def _plan(r: random.Random, n: int, eval_items: int) -> list[_Base]:
    """Decide every base document's source, language, kind and plants, with exact quotas so
    that even a small sample holds every case."""
    sources = [s for s, share in SOURCE_SHARES.items() for _ in range(round(share * n))]
    sources = (sources + ["web"] * n)[:n]
    r.shuffle(sources)
    plan = [_Base(source=s) for s in sources]
    order = list(range(n))
    r.shuffle(order)

    foreign, order = order[: _counts(n, 0.09, 3)], order[_counts(n, 0.09, 3) :]
    for k, i in enumerate(foreign):
        plan[i].lang = ("fr", "de", "es")[k % 3]
    low, order = order[: _counts(n, 0.06, len(LOW_QUALITY_REASONS))], order[_counts(n, 0.06, len(LOW_QUALITY_REASONS)) :]
    for k, i in enumerate(low):
        plan[i].low_quality = LOW_QUALITY_REASONS[k % len(LOW_QUALITY_REASONS)]
        plan[i].lang = "la" if plan[i].low_quality == "lorem_ipsum" else "en"
    for i in order + low:
        plan[i].topic = r.choice(TOPICS)

    for k, i in enumerate(r.sample(order, _counts(n, 0.06, 5))):
        plan[i].pii = k
    for i in r.sample(order, _counts(n, 0.04, 3)):
        plan[i].decoys = True
    if eval_items:
        for i in r.sample(order, _counts(n, 0.02, 3)):
            plan[i].eval_item = r.randrange(eval_items)

    plain = [i for i in order if plan[i].pii is None and not plan[i].decoys and plan[i].eval_item is None]
    near = r.sample(plain, _counts(n, 0.05, len(EDIT_RATES)))
    cycle = 0
    for i in near:
        k = r.choice((1, 2, 3))
        plan[i].copies = [("near", EDIT_RATES[(cycle + t) % len(EDIT_RATES)]) for t in range(k)]
        cycle += k
    taken = set(near)
    for i in r.sample([i for i in range(n) if i not in taken], _counts(n, 0.04, 3)):
        plan[i].copies = [("exact", 0.0)] * r.choice((1, 1, 1, 2, 2, 3))
    return plan


Entry = tuple[int, int]  # (base index, copy number: 0 for the base itself)
Placed = tuple[Span, int, int]  # a span with its absolute offsets


def _layout(r: random.Random, plan: list[_Base], files_per_source: int) -> dict[str, list[list[Entry]]]:
    """Order each source's documents, placing every copy somewhere after its original, and
    cut the sequence into files (so "first by input order" is always the original)."""
    layout = {}
    for source in SOURCES:
        bases = [i for i, b in enumerate(plan) if b.source == source]
        keyed = []
        for position, i in enumerate(bases):
            keyed.append((float(position), i, 0))
            for copy in range(1, len(plan[i].copies) + 1):
                keyed.append((position + 0.5 + r.random() * (len(bases) - position), i, copy))
        keyed.sort()
        entries = [(i, copy) for _, i, copy in keyed]
        bounds = np.linspace(0, len(entries), files_per_source + 1).round().astype(int)
        layout[source] = [entries[a:b] for a, b in zip(bounds[:-1], bounds[1:])]
    return layout


class _Builder:
    """Generates documents in input order and accumulates the ground truth."""

    def __init__(self, plan: list[_Base], items: list[tuple[str, str]], composer: Composer, seed: int) -> None:
        self.plan = plan
        self.items = items
        self.composer = composer
        self.r = FastRandom(f"copies-{seed}")
        self.encoder = msgspec.json.Encoder()
        self.added = f"2024-{seed % 12 + 1:02d}-{seed % 28 + 1:02d}T00:00:00.000Z"
        self.domains = {s: self._domains(s, max(3, len(plan) // 40)) for s in SOURCES}
        self.pending: dict[int, tuple[Draft, str, list[Placed], str, str]] = {}  # base -> draft, text, spans, id, url
        self.remaining: dict[int, int] = {}
        self.original_shingles: dict[int, set[tuple[str, ...]]] = {}
        self.written = 0
        self.text_bytes = 0
        self.per_source: dict[str, int] = {}
        self.exact: dict[str, list[str]] = {}
        self.near: dict[str, list[dict[str, object]]] = {}
        self.urls: dict[str, list[str]] = {}
        self.boilerplate: dict[str, list[str]] = {}
        self.spans: dict[str, dict[str, list[dict[str, object]]]] = {"pii": {}, "decoy": {}, "contamination": {}}
        self.languages: dict[str, str] = {}
        self.low_quality: dict[str, str] = {}

    def _domains(self, source: str, count: int) -> list[str]:
        r = FastRandom(f"domains-{source}-{count}")
        make = {
            "web": lambda: f"www.{r.choice(ADJECTIVES)}{r.choice(GENERAL_NOUNS)}.{r.choice(('com', 'org', 'net', 'io', 'blog'))}",
            "news": lambda: f"{r.choice(TOWNS).lower()}{r.choice(('herald', 'gazette', 'times', 'courier', 'post', 'observer'))}.com",
            "forum": lambda: f"forum.{r.choice(GENERAL_NOUNS)}{r.choice(GENERAL_NOUNS)}.net",
            "wiki": lambda: f"{r.choice(('town', 'local', 'open', 'free'))}{r.choice(GENERAL_NOUNS)}wiki.org",
        }[source]
        return sorted({make() for _ in range(count)})

    def write_file(self, stream, source: str, number: int, entries: list[Entry]) -> None:  # noqa: ANN001
        lines = []
        for line, (base, copy) in enumerate(entries):
            doc_id = f"{source}-{number:04d}-{line:06d}"
            text, url = self._document(doc_id, base, copy)
            lang = self.plan[base].lang
            document = Document(id=doc_id, text=text, source=source, added=self.added,
                                created=self._date(), metadata={"url": url, "lang": lang})
            lines.append(self.encoder.encode(document))
            self.written += 1
            self.text_bytes += len(text.encode())
            self.per_source[source] = self.per_source.get(source, 0) + 1
            if len(lines) >= 512:
                stream.write(b"\n".join(lines) + b"\n")
                lines = []
        if lines:
            stream.write(b"\n".join(lines) + b"\n")

    def _document(self, doc_id: str, base: int, copy: int) -> tuple[str, str]:
        """The text and url of one entry; records its ground truth."""
        b = self.plan[base]
        if copy == 0:
            draft = self._compose(b)
            text, placed = draft.render()
            url = self._url(b, base, draft.title)
            if b.copies:
                self.pending[base] = (draft, text, placed, doc_id, url)
                self.remaining[base] = len(b.copies)
        else:
            draft, original_text, placed, original_id, original_url = self.pending[base]
            kind, rate = b.copies[copy - 1]
            host = original_url.removeprefix("https://")
            if kind == "exact":
                text = original_text
                self.exact.setdefault(original_id, []).append(doc_id)
                same_url = self.r.random() < 0.5
                url = original_url if same_url else f"https://mirror{copy}.{host}"
                if same_url:
                    self.urls.setdefault(original_url, [original_id]).append(doc_id)
            else:
                edited, edits = perturb(draft, rate, self.r)
                text, placed = edited.render()
                draft = edited
                url = f"https://archive{copy}.{host}"
                self.near.setdefault(original_id, []).append(
                    {"id": doc_id, "edit_rate": rate, "edits": edits,
                     "jaccard_5gram": round(jaccard(self._shingles(base, original_text), shingles(text)), 6)}
                )
            self.remaining[base] -= 1
            if not self.remaining[base]:
                del self.pending[base], self.remaining[base]
                self.original_shingles.pop(base, None)
        self.languages[doc_id] = b.lang
        if b.low_quality:
            self.low_quality[doc_id] = b.low_quality
        for paragraph in draft.boilerplate():
            self.boilerplate.setdefault(paragraph, []).append(doc_id)
        for span, start, end in sorted(placed, key=lambda p: p[1]):
            key = "eval_id" if span.kind == "contamination" else ("type" if span.kind == "pii" else "resembles")
            record = {key: span.label, "value": text[start:end], "start": start, "end": end}
            self.spans[span.kind].setdefault(doc_id, []).append(record)
        return text, url

    def _shingles(self, base: int, text: str) -> set[tuple[str, ...]]:
        """An original's 5-gram set, computed once for all of its near copies."""
        if base not in self.original_shingles:
            self.original_shingles[base] = shingles(text)
        return self.original_shingles[base]

    def _compose(self, b: _Base) -> Draft:
        composer = self.composer
        if b.low_quality:
            return composer.low_quality(b.low_quality, b.topic)
        draft = composer.compose(b.source, b.lang, b.topic)
        if b.pii is not None:
            plant_pii(draft, composer.rng, b.pii)
        if b.decoys:
            plant_decoys(draft, composer.rng)
        if b.eval_item is not None:
            plant_passage(draft, composer.rng, *self.items[b.eval_item])
        return draft

    def _url(self, b: _Base, base: int, title: str) -> str:
        slug = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
        slug = re.sub(r"[^a-z0-9]+", "-", slug).strip("-")[:60].rstrip("-") or "page"
        domain = self.composer.rng.choice(self.domains[b.source])
        if b.lang not in ("en", "la"):
            domain = domain.rsplit(".", 1)[0] + "." + b.lang
        path = {"web": f"blog/{slug}-{base}", "news": f"{2008 + base % 17}/{slug}-{base}",
                "forum": f"t/{slug}/{base}", "wiki": f"wiki/{slug}?curid={base}"}[b.source]
        return f"https://{domain}/{path}"

    def _date(self) -> str:
        r = self.composer.rng
        return (f"{r.randint(2012, 2023)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}"
                f"T{r.randint(0, 23):02d}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d}.000Z")

    def ground_truth(self, params: dict[str, object]) -> dict[str, object]:
        catalogue = [(kind, text) for kind, texts in BOILERPLATE.items() for text in texts]
        return {
            "format_version": FORMAT_VERSION,
            "params": params,
            "conventions": {
                "lines": "separated by \\n",
                "paragraphs": "separated by a blank line (\\n\\n); boilerplate lines are whole paragraphs",
                "offsets": "Unicode code points into text, [start, end)",
                "jaccard_5gram": "Jaccard of the sets of word 5-grams, words = text.split()",
                "input_order": "documents/<source>/ files by sorted path, then line",
            },
            "exact_duplicates": [{"original": o, "copies": c} for o, c in self.exact.items()],
            "near_duplicates": [{"original": o, "copies": c} for o, c in self.near.items()],
            "duplicate_urls": [{"url": u, "ids": ids} for u, ids in self.urls.items()],
            "boilerplate_paragraphs": [
                {"kind": kind, "text": text, "doc_ids": self.boilerplate[text]}
                for kind, text in catalogue if text in self.boilerplate
            ],
            "pii": self.spans["pii"],
            "pii_decoys": self.spans["decoy"],
            "contaminated": self.spans["contamination"],
            "languages": self.languages,
            "low_quality": self.low_quality,
        }
