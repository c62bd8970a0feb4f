"""Direct checks of documents and attribute sidecars: every line parses; sidecars align.

Each check reads every line of every file and fails with ``file:line: reason`` (up to
`MAX_LISTED` places per check, and the total count), so a broken build says where to look.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from dolma_tools.errors import InputError
from dolma_tools.io import decode_document_line, iter_attributes, iter_documents, iter_lines
from dolma_tools.stages.check.results import Result

MAX_LISTED = 10


def _document_problems(path: str) -> Iterator[InputError]:
    if path.endswith(".parquet"):
        try:
            for _ in iter_documents(path):
                pass
        except InputError as error:
            yield error
        return
    try:
        for number, line in iter_lines(path):
            try:
                decode_document_line(path, number, line)
            except InputError as error:
                yield error
    except InputError as error:  # a damaged archive: the rest of the file is unreadable
        yield error


def _result(name: str, problems: list[str], count: int, checked: str) -> Result:
    detail = "\n".join(problems[:MAX_LISTED]) + (f"\n... and {count - MAX_LISTED} more" if count > MAX_LISTED else "")
    return Result("check", name, "no problems", f"{count} problem(s)" if count else checked, count == 0, detail)


def documents_parse(files: list[str]) -> Result:
    """Every line of every documents file is a valid document."""
    problems = [str(error) for path in files for error in _document_problems(path)]
    return _result("documents parse", problems, len(problems), f"{len(files)} files")


def _sidecar_problem(document_path: str, sidecar_path: str) -> str | None:
    """The first way the sidecar disagrees with its documents, as ``file:line: reason``."""
    try:
        documents = iter_documents(document_path)
        lines = iter_attributes(sidecar_path)
        for doc_line, record in itertools.zip_longest(documents, lines):
            if record is None:
                return f"{sidecar_path}: sidecar_too_short: ends before document line {doc_line[0]} ({doc_line[1].id!r})"
            number, record_id, attributes = record
            if doc_line is None:
                return f"{sidecar_path}:{number}: sidecar_too_long: more lines than {document_path}"
            doc = doc_line[1]
            if record_id != doc.id:
                return f"{sidecar_path}:{number}: misaligned_sidecar: id {record_id!r} where the documents have {doc.id!r}"
            length = len(doc.text)
            for key, spans in attributes.items():
                for start, end, _ in spans:
                    if not 0 <= start <= end <= length:
                        return (f"{sidecar_path}:{number}: span_outside_text: {key} span [{start}, {end}] "
                                f"in a text of {length} characters")
    except InputError as error:
        return str(error)
    return None


def sidecars_align(pairs: list[tuple[str, str]]) -> Result:
    """Every sidecar has its documents' ids in order, as many lines, and spans inside the text."""
    problems = [p for doc, sidecar in pairs if (p := _sidecar_problem(doc, sidecar)) is not None]
    return _result("attribute sidecars align", problems, len(problems), f"{len(pairs)} sidecars")
