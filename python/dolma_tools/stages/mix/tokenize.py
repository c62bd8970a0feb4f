"""The tokenizer side of the mix: identity, dtype and special ids, checked at load; encoding.

The tokenizer is a local Hugging Face ``tokenizer.json`` (nothing is downloaded). Texts are
encoded without the tokenizer's own template (``add_special_tokens=False``); the mix adds BOS
(optional) and EOS (always) itself, so the boundaries are exactly those in the metadata files.

Encoding runs on the core's byte-level BPE (``dolma_tools._core.ByteLevelBpe``: same ids, several
times faster) when ``encoder: auto`` and it accepts the tokenizer and agrees with ``tokenizers``
on a self-check text; otherwise on ``tokenizers``. Vocabulary size and special ids always come
from ``tokenizers``.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal, Union

import numpy as np

from dolma_tools._core import ByteLevelBpe
from dolma_tools.errors import ConfigError, UnsupportedInputError

if TYPE_CHECKING:
    from tokenizers import Tokenizer

    from dolma_tools.stages.mix.config import TokensOutput

    Encoder = Union[Tokenizer, ByteLevelBpe]

FAST = "dolma-tools"
"""``TokenizerInfo.encoder`` when the core's encoder runs (else ``"huggingface"``)."""

# Every branch of the GPT-2 pattern, NFC, and letters and digits new in recent Unicode versions:
# a ``tokenizers`` whose behaviour moved is noticed before any work.
_SELF_CHECK = ("Hello world! It's we're they've I'm we'll he'd, 'quoted' x  y   z\t\tw \n\n\r\n "
               "naïve cafe\u0301 東京 数据 😀👩\u200d💻 ٣٤ ½ \u00a0\u3000\u2028 \u0e01\u0e31 \U000105c0 "
               "\U00011f04 \U0001ccf0 \U00010940 \x00\x1c\u0085 12345 3.14 === '' \u1100\u1161\u11a8 ")

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
    encoder: str = "huggingface"
    """Which encoder runs: ``"dolma-tools"`` (the core's) or ``"huggingface"``."""
    fallback: str | None = None
    """Why ``encoder: auto`` runs ``tokenizers`` (None when it runs the core's or was told to)."""


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


_fast: dict[str, ByteLevelBpe] = {}


def load_fast(path: str) -> ByteLevelBpe:
    """The core's encoder for ``path``, loaded once per process (`UnsupportedInputError` when it
    would not give the ids of ``tokenizers``)."""
    if path not in _fast:
        _fast[path] = ByteLevelBpe.from_file(path)
    return _fast[path]


def choose_encoder(path: str) -> tuple[str, str | None]:
    """``(encoder, why not the core's)`` for ``encoder: auto``."""
    try:
        fast = load_fast(path)
    except UnsupportedInputError as exc:
        return "huggingface", str(exc)
    tokenizer = load_tokenizer(path)
    added = "".join(token.content for token in tokenizer.get_added_tokens_decoder().values())
    for text in (_SELF_CHECK, added + _SELF_CHECK + added):
        if fast.encode(text) != tokenizer.encode(text, add_special_tokens=False).ids:
            return "huggingface", "the core's encoder disagrees with tokenizers on the self-check text"
    return FAST, None


def load_encoder(info: TokenizerInfo) -> Encoder:
    """The encoder that ``info`` names, loaded once per process."""
    return load_fast(info.path) if info.encoder == FAST else load_tokenizer(info.path)


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

    encoder, fallback = choose_encoder(config.tokenizer) if config.encoder == "auto" else ("huggingface", None)
    return TokenizerInfo(
        path=config.tokenizer,
        sha256=digest,
        vocab_size=vocab_size,
        dtype=dtype_for(vocab_size, config.dtype),
        bos_id=None if config.bos is None else special("bos", config.bos),
        eos_id=special("eos", config.eos),
        encoder=encoder,
        fallback=fallback,
    )


def encode(encoder: Encoder, texts: Sequence[str], info: TokenizerInfo) -> tuple[np.ndarray, np.ndarray]:
    """Token ids of ``texts`` concatenated (each with BOS/EOS), and each document's length."""
    if isinstance(encoder, ByteLevelBpe):
        dtype: Literal["uint16", "uint32"] = "uint16" if info.dtype == "uint16" else "uint32"
        return encoder.encode_batch(texts, bos=info.bos_id, eos=info.eos_id, dtype=dtype)
    encodings = encoder.encode_batch_fast(list(texts), add_special_tokens=False)
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
