"""Writes the planned sample corpus and records the ground truth every stage's tests use.

Text is generated in input order, one file at a time, so memory stays flat however large
the corpus: only the drafts that later copies need are kept, until their last copy is
written. ``ground_truth.json`` is written last and doubles as the completion marker.
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import msgspec
import numpy as np

from dolma_tools.documents import Document
from dolma_tools.sample.benchmark import benchmark_items
from dolma_tools.sample.boilerplate import BOILERPLATE
from dolma_tools.sample.draft import Draft, Span
from dolma_tools.sample.english import ENGLISH
from dolma_tools.sample.foreign import FOREIGN
from dolma_tools.sample.grammar import Lexicon, SentencePool
from dolma_tools.sample.plants import jaccard, perturb, plant_decoys, plant_passage, plant_pii, shingles
from dolma_tools.sample.plan import SOURCE_SHARES, DocumentPlan, Entry, layout, plan_documents
from dolma_tools.sample.rng import FastRandom
from dolma_tools.sample.styles import SOURCES, Composer
from dolma_tools.sample.vocabulary import ADJECTIVES, GENERAL_NOUNS, TOWNS
from dolma_tools.io import atomic_writer

MIN_DOCUMENTS = 50
FORMAT_VERSION = 1
EXTENSIONS = {"gz": ".jsonl.gz", "zst": ".jsonl.zst", "none": ".jsonl"}
"""Document file extensions by ``compression`` (the writer compresses by extension)."""


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
    (out / "ground_truth.json").unlink(missing_ok=True)  # incomplete until rewritten
    items = benchmark_items(seed) if eval_set else []
    plan = plan_documents(FastRandom(f"plan-{seed}"), num_documents, len(items))
    placement = layout(FastRandom(f"layout-{seed}"), plan, files_per_source)
    pool = SentencePool(_lexicons(), np.random.default_rng(seed))
    builder = _Builder(plan, items, Composer(pool, FastRandom(f"text-{seed}"), mean_words), seed)

    files = []
    for source, chunks in placement.items():
        (out / "documents" / source).mkdir(parents=True, exist_ok=True)
        for number, entries in enumerate(chunks):
            path = out / "documents" / source / f"{source}-{number:04d}{EXTENSIONS[compression]}"
            with atomic_writer(str(path)) as stream:  # (compressed as the extension says)
                builder.write_file(stream, source, number, entries)
            files.append(path)
        _remove_stale(out / "documents" / source, {p.name for p in files})

    eval_path = None
    if eval_set:
        (out / "eval").mkdir(parents=True, exist_ok=True)
        eval_path = out / "eval" / "benchmark.jsonl"
        with atomic_writer(str(eval_path)) as stream:
            stream.write(b"".join(msgspec.json.encode({"id": i, "text": t}) + b"\n" for i, t in items))

    truth = builder.ground_truth(
        {"seed": seed, "num_documents": num_documents, "files_per_source": files_per_source,
         "compression": compression, "mean_words": mean_words, "eval_set": eval_set}
    )
    truth_path = out / "ground_truth.json"
    with atomic_writer(str(truth_path)) as stream:
        stream.write(msgspec.json.format(msgspec.json.encode(truth), indent=1))
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


def _remove_stale(folder: Path, keep: set[str]) -> None:
    """Drop this generator's files left by an earlier run with more files, so a reused
    ``out_dir`` holds exactly this sample."""
    for path in folder.iterdir():
        if _OWN_FILE.fullmatch(path.name) and path.name not in keep:
            path.unlink()


_OWN_FILE = re.compile(r"[a-z]+-\d{4}\.jsonl(\.gz|\.zst)?")


@functools.cache
def _lexicons() -> dict[str, Lexicon]:
    """Word arrays and compiled grammars, shared by every run in this process."""
    return {lang: Lexicon(spec) for lang, spec in {"en": ENGLISH, **FOREIGN}.items()}


Placed = tuple[Span, int, int]  # a span with its absolute offsets


class _Builder:
    """Generates documents in input order and accumulates the ground truth."""

    def __init__(self, plan: list[DocumentPlan], items: list[tuple[str, str]], composer: Composer, seed: int) -> None:
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

    def write_file(self, stream: BinaryIO, source: str, number: int, entries: list[Entry]) -> None:
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

    def _compose(self, b: DocumentPlan) -> Draft:
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

    def _url(self, b: DocumentPlan, base: int, title: str) -> str:
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
