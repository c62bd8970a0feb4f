"""Tagging straight from and to S3, against a real S3 server (moto) on loopback (`tests.conftest`)."""

from __future__ import annotations

import gzip
import json
import os

import pytest

import dolma_tools as dt
from dolma_tools.errors import ConfigError
from dolma_tools.io import atomic_writer, exists, expand, iter_documents, list_names, remove, size
from tests.conftest import make_doc


def _put_documents(client, bucket: str, key: str, count: int) -> None:
    body = b"".join(make_doc(f"{key}-{i}", f"caf\u00e9 number {i}") for i in range(count))
    client.put_object(Bucket=bucket, Key=key, Body=gzip.compress(body, mtime=0))


def test_tag_reads_and_writes_s3(bucket) -> None:
    client, name = bucket
    for part in range(3):
        _put_documents(client, name, f"v1/documents/web/part-{part}.jsonl.gz", 50)
    client.put_object(Bucket=name, Key="v1/documents/web/README.txt", Body=b"not a document")
    files = expand(f"s3://{name}/v1/documents/web/*.jsonl.gz")
    assert files == [f"s3://{name}/v1/documents/web/part-{p}.jsonl.gz" for p in range(3)]
    assert expand(f"s3://{name}/v1/documents") == files

    summary = dt.tag(f"s3://{name}/v1/documents", "exp", ["char_length_v1"], workers=2)
    assert summary.documents == 150
    sidecar = client.get_object(Bucket=name, Key="v1/attributes/exp/web/part-1.jsonl.gz")["Body"].read()
    first = json.loads(gzip.decompress(sidecar).splitlines()[0])
    assert first == {"id": "v1/documents/web/part-1.jsonl.gz-0",
                     "attributes": {"exp__char_length_v1__length": [[0, 13, 13.0]]}}
    assert exists(f"s3://{name}/v1/attributes/exp/_summary.json")
    assert dt.tag(f"s3://{name}/v1/documents", "exp", ["char_length_v1"]).files_processed == 0


def test_s3_reads_report_bad_lines_and_missing_matches(bucket) -> None:
    client, name = bucket
    client.put_object(Bucket=name, Key="documents/bad.jsonl", Body=b'{"id": "1", "text": "ok"}\n{"id": 2}\n')
    with pytest.raises(Exception, match=r"bad\.jsonl:2: wrong_type"):
        list(iter_documents(f"s3://{name}/documents/bad.jsonl"))
    with pytest.raises(ConfigError, match="no document files match"):
        expand(f"s3://{name}/nothing/*.jsonl.gz")


def test_remove_debris_on_s3_deletes_temporary_objects_and_unfinished_uploads(bucket) -> None:
    from dolma_tools.io.compression import remove_debris

    client, name = bucket
    for key in ["out/a.jsonl.gz", "out/.a.jsonl.gz.tmp-0123", "out/.b.jsonl.gz.tmp-0123", "out/sub/.a.jsonl.gz.tmp-1"]:
        client.put_object(Bucket=name, Key=key, Body=b"x")
    killed = client.create_multipart_upload(Bucket=name, Key="out/a.jsonl.gz")["UploadId"]
    other = client.create_multipart_upload(Bucket=name, Key="out/b.jsonl.gz")["UploadId"]
    assert remove_debris([f"s3://{name}/out/a.jsonl.gz"]) == 2
    keys = sorted(item["Key"] for item in client.list_objects_v2(Bucket=name)["Contents"])
    assert keys == ["out/.b.jsonl.gz.tmp-0123", "out/a.jsonl.gz", "out/sub/.a.jsonl.gz.tmp-1"]
    uploads = client.list_multipart_uploads(Bucket=name).get("Uploads", [])
    assert [upload["UploadId"] for upload in uploads] == [other] and killed != other


def test_s3_writes_appear_only_when_complete(bucket) -> None:
    """A multipart upload in progress is invisible; an exception aborts it, leaving nothing."""
    client, name = bucket
    path = f"s3://{name}/out/big.bin"
    part = os.urandom(6 * 2**20)  # more than smart_open's 5 MiB part: a part is uploaded before the end
    with pytest.raises(RuntimeError, match="stop"):
        with atomic_writer(path, raw=True) as stream:
            stream.write(part)
            stream.write(part)
            assert client.list_multipart_uploads(Bucket=name).get("Uploads")
            assert not exists(path)
            raise RuntimeError("stop")
    assert not exists(path)
    assert not client.list_multipart_uploads(Bucket=name).get("Uploads")
    with atomic_writer(path, raw=True) as stream:
        stream.write(part)
    assert size(path) == len(part) and list_names(f"s3://{name}/out") == ["big.bin"]
    remove(path)
    assert not exists(path) and list_names(f"s3://{name}/out/") == []
