"""Documents and their attributes as an Arrow table, for notebooks (`dolma_tools.read_documents`).

One column per document field and one per attribute key (``<set>__<tagger>__<key>``). A key whose
every value is a single span over the whole text (DESIGN.md: a document-level value) becomes a
float column; a document without it is null. Any other key keeps its spans: a list of
``{start, end, score}`` per document, offsets in code points. A key with a string score (the
survivor id of a MinHash ``__survivor`` key) has strings for values instead of floats.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from dolma_tools.documents import Document

if TYPE_CHECKING:
    import pyarrow

def _document_level(spans_by_row: list[list | None], lengths: list[int]) -> bool:
    """Whether each row holds no span, or one span that covers its whole text."""
    return all(not spans or (len(spans) == 1 and spans[0][0] == 0 and spans[0][1] == length)
               for spans, length in zip(spans_by_row, lengths))


def documents_table(rows: Sequence[tuple[Document, dict[str, list]]]) -> pyarrow.Table:
    """The documents of ``rows`` with one column per attribute key found in any row."""
    import pyarrow as pa

    table = pa.Table.from_pylist([doc.to_dict() for doc, _ in rows])
    lengths = [len(doc.text) for doc, _ in rows]
    keys = sorted({key for _, attributes in rows for key in attributes})
    for key in keys:
        values: list[Any] = [attributes.get(key) for _, attributes in rows]
        textual = any(isinstance(span[2], str) for spans in values if spans for span in spans)
        kind, score = (pa.string(), str) if textual else (pa.float64(), float)
        if _document_level(values, lengths):
            column = pa.array([score(spans[0][2]) if spans else None for spans in values], kind)
        else:
            span = pa.struct([("start", pa.int64()), ("end", pa.int64()), ("score", kind)])
            column = pa.array([None if spans is None else [{"start": s, "end": e, "score": score(v)} for s, e, v in spans]
                               for spans in values], pa.list_(span))
        table = table.append_column(key, column)
    return table
