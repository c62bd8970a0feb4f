"""Sidecar lines written in Rust from span arrays are byte for byte `encode_attributes`'s lines."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dolma_tools._core import StringColumn
from dolma_tools.io.attributes import Sidecar
from dolma_tools.documents import Span
from dolma_tools.io import encode_attributes

KEYS = ["d__documents__duplicate", "d__minhash__similarity", 'odd "key" é']


def expected_lines(ids: list[str], added: list[tuple[str, int, int, int, float]]) -> bytes:
    spans: dict[tuple[int, str], list[Span]] = {}
    for key, doc, start, end, score in added:
        spans.setdefault((doc, key), []).append(Span(start, end, score))
    return b"".join(encode_attributes(doc_id, {key: spans.get((index, key), []) for key in KEYS})
                    for index, doc_id in enumerate(ids))


def test_sparse_lines_equal_full_encoding() -> None:
    ids = ["plain", 'quote"and\\slash', "ünï 😀", "ctl\x01\n\x7f", ""]
    sidecar = Sidecar()
    sidecar.add_keys(*KEYS)
    sidecar.add_spans(KEYS[1], [1], [0], [9], [0.8333333333333334])
    sidecar.add_spans(KEYS[0], [3, 3], [0, 5], [4, 7], 1.0)
    added = [(KEYS[1], 1, 0, 9, 0.8333333333333334), (KEYS[0], 3, 0, 4, 1.0), (KEYS[0], 3, 5, 7, 1.0)]
    assert sidecar.encode(StringColumn.from_list(ids)) == expected_lines(ids, added)


def test_string_values_name_things_and_read_back(tmp_path) -> None:
    from dolma_tools.io import iter_attributes

    sidecar = Sidecar()
    sidecar.add_keys("d__minhash__survivor", "d__minhash__cluster")
    sidecar.add_spans("d__minhash__survivor", [2, 0], [0, 0], [5, 3], ["doc-1", 'q"uote'])
    sidecar.add_spans("d__minhash__cluster", [2], [0], [5], 1.0)
    ids = ["a", "b", "c"]
    encoded = sidecar.encode(StringColumn.from_list(ids))
    assert encoded == b"".join(encode_attributes(i, a) for i, a in zip(ids, [
        {"d__minhash__survivor": [Span(0, 3, 'q"uote')], "d__minhash__cluster": []},
        {"d__minhash__survivor": [], "d__minhash__cluster": []},
        {"d__minhash__survivor": [Span(0, 5, "doc-1")], "d__minhash__cluster": [Span(0, 5, 1.0)]}]))
    path = tmp_path / "sidecar.jsonl"
    path.write_bytes(encoded)
    assert [attrs["d__minhash__survivor"] for _, _, attrs in iter_attributes(str(path))] == [[(0, 3, 'q"uote')], [], [(0, 5, "doc-1")]]


scores = st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.integers(0, 2**53).map(float))


@given(ids=st.lists(st.text(st.characters(exclude_categories=("Cs",)), max_size=6), min_size=1, max_size=8),
       data=st.data())
def test_any_spans_equal_full_encoding(ids: list[str], data: st.DataObject) -> None:
    added = data.draw(st.lists(st.tuples(st.sampled_from(KEYS), st.integers(0, len(ids) - 1), st.integers(0, 10**12),
                                         st.integers(-5, 10**6), scores), max_size=20))
    sidecar = Sidecar()
    sidecar.add_keys(*KEYS)
    for start in range(0, len(added), 3):  # several calls per key, documents out of order
        for key in KEYS:
            part = [span for span in added[start:start + 3] if span[0] == key]
            if part:
                sidecar.add_spans(key, *zip(*[span[1:] for span in part]))
    assert sidecar.encode(StringColumn.from_list(ids)) == expected_lines(ids, added)
