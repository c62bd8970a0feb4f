"""Temporary files of interrupted writes: removed on failure, and by the next run when a process
was killed before it could clean up."""

from __future__ import annotations

from pathlib import Path

import pytest

import dolma_tools as dt
from dolma_tools.io import atomic_writer
from dolma_tools.io.compression import remove_debris


def names(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def test_remove_debris_deletes_only_temporary_files_of_the_given_outputs(tmp_path: Path) -> None:
    for name in ["a.jsonl.gz", ".a.jsonl.gz.tmp-0123abcd", ".a.jsonl.gz.tmp-ffff", ".b.jsonl.gz.tmp-1",
                 ".a.jsonl.gz", "x.tmp-1", ".ab.jsonl.gz.tmp-2", "_summary.json"]:
        (tmp_path / name).write_bytes(b"")
    assert remove_debris([str(tmp_path / "a.jsonl.gz"), str(tmp_path / "missing" / "c.gz")]) == 2
    assert names(tmp_path) == [".a.jsonl.gz", ".ab.jsonl.gz.tmp-2", ".b.jsonl.gz.tmp-1", "_summary.json",
                               "a.jsonl.gz", "x.tmp-1"]


@pytest.mark.parametrize("interruption", [KeyboardInterrupt, ValueError])
def test_a_failed_or_interrupted_write_leaves_nothing(tmp_path: Path, interruption: type[BaseException]) -> None:
    with pytest.raises(interruption), atomic_writer(str(tmp_path / "out.jsonl.gz")) as stream:
        stream.write(b"partial\n")
        raise interruption()
    assert names(tmp_path) == []


def test_a_rerun_removes_what_killed_attempts_left(corpus: Path) -> None:
    folder = corpus / "attributes" / "exp" / "web"
    dt.tag(str(corpus / "documents"), "exp", ["char_length_v1"], workers=1)
    complete = (folder / "part-0.jsonl.gz").read_bytes()
    (folder / "part-1.jsonl.gz").unlink()  # killed while writing part-1 (SIGKILL: no clean-up) ...
    (folder / ".part-1.jsonl.gz.tmp-5eed5eed5eed").write_bytes(b"\x1f\x8b half")
    (folder / ".part-0.jsonl.gz.tmp-0ddba11").write_bytes(b"")  # ... and an earlier --overwrite run
    summary = dt.tag(str(corpus / "documents"), "exp", ["char_length_v1"], workers=2)
    assert (summary.files_processed, summary.files_already_done) == (1, 3)
    assert [name for name in names(folder) if not name.endswith(".receipt.json")] == [
        f"part-{n}.jsonl.gz" for n in range(4)]
    assert (folder / "part-0.jsonl.gz").read_bytes() == complete
