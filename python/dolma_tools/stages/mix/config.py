"""The typed configuration of ``dolma-tools mix``; filters are parsed when it loads."""

from __future__ import annotations

import hashlib
import json
from typing import Any, Literal

from pydantic import ByteSize, Field, ValidationInfo, field_validator, model_validator

from dolma_tools.config.models import ExecutionConfig, FileName, StrictModel, StrList
from dolma_tools.stages.mix.filters import Filter, MissingRule



def _missing_rule(value: Any) -> Any:
    """``fail``, ``false`` (YAML ``false`` too) or a number."""
    if value is None or value is False:
        return None if value is None else "false"
    if isinstance(value, bool):
        raise ValueError("use fail, false or a number")
    if isinstance(value, (int, float)):
        return float(value)
    if value in ("fail", "false"):
        return value
    raise ValueError("use fail, false or a number")


class SpanRuleConfig(StrictModel):
    """Remove or replace the spans of one attribute whose score is in a range."""

    attribute: str
    """Attribute key (full ``run__tagger__key`` or short ``tagger__key``)."""
    min_score: float | None = None
    """Only spans scoring at least this (inclusive)."""
    max_score: float | None = None
    """Only spans scoring at most this (inclusive)."""
    replacement: str = ""
    """Text put in place of each merged region (``""`` removes it), e.g. ``|||EMAIL_ADDRESS|||``."""


class StreamConfig(StrictModel):
    """One source of the mix: document files, the attribute runs joined to them, and rules."""

    name: FileName
    """Stream name: output files are ``<name>-00000.jsonl.gz``."""
    documents: StrList = Field(min_length=1)
    """Document files, folders or globs (below a ``documents/`` folder when attributes are used)."""
    attributes: StrList = Field(default_factory=list)
    """Attribute runs (folders under ``attributes/``) joined to every document."""
    filter: str | None = None
    """Keep documents for which this expression is true (the language: ``docs/filters.md``)."""
    spans: list[SpanRuleConfig] = Field(default_factory=list)
    """Spans to remove or replace in kept documents."""
    weight: float = Field(default=1.0, gt=0)
    """Sampling weight: 0.3 keeps 30 % of documents, 2.5 repeats each twice and half a third time."""
    max_documents: int | None = Field(default=None, ge=1)
    """Cap on documents (copies included) taken from this stream, thinned uniformly."""
    max_tokens: int | None = Field(default=None, ge=1)
    """Cap on tokens (BOS/EOS included) from this stream; needs ``output.tokens``."""
    missing: MissingRule | None = None
    """Override of the top-level ``missing`` rule for this stream."""

    _check_missing = field_validator("missing", mode="before")(_missing_rule)

    @field_validator("filter")
    @classmethod
    def _parse_filter(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None:
            Filter(value, info.data.get("attributes", []))
        return value

    @field_validator("spans")
    @classmethod
    def _check_spans(cls, rules: list[SpanRuleConfig], info: ValidationInfo) -> list[SpanRuleConfig]:
        for rule in rules:
            if not info.data.get("attributes"):
                raise ValueError(f"span rule on {rule.attribute!r}, but the stream lists no attribute runs")
            if rule.min_score is not None and rule.max_score is not None and rule.min_score > rule.max_score:
                raise ValueError(f"span rule on {rule.attribute!r}: min_score > max_score")
        return rules


class DocumentsOutput(StrictModel):
    """Filtered, span-replaced, sampled documents, in shards of a target size."""

    path: str
    """Output folder; files are ``<stream>-00000.<format>``."""
    format: Literal["jsonl", "jsonl.gz", "jsonl.zst", "parquet"] = "jsonl.gz"
    max_bytes: ByteSize = Field(default=ByteSize(256 * 2**20), gt=0)
    """Target size of one shard in real output bytes (``256MiB``, ``1GB``, or a number)."""


class TokensOutput(StrictModel):
    """Globally shuffled token shards that a trainer memory-maps."""

    path: str
    """Output folder: ``part-00000.npy`` + ``part-00000.csv.gz`` per shard, and ``manifest.json``."""
    tokenizer: str
    """Path of a Hugging Face ``tokenizer.json``."""
    eos: str
    """End-of-document token (appended to every document), e.g. ``<|endoftext|>``."""
    bos: str | None = None
    """Optional token put before every document."""
    dtype: Literal["auto", "uint16", "uint32"] = "auto"
    """Token id type; ``auto``: uint16 when the vocabulary has at most 65,536 ids, else uint32."""
    shard_tokens: int = Field(default=2**30, ge=1)
    """Most tokens in one shard (shards are balanced; see ``dolma_tools.stages.mix.shards``)."""
    batch_size: int = Field(default=1024, ge=1)
    """Documents tokenized per ``encode_batch`` call."""
    encoder: Literal["auto", "huggingface"] = "auto"
    """``auto``: dolma-tools' byte-level BPE when it reproduces the tokenizer exactly (same ids,
    faster), else ``tokenizers``; ``huggingface``: always ``tokenizers``. Left out of the
    fingerprint: both write the same bytes."""


class OutputConfig(StrictModel):
    """Where the mix goes: documents, tokens or both."""

    documents: DocumentsOutput | None = None
    tokens: TokensOutput | None = None

    @model_validator(mode="after")
    def _some_output(self) -> OutputConfig:
        if self.documents is None and self.tokens is None:
            raise ValueError("give output.documents, output.tokens or both")
        return self


class MixConfig(ExecutionConfig):
    """``dolma-tools mix``: filter, edit and sample streams into documents and token shards."""

    streams: list[StreamConfig] = Field(min_length=1)
    """The sources of the mix."""
    output: OutputConfig
    """Documents and/or tokens outputs."""
    seed: int = Field(default=0, ge=0)
    """Seed of sampling and shuffling: same seed, same bytes."""
    missing: MissingRule = "fail"
    """What a missing attribute value means in filters: ``fail``, ``false`` or a number."""
    work_dir: str | None = None
    """Folder (local, shared or ``s3://``) for the first pass's intermediate files (resumable);
    default: the first output folder. Left out of the fingerprint."""

    _check_missing = field_validator("missing", mode="before")(_missing_rule)

    @model_validator(mode="after")
    def _consistent(self) -> MixConfig:
        names = [s.name for s in self.streams]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"stream names used twice: {', '.join(twice)}")
        if self.output.tokens is None:
            capped = [s.name for s in self.streams if s.max_tokens is not None]
            if capped:
                raise ValueError(f"max_tokens (streams {', '.join(capped)}) needs output.tokens, which counts the tokens")
        return self

    def missing_rule(self, stream: StreamConfig) -> MissingRule:
        return self.missing if stream.missing is None else stream.missing

    def fingerprint(self) -> str:
        """sha256 of everything that decides the output bytes (not the runtime keys, work_dir or encoder)."""
        exclude: dict[str, Any] = {**dict.fromkeys(self.RUNTIME_KEYS, True), "work_dir": True,
                                   "output": {"tokens": {"encoder"}}}
        data = self.model_dump(mode="json", exclude=exclude)
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()
