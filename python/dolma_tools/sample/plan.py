"""The plan of a sample corpus: what each unique document will be, and where it and its
copies go. Cheap (a few ints per document), so it is made whole before any text exists.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import numpy as np

from dolma_tools.sample.plants import EDIT_RATES
from dolma_tools.sample.styles import LOW_QUALITY_REASONS, SOURCES
from dolma_tools.sample.vocabulary import TOPICS

SOURCE_SHARES = {"forum": 0.2, "news": 0.2, "web": 0.4, "wiki": 0.2}


@dataclass
class DocumentPlan:
    """The plan of one unique document; ``copies`` are ("exact", 0.0) or ("near", rate)."""

    source: str
    lang: str = "en"
    topic: str | None = None
    low_quality: str | None = None
    pii: int | None = None  # ordinal among the documents that get PII
    decoys: bool = False
    eval_item: int | None = None
    copies: list[tuple[str, float]] = field(default_factory=list)


def _counts(n: int, rate: float, minimum: int) -> int:
    return max(minimum, round(rate * n))


def plan_documents(r: random.Random, n: int, eval_items: int) -> list[DocumentPlan]:
    """Decide every base document's source, language, kind and plants, with exact quotas so
    that even a small sample holds every case."""
    sources = [s for s, share in SOURCE_SHARES.items() for _ in range(round(share * n))]
    sources = (sources + ["web"] * n)[:n]
    r.shuffle(sources)
    plan = [DocumentPlan(source=s) for s in sources]
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


def layout(r: random.Random, plan: list[DocumentPlan], files_per_source: int) -> dict[str, list[list[Entry]]]:
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
