"""Ctrl-C during a real ``dolma-tools tag`` run: exit 130 with a short message, no temporary files,
workers gone, and a rerun that ends byte for byte where an uninterrupted run ends."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import dolma_tools as dt
from dolma_tools.io import write_lines

WORDS = "the of and a data model token shard river stone light paper book code web".split()


def write_corpus(root: Path, files: int = 6, documents: int = 600) -> Path:
    rng = random.Random(3)
    for number in range(files):
        write_lines(str(root / "documents" / f"part-{number}.jsonl.gz"), [
            json.dumps({"id": f"{number}-{i}", "text": "\n".join(" ".join(rng.choices(WORDS, k=30)) for _ in range(8))}
                       ).encode() + b"\n" for i in range(documents)])
    return root


def temporary_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if ".tmp-" in path.name]


def live_processes(group: int) -> list[str]:
    """Command lines of the running processes of a process group but multiprocessing's resource
    tracker (it leaves when its pipe closes), from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] not in "ZX" and command and "resource_tracker" not in command:
            found.append(command)
    return found


def outputs(root: Path) -> dict[str, bytes]:
    folder = root / "attributes" / "q"
    return {path.name: path.read_bytes() for path in sorted(folder.glob("*.jsonl.gz"))}


def tag_command(root: Path) -> list[str]:
    return [sys.executable, "-m", "dolma_tools", "tag", "--documents", str(root / "documents"),
            "-e", "q", "-t", "gopher_v1", "--workers", "2", "-q"]


@pytest.mark.parametrize("whole_group", [True, False], ids=["terminal-ctrl-c", "sigint-to-the-parent"])
def test_ctrl_c_exits_130_and_leaves_no_temporary_files(tmp_path: Path, whole_group: bool) -> None:
    reference = write_corpus(tmp_path / "reference")
    dt.tag(str(reference / "documents"), "q", ["gopher_v1"], workers=1)
    root = write_corpus(tmp_path / "run")

    # A terminal's Ctrl-C reaches every process of the foreground group: workers included.
    process = subprocess.Popen(tag_command(root), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               start_new_session=True)
    deadline = time.monotonic() + 120
    while not temporary_files(root) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    assert process.poll() is None, "the run ended before a sidecar was being written"
    if whole_group:
        os.killpg(process.pid, signal.SIGINT)
    else:
        process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)

    assert process.returncode == 130, stderr.decode()
    assert b"Traceback" not in stderr and b"interrupted" in stderr
    assert len(stderr.decode().strip().splitlines()) <= 2, stderr.decode()
    if Path("/proc/self/stat").exists():  # no worker outlived the run (allow for the last to exit)
        deadline = time.monotonic() + 10
        while live_processes(process.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert live_processes(process.pid) == []
    assert temporary_files(root) == []
    assert len(outputs(root)) < 6

    rerun = subprocess.run(tag_command(root), capture_output=True, timeout=300, check=False)
    assert rerun.returncode == 0, rerun.stderr.decode()
    assert outputs(root) == outputs(reference)
    assert temporary_files(root) == []
