"""Every YAML file in configs/ loads and validates, so that no example rots."""

from __future__ import annotations

from pathlib import Path

import pytest

from dolma_tools.config.loading import load_config, read_yaml
from dolma_tools.pipeline import load_pipeline
from dolma_tools.stages import STAGES, stage_config_class, stage_module

CONFIGS = sorted((Path(__file__).parent.parent / "configs").glob("*.yaml"))


def test_there_are_configs() -> None:
    assert any(path.name == "quickstart.yaml" for path in CONFIGS)


@pytest.mark.parametrize("path", CONFIGS, ids=[p.name for p in CONFIGS])
def test_config_validates(path: Path) -> None:
    if "stages" in read_yaml(path):
        assert load_pipeline(path)
        return
    stage = path.name.split("-")[0]  # a single-stage example is named <stage>-<what>.yaml
    assert stage in STAGES, f"{path.name}: name single-stage examples <stage>-<what>.yaml"
    config = load_config(stage_config_class(stage), path)
    check = getattr(stage_module(stage), "check", None)
    if check is not None:
        check(config)
