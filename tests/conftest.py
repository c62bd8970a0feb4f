"""Fixtures shared by the whole suite: small corpora written by the test itself."""

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

from dolma_tools.io import write_lines


def make_doc(doc_id: str, text: str, source: str = "web") -> bytes:
    return json.dumps({"id": doc_id, "text": text, "source": source}, ensure_ascii=False).encode() + b"\n"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """Four gzip files of 250 documents each under ``tmp_path/documents/web``, non-ASCII included."""
    for file_index in range(4):
        lines = [
            make_doc(f"{file_index}-{i}", f"Doc {i} of file {file_index}: caf\u00e9 \U0001f600 \u4e2d\u6587.\n\nSecond paragraph {i}.")
            for i in range(250)
        ]
        write_lines(str(tmp_path / "documents" / "web" / f"part-{file_index}.jsonl.gz"), lines)
    return tmp_path


def read_gz_lines(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as stream:
        return [json.loads(line) for line in stream]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def s3_server():
    """A real S3 server (moto) on a free loopback port, for the whole session."""
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
    boto3 = pytest.importorskip("boto3")
    client = boto3.client("s3")
    name = f"bucket-{time.monotonic_ns()}"
    client.create_bucket(Bucket=name)
    return client, name
