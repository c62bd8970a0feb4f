"""The Rust reader of token-shard offsets (`metadata_offsets`) against Python's csv module, on
rows written the way ``mix`` writes them (`csv_field`) with text fields full of commas, quotes,
newlines and carriage returns."""

from __future__ import annotations

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from dolma_tools._core import metadata_offsets
from dolma_tools.tokens import csv_field

_FIELD = st.text(st.sampled_from(list('ab,"\n\r é𝄞 ')), max_size=12)
_ROW = st.tuples(st.integers(0, 2**40), st.integers(0, 2**40), _FIELD, _FIELD, _FIELD)


@settings(max_examples=300, deadline=None)
@given(st.lists(_ROW, max_size=8), st.booleans())
def test_offsets_match_the_csv_module(rows: list[tuple], crlf: bool) -> None:
    end = "\r\n" if crlf else "\n"
    text = "".join(",".join([str(a), str(b), *map(csv_field, fields)]) + end for a, b, *fields in rows)
    start, stop, bad = metadata_offsets(text.encode())
    expected = [(int(r[0]), int(r[1])) for r in csv.reader(io.StringIO(text, newline=""))]
    assert bad is None
    assert list(zip(start.tolist(), stop.tolist())) == expected


def test_a_malformed_row_is_named() -> None:
    assert metadata_offsets(b"0,1,a,b,c\n\n1,2,a,b\n")[2] == (2, "4 fields, expected 5")
    assert metadata_offsets(b'0,1,"a,b,c\n')[2] == (1, "a quoted field is not closed")
    start, stop, bad = metadata_offsets(b"")
    assert (len(start), len(stop), bad) == (0, 0, None)
