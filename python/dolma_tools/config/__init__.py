"""Typed, validated configuration: YAML files plus dotted overrides from the command line."""

from dolma_tools.config.loading import load_config, parse_overrides, validate
from dolma_tools.config.models import ExecutionConfig, StrictModel, StrList

__all__ = ["ExecutionConfig", "StrList", "StrictModel", "load_config", "parse_overrides", "validate"]
