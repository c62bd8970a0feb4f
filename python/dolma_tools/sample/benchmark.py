"""A small question-answering "benchmark" for decontamination tests, in its own phrasing.

Its templates share no phrasing with the corpus grammar, so the only long n-gram overlaps
between the two are the passages planted on purpose.
"""

from __future__ import annotations

import random

from dolma_tools.sample import vocabulary as v

_FOODS = v.words("apples pears lemons muffins biscuits pastries melons onions peppers plums")
_VEHICLES = v.words("bus tram ferry train cyclist courier truck glider")
_MATERIALS = v.words("copper_wire glass_rod rubber_band iron_nail wax_candle salt_crystal")

_TEMPLATES = (
    lambda r, n: (
        f"Question: {n} buys {r.randint(3, 12)} {r.choice(_FOODS)} at the {r.choice(v.TOWNS)} "
        f"market for {r.randint(2, 9)} dollars each and pays with a 100-dollar note. How much "
        f"change should {n.split()[0]} receive from the seller? Show the working."
    ),
    lambda r, n: (
        f"Question: A {r.choice(_VEHICLES)} covers {r.randint(40, 400)} kilometres in "
        f"{r.randint(2, 8)} hours at a constant pace. What is its average speed in kilometres "
        f"per hour, rounded to the nearest whole number? Answer with a number only."
    ),
    lambda r, n: (
        f"Passage: The {r.choice(v.ADJECTIVES)} {r.choice(v.GENERAL_NOUNS)} in {r.choice(v.TOWNS)} "
        f"opened in {r.randint(1850, 2020)} after {r.randint(2, 30)} years of planning by {n}. "
        f"Question: How many years of planning came before it opened, according to the passage?"
    ),
    lambda r, n: (
        f"Question: Which property best explains why a {r.choice(_MATERIALS)} changes when it "
        f"is heated for {r.randint(2, 60)} minutes? A) its colour B) its density C) its "
        f"conductivity D) its length. Choose one letter."
    ),
    lambda r, n: (
        f"Context: {n} left a tray of {r.choice(_FOODS)} near the window in {r.choice(v.MONTHS)}. "
        f"Which ending is most plausible? A) the tray began to sing B) the {r.choice(_FOODS)} "
        f"stayed cool C) the window turned into {r.choice(v.TOWNS)} D) nothing could be known."
    ),
    lambda r, n: (
        f"Question: The river through {r.choice(v.TOWNS)} reaches the sea at {r.choice(v.TOWNS)}, "
        f"passing {r.choice(v.TOWNS)} on the way. If a boat drifts downstream from the first "
        f"town, which town does it pass second? Explain your reasoning briefly."
    ),
)


def benchmark_items(seed: int, count: int = 50) -> list[tuple[str, str]]:
    """``count`` (id, text) pairs, 20-60 words each, deterministic in ``seed``."""
    r = random.Random(f"benchmark-{seed}")
    items: list[tuple[str, str]] = []
    seen: set[str] = set()
    while len(items) < count:
        name = f"{r.choice(v.FIRST_NAMES)} {r.choice(v.SURNAMES)}"
        text = r.choice(_TEMPLATES)(r, name)
        if text not in seen and 20 <= len(text.split()) <= 60:
            seen.add(text)
            items.append((f"bench-{len(items):04d}", text))
    return items
