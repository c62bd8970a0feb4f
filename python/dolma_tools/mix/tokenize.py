"""The tokenizer side of the mix: identity, dtype and special ids, checked at load; encoding.

The tokenizer is a local Hugging Face ``tokenizer.json`` (nothing is downloaded). Texts are
encoded without the tokenizer's own template (``add_special_tokens=False``); the mix adds BOS
(optional) and EOS (always) itself, so the boundaries are exactly those in the metadata files.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from dolma_tools.errors import ConfigError

if TYPE_CHECKING:
    from tokenizers import Tokenizer

    from dolma_tools.mix.config import TokensOutput

_DTYPE_LIMITS = {"uint16": 2**16, "uint32": 2**32}


@dataclasses.dataclass(frozen=True)
class TokenizerInfo:
    """What the manifest records about the tokenizer, and what encoding needs."""

    path: str
    sha256: str
    vocab_size: int
    dtype: str
    bos_id: int | None
    eos_id: int


def dtype_for(vocab_size: int, requested: str) -> str:
    """uint16 when every id fits (vocabulary of at most 65,536), else uint32; checks a requested one."""
    if requested == "auto":
        return "uint16" if vocab_size <= _DTYPE_LIMITS["uint16"] else "uint32"
    if vocab_size > _DTYPE_LIMITS[requested]:
        raise ConfigError(f"output.tokens.dtype: {requested} holds ids below {_DTYPE_LIMITS[requested]:,}, but the "
                          f"tokenizer has {vocab_size:,} ids; use uint32 or auto")
    return requested


_loaded: dict[str, Tokenizer] = {}


def load_tokenizer(path: str) -> Tokenizer:
    """The tokenizer at ``path``, loaded once per process."""
    if path not in _loaded:
        from tokenizers import Tokenizer

        try:
            _loaded[path] = Tokenizer.from_file(path)
        except Exception as exc:  # tokenizers raises plain Exception subclasses
            raise ConfigError(f"output.tokens.tokenizer: cannot load {path!r}: {exc}") from None
    return _loaded[path]


def tokenizer_info(config: TokensOutput) -> TokenizerInfo:
    """Load and check the tokenizer of ``config`` (before any work)."""
    try:
        with open(config.tokenizer, "rb") as stream:
            digest = hashlib.sha256(stream.read()).hexdigest()
    except OSError as exc:
        raise ConfigError(f"output.tokens.tokenizer: cannot read {config.tokenizer!r}: {exc.strerror or exc}") from None
    tokenizer = load_tokenizer(config.tokenizer)
    vocab_size = tokenizer.get_vocab_size(with_added_tokens=True)

    def special(key: str, token: str) -> int:
        token_id = tokenizer.token_to_id(token)
        if token_id is None:
            raise ConfigError(f"output.tokens.{key}: {token!r} is not in the tokenizer's vocabulary")
        return token_id

    return TokenizerInfo(
        path=config.tokenizer,
        sha256=digest,
        vocab_size=vocab_size,
        dtype=dtype_for(vocab_size, config.dtype),
        bos_id=None if config.bos is None else special("bos", config.bos),
        eos_id=special("eos", config.eos),
    )


def encode(tokenizer: Tokenizer, texts: Sequence[str], info: TokenizerInfo) -> tuple[np.ndarray, np.ndarray]:
    """Token ids of ``texts`` concatenated (each with BOS/EOS), and each document's length."""
    encodings = tokenizer.encode_batch_fast(list(texts), add_special_tokens=False)
    prefix = [] if info.bos_id is None else [info.bos_id]
    flat: list[int] = []
    lengths = np.empty(len(encodings), dtype=np.int64)
    for index, encoding in enumerate(encodings):
        ids = encoding.ids
        flat += prefix
        flat += ids
        flat.append(info.eos_id)
        lengths[index] = len(ids) + len(prefix) + 1
    return np.array(flat, dtype=info.dtype), lengths
