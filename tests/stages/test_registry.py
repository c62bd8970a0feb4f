"""Stages and executors are found by name, built-ins and plugins the same way."""

from __future__ import annotations

import importlib.metadata

import pytest

from dolma_tools import plugins
from dolma_tools.config.models import ExecutionConfig
from dolma_tools.errors import ConfigError
from dolma_tools.executor import executor_names, make_executor
from dolma_tools.executor.local import LocalExecutor
from dolma_tools.stages.base import Stage
from dolma_tools.stages.registry import get_stage, stage_names


def test_built_in_stages_are_stage_classes_with_their_config() -> None:
    assert stage_names()[:4] == ["extract", "tag", "dedupe", "mix"]
    for name in ("extract", "tag", "dedupe", "mix"):
        stage = get_stage(name)
        assert issubclass(stage, Stage) and stage.name == name
        assert issubclass(stage.config_class, ExecutionConfig)


def test_an_unknown_stage_names_the_closest() -> None:
    with pytest.raises(ConfigError, match=r"unknown stage 'dedup' \(did you mean 'dedupe'\?\)"):
        get_stage("dedup")


def test_the_executor_is_chosen_by_name_and_checked_when_the_config_loads() -> None:
    assert "local" in executor_names()
    assert isinstance(make_executor("local", 1), LocalExecutor)
    with pytest.raises(ValueError, match="unknown executor 'rey'"):
        ExecutionConfig(executor="rey")


def test_a_plugin_claiming_a_built_in_name_is_an_error_naming_both(monkeypatch: pytest.MonkeyPatch) -> None:
    clash = importlib.metadata.EntryPoint("tag", "other_pkg.stages:Tag", "test.group")
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda group: [clash] if group == "test.group" else [])
    with pytest.raises(ConfigError, match="two stages are named 'tag': a.b:Tag and other_pkg.stages:Tag"):
        plugins.registry("test.group", {"tag": "a.b:Tag"}, "stage")


def test_a_plugin_that_fails_to_import_is_a_config_error_naming_it() -> None:
    with pytest.raises(ConfigError, match=r"stage 'x' \(no_such_module_here:X\) failed to load"):
        plugins.load({"x": "no_such_module_here:X"}, "x", "stage")
