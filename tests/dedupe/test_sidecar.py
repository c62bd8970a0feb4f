"""Sparse sidecar lines are byte for byte the lines `encode_attributes` writes."""

from __future__ import annotations

from dolma_tools.dedupe.sidecar import Sidecar
from dolma_tools.documents import Span
from dolma_tools.io import encode_attributes


def test_sparse_lines_equal_full_encoding() -> None:
    ids = ["plain", 'quote"and\\slash', "ünï 😀", "ctl\x01\n", ""]
    sidecar = Sidecar()
    sidecar.add_keys("d__documents__duplicate")
    sidecar.add_keys("d__minhash__duplicate", "d__minhash__similarity")
    sidecar.add_spans("d__minhash__similarity", [1], [0], [9], [0.8333333333333334])
    sidecar.add_spans("d__documents__duplicate", [3, 3], [0, 5], [4, 7], [1.0, 1.0])
    spans = {(1, "d__minhash__similarity"): [Span(0, 9, 0.8333333333333334)],
             (3, "d__documents__duplicate"): [Span(0, 4, 1.0), Span(5, 7, 1.0)]}
    expected = b"".join(
        encode_attributes(doc_id, {key: spans.get((index, key), []) for key in sidecar.keys})
        for index, doc_id in enumerate(ids)
    )
    assert sidecar.encode(ids) == expected
    assert expected.count(b"\n") == len(ids)
