"""Choosing the Ray executor without Ray installed is a config error that says what to install
(run where ``import ray`` fails, as on an install without the ``ray`` extra)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

WITHOUT_RAY = "import sys; sys.modules['ray'] = None  # import ray now fails as if not installed\n"


def test_the_ray_executor_without_ray_is_a_config_error(corpus: Path) -> None:
    script = WITHOUT_RAY + (
        "import dolma_tools as dt\n"
        "from dolma_tools.errors import ConfigError\n"
        "try:\n"
        f"    dt.tag({str(corpus / 'documents')!r}, 'exp', ['word_count_v1'], executor='ray')\n"
        "except ConfigError as error:\n"
        "    print(error)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "executor" in done.stdout and "pip install 'dolma-tools[ray]'" in done.stdout
    assert not (corpus / "attributes").exists()


def test_the_command_line_says_what_to_install(corpus: Path) -> None:
    script = WITHOUT_RAY + "from dolma_tools.cli import main\nmain()\n"
    done = subprocess.run([sys.executable, "-c", script, "tag", "-d", str(corpus / "documents"), "-e", "exp",
                           "-t", "word_count_v1", "--executor", "ray"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert "pip install 'dolma-tools[ray]'" in done.stderr
