"""The English grammar: categories built from ``vocabulary`` and sentence templates.

Sentences are clause templates combined by patterns (plain, opener, coordinated,
subordinate), which gives a few thousand templates of 4 to 35 words.
"""

from __future__ import annotations

import random
from itertools import product

from dolma_tools.sample import vocabulary as v
from dolma_tools.sample.grammar import GrammarSpec

CLAUSES = [
    "Det Adj Noun VerbS Det Noun",
    "Det Noun VerbS Det Adj Noun Prep Det Noun",
    "DetP Nouns VerbBase Nouns Prep Place",
    "Name VerbEd Det Noun in Year",
    "Det Noun Prep Place IVerbEd Adv",
    "Det Noun was Adj and Adj",
    "Name, Role, VerbEd AAdj Noun Prep Det Noun",
    "Pct of DetP Nouns Prep Place IVerbEd in Year",
    "Det Adj Noun cost Money in Year",
    "Nouns Prep Det Noun VerbBase Det Noun Adv",
    "there are Num Adj Nouns Prep Det Noun",
    "Det Noun has been VerbEn for Num Unit",
    "we VerbEd Det Noun that VerbS Det Noun",
    "you can VerbBase AAdj Noun Prep Det Noun",
    "Det Noun of Det Noun IVerbS Adv",
    "First and First VerbEd AAdj Noun in Place",
    "Det Noun seemed Adv Adj",
    "most Nouns IVerbBase when Det Noun VerbS Det Noun",
    "Det Noun VerbS Nouns, Nouns and Nouns",
    "in Year, Name VerbEd Det Adj Noun",
    "Det Noun Prep Det Noun will VerbBase AAdj Noun",
    "Det Noun VerbEd ANoun that IVerbEd Prep Det Noun",
    "I VerbEd Det Noun Adv",
    "Nouns are often Adj in Month",
    "Det Noun might VerbBase Det Noun if Det Noun IVerbS",
    "Det Noun kept VerbIng Det Noun for about Num Unit",
    "DetP Adj Nouns Prep Place IVerbBase Adv",
    "nobody VerbEd Det Noun until Month Day",
    "Name SayS that Det Noun is Adj",
    "Det Noun IVerbEd after Det Adj Noun VerbEd Det Noun",
    "it took Num Unit to VerbBase Det Noun",
    "Det Noun near Det Noun was VerbEn by Name",
    "Num Nouns and ANoun were VerbEn in Place",
    "Det Noun VerbEd Det Noun, which IVerbEd Adv",
    "they VerbBase Nouns whenever Det Noun IVerbS",
    "Det Noun in Place is Adv Adj",
]

# Lines that can stand alone (titles, list items, forum lines) get at least ~1e8
# combinations each, so they do not recur by chance across a sample corpus.
QUESTIONS = [
    "does Det Noun VerbBase Det Noun ?",
    "why do Nouns VerbBase Det Adj Noun ?",
    "how can we VerbBase AAdj Noun Prep Det Noun ?",
    "did Name VerbBase Det Noun in Year ?",
    "what happens when Det Adj Noun Prep Place IVerbS ?",
    "has anyone VerbEn Det Noun in Place ?",
    "is Det Adj Noun worth Money ?",
    "who VerbEd Det Noun Prep Det Noun ?",
]

TITLES = [
    "how to VerbBase AAdj Noun in Place",
    "Num Adj Nouns for Det Noun",
    "why Adj Nouns in Place IVerbBase in Month",
    "the Adj Noun of Place",
    "Name VerbS Det Noun in Place",
    "Adj Nouns and Adj Nouns – what to VerbBase in Year",
    "Place Noun VerbS Adj Noun",
    "the Adj guide to Nouns and Nouns",
    "Num things nobody tells you about Adj Nouns in Place",
    "review: Det Adj Noun Prep Det Noun",
    "Place Nouns IVerbBase as Nouns VerbBase Nouns",
    "Adj Noun VerbEn after Num Unit in Place",
]

ITEMS = [
    "Adj Nouns Prep Det Adj Noun",
    "VerbBase Det Adj Noun Adv",
    "Num Unit of Adj Noun from Place",
    "free Adj Noun with every Noun over Money",
    "Adj Noun and Adj Noun for Money",
    "VerbBase Nouns before Month Day, Year",
    "Adj Noun from Place for Money",
    "up to Pct off Adj Nouns in Place",
]

CHAT = [
    "I think Det Adj Noun in Place is Adj .",
    "thanks, that VerbEd my Adj Noun in Month .",
    "my Noun IVerbEd again after Det Noun VerbEd Det Noun .",
    "you should VerbBase Det Noun Prep Det Adj Noun first .",
    "same here, our Noun in Place is Adv Adj .",
    "has anyone VerbEn Det Noun Prep Place since Year ?",
    "I VerbEd my Adj Noun for Money in Month .",
    "tried that, Det Noun still IVerbS Adv after Num Unit .",
    "honestly Det Adj Noun Prep Place is the way to go .",
    "any idea why Det Noun VerbS Det Adj Noun ?",
    "we had Num Adj Nouns and none of them IVerbEd .",
    "it depends on Det Noun, but usually Det Noun IVerbS Adv .",
]

PATTERNS = [
    ("{0} .", 10),
    ("Opener {0} .", 3),
    ("{0}, and {1} .", 2),
    ("{0}, but {1} .", 2),
    ("{0} because {1} .", 1),
    ("when {0}, {1} .", 1),
    ("Name SayEd that {0} .", 1),
    ("{0} !", 1),
]


def _sentences() -> list[str]:
    """All pattern x clause combinations, repeated by weight (a seeded subset for pairs)."""
    picker = random.Random(7)
    out = []
    for pattern, weight in PATTERNS:
        if "{1}" in pattern:
            pairs = list(product(CLAUSES, CLAUSES))
            chosen = picker.sample(pairs, weight * len(CLAUSES))
            out += [pattern.format(a, b) for a, b in chosen]
        else:
            out += [pattern.format(c) for c in CLAUSES] * weight
    out += QUESTIONS * 2
    return out


def _categories() -> dict[str, list[str]]:
    forms = [v.inflect(verb) for verb in v.TRANSITIVE_VERBS]
    iforms = [v.inflect(verb) for verb in v.INTRANSITIVE_VERBS]
    picker = random.Random(11)
    money = [f"${picker.randint(2, 999)}" for _ in range(800)]
    money += [f"${picker.randint(1, 99)}.{picker.randint(0, 99):02d}" for _ in range(800)]
    money += [f"€{picker.randint(1, 99)},{picker.randint(0, 999):03d}" for _ in range(400)]
    money += [f"£{picker.randint(2, 900) / 10:g} million" for _ in range(400)]
    pct = [f"{n} percent" for n in range(2, 99)] + [f"{n / 10:g}%" for n in range(5, 990, 7)]
    nums = [str(n) for n in range(2, 250)] + v.words("two three four five six seven eight nine ten twelve")
    return {
        "Det": v.words("the this that every each our their its his her my your another one the the"),
        "DetP": v.words("the these those many several most some our their few both all the the"),
        "Noun": v.GENERAL_NOUNS,
        "Nouns": [v.plural(n) for n in v.GENERAL_NOUNS],
        "ANoun": [v.with_article(n) for n in v.GENERAL_NOUNS],
        "Adj": v.ADJECTIVES,
        "AAdj": [v.with_article(a) for a in v.ADJECTIVES],
        "Adv": v.ADVERBS,
        "VerbBase": v.TRANSITIVE_VERBS,
        "VerbS": [f[0] for f in forms],
        "VerbEd": [f[1] for f in forms],
        "VerbEn": [f[2] for f in forms],
        "VerbIng": [f[3] for f in forms],
        "IVerbBase": v.INTRANSITIVE_VERBS,
        "IVerbS": [f[0] for f in iforms],
        "IVerbEd": [f[1] for f in iforms],
        "SayS": v.words("says argues claims believes notes insists reports suspects explains admits writes thinks agrees"),
        "SayEd": v.words("said argued claimed believed noted insisted reported suspected explained admitted wrote thought agreed"),
        "Prep": v.words("in on near behind beside under above across along around inside outside beyond with without for from toward past"),
        "Name": [f"{a} {b}" for a, b in product(v.FIRST_NAMES, v.SURNAMES)],
        "First": v.FIRST_NAMES,
        "Place": v.PLACES + v.TOWNS,
        "Num": nums,
        "Year": [str(y) for y in range(1870, 2025)],
        "Money": money,
        "Pct": pct,
        "Unit": v.UNITS,
        "Opener": v.OPENERS,
        "Role": v.ROLES,
        "Month": v.MONTHS,
        "Day": [str(d) for d in range(1, 29)],
    }


def _topical() -> dict[str, dict[str, list[str]]]:
    return {
        "Noun": dict(v.TOPIC_NOUNS),
        "Nouns": {t: [v.plural(n) for n in ns] for t, ns in v.TOPIC_NOUNS.items()},
        "ANoun": {t: [v.with_article(n) for n in ns] for t, ns in v.TOPIC_NOUNS.items()},
    }


ENGLISH = GrammarSpec(
    categories=_categories(),
    templates={
        "sentence": _sentences(),
        "question": QUESTIONS,
        "title": TITLES,
        "item": ITEMS,
        "chat": CHAT,
    },
    topical=_topical(),
)
