"""Work folders on a real S3 server (moto, `tests.conftest`): dedupe in every mode and the mix keep
what they pass between phases under ``s3://`` and write the bytes that a local work folder gives;
a rerun skips the work files already there; what must stay on a filesystem is refused up front."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from tests.stages.dedupe.conftest import sidecar_bytes
from tests.stages.mix.conftest import files_of, mix_config, tokenizer_path, write_corpus  # noqa: F401 (a fixture)

import dolma_tools as dt
from dolma_tools.errors import ConfigError
from dolma_tools.sample.corpus import generate_sample
from dolma_tools.stages.mix import stage as mix_stage

DEDUPE_CASES = {
    "documents": {"documents_mode": {}},
    "urls": {"documents_mode": {"key": "metadata.url"}},
    "paragraphs": {"paragraphs": {}},
    "ngrams": {"ngrams": {"ngram_size": 5, "threshold": 0.5}},
    "minhash": {"minhash": {"threshold": 0.7}},
    "minhash_out_of_core": {"minhash": {"threshold": 0.7, "memory_mb": 0.02}},
    "partitioned_exact": {"documents_mode": {}, "paragraphs": {}, "ngrams": {}, "partitions": 3},
}


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("s3-work-sample")
    generate_sample(root, seed=3, num_documents=400, mean_words=80)
    return root


@pytest.fixture
def twins(sample: Path, tmp_path: Path) -> tuple[Path, Path]:
    """Two copies of the sample: one deduped with a local work folder, one with a work folder on S3."""
    local, remote = tmp_path / "local", tmp_path / "remote"
    shutil.copytree(sample, local)
    shutil.copytree(sample, remote)
    return local, remote


def _objects(client, bucket: str, prefix: str) -> dict[str, object]:
    """Keys under ``prefix`` and when each was last written."""
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    return {item["Key"]: item["LastModified"] for page in pages for item in page.get("Contents", [])}


@pytest.mark.parametrize("modes", DEDUPE_CASES.values(), ids=list(DEDUPE_CASES))
def test_dedupe_with_work_on_s3_writes_the_sidecars_of_a_local_work_folder(twins, bucket, tmp_path, modes) -> None:
    client, name = bucket
    local, remote = twins
    here = dt.dedupe(str(local / "documents"), work_dir=str(tmp_path / "work"), workers=2, **modes)
    there = dt.dedupe(str(remote / "documents"), work_dir=f"s3://{name}/work", workers=2, **modes)
    assert sidecar_bytes(remote) == sidecar_bytes(local)
    assert there.counts == here.counts
    assert any(counts.get("documents_flagged") or counts.get("spans_flagged") for counts in there.counts.values())
    assert _objects(client, name, "work/") == {}, "the work folder is removed after a successful run"


def test_a_rerun_reuses_the_work_files_on_s3(twins, bucket, tmp_path) -> None:
    client, name = bucket
    local, remote = twins
    modes = {"documents_mode": {}, "paragraphs": {}, "minhash": {"memory_mb": 0.02}}
    dt.dedupe(str(local / "documents"), work_dir=str(tmp_path / "work"), workers=2, **modes)
    options = {"work_dir": f"s3://{name}/work", "keep_work": True, "workers": 2, **modes}
    dt.dedupe(str(remote / "documents"), **options)
    written = _objects(client, name, "work/")
    assert any("/hashes/" in key for key in written) and any("/partitions/" in key for key in written)
    # As if the run had been killed while writing sidecars: two of them are missing.
    lost = sorted((remote / "attributes" / "dedupe").rglob("*.jsonl.gz"))[:2]
    for path in lost:
        path.unlink()
        (path.parent / f".{path.name}.receipt.json").unlink()
    time.sleep(1.1)  # (S3 times are to the second: a rewritten object would show)
    again = dt.dedupe(str(remote / "documents"), **options)
    assert again.files_processed == len(lost)
    assert _objects(client, name, "work/") == written, "no work file was written again"
    assert sidecar_bytes(remote) == sidecar_bytes(local)


def test_the_default_work_folder_follows_the_sidecars_to_s3(sample, bucket) -> None:
    client, name = bucket
    for path in sorted((sample / "documents").rglob("*.gz")):
        client.put_object(Bucket=name, Key=str(path.relative_to(sample)), Body=path.read_bytes())
    summary = dt.dedupe(f"s3://{name}/documents", documents_mode={}, keep_work=True, workers=2)
    assert summary.counts["documents"]["documents_flagged"] > 0
    assert any(key.startswith("attributes/dedupe/_work/") for key in _objects(client, name, "attributes/"))


def test_what_needs_a_filesystem_is_refused_with_a_remote_work_dir(sample, tmp_path) -> None:
    documents = str(sample / "documents")
    with pytest.raises(ConfigError, match=r"work_dir: s3://b/w is remote, but documents_mode.bloom.update"):
        dt.dedupe(documents, documents_mode={"bloom": {"path": str(tmp_path / "f.bloom"), "update": True,
                                                   "expected_items": 10_000}},
                  work_dir="s3://b/w")
    with pytest.raises(ConfigError, match=r"decontamination.bloom.path: .* local or shared file"):
        dt.dedupe(documents, decontamination={"eval_sets": str(sample / "eval" / "benchmark.jsonl")}, work_dir="s3://b/w")


def _mix(config: dict) -> dt.RunSummary:
    """`dt.mix` with a config dict of `tests.stages.mix.conftest.mix_config`."""
    return dt.mix(config["streams"], config["output"], **{k: v for k, v in config.items() if k not in ("streams", "output")})


@pytest.fixture
def mix_corpus(tmp_path: Path) -> Path:
    return write_corpus(tmp_path / "corpus", {"web": 120, "books": 40}, files_per_source=3)


def test_mix_with_work_on_s3_writes_the_outputs_of_a_local_work_folder(mix_corpus, bucket, tmp_path,
                                                                        tokenizer_path) -> None:
    client, name = bucket
    here = _mix(mix_config(mix_corpus, tmp_path / "local", tokenizer_path, workers=2))
    there = _mix(mix_config(mix_corpus, tmp_path / "s3", tokenizer_path, workers=2,
                                     work_dir=f"s3://{name}/work"))
    assert there.documents == here.documents and there.counts == here.counts
    local, remote = files_of(tmp_path / "local"), files_of(tmp_path / "s3")
    assert local.keys() == remote.keys() and any(name.startswith("tokens/part-") for name in local)
    for path in local:
        if "manifest" not in path:  # (the manifests name their own output folders)
            assert remote[path] == local[path], path
    assert _objects(client, name, "work/") == {}, "the work folder is removed after a successful run"


def test_a_mix_killed_after_its_first_pass_resumes_from_the_work_files_on_s3(mix_corpus, bucket, tmp_path,
                                                                              tokenizer_path, monkeypatch) -> None:
    client, name = bucket
    config = mix_config(mix_corpus, tmp_path / "s3", tokenizer_path, workers=2, work_dir=f"s3://{name}/work")
    thresholds = mix_stage._thresholds

    def killed(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(mix_stage, "_thresholds", killed)
    with pytest.raises(KeyboardInterrupt):
        _mix(config)
    assert any(key.endswith(".tokens.bin") for key in _objects(client, name, "work/"))
    monkeypatch.setattr(mix_stage, "_thresholds", thresholds)
    resumed = _mix(config)
    assert resumed.files_processed == 0, "the first pass is not run again"
    _mix(mix_config(mix_corpus, tmp_path / "local", tokenizer_path, workers=2))
    local, remote = files_of(tmp_path / "local"), files_of(tmp_path / "s3")
    assert {p: data for p, data in remote.items() if "manifest" not in p} == {
        p: data for p, data in local.items() if "manifest" not in p}
