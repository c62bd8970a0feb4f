"""Tagger discovery through real entry points (a .dist-info folder put on sys.path)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from dolma_tools.errors import ConfigError
from dolma_tools.taggers import Tagger
from dolma_tools.taggers import registry

PLUGIN = '''
from dolma_tools import Tagger, document_span

class Shouty(Tagger):
    name = "shouty_v1"
    description = "Fraction of upper-case letters."
    def predict(self, doc):
        letters = [c for c in doc.text if c.isalpha()]
        return {"upper": document_span(doc, sum(c.isupper() for c in letters) / max(len(letters), 1))}
'''


@pytest.fixture
def installed_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Install a plugin the way pip would leave it: a module plus dist-info with entry points."""

    def install(entry_points: str, module: str = PLUGIN) -> None:
        (tmp_path / "shouty_plugin.py").write_text(module)
        info = tmp_path / "shouty_plugin-0.1.dist-info"
        info.mkdir()
        (info / "METADATA").write_text("Metadata-Version: 2.1\nName: shouty-plugin\nVersion: 0.1\n")
        (info / "entry_points.txt").write_text(f"[dolma_tools.taggers]\n{entry_points}\n")
        monkeypatch.syspath_prepend(str(tmp_path))
        registry._entry_points.cache_clear()

    yield install
    sys.modules.pop("shouty_plugin", None)
    registry._entry_points.cache_clear()


def test_a_plugin_is_found_through_its_entry_point(installed_plugin) -> None:
    installed_plugin("shouty_v1 = shouty_plugin:Shouty")
    assert "shouty_v1" in registry.tagger_names()
    assert registry.get_tagger_class("shouty_v1").description == "Fraction of upper-case letters."


def test_a_broken_plugin_only_fails_runs_that_use_it(installed_plugin) -> None:
    installed_plugin("broken_v1 = shouty_plugin_missing:Nope")
    assert registry.get_tagger_class("char_length_v1").name == "char_length_v1"
    with pytest.raises(ConfigError, match="'broken_v1' .*failed to load"):
        registry.get_tagger_class("broken_v1")


def test_entry_point_name_must_match_the_class(installed_plugin) -> None:
    installed_plugin("loud_v1 = shouty_plugin:Shouty")
    with pytest.raises(ConfigError, match="must match"):
        registry.get_tagger_class("loud_v1")


def test_a_plugin_claiming_a_built_in_name_is_an_error_naming_both(installed_plugin) -> None:
    installed_plugin("char_length_v1 = shouty_plugin:Shouty")
    with pytest.raises(ConfigError) as caught:
        registry.tagger_names()
    assert "dolma_tools.taggers.counting:CharLengthTagger" in str(caught.value)
    assert "shouty_plugin:Shouty" in str(caught.value)


def test_a_tagger_must_implement_a_predict_method() -> None:
    with pytest.raises(TypeError, match="must implement predict"):
        type("Empty", (Tagger,), {"name": "empty_v1"})


def test_modules_register_by_import_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "my_taggers.py").write_text(PLUGIN)
    monkeypatch.syspath_prepend(str(tmp_path))
    assert registry.get_tagger_class("shouty_v1", ["my_taggers"]).__module__ == "my_taggers"
    with pytest.raises(ConfigError, match="cannot import tagger module"):
        registry.get_tagger_class("shouty_v1", ["no_such_module_here"])
