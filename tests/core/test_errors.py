"""The core's errors arrive as classes by meaning (all `CoreError`, all `ValueError`), so that callers
tell a damaged file from a parameter mismatch, an unsupported tokenizer from a bad argument."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from dolma_tools import _core, errors
from dolma_tools._core import BloomFilter, ByteLevelBpe, StringColumn

CLASSES = [errors.CorruptFileError, errors.InvalidArgumentError, errors.ParameterMismatchError, errors.ReadOnlyError,
           errors.UnsupportedInputError]


def test_every_class_is_a_core_error_and_a_value_error() -> None:
    assert issubclass(errors.CoreError, ValueError)
    for cls in CLASSES:
        assert issubclass(cls, errors.CoreError) and issubclass(cls, ValueError)
        assert getattr(_core, cls.__name__) is cls is getattr(errors, cls.__name__)
        assert cls.__module__ == "dolma_tools._core"
    assert len({*CLASSES}) == len(CLASSES) and not any(issubclass(a, b) for a in CLASSES for b in CLASSES if a is not b)


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    path = tmp_path / "f.bloom"
    f = BloomFilter(1000, 0.01, seed=3)
    f.add_many([f"k{i}" for i in range(100)])
    f.save(path)
    return path


def damaged(path: Path, how: str) -> None:
    data = bytearray(path.read_bytes())
    if how == "flipped bit byte":
        data[64 + len(data[64:]) // 2] ^= 0x10  # in the bits, past the 64-byte header
    else:
        del data[len(data) // 2:]
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("how, message", [("flipped bit byte", "checksum mismatch"), ("truncated", "truncated")])
@pytest.mark.parametrize("mmap", [False, True])
def test_a_damaged_filter_is_corrupt_not_a_mismatch(saved: Path, how: str, message: str, mmap: bool) -> None:
    damaged(saved, how)
    for parameters in ({}, {"expected_items": 1000, "fp_rate": 0.01, "seed": 3}, {"seed": 4}):
        with pytest.raises(errors.CorruptFileError, match=message) as caught:
            BloomFilter.load(saved, mmap=mmap, **parameters)
        assert not isinstance(caught.value, errors.ParameterMismatchError)
        assert str(saved) in str(caught.value)


def test_a_filter_with_other_parameters_is_a_mismatch(saved: Path) -> None:
    for parameters, message in [({"seed": 4}, "seed=3"), ({"expected_items": 5000, "fp_rate": 0.01}, "num_bits"),
                                ({"layout": "blocked"}, "layout=standard")]:
        with pytest.raises(errors.ParameterMismatchError, match=message):
            BloomFilter.load(saved, **parameters)
    with pytest.raises(FileNotFoundError):
        BloomFilter.load(saved.with_name("missing.bloom"))


def test_updating_a_mapped_filter_is_read_only(saved: Path) -> None:
    with pytest.raises(errors.ReadOnlyError, match="read-only"):
        BloomFilter.load(saved, mmap=True).add("x")


def test_bad_arguments_are_invalid_argument_errors() -> None:
    # Refused by the core, then by the binding's own checks: the same class either way.
    with pytest.raises(errors.InvalidArgumentError, match="fp_rate"):
        BloomFilter(10, 1.5)
    with pytest.raises(errors.InvalidArgumentError, match="not both"):
        BloomFilter(10, 0.1, size_bytes=8)
    with pytest.raises(errors.InvalidArgumentError, match="layout"):
        BloomFilter(10, 0.1, layout="sideways")
    with pytest.raises(errors.InvalidArgumentError, match="UTF-8"):
        StringColumn.from_arrays(np.frombuffer(b"\xff", dtype=np.uint8), np.array([0, 1]))
    with pytest.raises(errors.InvalidArgumentError, match="negative"):
        StringColumn.from_arrays(np.frombuffer(b"a", dtype=np.uint8), np.array([0, -1]))
    with pytest.raises(errors.InvalidArgumentError, match="tokenizer.json"):
        ByteLevelBpe.from_str("{not json")


def word_level_tokenizer() -> str:
    tokenizers = pytest.importorskip("tokenizers")
    tokenizer = tokenizers.Tokenizer(tokenizers.models.WordLevel({"a": 0, "[UNK]": 1}, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = tokenizers.pre_tokenizers.ByteLevel()
    return tokenizer.to_str()


def test_the_bpe_refusal_is_unsupported_input(tmp_path: Path) -> None:
    with pytest.raises(errors.UnsupportedInputError, match="model WordLevel"):
        ByteLevelBpe.from_str(word_level_tokenizer())
    path = tmp_path / "tokenizer.json"
    path.write_text(word_level_tokenizer())
    with pytest.raises(errors.UnsupportedInputError, match="model WordLevel"):
        ByteLevelBpe.from_file(path)
    path.write_bytes(b"\x00\x01 not json")
    with pytest.raises(errors.CorruptFileError, match="tokenizer.json"):
        ByteLevelBpe.from_file(path)


def test_mix_falls_back_on_an_unsupported_tokenizer_only(tmp_path: Path) -> None:
    from dolma_tools.stages.mix.tokenize import choose_encoder

    path = tmp_path / "tokenizer.json"
    path.write_text(word_level_tokenizer())
    encoder, why = choose_encoder(str(path))
    assert encoder == "huggingface" and why is not None and "model WordLevel" in why
