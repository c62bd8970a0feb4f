"""``dolma-tools sample`` writes the corpus and a tokenizer that round-trips its text."""

from __future__ import annotations

import hashlib
from pathlib import Path

from click.testing import CliRunner

from dolma_tools.cli import main
from dolma_tools.io import expand, iter_documents


def test_sample_writes_corpus_and_a_working_tokenizer(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["sample", "--out", str(tmp_path / "s"), "--documents", "200"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "s" / "ground_truth.json").exists()
    lines = result.output.splitlines()  # readable lines, not a Python repr
    assert lines[0].startswith("wrote ") and " documents (" in lines[0] and f"{tmp_path / 's' / 'documents'}:" in lines[0]
    assert "Manifest(" not in result.output and "PosixPath" not in result.output
    assert lines[-1].split() == ["tokenizer:", str(tmp_path / "s" / "tokenizer.json")]
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(tmp_path / "s" / "tokenizer.json"))
    assert tokenizer.token_to_id("<|endoftext|>") is not None
    texts = [doc.text for path in expand(str(tmp_path / "s" / "documents"))[:2] for _, doc in iter_documents(path)]
    assert all(tokenizer.decode(tokenizer.encode(text).ids) == text for text in texts[:50])

    again = CliRunner().invoke(main, ["sample", "--out", str(tmp_path / "t"), "--documents", "200"])
    assert again.exit_code == 0
    digest = lambda p: hashlib.sha256(p.read_bytes()).hexdigest()  # noqa: E731
    assert digest(tmp_path / "s" / "tokenizer.json") == digest(tmp_path / "t" / "tokenizer.json")
