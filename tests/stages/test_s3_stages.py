"""Every stage reading and writing ``s3://`` on a real S3 server (moto, `tests.conftest`).

The same tag → dedupe → mix runs once under a local folder and once under a bucket; the outputs
must be the same bytes. Paths appear inside some outputs (``provenance``, the config in the
manifests), so the bucket's URL is given the local root's length and compared after replacing
one by the other: shard sizes and the manifests' byte counts then agree exactly too.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import shutil
import tempfile
import uuid
from pathlib import Path

import pytest
from tests.stages.mix.conftest import make_text, tokenizer_path  # noqa: F401 (a fixture)

import dolma_tools as dt
from dolma_tools.errors import ConfigError
from dolma_tools.io import encode_json, write_lines
from dolma_tools.stages.mix.config import MixConfig
from dolma_tools.stages.mix.stage import work_folder


def _corpus(root: Path) -> None:
    """Two files of 60 documents with exact duplicates (every 6th) and repeated paragraphs."""
    rng = random.Random(7)
    texts: list[str] = []
    for number in range(2):
        lines = []
        for row in range(60):
            text = texts[rng.randrange(len(texts))] if texts and row % 6 == 5 else make_text(rng, rng.randint(5, 90))
            if row % 9 == 0:
                text += "\nmail me at someone@example.com now"
            texts.append(text)
            lines.append(encode_json({"id": f"web-{number}-{row}", "text": text, "source": "web"}))
        write_lines(str(root / "documents" / "web" / f"{number}.jsonl.gz"), lines)


def _pipeline(root: str, work: Path, tokenizer: str) -> list[dt.RunSummary]:
    tag = dt.tag(f"{root}/documents", "quality", ["word_count_v1", "pii_regex_v1"], workers=2)
    dedupe = dt.dedupe(f"{root}/documents", name="dedupe", documents_mode={}, paragraphs={},
                       work_dir=str(work), workers=2)
    stream = {"name": "web", "documents": [f"{root}/documents"], "attributes": ["quality", "dedupe"],
              "filter": "word_count_v1__words >= 8 and not documents__duplicate",
              "spans": [{"attribute": "pii_regex_v1__email", "replacement": "|||EMAIL|||"},
                        {"attribute": "paragraphs__duplicate", "min_score": 0.5}]}
    output = {"documents": {"path": f"{root}/mix/documents", "format": "jsonl", "max_bytes": 3000},
              "tokens": {"path": f"{root}/mix/tokens", "tokenizer": tokenizer, "eos": "<|endoftext|>",
                         "bos": "<|bos|>", "shard_tokens": 1500}}
    return [tag, dedupe, dt.mix([stream], output, workers=2, seed=3)]


@pytest.fixture
def twin_roots(bucket):
    """A local root and an ``s3://`` root of the same length, the corpus in both."""
    client, _ = bucket
    local = tempfile.mkdtemp(prefix="dt", dir="/tmp")
    name = f"b{uuid.uuid4().hex}"[: len(local) - len("s3://")]
    client.create_bucket(Bucket=name)
    _corpus(Path(local))
    for path in sorted(Path(local).rglob("*")):
        if path.is_file():
            client.put_object(Bucket=name, Key=str(path.relative_to(local)), Body=path.read_bytes())
    yield client, name, local
    shutil.rmtree(local)


def _objects(client, name: str) -> dict[str, bytes]:
    keys = [o["Key"] for page in client.get_paginator("list_objects_v2").paginate(Bucket=name)
            for o in page.get("Contents", [])]
    return {key: client.get_object(Bucket=name, Key=key)["Body"].read() for key in keys}


def _comparable(name: str, data: bytes, remote: str, local: str) -> bytes:
    """Bytes with the remote root written as the local one: metadata CSVs decompressed, JSON
    reports and manifests without what hashes or names a path (the config's sha256 and dedupe's
    ``work_dir``, which each run chose)."""
    if name.endswith(".csv.gz"):
        data = gzip.decompress(data)
    if name.endswith(".json"):
        data = json.dumps({k: v for k, v in json.loads(data).items() if k not in ("work_dir", "config_sha256")},
                          sort_keys=True).encode()
    return data.replace(remote.encode(), local.encode())


def test_tag_dedupe_mix_on_s3_write_what_they_write_locally(twin_roots, tmp_path, tokenizer_path, monkeypatch):
    client, name, local = twin_roots
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    remote = f"s3://{name}"
    assert len(remote) == len(local)
    on_disk = _pipeline(local, tmp_path / "work-local", tokenizer_path)
    on_s3 = _pipeline(remote, tmp_path / "work-s3", tokenizer_path)

    for here, there in zip(on_disk, on_s3):
        assert (here.documents, here.skipped) == (there.documents, there.skipped)
    assert on_s3[1].counts["documents"]["documents_flagged"] > 0 and on_s3[1].counts["paragraphs"]["spans_flagged"] > 0
    mix_counts = on_s3[2].counts
    assert mix_counts["filtered_out"] > 0 and mix_counts["spans_replaced"] > 0

    objects = _objects(client, name)
    files = {str(p.relative_to(local)): p.read_bytes() for p in Path(local).rglob("*") if p.is_file()}
    assert sorted(objects) == sorted(files)
    tokens = [key for key in objects if key.startswith("mix/tokens/part-") and key.endswith(".npy")]
    documents = [key for key in objects if key.startswith("mix/documents/web-")]
    assert len(tokens) >= 2 and len(documents) >= 2
    assert {key for key in objects if "/dedupe/" in key} >= {"attributes/dedupe/web/0.jsonl.gz", "attributes/dedupe/web/1.jsonl.gz"}
    for key, data in sorted(objects.items()):
        if os.path.basename(key) == "_summary.json" or key.endswith(".receipt.json"):  # timings; digests of paths
            continue
        assert _comparable(key, data, remote, local) == _comparable(key, files[key], remote, local), key
    for key in tokens:
        assert objects[key] == files[key]

    assert list((tmp_path / "tmp").iterdir()) == [], "local scratch copies of remote work files are removed"


def test_s3_mix_reruns_refuses_and_removes_stale_shards(twin_roots, tmp_path, tokenizer_path):
    client, name, _ = twin_roots
    root = f"s3://{name}"
    stream = {"name": "web", "documents": [f"{root}/documents"]}
    output = {"documents": {"path": f"{root}/mixed", "max_bytes": 2000}}
    first = dt.mix([stream], output, workers=2)
    shards = sorted(k for k in _objects(client, name) if k.startswith("mixed/web-"))
    assert len(shards) >= 3
    assert dt.mix([stream], output, workers=2).files_processed == 0

    bigger = {"documents": {"path": f"{root}/mixed", "max_bytes": 10**9}}
    with pytest.raises(ConfigError, match="another config"):
        dt.mix([stream], bigger)
    again = dt.mix([stream], bigger, overwrite=True)
    assert again.documents == first.documents
    assert sorted(k for k in _objects(client, name) if k.startswith("mixed/")) == [  # stale receipts gone too
        "mixed/.web-00000.jsonl.gz.receipt.json", "mixed/_manifest.json", "mixed/_summary.json",
        "mixed/web-00000.jsonl.gz"]


def test_s3_mix_keeps_its_work_folder_beside_its_output_unless_told(twin_roots, tmp_path):
    _, name, _ = twin_roots
    base = {"streams": [{"name": "web", "documents": [f"s3://{name}/documents"]}],
            "output": {"documents": {"path": f"s3://{name}/out"}}}
    default = MixConfig.model_validate(base)
    assert work_folder(default).startswith(f"s3://{name}/out/.mix-work-")
    chosen = MixConfig.model_validate({**base, "work_dir": str(tmp_path)})
    assert work_folder(chosen).startswith(str(tmp_path))
    assert chosen.fingerprint() == default.fingerprint()
    with pytest.raises(ConfigError, match=r"work_dir: .* local folder or s3://"):
        dt.mix(base["streams"], base["output"], work_dir="gs://elsewhere/work")
    with pytest.raises(ConfigError, match=r"output.documents.path: .* local folder or s3://"):
        dt.mix(base["streams"], {"documents": {"path": "gs://elsewhere/out"}})
