"""The notebook API: the CLI's operations as functions that return summaries and iterators."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dolma_tools.documents import Document

if TYPE_CHECKING:
    import pandas
    import pyarrow

    from dolma_tools.stages.runner import RunSummary
    from dolma_tools.stages.check.results import CheckReport
    from dolma_tools.stages.stats.result import Stats

# Each function imports the stage it runs when called, so that ``import dolma_tools`` (and every
# worker process, which imports the package first) stays cheap.


PANDAS_MISSING = "to_pandas() needs pandas, which dolma-tools does not install by default: pip install 'dolma-tools[pandas]'"


class DocumentStream:
    """Documents from files, read lazily; iterate it, or convert it to pandas or Arrow (with the
    chosen attribute sets joined, one column per attribute key)."""

    def __init__(self, paths: str | Sequence[str], *, on_error: str = "fail", attributes: Sequence[str] = ()) -> None:
        from dolma_tools.io import SkipCounter, expand

        self.paths = expand(list(paths) if not isinstance(paths, str) else paths)
        self.skips = SkipCounter() if on_error == "skip" else None
        self.attributes = [attributes] if isinstance(attributes, str) else list(attributes)

    def __iter__(self) -> Iterator[Document]:
        for doc, _ in self.with_attributes():
            yield doc

    def with_attributes(self) -> Iterator[tuple[Document, dict[str, list]]]:
        """Each document with its attributes (``{"<set>__<tagger>__<key>": [[start, end, score], ...]}``)
        from the chosen sets' sidecars, ids checked line by line (a mismatch is an `InputError`)."""
        from dolma_tools.stages.mix.join import iter_joined

        for path in self.paths:
            for _, doc, attributes in iter_joined(path, self.attributes, self.skips):
                yield doc, attributes

    def to_arrow(self) -> pyarrow.Table:
        """One row per document: its fields, then one column per attribute key (see `dolma_tools.io.table`)."""
        from dolma_tools.io.table import documents_table

        return documents_table(list(self.with_attributes()))

    def to_pandas(self) -> pandas.DataFrame:
        try:
            import pandas  # noqa: F401  (pyarrow's conversion needs it)
        except ImportError:
            raise ModuleNotFoundError(PANDAS_MISSING, name="pandas") from None
        return self.to_arrow().to_pandas()


def read_documents(
    paths: str | Sequence[str], *, on_error: str = "fail", attributes: Sequence[str] = ()
) -> DocumentStream:
    """Documents from files, folders or globs (JSONL of any compression, or Parquet), joined with
    the attribute sets named in ``attributes`` (sidecars at ``attributes/<name>/<same path>``)."""
    return DocumentStream(paths, on_error=on_error, attributes=attributes)


def _run_stage(stage: str, options: dict[str, Any], quiet: bool) -> RunSummary:
    from dolma_tools.config.loading import validate
    from dolma_tools.stages.registry import get_stage
    from dolma_tools.stages.runner import run_stage

    stage_class = get_stage(stage)
    config = validate(stage_class.config_class, {k: v for k, v in options.items() if v is not None})
    return run_stage(stage_class(config), quiet=quiet)


def extract(warcs: str | Sequence[str], destination: str, *, quiet: bool = True, **options: Any) -> RunSummary:
    """WARC/WET files to documents under ``<destination>/documents/<source>/`` (same options as
    ``dolma-tools extract``, e.g. ``extractor="trafilatura"``; needs ``dolma-tools[warc]``)."""
    return _run_stage("extract", {"warcs": warcs, "destination": destination, **options}, quiet)


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
