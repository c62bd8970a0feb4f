"""The notebook API: the CLI's operations as functions that return summaries and iterators."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dolma_tools.documents import Document

if TYPE_CHECKING:
    import pandas
    import pyarrow

    from dolma_tools.executor import RunSummary
    from dolma_tools.stages.check.results import CheckReport
    from dolma_tools.stages.stats.result import Stats

# Each function imports the stage it runs when called, so that ``import dolma_tools`` (and every
# worker process, which imports the package first) stays cheap.


class DocumentStream:
    """Documents from files, read lazily; iterate it, or convert it to pandas or Arrow."""

    def __init__(self, paths: str | Sequence[str], *, on_error: str = "fail") -> None:
        from dolma_tools.io import SkipCounter, expand

        self.paths = expand(list(paths) if not isinstance(paths, str) else paths)
        self.skips = SkipCounter() if on_error == "skip" else None

    def __iter__(self) -> Iterator[Document]:
        from dolma_tools.io import iter_documents

        for path in self.paths:
            for _, doc in iter_documents(path, skips=self.skips):
                yield doc

    def to_arrow(self) -> pyarrow.Table:
        import pyarrow as pa

        return pa.Table.from_pylist([doc.to_dict() for doc in self])

    def to_pandas(self) -> pandas.DataFrame:
        return self.to_arrow().to_pandas()


def read_documents(paths: str | Sequence[str], *, on_error: str = "fail") -> DocumentStream:
    """Documents from files, folders or globs (JSONL of any compression, or Parquet)."""
    return DocumentStream(paths, on_error=on_error)


def _run_stage(stage: str, options: dict[str, Any], quiet: bool) -> RunSummary:
    from dolma_tools.config.loading import validate
    from dolma_tools.stages import stage_config_class, stage_module

    config = validate(stage_config_class(stage), {k: v for k, v in options.items() if v is not None})
    return stage_module(stage).run(config, quiet=quiet)


def tag(
    documents: str | Sequence[str],
    experiment: str,
    taggers: Sequence[str | dict[str, Any]],
    *,
    quiet: bool = True,
    **options: Any,
) -> RunSummary:
    """Tag documents (same options as ``dolma-tools tag``; ``workers=1`` runs in this process)."""
    return _run_stage("tag", {"documents": documents, "experiment": experiment, "taggers": list(taggers), **options}, quiet)


def dedupe(documents: str | Sequence[str], *, quiet: bool = True, **options: Any) -> RunSummary:
    """Deduplicate documents (same options as ``dolma-tools dedupe``, e.g. ``documents_mode={}``,
    ``minhash={"threshold": 0.8}``); the first copy by input order is kept."""
    return _run_stage("dedupe", {"documents": documents, **options}, quiet)


def mix(streams: Sequence[dict[str, Any]], output: dict[str, Any], *, quiet: bool = True, **options: Any) -> RunSummary:
    """Mix streams into documents and/or token shards (same keys as ``dolma-tools mix``, e.g.
    ``output={"tokens": {"path": ..., "tokenizer": ..., "eos": "<|endoftext|>"}}``)."""
    return _run_stage("mix", {"streams": list(streams), "output": output, **options}, quiet)


def run(pipeline: str | Path, *, quiet: bool = True, **overrides: Any) -> list[RunSummary]:
    """Run a YAML pipeline; overrides use dotted keys given as ``**{"stages.0.tag.workers": 2}``."""
    from dolma_tools.pipeline import run_pipeline

    return run_pipeline(pipeline, overrides, quiet=quiet)


def stats(documents: str | Sequence[str] | None = None, *, tokens: str | Sequence[str] | None = None,
          output: str = "stats", quiet: bool = True, **options: Any) -> Stats:
    """Measure documents (with the attribute sets beside them) and/or token shards; writes
    ``<output>/stats.json`` and ``report.html`` and returns the statistics (``.to_pandas()``)."""
    from dolma_tools.config.loading import validate
    from dolma_tools.stages.stats.config import StatsConfig
    from dolma_tools.stages.stats.stage import compute

    values = {"documents": documents or [], "tokens": tokens or [], "output": output, **options}
    config = validate(StatsConfig, {k: v for k, v in values.items() if v is not None})
    return compute(config, quiet=quiet)[1]


def check(gates_file: str | Path | None = None, *, quiet: bool = True, **options: Any) -> CheckReport:
    """Run ``dolma-tools check`` from a gates file and/or options (``documents=``, ``stats=``,
    ``baseline=``, ``gates=[...]``); returns the results (``.passed``, ``.failed``, ``.results``)."""
    from dolma_tools.config.loading import load_config
    from dolma_tools.stages.check.config import CheckConfig
    from dolma_tools.stages.check.stage import run_check

    config = load_config(CheckConfig, gates_file, {k: v for k, v in options.items() if v is not None})
    return run_check(config, quiet=quiet)
