"""Span removal with non-ASCII text; weights and caps."""

from __future__ import annotations

import numpy as np
import pytest

from dolma_tools.stages.mix.filters import EvalError, resolve_attribute
from dolma_tools.stages.mix.sampling import cap_threshold, copies, stream_seed, unit
from dolma_tools.stages.mix.spans import SpanRule, apply_rules, merge


def rule(key: str, replacement: str = "", low: float | None = None, high: float | None = None) -> SpanRule:
    return SpanRule(resolve_attribute(key, ["r"]), low, high, replacement)


def test_code_point_offsets_with_emoji_cjk_and_combining_marks():
    text = "a😀b東京c e\u0301 d👩‍👩‍👧 z"
    email_at = text.index("東")
    attrs = {"r__t__pii": [[email_at, email_at + 2, 1.0]], "r__t__drop": [[1, 2, 1.0], [text.index("e"), text.index("e") + 2, 1.0]]}
    out, regions = apply_rules(text, attrs, [rule("t__pii", "|||X|||"), rule("t__drop")])
    assert out == "ab|||X|||c  d👩‍👩‍👧 z"
    assert regions == 3
    family = text.index("👩")
    out, _ = apply_rules(text, {"r__t__pii": [[family, family + 5, 1.0]]}, [rule("t__pii", "[F]")])
    assert out.endswith("d[F] z")


def test_overlapping_spans_merge_and_first_rule_wins():
    assert merge([(5, 9, 1), (0, 3, 0), (2, 6, 1), (9, 12, 0), (20, 30, 0)], 25) == [(0, 9, 0), (9, 12, 0), (20, 25, 0)]
    text = "0123456789"
    attrs = {"r__t__a": [[2, 5, 1.0]], "r__t__b": [[4, 8, 1.0]]}
    assert apply_rules(text, attrs, [rule("t__a", "<A>"), rule("t__b", "<B>")])[0] == "01<A>89"


def test_score_range_selects_spans():
    attrs = {"r__t__dup": [[0, 2, 0.2], [3, 5, 0.9], [6, 8, 1.0]]}
    assert apply_rules("aa bb cc!", attrs, [rule("t__dup", "", 0.5, 0.95)])[0] == "aa  cc!"


def test_score_range_on_string_scores_is_an_error():
    attrs = {"r__minhash__survivor": [[0, 9, "12"]]}  # a survivor id, numeric-looking
    assert apply_rules("aa bb cc!", attrs, [rule("minhash__survivor", "[dup]")])[0] == "[dup]"
    with pytest.raises(EvalError, match="wrong_type: 'minhash__survivor' has string scores"):
        apply_rules("aa bb cc!", attrs, [rule("minhash__survivor", "", 0.5)])


@pytest.mark.parametrize("weight", [0.3, 1.0, 2.5])
def test_weights_give_the_expected_share(weight):
    seed = stream_seed(7, "web")
    total = sum(copies(unit(f"doc-{i}", seed), weight) for i in range(20000))
    assert abs(total / 20000 - weight) < 0.02


def test_sampling_is_stable_and_seeded():
    a = [copies(unit(f"d{i}", stream_seed(1, "s")), 0.5) for i in range(1000)]
    assert a == [copies(unit(f"d{i}", stream_seed(1, "s")), 0.5) for i in range(1000)]
    assert a != [copies(unit(f"d{i}", stream_seed(2, "s")), 0.5) for i in range(1000)]


def test_cap_threshold_keeps_lowest_priorities():
    priorities = np.array([0.5, 0.1, 1.1, 0.3, 1.2])
    sizes = np.array([10, 10, 10, 10, 10])
    limit = cap_threshold(priorities, sizes, 30)
    assert sorted(priorities[priorities < limit]) == [0.1, 0.3, 0.5]
    assert cap_threshold(priorities, sizes, 1000) == float("inf")
