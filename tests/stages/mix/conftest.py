"""Fixtures: a small two-source corpus with attribute sidecars, and a BPE tokenizer trained here."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from dolma_tools.io import encode_json, write_lines

WORDS = ("data model token shard mix filter quality web code paper book river stone light "
         "über café naïve 東京 数据 😀 ünïcödé e\u0301").split()


def make_text(rng: random.Random, words: int) -> str:
    paragraphs = []
    while words > 0:
        size = min(words, rng.randint(5, 40))
        paragraphs.append(" ".join(rng.choice(WORDS) for _ in range(size)) + ".")
        words -= size
    return "\n".join(paragraphs)


def write_corpus(root: Path, sources: dict[str, int], files_per_source: int = 2, seed: int = 0) -> Path:
    """``root/documents/<source>/<n>.jsonl.gz`` and ``root/attributes/quality/...`` with words, pii, dup."""
    rng = random.Random(seed)
    for source, count in sources.items():
        for number in range(files_per_source):
            docs, attrs = [], []
            for row in range(count // files_per_source):
                doc_id = f"{source}-{number}-{row}"
                text = make_text(rng, rng.randint(3, 120))
                if row % 7 == 0:
                    text += " mail me at someone@example.com now"
                at = text.find("someone@")
                pii = [[at, at + len("someone@example.com"), 1.0]] if at >= 0 else []
                first_line = text.split("\n")[0]
                docs.append(encode_json({"id": doc_id, "text": text, "source": source,
                                         "metadata": {"url": f"https://{source}.example/{row}"}}))
                attrs.append(encode_json({"id": doc_id, "attributes": {
                    "quality__counts__words": [[0, len(text), float(len(text.split()))]],
                    "quality__pii__email": pii,
                    "quality__dedupe__paragraph": [[0, len(first_line), 1.0]] if row % 5 == 0 else [],
                }}))
            write_lines(str(root / "documents" / source / f"{number}.jsonl.gz"), docs)
            write_lines(str(root / "attributes" / "quality" / source / f"{number}.jsonl.gz"), attrs)
    return root


@pytest.fixture(scope="session")
def tokenizer_path(tmp_path_factory) -> str:
    """A byte-level BPE with <|endoftext|> and <|bos|>, trained on the fixture vocabulary."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=600, special_tokens=["<|endoftext|>", "<|bos|>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    rng = random.Random(1)
    tokenizer.train_from_iterator([make_text(rng, 50) for _ in range(300)], trainer)
    path = tmp_path_factory.mktemp("tok") / "tokenizer.json"
    tokenizer.save(str(path))
    return str(path)


@pytest.fixture
def corpus(tmp_path) -> Path:
    return write_corpus(tmp_path / "corpus", {"web": 120, "books": 40})


def mix_config(corpus: Path, out: Path, tokenizer: str | None, **extra) -> dict:
    """A two-stream config with every feature switched on."""
    streams = [
        {"name": "web", "documents": [str(corpus / "documents" / "web")], "attributes": ["quality"],
         "filter": "counts__words >= 10", "weight": 0.7,
         "spans": [{"attribute": "pii__email", "replacement": "|||EMAIL_ADDRESS|||"},
                   {"attribute": "dedupe__paragraph", "min_score": 0.5}]},
        {"name": "books", "documents": [str(corpus / "documents" / "books")], "attributes": ["quality"],
         "weight": 2.5},
    ]
    output: dict = {"documents": {"path": str(out / "documents"), "max_bytes": 4000}}
    if tokenizer is not None:
        output["tokens"] = {"path": str(out / "tokens"), "tokenizer": tokenizer, "eos": "<|endoftext|>",
                            "bos": "<|bos|>", "shard_tokens": 3000}
    return {"streams": streams, "output": output, **extra}


def files_of(folder: Path) -> dict[str, bytes]:
    """Every output file's bytes by relative path, but the run summary (it holds timings)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != "_summary.json"}


def read_json(path: Path) -> dict:
    return json.loads(path.read_text())
