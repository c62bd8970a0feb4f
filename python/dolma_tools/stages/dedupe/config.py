"""The ``dedupe`` stage config: one section per mode, each with its own Bloom filter settings.

Every mode section is optional; a config runs the modes it names (at least one). The string form
of a mode section (`fingerprint`) names its work files and is stored beside persistent filters,
so that a filter built with other key settings is refused instead of silently mismatched.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from dolma_tools.config.models import ExecutionConfig, StrictModel, StrList

_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")
DOCUMENT_FIELDS = ("text", "id", "source", "added", "created", "metadata")
"""Top-level fields a documents key may start with (the ones `Document` keeps)."""


class BloomConfig(StrictModel):
    """A Bloom filter: its size, and optionally a file that persists it between runs."""

    fp_rate: float = Field(default=1e-6, gt=0, lt=1)
    """Target false-positive rate once ``expected_items`` keys are in."""
    expected_items: int | None = Field(default=None, ge=1)
    """Keys the filter is sized for. Default: the exact number of keys this run hashes (counted
    before the filter is built). Required with ``path``, so a filter keeps one size across runs."""
    size_bytes: int | None = Field(default=None, ge=1)
    """Fixed size instead of ``fp_rate`` (the number of hash functions is derived)."""
    seed: int = Field(default=0, ge=0)
    """Hash seed; part of the filter file's header."""
    path: str | None = None
    """A filter file (local path) to start from (an absent file is an empty filter). Its header
    and the mode's key settings must match this config, else the run stops before any work."""
    update: bool = False
    """With ``path``: save the filter with this run's keys added (after the run completes).
    Without it the file is only read, for deduping a new dataset against an old one."""
    force: bool = False
    """Build the filter even when it is larger than the memory available now."""
    layout: Literal["blocked", "standard"] = "blocked"
    """``blocked``: all of a key's bits in one 64-byte cache line, so a key costs one memory access
    instead of one per hash function (about 5x faster in-order inserts on a filter larger than the
    caches), for about a third more bits at fp 1e-6. ``standard``: bits anywhere in the filter
    (needed to reuse a filter file written with that layout)."""

    @model_validator(mode="after")
    def _consistent(self) -> BloomConfig:
        if self.path is not None and self.expected_items is None:
            raise ValueError("a persistent filter ('path') needs 'expected_items', so its size is the same every run")
        if self.update and self.path is None:
            raise ValueError("'update: true' needs 'path', the filter file to update")
        if self.size_bytes is not None and self.expected_items is None:
            raise ValueError("'size_bytes' needs 'expected_items'")
        return self


class DocumentsMode(StrictModel):
    """Exact duplicate documents by a key; every copy after the first is flagged."""

    key: str = "text"
    """Field path of the key: ``text`` (default) or e.g. ``metadata.url``."""
    normalize: bool = False
    """Compare keys lower-cased with runs of whitespace collapsed."""
    bloom: BloomConfig = Field(default_factory=BloomConfig)

    @field_validator("key")
    @classmethod
    def _known_field(cls, value: str) -> str:
        head = value.split(".", 1)[0]
        if head not in DOCUMENT_FIELDS or (head != "metadata" and "." in value) or value == "metadata":
            raise ValueError(
                f"key {value!r}: use one of text, id, source, added, created, or metadata.<path>; "
                "other top-level fields are not read (move them under metadata)"
            )
        return value


class ParagraphsMode(StrictModel):
    """Exact duplicate paragraphs; every copy after the first is flagged as a span."""

    separator: str = Field(default="\n", min_length=1)
    """What splits a text into paragraphs."""
    min_length: int = Field(default=1, ge=1)
    """Paragraphs shorter than this (code points, after stripping spaces) are never flagged."""
    min_words: int = Field(default=1, ge=1)
    """Paragraphs with fewer whitespace-separated words are never flagged."""
    normalize: bool = False
    """Compare paragraphs lower-cased with runs of whitespace collapsed."""
    bloom: BloomConfig = Field(default_factory=BloomConfig)


class NgramsMode(StrictModel):
    """BFF-style: a paragraph scores the fraction of its word n-grams seen in earlier paragraphs."""

    ngram_size: int = Field(default=13, ge=1)
    stride: int = Field(default=1, ge=1)
    """Step between n-gram starts (1: every n-gram)."""
    threshold: float = Field(default=0.8, gt=0, le=1)
    """Paragraphs whose score reaches this are flagged."""
    separator: str = Field(default="\n", min_length=1)
    min_words: int | None = Field(default=None, ge=1)
    """Paragraphs with fewer words are ignored; default ``ngram_size``."""
    normalize: bool = True
    """Words are lower-cased runs of letters and digits (punctuation ignored); else split on spaces."""
    bloom: BloomConfig = Field(default_factory=BloomConfig)


class MinhashMode(StrictModel):
    """Near-duplicate documents with MinHash + LSH over the whole corpus."""

    ngram_size: int = Field(default=5, ge=1)
    shingle: Literal["word", "char"] = "word"
    """Shingles are word n-grams or character n-grams."""
    num_perm: int = Field(default=128, ge=2, le=1024)
    threshold: float = Field(default=0.8, gt=0, lt=1)
    """Jaccard similarity sought; picks bands × rows unless both are given."""
    bands: int | None = Field(default=None, ge=1)
    rows: int | None = Field(default=None, ge=1)
    verify: bool = True
    """Keep a pair only if its signature similarity reaches ``threshold`` (drops LSH false positives)."""
    seed: int = Field(default=1, ge=0)
    normalize: bool = True
    """Lower-case and ignore punctuation before shingling."""

    @model_validator(mode="after")
    def _banding(self) -> MinhashMode:
        if (self.bands is None) != (self.rows is None):
            raise ValueError("give both 'bands' and 'rows', or neither (they are derived from 'threshold')")
        if self.bands is not None and self.rows is not None and self.bands * self.rows > self.num_perm:
            raise ValueError(f"bands × rows = {self.bands * self.rows} exceeds num_perm = {self.num_perm}; lower them or raise num_perm")
        return self


class DecontaminationMode(StrictModel):
    """Flag training text that shares word n-grams with evaluation sets."""

    eval_sets: StrList = Field(min_length=1)
    """JSONL (any compression) or Parquet files of benchmark texts."""
    text_fields: StrList = Field(default_factory=lambda: ["text"])
    """Fields of an eval record whose values are joined as its text (e.g. question, choices)."""
    ngram_size: int = Field(default=13, ge=1)
    threshold: float = Field(default=0.0, ge=0, lt=1)
    """A document is flagged when the fraction of its n-grams found in eval sets exceeds this."""
    normalize: bool = True
    """Words are lower-cased runs of letters and digits (punctuation ignored); else split on spaces."""
    bloom: BloomConfig = Field(default_factory=lambda: BloomConfig(fp_rate=1e-9))
    """The eval n-gram filter; with ``path`` it is loaded from there, or built and saved there."""


class DedupeConfig(ExecutionConfig):
    """``dolma-tools dedupe``: flag duplicate documents, paragraphs and contamination as attributes."""

    documents: StrList = Field(min_length=1)
    """Document files, folders or globs below a ``documents/`` folder; their order is the input order."""
    name: str = "dedupe"
    """Attribute run name: sidecars go to ``attributes/<name>/`` and keys start ``<name>__``."""
    work_dir: str | None = None
    """Intermediate hashes and decisions (resumable); default ``attributes/<name>/_work``."""
    keep_work: bool = False
    """Keep the work folder after a successful run (it is removed by default: ~1 KB per document)."""
    documents_mode: DocumentsMode | None = None
    """Exact duplicate documents (attribute mode name ``documents``; ``documents`` is the input list)."""
    paragraphs: ParagraphsMode | None = None
    ngrams: NgramsMode | None = None
    minhash: MinhashMode | None = None
    decontamination: DecontaminationMode | None = None

    @field_validator("name")
    @classmethod
    def _plain_name(cls, value: str) -> str:
        if not _NAME.match(value) or "__" in value:
            raise ValueError("use letters, digits, '_', '-' or '.', and no '__' (it separates key parts)")
        return value

    @model_validator(mode="after")
    def _some_mode(self) -> DedupeConfig:
        if not self.modes():
            raise ValueError("name at least one mode: documents_mode, paragraphs, ngrams, minhash or decontamination")
        return self

    def modes(self) -> dict[str, StrictModel]:
        """Enabled modes by their attribute name (``documents``, ``paragraphs`` ...), in a fixed order."""
        named = {"documents": self.documents_mode, "paragraphs": self.paragraphs, "ngrams": self.ngrams,
                 "minhash": self.minhash, "decontamination": self.decontamination}
        return {mode: section for mode, section in named.items() if section is not None}


def fingerprint(section: StrictModel, *, exclude: set[str] | None = None) -> str:
    """A short stable digest of a mode's settings (what its hashes mean)."""
    data = section.model_dump(mode="json", exclude=exclude)
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]
