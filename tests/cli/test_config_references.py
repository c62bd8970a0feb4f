"""Config validation of the attribute sets and keys a mix names, and of every pipeline stage at once.

Through click's runner, as ``dolma-tools config validate``, ``run`` and ``mix`` are called.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml
from click.testing import CliRunner
from tests.stages.mix.conftest import write_corpus

from dolma_tools.cli import main

TAGGER_WITHOUT_KEYS = '''
from dolma_tools.taggers.base import Tagger, document_span


class Mine(Tagger):
    name = "mine_v1"

    def predict(self, doc):
        return {"anything": document_span(doc, 1.0)}
'''


def _write(path: Path, data: dict) -> str:
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return str(path)


def _pipeline(root: Path, *, stream: dict, extra_stages: tuple = ()) -> dict:
    documents = str(root / "documents")
    return {"stages": [
        {"tag": {"documents": documents, "experiment": "quality", "taggers": ["word_count_v1", "gopher_v1"]}},
        *extra_stages,
        {"dedupe": {"documents": documents, "name": "dedupe", "paragraphs": {}}},
        {"mix": {"streams": [{"name": "web", "documents": [documents], **stream}],
                 "output": {"documents": {"path": str(root / "out")}}}},
    ]}


def test_validate_reports_every_stage_with_the_closest_key_and_its_stage(tmp_path: Path) -> None:
    write_corpus(tmp_path / "c", {"web": 10}, files_per_source=1)
    root = tmp_path / "c"
    stream = {"attributes": ["quality", "dedupe"],
              "filter": "gopher_v1__wordcount >= 50 and not dedupe__documents__duplicate",
              "spans": [{"attribute": "paragraph__duplicate"}]}
    bad_tag = {"tag": {"documents": str(root / "documents"), "experiment": "pii", "taggers": ["pii_regex_v2"]}}
    data = _pipeline(root, stream=stream, extra_stages=(bad_tag,))
    data["stages"][3]["mix"]["streams"].append(
        {"name": "books", "documents": [str(root / "documents")], "attributes": ["qualty"]})
    path = _write(tmp_path / "p.yaml", data)

    result = CliRunner().invoke(main, ["config", "validate", path])
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert lines[0] == "error: invalid configuration:"
    assert lines[1].startswith("stages.1.tag: unknown tagger 'pii_regex_v2'; did you mean 'pii_regex_v1'?")
    assert ("stages.3.mix.streams.0.filter: attribute 'gopher_v1__wordcount' is not a key of the attribute sets "
            "'quality' (stages.0.tag), 'dedupe' (stages.2.dedupe); did you mean 'gopher_v1__word_count' "
            "(written by stages.0.tag)?") in lines
    assert ("stages.3.mix.streams.0.filter: attribute 'dedupe__documents__duplicate' is not a key of the attribute "
            "set 'dedupe' (stages.2.dedupe); did you mean 'dedupe__paragraphs__duplicate' (written by stages.2.dedupe)?"
            ) in lines
    assert any(line.startswith("stages.3.mix.streams.0.spans.0.attribute: attribute 'paragraph__duplicate'")
               and line.endswith("did you mean 'paragraphs__duplicate' (written by stages.2.dedupe)?") for line in lines)
    assert any(line.startswith("stages.3.mix.streams.1.attributes: attribute set 'qualty': no earlier stage writes it")
               and line.endswith("(did you mean 'quality'?)") for line in lines)
    assert len(lines) == 6

    run = CliRunner().invoke(main, ["run", path])
    assert run.exit_code == 2 and run.output == result.output
    assert not (root / "attributes" / "pii").exists() and not (root / "out").exists()


def test_declared_keys_pass_and_undeclared_taggers_accept_any_key(tmp_path: Path) -> None:
    root = write_corpus(tmp_path / "c", {"web": 10}, files_per_source=1)
    shutil.rmtree(root / "attributes")  # the pipeline writes its own
    module = tmp_path / "mine.py"
    module.write_text(TAGGER_WITHOUT_KEYS)
    own = {"tag": {"documents": str(root / "documents"), "experiment": "own", "taggers": ["mine_v1"],
                   "tagger_modules": [str(module)]}}
    stream = {"attributes": ["quality", "dedupe", "own"],
              "filter": "gopher_v1__word_count >= 5 and quality__word_count_v1__words > 1 and mine_v1__anything",
              "spans": [{"attribute": "dedupe__paragraphs__duplicate"}]}
    path = _write(tmp_path / "p.yaml", _pipeline(root, stream=stream, extra_stages=(own,)))
    result = CliRunner().invoke(main, ["config", "validate", path])
    assert result.exit_code == 0, result.output
    assert "valid pipeline (tag -> tag -> dedupe -> mix)" in result.output
    run = CliRunner().invoke(main, ["run", path, "-q"])
    assert run.exit_code == 0, run.output
    assert (root / "out" / "_manifest.json").exists()


def test_a_single_mix_config_is_checked_against_the_sidecars_on_disk(tmp_path: Path) -> None:
    root = write_corpus(tmp_path / "c", {"web": 10}, files_per_source=1)
    config = {"streams": [{"name": "web", "documents": [str(root / "documents")], "attributes": ["quality"],
                           "filter": "counts__word >= 3", "spans": [{"attribute": "quality__pii__emial"}]}],
              "output": {"documents": {"path": str(tmp_path / "out")}}}
    path = _write(tmp_path / "mix.yaml", config)
    sidecar = root / "attributes" / "quality" / "web" / "0.jsonl.gz"
    expected = [
        f"streams.0.filter: attribute 'counts__word' is not a key of the attribute set 'quality' ({sidecar}); "
        f"did you mean 'counts__words' (written by {sidecar})?",
        f"streams.0.spans.0.attribute: attribute 'quality__pii__emial' is not a key of the attribute set 'quality' "
        f"({sidecar}); did you mean 'quality__pii__email' (written by {sidecar})?",
    ]
    for command in (["config", "validate", path, "--stage", "mix"], ["mix", "-c", path]):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 2
        assert result.output.splitlines()[1:] == expected
    assert not (tmp_path / "out").exists()

    config["streams"][0]["attributes"] = ["qualityy"]
    config["streams"][0].pop("filter")
    config["streams"][0].pop("spans")
    result = CliRunner().invoke(main, ["config", "validate", _write(tmp_path / "mix.yaml", config), "--stage", "mix"])
    assert result.exit_code == 2 and "attribute set 'qualityy'" in result.output
    assert "(did you mean 'quality'?)" in result.output
