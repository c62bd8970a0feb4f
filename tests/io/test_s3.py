"""Tagging straight from and to S3, against a real S3 server (moto) on loopback."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

import dolma_tools as dt
from dolma_tools.errors import ConfigError
from dolma_tools.io import exists, expand, iter_documents
from tests.conftest import make_doc

boto3 = pytest.importorskip("boto3")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server():
    server = shutil.which("moto_server") or str(Path(sys.executable).parent / "moto_server")
    if not os.path.exists(server):
        pytest.skip("moto_server is not installed (pip install 'moto[server]')")
    port = _free_port()
    process = subprocess.Popen([server, "-H", "127.0.0.1", "-p", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    else:
        process.kill()
        pytest.fail("moto_server did not start")
    yield endpoint
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def bucket(s3_server: str, monkeypatch: pytest.MonkeyPatch):
    """A fresh bucket; credentials and endpoint go through the environment, as users set them."""
    for key, value in {"AWS_ENDPOINT_URL_S3": s3_server, "AWS_ACCESS_KEY_ID": "testing",
                       "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch.setenv(key, value)
    client = boto3.client("s3")
    name = f"bucket-{time.monotonic_ns()}"
    client.create_bucket(Bucket=name)
    return client, name


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
