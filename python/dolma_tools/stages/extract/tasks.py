"""The per-file task of ``extract``: one WARC file in, one documents file out, atomically."""

from __future__ import annotations

import collections
import dataclasses

from dolma_tools.errors import InputError
from dolma_tools.executor.base import FileTask, Report
from dolma_tools.io import atomic_writer, encode_json
from dolma_tools.stages.extract.convert import Settings, convert, header_reason
from dolma_tools.stages.extract.html import EXTRACTORS, Extractor
from dolma_tools.stages.extract.arc import is_arc, iter_arc_records
from dolma_tools.stages.extract.records import Record, iter_records

REPORT_EVERY = 256
_worker_extractors: dict[str, Extractor] = {}


def _extractor_for_process(name: str) -> Extractor:
    """The extractor, built once per worker process (Trafilatura's set-up is not free)."""
    if name not in _worker_extractors:
        _worker_extractors[name] = EXTRACTORS[name]()
    return _worker_extractors[name]


@dataclasses.dataclass(frozen=True)
class ExtractTask(FileTask):
    """Extract the documents of one WARC/WET/ARC file.

    Counters: ``records``, ``record_type.<type>``, ``documents``, ``dropped.<reason>`` for records
    that are not documents (see `convert`), and ``skipped.<reason>`` for a damaged file under
    ``on_error: skip`` (the documents before the damage are kept).
    """

    source: str
    output: str
    extractor: str
    settings: Settings
    skip_bad_records: bool

    def run(self, report: Report) -> collections.Counter:
        extract = _extractor_for_process(self.extractor)
        counters: collections.Counter = collections.Counter()
        unreported = 0
        settings = self.settings

        def wanted(record: Record) -> bool:
            return header_reason(record, settings) is None

        reader = iter_arc_records if is_arc(self.source) else iter_records
        with atomic_writer(self.output) as out:
            try:
                for record in reader(self.source, wanted=wanted):
                    counters["records"] += 1
                    counters[f"record_type.{record.record_type}"] += 1
                    result = convert(record, self.source, self.settings, extract)
                    if isinstance(result, str):
                        counters[f"dropped.{result}"] += 1
                        continue
                    out.write(encode_json(result))
                    counters["documents"] += 1
                    unreported += 1
                    if unreported >= REPORT_EVERY:
                        report(unreported)
                        unreported = 0
            except InputError as error:
                if not self.skip_bad_records:
                    raise
                counters[f"skipped.{error.reason}"] += 1
        report(unreported)
        return counters
