"""The extract stage: WARC/WET/ARC files to Dolma documents, one task (and one output file) per input.

Outputs go to ``<destination>/documents/<source>/<name>.jsonl.gz`` where ``<name>`` is the input's
file name without its WARC extensions, so the other stages find them where they expect documents
(below a ``documents/`` folder) and the attributes of a file sit beside it. Two inputs with one
name would write one output, so that is refused before any work.
"""

from __future__ import annotations

import datetime
import os

from dolma_tools.errors import ConfigError
from dolma_tools.io import expand
from dolma_tools.stages.base import Outcome, Phase, Stage
from dolma_tools.stages.extract.config import ExtractConfig, require_packages
from dolma_tools.stages.extract.convert import Settings
from dolma_tools.stages.extract.tasks import ExtractTask
from dolma_tools.stages.runner import PhaseRunner

WARC_SUFFIXES = (".warc", ".warc.gz", ".wet", ".wet.gz", ".arc", ".arc.gz")


def output_name(path: str) -> str:
    """``CC-MAIN-x.warc.gz`` → ``CC-MAIN-x.jsonl.gz`` (``.warc.wet.gz`` → ``.wet.jsonl.gz``,
    ``IA-x.arc.gz`` → ``IA-x.arc.jsonl.gz``, apart from the WARC that warcio converts it to)."""
    name = os.path.basename(path.rstrip("/"))
    for suffix in sorted(WARC_SUFFIXES, key=len, reverse=True):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)] + (suffix[:4] if suffix.startswith((".wet", ".arc")) else "")
            break
    return name + ".jsonl.gz"


def documents_folder(config: ExtractConfig) -> str:
    return f"{config.destination.rstrip('/')}/documents/{config.source}"


def check(config: ExtractConfig) -> None:
    """Checks that need no input files: the optional packages."""
    require_packages(config.extractor)


def plan(config: ExtractConfig) -> list[ExtractTask]:
    """One task per WARC/WET file, each with its own output; refuses two inputs with one name."""
    check(config)
    files = expand(config.warcs, suffixes=WARC_SUFFIXES, kind="WARC")
    folder = documents_folder(config)
    by_output: dict[str, str] = {}
    for path in files:
        output = f"{folder}/{output_name(path)}"
        if output in by_output:
            raise ConfigError(f"{by_output[output]} and {path} would both write {output}; rename one")
        by_output[output] = path
    settings = Settings(
        source=config.source,
        added=config.added or datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d"),
        keep_headers=tuple(config.keep_headers),
        keep_meta=tuple(config.keep_meta),
        html_types=tuple(config.html_types),
        max_payload_bytes=config.max_payload_bytes,
    )
    return [
        ExtractTask(source=path, output=output, extractor=config.extractor, settings=settings,
                    skip_bad_records=config.on_error == "skip")
        for output, path in by_output.items()
    ]


class ExtractStage(Stage[ExtractConfig]):
    """Extract every WARC file that has no complete documents file yet."""

    name = "extract"
    config_class = ExtractConfig

    def check(self) -> None:
        check(self.config)

    def run(self, phases: PhaseRunner) -> Outcome:
        settings = self.config.model_dump(mode="json", exclude={"warcs", "workers", "executor", "on_error", "overwrite"})
        result = phases.run(Phase("extract", plan(self.config), settings, rename_hint="a new destination or source"))
        return Outcome.from_counters(documents_folder(self.config), result)
