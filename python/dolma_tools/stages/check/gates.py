"""Judging gates against `Stats`: bounds, per-source bounds, and drift against a baseline."""

from __future__ import annotations

import math
import operator

from dolma_tools.errors import ConfigError
from dolma_tools.stages.check.config import Gate
from dolma_tools.stages.check.results import Result
from dolma_tools.stages.stats.result import Stats

_OPERATORS = {"<": operator.lt, "<=": operator.le, "==": operator.eq, "!=": operator.ne, ">=": operator.ge, ">": operator.gt}


def _value(stats: Stats, gate: Gate, index: int, source: str | None, what: str) -> float:
    try:
        value = stats.metric(gate.metric, source)
    except KeyError as error:
        raise ConfigError(f"gates.{index}.metric: {error.args[0]} ({what})") from None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"gates.{index}.metric: {gate.metric!r} is not a number in {what} (it is {type(value).__name__})")
    return value


def _judge_one(gate: Gate, index: int, stats: Stats, baseline: Stats | None, source: str | None) -> Result:
    label = gate.label() + (f" [{source}]" if source else "")
    measured = _value(stats, gate, index, source, "stats")
    failures, bounds = [], []
    if gate.op is not None:
        assert gate.value is not None
        bounds.append(f"{gate.op} {gate.value:g}")
        if not _OPERATORS[gate.op](measured, gate.value):
            failures.append(f"{measured:g} is not {gate.op} {gate.value:g}")
    if gate.max_change is not None:
        if baseline is None:
            raise ConfigError(f"gates.{index}.max_change: a drift gate needs --baseline stats.json")
        before = _value(baseline, gate, index, source, "the baseline")
        change = abs(measured - before) / abs(before) if before else (0.0 if measured == before else math.inf)
        bounds.append(f"change <= {gate.max_change:g} (baseline {before:g})")
        if change > gate.max_change:
            failures.append(f"changed by {change:.3g} against the baseline's {before:g}")
    return Result("gate", label, "; ".join(bounds), measured, not failures, "; ".join(failures))


def judge(gates: list[Gate], stats: Stats, baseline: Stats | None) -> list[Result]:
    """One result per gate (per source for ``per_source`` gates), in the file's order."""
    results = []
    for index, gate in enumerate(gates):
        sources = stats.sources if gate.per_source else [gate.source]
        if gate.source is not None and gate.source not in stats.sources:
            raise ConfigError(f"gates.{index}.source: no source {gate.source!r}; sources: {', '.join(stats.sources)}")
        results += [_judge_one(gate, index, stats, baseline, source) for source in sources]
    return results
