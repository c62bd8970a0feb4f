"""The tag stage's config: documents, an experiment name and the taggers to run."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from dolma_tools.config.models import ExecutionConfig, KeyPart, StrictModel, StrList



class TaggerSpec(StrictModel):
    """A tagger with options: ``{name: ..., options: {...}, alias: ...}``."""

    name: str
    """The registered tagger name (see ``dolma-tools list``)."""
    alias: str | None = None
    """Name used in attribute keys instead of ``name`` (to run one tagger twice with other options)."""
    options: dict[str, Any] = Field(default_factory=dict)
    """Keyword arguments for the tagger's constructor."""

    @property
    def key(self) -> str:
        return self.alias or self.name


class TagConfig(ExecutionConfig):
    """``dolma-tools tag``: add attribute sidecars to documents."""

    documents: StrList = Field(min_length=1)
    """Document files, folders or globs (local or s3://); they must sit below a ``documents/`` folder."""
    experiment: KeyPart
    """Attribute run name: sidecars go to ``attributes/<experiment>/`` and keys start ``<experiment>__``."""
    taggers: list[str | TaggerSpec] = Field(min_length=1)
    """Tagger names, or mappings with name/options/alias."""
    tagger_modules: StrList = Field(default_factory=list)
    """Extra modules (import names or .py paths) whose Tagger subclasses are registered."""

    def tagger_specs(self) -> list[TaggerSpec]:
        return [TaggerSpec(name=t) if isinstance(t, str) else t for t in self.taggers]
