"""A small byte-level BPE tokenizer trained on the sample corpus, so the quickstart runs offline.

Real mixes use the tokenizer.json of the model being trained (given by local path); this one only
has to be a genuine HF ``tokenizers`` file that the mixer can load, hash and decode exactly.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from dolma_tools.io import atomic_writer, expand, iter_documents

END_OF_TEXT = "<|endoftext|>"
PADDING = "<|padding|>"


def _texts(documents: str) -> Iterator[str]:
    for path in expand(documents):
        for _, doc in iter_documents(path):
            yield doc.text


def train_sample_tokenizer(out_dir: str | os.PathLike, *, vocab_size: int = 4096) -> Path:
    """Train on ``out_dir/documents`` and write ``out_dir/tokenizer.json``; returns its path."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=[END_OF_TEXT, PADDING],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(_texts(str(Path(out_dir) / "documents")), trainer)
    target = Path(out_dir) / "tokenizer.json"
    with atomic_writer(str(target)) as stream:
        stream.write(tokenizer.to_str().encode())
    return target
