"""The ``dedupe`` stage config: the input, the run name, and one optional section per mode.

The sections come from the mode registry (`dolma_tools.stages.dedupe.modes.MODES`): each mode
declares its section class and the key it goes under, so adding a mode adds its section here.
A config runs the modes it names (at least one), in registry order.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field, create_model, model_validator

from dolma_tools.config.models import ExecutionConfig, KeyPart, StrList
from dolma_tools.stages.dedupe.bloom import BloomConfig
from dolma_tools.stages.dedupe.modes import MODES, Mode
from dolma_tools.stages.dedupe.modes.decontamination import DecontaminationMode
from dolma_tools.stages.dedupe.modes.documents import DocumentsMode
from dolma_tools.stages.dedupe.modes.minhash import MinhashMode
from dolma_tools.stages.dedupe.modes.ngrams import NgramsMode
from dolma_tools.stages.dedupe.modes.paragraphs import ParagraphsMode
from dolma_tools.stages.dedupe.partitions import MAX_PARTITIONS



class DedupeSettings(ExecutionConfig):
    """What every dedupe run has besides its mode sections."""

    registered_modes: ClassVar[tuple[type[Mode], ...]] = ()
    """The modes this config class has sections for (set by `dedupe_config_class`)."""

    documents: StrList = Field(min_length=1)
    """Document files, folders or globs below a ``documents/`` folder; their order is the input order."""
    name: KeyPart = "dedupe"
    """Attribute run name: sidecars go to ``attributes/<name>/`` and keys start ``<name>__``."""
    work_dir: str | None = None
    """Intermediate hashes and decisions (resumable); default ``attributes/<name>/_work``."""
    partitions: int | None = Field(default=None, ge=1, le=MAX_PARTITIONS)
    """Key partitions the exact modes decide in, each a task with 1/P of the Bloom filter (the
    survivors are the same for any count). Default: the count of the persistent filters named
    (``bloom.path``; 1 for a new one), else 16; 1 is one filter in one task. docs/scale.md says
    how to choose."""
    keep_work: bool = False
    """Keep the work folder after a successful run (it is removed by default: ~1 KB per document)."""

    @model_validator(mode="after")
    def _some_mode(self) -> DedupeSettings:
        if not self.modes():
            raise ValueError(f"name at least one mode: {', '.join(m.config_key for m in self.registered_modes)}")
        return self

    def modes(self) -> list[Mode]:
        """The enabled modes, in registry order, bound to their sections."""
        return [mode(section) for mode in self.registered_modes
                if (section := getattr(self, mode.config_key, None)) is not None]

    def sections(self) -> dict[str, Any]:
        """Enabled mode sections by mode name (``documents``, ``paragraphs`` ...)."""
        return {mode.name: mode.settings for mode in self.modes()}


def _mode_field(mode: type[Mode]) -> Any:
    doc = (mode.section.__doc__ or "").strip()
    if mode.config_key != mode.name:
        doc += f" (attribute mode name ``{mode.name}``)"
    return (mode.section | None, Field(default=None, description=doc))


def dedupe_config_class(modes: tuple[type[Mode], ...]) -> type[DedupeSettings]:
    """The dedupe config with an optional section for each of ``modes`` (the stage's own is built
    from `MODES`; tests build one with an extra mode)."""
    config = create_model(
        "DedupeConfig",
        __base__=DedupeSettings,
        __doc__="``dolma-tools dedupe``: flag duplicate documents, paragraphs and contamination as attributes.",
        __module__=__name__,
        **{mode.config_key: _mode_field(mode) for mode in modes},
    )
    config.registered_modes = modes
    return config


DedupeConfig = dedupe_config_class(MODES)

__all__ = ["BloomConfig", "DecontaminationMode", "DedupeConfig", "DocumentsMode", "MinhashMode", "NgramsMode",
           "ParagraphsMode"]
