"""Configs fail at load time, all problems at once, each naming its key."""

from __future__ import annotations

from pathlib import Path

import pytest

from dolma_tools.config import load_config, parse_overrides
from dolma_tools.errors import ConfigError
from dolma_tools.pipeline import load_pipeline, pipeline_json_schema
from dolma_tools.stages.tag.config import TagConfig


def test_overrides_parse_like_dolma_flags() -> None:
    assert parse_overrides(["--workers", "4", "--tag.on_error=skip", "--overwrite", "--x.y", "1.5"]) == {
        "workers": 4, "tag.on_error": "skip", "overwrite": True, "x.y": 1.5,
    }
    with pytest.raises(ConfigError, match="unexpected argument"):
        parse_overrides(["stray"])


def test_file_then_overrides(tmp_path: Path) -> None:
    path = tmp_path / "tag.yaml"
    path.write_text("documents: d/documents\nexperiment: e\ntaggers: [char_length_v1]\nworkers: 2\n")
    config = load_config(TagConfig, path, {"workers": 3, "taggers.1": "word_count_v1"})
    assert config.workers == 3
    assert config.taggers == ["char_length_v1", "word_count_v1"]
    assert config.documents == ["d/documents"]


def test_every_problem_is_reported_with_its_key() -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(TagConfig, None, {"documents": "x", "experimnt": "e", "taggers": [], "workers": 0,
                                      "on_error": "ignore"})
    message = str(caught.value)
    assert "unknown key 'experimnt' (did you mean 'experiment'?)" in message
    assert "missing required key 'experiment'" in message
    assert "workers: Input should be greater than or equal to 1" in message
    assert "on_error: Input should be 'fail' or 'skip'" in message
    assert "taggers: List should have at least 1 item" in message


def test_experiment_names_cannot_break_attribute_keys() -> None:
    with pytest.raises(ConfigError, match="experiment"):
        load_config(TagConfig, None, {"documents": "x", "experiment": "a__b", "taggers": ["char_length_v1"]})


def test_bad_yaml_and_missing_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read config"):
        load_config(TagConfig, tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("documents: [unclosed\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(TagConfig, bad)


def test_pipeline_errors_name_the_stage(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("stages:\n  - tag: {documents: x, experiment: e, taggers: [char_length_v1], wrkers: 2}\n")
    with pytest.raises(ConfigError, match=r"unknown key 'stages\.0\.tag\.wrkers' \(did you mean 'workers'\?\)"):
        load_pipeline(path)
    path.write_text("stages:\n  - tagg: {}\n")
    with pytest.raises(ConfigError, match="unknown stage 'tagg'"):
        load_pipeline(path)


def test_pipeline_schema_describes_stage_keys() -> None:
    schema = pipeline_json_schema()
    tag = schema["$defs"]["TagConfig"]
    assert tag["additionalProperties"] is False
    assert "experiment" in tag["required"]
    assert "Attribute run name" in tag["properties"]["experiment"]["description"]


def test_names_that_become_keys_or_file_names_are_checked() -> None:
    from pydantic import ValidationError

    from dolma_tools.stages.dedupe.config import DedupeConfig
    from dolma_tools.stages.mix.config import StreamConfig

    with pytest.raises(ValidationError, match="no '__'"):
        TagConfig(documents=["d"], experiment="a__b", taggers=["char_length_v1"])
    with pytest.raises(ValidationError, match="no '__'"):
        DedupeConfig(documents=["d"], name="x__y", documents_mode={})
    with pytest.raises(ValidationError, match="names files or folders"):
        StreamConfig(name="web/2024", documents=["d"])
    assert StreamConfig(name="web__2024", documents=["d"]).name == "web__2024"  # a file name may hold '__'
