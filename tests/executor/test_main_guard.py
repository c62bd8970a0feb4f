"""A script that starts a run at its top level, without ``if __name__ == "__main__":``: spawned
workers import it again, so it is refused with what to change (not "a worker process died")."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

UNGUARDED = """\
import dolma_tools as dt

summary = dt.tag({documents!r}, "exp", ["char_length_v1"], workers={workers})
print("documents", summary.documents)
"""

GUARDED = """\
import dolma_tools as dt


def main():
    print("documents", dt.tag({documents!r}, "exp", ["char_length_v1"], workers=2).documents)


if __name__ == "__main__":
    main()
"""


def run_script(folder: Path, source: str) -> subprocess.CompletedProcess:
    script = folder / "my_script.py"
    script.write_text(source)
    return subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, check=False)


def test_an_unguarded_script_is_told_what_to_change(corpus: Path) -> None:
    done = run_script(corpus, UNGUARDED.format(documents=str(corpus / "documents"), workers=2))
    assert done.returncode == 1
    assert "my_script.py:3 starts a run at the top level" in done.stderr
    assert "if __name__ == \"__main__\":" in done.stderr and "workers=1" in done.stderr
    assert "worker process died" not in done.stderr
    assert not (corpus / "attributes").exists()


@pytest.mark.parametrize("source", ["guarded", "one worker"])
def test_guarded_scripts_and_one_worker_run(corpus: Path, source: str) -> None:
    documents = str(corpus / "documents")
    text = GUARDED.format(documents=documents) if source == "guarded" else UNGUARDED.format(documents=documents, workers=1)
    done = run_script(corpus, text)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "documents 1000"
