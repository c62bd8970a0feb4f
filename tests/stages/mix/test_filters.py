"""The filter language: parsing errors with positions, numbers, missing values, aggregations."""

from __future__ import annotations

import pytest

from dolma_tools.documents import Document
from dolma_tools.errors import ConfigError
from dolma_tools.stages.mix.filters import Context, EvalError, Filter

RUNS = ["q", "dd"]
DOC = Document(id="d1", text="0123456789", source="web", metadata={"url": "https://en.wikipedia.org/x", "year": 2020})


def keep(expression: str, attributes: dict, missing="fail", doc: Document = DOC) -> bool:
    return Filter(expression, RUNS, missing)(Context(doc, attributes, len(doc.text)))


@pytest.mark.parametrize("expression, column", [
    ("q__t__a >= ", 11),
    ("q__t__a >= = 3", 12),
    ("count(q__t__a) > 1 and foo(q__t__a)", 24),
    ("q__t__a[0] > 1", 1),
    ("length > 'ten'", 10),
    ("__import__('os').system('x')", 1),
    ("(lambda: 1)()", 1),
    ("unknown > 3", 1),
])
def test_errors_name_the_position(expression, column):
    with pytest.raises(ConfigError, match=rf"position {column}:"):
        Filter(expression, RUNS)


def test_attribute_needs_runs():
    with pytest.raises(ConfigError, match="lists no attribute runs"):
        Filter("t__words > 3", [])


def test_int_and_float_compare_as_numbers():
    attrs = {"q__t__flag": [[0, 10, 1.0]], "q__t__n": [[0, 10, 50.0]]}
    assert keep("q__t__flag == 1", attrs)
    assert keep("t__flag == 1.0 and t__n >= 50 and t__n < 50.5", attrs)
    assert keep("1 < t__n * 2 / 4 <= 25", attrs)
    assert not keep("t__flag != 1", attrs)


def test_fields_and_metadata():
    assert keep("source == 'web' and length == 10 and id in ('d1', 'd2')", {})
    assert keep("'wikipedia' in metadata.url and metadata.year >= 2020", {})
    assert not keep("metadata.url not in ('', 'https://en.wikipedia.org/x')", {})


def test_missing_rules():
    attrs = {"q__t__n": [[0, 10, 5.0]]}
    with pytest.raises(EvalError, match="missing_attribute"):
        keep("t__absent > 1", attrs)
    assert not keep("t__absent > 1", attrs, missing="false")
    assert keep("not t__absent > 1", attrs, missing="false")  # documented: a comparison with nothing is false
    assert keep("t__absent == 7", attrs, missing=7.0)
    assert not keep("exists(t__absent)", attrs) and keep("exists(t__n)", attrs)
    with pytest.raises(EvalError, match="missing_value"):
        keep("metadata.nope == 'x'", attrs)
    assert keep("count(t__absent) == 0 and covered(t__absent) == 0", attrs, missing=3.0)
    assert keep("max(t__absent) == 3", attrs, missing=3.0)


def test_empty_span_list_is_false_in_boolean_context_and_missing_as_number():
    attrs = {"dd__bloom__duplicate": []}
    assert keep("not dd__bloom__duplicate", attrs)
    with pytest.raises(EvalError, match="missing_value"):
        keep("dd__bloom__duplicate > 0", attrs)


def test_short_form_ambiguous_between_runs():
    attrs = {"q__t__n": [[0, 10, 1.0]], "dd__t__n": [[0, 10, 1.0]]}
    with pytest.raises(EvalError, match="ambiguous"):
        keep("t__n > 0", attrs)
    assert keep("q__t__n > 0 and dd__t__n > 0", attrs)
    assert keep("attr('q__t__n') == 1", attrs)


def test_aggregations():
    spans = {"q__pii__email": [[0, 2, 1.0], [1, 4, 0.5], [8, 20, 0.0]]}
    assert keep("count(pii__email) == 3", spans)
    assert keep("sum(pii__email) == 1.5 and max(pii__email) == 1 and min(pii__email) == 0", spans)
    assert keep("covered(pii__email) == 0.6", spans)  # [0,4) and [8,10) of 10 code points
    assert keep("any(pii__email)", spans)
    assert not keep("any(pii__email)", {"q__pii__email": [[0, 3, 0.0]]})
    assert keep("pii__email == 1", spans)  # document value: the first span (none covers the text)
    assert keep("pii__email == 7", {"q__pii__email": [[2, 3, 1.0], [0, 10, 7.0]]})  # the covering span


def test_string_scores_compare_as_strings_and_refuse_arithmetic():
    # A MinHash `__survivor` key holds the survivor's id, a string (numeric-looking ids too).
    survivor = {"dd__minhash__survivor": [[0, 10, "17"]]}
    assert keep("minhash__survivor == '17'", survivor)
    assert keep("minhash__survivor in ('3', '17')", survivor)
    assert not keep("minhash__survivor == 17", survivor)  # a string never equals a number
    assert keep("minhash__survivor and any(minhash__survivor) and count(minhash__survivor) == 1", survivor)
    assert keep("covered(minhash__survivor) == 1", survivor)
    assert not keep("any(minhash__survivor)", {"dd__minhash__survivor": [[0, 10, ""]]})
    for expression in ("minhash__survivor > 1", "minhash__survivor + 1 > 0", "sum(minhash__survivor) > 0",
                       "max(minhash__survivor) > 0", "min(minhash__survivor) > 0"):
        with pytest.raises(EvalError, match="wrong_type"):
            keep(expression, survivor)
