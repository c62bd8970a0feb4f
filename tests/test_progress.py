"""Progress output: plain lines when not on a terminal, nothing when quiet."""

from __future__ import annotations

import io

from dolma_tools.executor.progress import Progress


def test_plain_lines_when_not_a_terminal() -> None:
    stream = io.StringIO()
    progress = Progress("tag", total_files=2, stream=stream)
    progress.add_documents(10)
    progress.add_file()
    progress.add_documents(5)
    progress.add_file()
    progress.close()
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("tag: files 0/2, documents 10")
    assert lines[-1].startswith("tag: files 2/2, documents 15")
    assert "\r" not in stream.getvalue()


def test_quiet_prints_nothing() -> None:
    stream = io.StringIO()
    progress = Progress("tag", total_files=1, quiet=True, stream=stream)
    progress.add_documents(3)
    progress.add_file()
    progress.close()
    assert stream.getvalue() == ""
