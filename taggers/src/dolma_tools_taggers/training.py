"""Training a fastText classifier that the classifier taggers load directly.

This is how DCLM built its quality filter (Li et al. 2024): a bigram fastText model trained on
positive (high-quality reference) and negative (random web) documents. Examples come from a
labeled JSONL (a text field and a label field) or from document globs, one label per glob set.
Text is normalised with `text.normalize_for_fasttext`, the function the taggers apply at
prediction time. The examples are shuffled with a seed and split into train and validation;
training runs on one thread with that seed, so the same inputs give the same model, and the
report gives precision, recall and F1 per label on the validation part.
"""

from __future__ import annotations

import dataclasses
import json
import os
import random
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence

from dolma_tools.errors import ConfigError
from dolma_tools.io import expand, iter_documents, iter_json

from dolma_tools_taggers.fasttext_model import label_key
from dolma_tools_taggers.text import normalize_for_fasttext

_LABEL = re.compile(r"^[^\s]+$")


@dataclasses.dataclass(frozen=True)
class Example:
    text: str
    label: str


@dataclasses.dataclass(frozen=True)
class LabelMetrics:
    precision: float
    recall: float
    f1: float
    support: int


@dataclasses.dataclass(frozen=True)
class TrainingReport:
    """What a training run produced: sizes and validation metrics per label."""

    model_path: str
    train_examples: int
    validation_examples: int
    metrics: dict[str, LabelMetrics]
    accuracy: float | None

    def format(self) -> str:
        lines = [f"model: {self.model_path}",
                 f"examples: {self.train_examples} train, {self.validation_examples} validation"]
        if self.accuracy is None:
            lines.append("no validation examples: no metrics")
            return "\n".join(lines)
        lines.append(f"{'label':<20} {'precision':>9} {'recall':>9} {'f1':>9} {'support':>8}")
        for label, m in sorted(self.metrics.items()):
            lines.append(f"{label:<20} {m.precision:>9.4f} {m.recall:>9.4f} {m.f1:>9.4f} {m.support:>8d}")
        lines.append(f"accuracy: {self.accuracy:.4f}")
        return "\n".join(lines)


def read_labeled_jsonl(path: str, text_field: str = "text", label_field: str = "label") -> list[Example]:
    """Examples from a JSONL file; a line without the fields is an error naming file and line."""
    examples = []
    for line_number, record in iter_json(path):
        if not isinstance(record, dict) or not isinstance(record.get(text_field), str) or record.get(label_field) is None:
            raise ConfigError(f"{path}:{line_number}: needs a string {text_field!r} and a {label_field!r}")
        examples.append(Example(record[text_field], str(record[label_field])))
    return examples


def read_documents(patterns: Sequence[str], label: str) -> list[Example]:
    """Every document matched by ``patterns`` (files, folders, globs), with one label."""
    return [Example(doc.text, label) for path in expand(list(patterns)) for _, doc in iter_documents(path)]


def split_examples(examples: Sequence[Example], validation_fraction: float, seed: int) -> tuple[list[Example], list[Example]]:
    """Shuffle with ``seed`` and cut off the validation part (at least one example when > 0)."""
    if not 0 <= validation_fraction < 1:
        raise ConfigError(f"validation fraction must be in [0, 1), got {validation_fraction}")
    shuffled = list(examples)
    random.Random(seed).shuffle(shuffled)
    n_valid = max(1, round(len(shuffled) * validation_fraction)) if validation_fraction > 0 else 0
    return shuffled[n_valid:], shuffled[:n_valid]


def _check_labels(examples: Iterable[Example]) -> None:
    labels = {example.label for example in examples}
    bad = sorted(label for label in labels if not _LABEL.match(label))
    if bad:
        raise ConfigError(f"labels must be non-empty and without whitespace: {bad!r}")
    if len(labels) < 2:
        raise ConfigError(f"need examples of at least two labels to train a classifier, got {sorted(labels)}")


def evaluate(model: object, examples: Sequence[Example]) -> tuple[dict[str, LabelMetrics], float | None]:
    """Per-label precision, recall and F1 of the top prediction, and accuracy."""
    if not examples:
        return {}, None
    predicted, _ = model.predict([normalize_for_fasttext(e.text) for e in examples], k=1)  # type: ignore[attr-defined]
    guesses = [label_key(p[0]) if p else "" for p in predicted]
    metrics = {}
    for label in sorted({e.label for e in examples} | set(guesses) - {""}):
        tp = sum(1 for e, g in zip(examples, guesses) if e.label == label and g == label)
        fp = sum(1 for e, g in zip(examples, guesses) if e.label != label and g == label)
        fn = sum(1 for e, g in zip(examples, guesses) if e.label == label and g != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        metrics[label] = LabelMetrics(precision, recall, f1, tp + fn)
    accuracy = sum(1 for e, g in zip(examples, guesses) if e.label == g) / len(examples)
    return metrics, accuracy


_TRAIN = """
import json, sys
import fasttext
settings, quantize, output = json.loads(sys.argv[1])
model = fasttext.train_supervised(**settings)
if quantize:
    model.quantize(input=settings["input"], retrain=True, thread=1, verbose=0)
model.save_model(output)
"""


def _train_in_fresh_process(settings: dict, quantize: bool, output: str) -> None:
    """Run fastText's trainer in a new interpreter and save the model to ``output``.

    fastText 0.9.2 has raised "Encountered NaN" on inputs and seeds that train cleanly in a new
    process, but only late in a long-lived one (a pytest session, a notebook); a fresh process
    makes training depend on its inputs alone.
    """
    result = subprocess.run([sys.executable, "-c", _TRAIN, json.dumps([settings, quantize, output])],
                            capture_output=True, text=True)
    if result.returncode != 0:
        reason = (result.stderr.strip().splitlines() or ["no message"])[-1]
        raise RuntimeError(f"fastText training failed: {reason}")


def train_classifier(
    examples: Sequence[Example],
    output: str,
    *,
    validation_fraction: float = 0.1,
    seed: int = 0,
    epoch: int = 5,
    lr: float = 0.1,
    word_ngrams: int = 2,
    dim: int = 100,
    min_count: int = 1,
    bucket: int = 2_000_000,
    quantize: bool = False,
) -> TrainingReport:
    """Train, save to ``output`` (written to a temporary name, then renamed) and evaluate.

    ``bucket`` is the number of hashed n-gram rows (fastText's default, 2M, makes a model of
    ``bucket * dim * 4`` bytes; small data needs far fewer).
    """
    import fasttext

    _check_labels(examples)
    train, validation = split_examples(examples, validation_fraction, seed)
    if not train:
        raise ConfigError("no training examples left after the validation split")
    out_dir = os.path.dirname(os.path.abspath(output))
    os.makedirs(out_dir, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".train-fasttext-") as work:
        train_file = os.path.join(work, "train.txt")
        with open(train_file, "w", encoding="utf-8") as handle:
            for example in train:
                handle.write(f"__label__{example.label} {normalize_for_fasttext(example.text)}\n")
        if quantize and len(train) < 256:
            raise ConfigError(f"quantizing needs at least 256 training examples, got {len(train)}")
        tmp_model = os.path.join(work, "model.bin")
        settings = {"input": train_file, "epoch": epoch, "lr": lr, "wordNgrams": word_ngrams, "dim": dim,
                    "minCount": min_count, "bucket": bucket, "seed": seed, "thread": 1, "verbose": 0}
        _train_in_fresh_process(settings, quantize, tmp_model)
        model = fasttext.load_model(tmp_model)
        os.replace(tmp_model, output)
    metrics, accuracy = evaluate(model, validation)
    return TrainingReport(output, len(train), len(validation), metrics, accuracy)
