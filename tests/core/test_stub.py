"""The hand-written stub of the Rust module matches what the module really exports."""

from __future__ import annotations

import subprocess
import sys

import pytest


def test_core_stub_matches_the_extension() -> None:
    pytest.importorskip("mypy")
    done = subprocess.run([sys.executable, "-m", "mypy.stubtest", "dolma_tools._core"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
