"""The mix end to end: contents, token round trip, determinism, caps, formats, input errors."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pytest
from tests.stages.mix.conftest import files_of, mix_config, read_json, write_corpus

from dolma_tools.config.loading import validate
from dolma_tools.errors import ConfigError, InputError
from dolma_tools.io import expand, iter_documents
from dolma_tools.stages.mix.config import MixConfig
from dolma_tools.stages.mix.stage import MixStage
from dolma_tools.stages.runner import run_stage
from dolma_tools.tokens import TokenDataset


def mix(data: dict) -> dict:
    return run_stage(MixStage(validate(MixConfig, data)), quiet=True).to_dict()


def output_documents(out: Path) -> list:
    return [doc for path in expand(str(out / "documents")) for _, doc in iter_documents(path)]


def test_documents_output_filters_edits_and_samples(corpus, tmp_path, tokenizer_path):
    out = tmp_path / "out"
    summary = mix(mix_config(corpus, out, tokenizer_path, workers=1))
    docs = output_documents(out)
    web = [d for d in docs if d.source == "web"]
    books = [d for d in docs if d.source == "books"]
    originals = {doc.id: doc.text for path in expand(str(corpus / "documents")) for _, doc in iter_documents(path)}
    assert web and all(len(originals[d.id].split()) >= 10 for d in web)
    assert not any("someone@example.com" in d.text for d in web)
    assert any("|||EMAIL_ADDRESS|||" in d.text for d in web)
    assert any("someone@example.com" in d.text for d in books)  # no span rule on books
    assert all(d.metadata["provenance"].split(":")[-1].isdigit() for d in docs)
    mixture = summary["counts"]["mixture"]
    assert mixture["books"]["documents"] == len(books) and mixture["web"]["documents"] == len(web)
    assert 2.2 < len(books) / 40 < 2.8  # weight 2.5
    assert summary["counts"]["filtered_out"] > 0 and summary["counts"]["sampled_out"] > 0
    manifest = read_json(out / "documents" / "_manifest.json")
    for shard in manifest["shards"]:
        assert shard["path"].startswith(("web-0000", "books-0000")) and shard["path"].endswith(".jsonl.gz")
        assert shard["bytes"] <= 4000 or len(manifest["shards"]) == 1


def test_every_document_round_trips_through_the_tokenizer(corpus, tmp_path, tokenizer_path):
    from tokenizers import Tokenizer

    out = tmp_path / "out"
    mix(mix_config(corpus, out, tokenizer_path, workers=1))
    texts = {d.id: d.text for d in output_documents(out)}
    manifest = read_json(out / "tokens" / "manifest.json")
    assert manifest["dtype"] == "uint16" and manifest["tokenizer"]["vocab_size"] <= 600
    tokenizer = Tokenizer.from_file(tokenizer_path)
    bos, eos = manifest["tokenizer"]["bos_id"], manifest["tokenizer"]["eos_id"]
    dataset = TokenDataset(out / "tokens" / "manifest.json", sequence_length=64)
    seen = 0
    for number in range(len(manifest["shards"])):
        tokens = np.memmap(dataset.paths[number], dtype="<u2", mode="r")
        spans = list(dataset.documents(number))
        assert spans[0].start == 0 and spans[-1].end == len(tokens)
        for span in spans:
            ids = tokens[span.start:span.end].tolist()
            assert ids[0] == bos and ids[-1] == eos and eos not in ids[1:-1]
            assert tokenizer.decode(ids[1:-1]) == texts[span.id]
            seen += 1
    assert seen == manifest["documents"] == len(output_documents(out))
    assert sum(s["tokens"] for s in manifest["shards"]) == manifest["tokens"]
    assert len(dataset) == sum(s["tokens"] // 64 for s in manifest["shards"])
    assert dataset[len(dataset) - 1].dtype == np.int64 and len(dataset[0]) == 64


def test_shuffle_mixes_sources_and_shards_are_balanced(corpus, tmp_path, tokenizer_path):
    out = tmp_path / "out"
    mix(mix_config(corpus, out, tokenizer_path, workers=1))
    manifest = read_json(out / "tokens" / "manifest.json")
    sizes = [s["tokens"] for s in manifest["shards"]]
    assert len(sizes) > 2 and max(sizes) - min(sizes) < 0.5 * max(sizes)
    dataset = TokenDataset(out / "tokens" / "manifest.json", 16)
    order = [d.source for d in dataset.documents(0)]
    switches = sum(a != b for a, b in zip(order, order[1:]))
    assert switches > len(order) / 5  # interleaved, not one source after the other


def test_one_and_four_workers_are_byte_identical(tmp_path, tokenizer_path):
    corpus = write_corpus(tmp_path / "corpus", {"web": 200, "books": 80}, files_per_source=4)
    mix(mix_config(corpus, tmp_path / "one", tokenizer_path, workers=1))
    config = mix_config(corpus, tmp_path / "one", tokenizer_path, workers=4)
    config["output"]["documents"]["path"] = str(tmp_path / "four" / "documents")
    config["output"]["tokens"]["path"] = str(tmp_path / "four" / "tokens")
    mix(config)
    one, four = files_of(tmp_path / "one"), files_of(tmp_path / "four")
    assert one.keys() == four.keys()
    for name in one:
        if "manifest" in name:  # the manifests name their own output folders
            assert json.loads(one[name])["summary"]["counts"] == json.loads(four[name])["summary"]["counts"]
        else:
            assert one[name] == four[name], name


def test_rerun_is_a_no_op_and_another_config_is_refused(corpus, tmp_path, tokenizer_path):
    out = tmp_path / "out"
    config = mix_config(corpus, out, tokenizer_path, workers=1)
    mix(config)
    before = files_of(out)
    again = mix(config)
    assert again["files_processed"] == 0 and files_of(out) == before
    config["seed"] = 3
    with pytest.raises(ConfigError, match="another config"):
        mix(config)
    mix({**config, "overwrite": True})
    assert files_of(out) != before and not list(out.rglob(".mix-work-*"))


def test_caps_thin_a_stream(corpus, tmp_path, tokenizer_path):
    config = mix_config(corpus, tmp_path / "out", tokenizer_path, workers=1)
    config["streams"][1]["max_documents"] = 30
    config["streams"][0]["max_tokens"] = 1500
    mixture = mix(config)["counts"]["mixture"]
    assert mixture["books"]["documents"] == 30
    assert 1200 < mixture["web"]["tokens"] <= 1500
    assert len(output_documents(tmp_path / "out")) == mixture["books"]["documents"] + mixture["web"]["documents"]


@pytest.mark.parametrize("fmt", ["parquet", "jsonl.zst"])
def test_other_document_formats(corpus, tmp_path, fmt):
    config = mix_config(corpus, tmp_path / "out", None, workers=1)
    config["output"]["documents"]["format"] = fmt
    summary = mix(config)
    files = sorted((tmp_path / "out" / "documents").glob(f"*.{fmt}"))
    assert files and files[0].name == f"books-00000.{fmt}"
    docs = output_documents(tmp_path / "out")
    assert len(docs) == sum(m["documents"] for m in summary["counts"]["mixture"].values())


def test_dtype_follows_the_vocabulary(tmp_path, corpus):
    from tokenizers import Tokenizer, models, pre_tokenizers

    vocab = {f"w{i}": i for i in range(70000)} | {"[UNK]": 70000, "<eos>": 70001}
    big = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    big.pre_tokenizer = pre_tokenizers.Whitespace()
    path = str(tmp_path / "big.json")
    big.save(path)
    config = mix_config(corpus, tmp_path / "out", path, workers=1)
    config["output"]["tokens"].update(eos="<eos>", bos=None, dtype="uint16")
    with pytest.raises(ConfigError, match="uint16 holds ids below 65,536, but the tokenizer has 70,002"):
        mix(config)
    config["output"]["tokens"]["dtype"] = "auto"
    del config["output"]["documents"]
    mix(config)
    manifest = read_json(tmp_path / "out" / "tokens" / "manifest.json")
    assert manifest["dtype"] == "uint32"
    assert (tmp_path / "out" / "tokens" / "part-00000.npy").stat().st_size == 4 * manifest["shards"][0]["tokens"]


def test_config_mistakes_fail_at_load(corpus, tmp_path, tokenizer_path):
    config = mix_config(corpus, tmp_path / "out", tokenizer_path)
    with pytest.raises(ConfigError, match="'<nope>' is not in the tokenizer"):
        mix({**config, "output": {**config["output"], "tokens": {**config["output"]["tokens"], "eos": "<nope>"}}})
    bad = mix_config(corpus, tmp_path / "out", None)
    bad["streams"][0]["filter"] = "counts__words >= "
    with pytest.raises(ConfigError, match=r"streams\.0\.filter: .*position 17: syntax error"):
        mix(bad)
    bad = mix_config(corpus, tmp_path / "out", None)
    bad["streams"][0]["max_tokens"] = 10
    with pytest.raises(ConfigError, match="needs output.tokens"):
        mix(bad)
    bad = mix_config(corpus, tmp_path / "out", None)
    bad["missing"] = "sometimes"
    with pytest.raises(ConfigError, match="missing"):
        mix(bad)


def test_attribute_id_mismatch_names_file_and_line(corpus, tmp_path):
    sidecar = corpus / "attributes" / "quality" / "books" / "1.jsonl.gz"
    lines = gzip.decompress(sidecar.read_bytes()).splitlines(keepends=True)
    lines[3] = lines[3].replace(b'"books-1-3"', b'"books-1-999"')
    sidecar.write_bytes(gzip.compress(b"".join(lines)))
    with pytest.raises(InputError, match=r"books/1\.jsonl\.gz:4: attribute_id_mismatch.*books-1-999"):
        mix(mix_config(corpus, tmp_path / "out", None, workers=1))
