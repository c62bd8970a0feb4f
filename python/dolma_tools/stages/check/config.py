"""The gates file of ``dolma-tools check``: what to measure, direct checks, and gates.

```yaml
documents: sample/documents          # as in `stats` (or give stats: path/to/stats.json)
tokens: sample/mixed/tokens
output: sample/check
gates:
  - skipped == 0                                      # "metric op value"
  - dedupe.documents.duplicate_fraction <= 0.05
  - {metric: documents, op: ">=", value: 100, per_source: true}
  - {metric: documents, max_change: 0.1}              # drift against --baseline
```
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BeforeValidator, Field, model_validator
from typing_extensions import Annotated

from dolma_tools.config.models import StrictModel
from dolma_tools.stages.stats.config import StatsConfig

Operator = Literal["<", "<=", "==", "!=", ">=", ">"]
_GATE = re.compile(r"^\s*(?P<metric>[^\s<>=!]+)\s*(?P<op><=|>=|==|!=|<|>)\s*(?P<value>\S+)\s*$")


def _parse_gate(value: object) -> object:
    """``"metric op value"`` → mapping; mappings pass through for the model to check."""
    if not isinstance(value, str):
        return value
    match = _GATE.match(value)
    if match is None:
        raise ValueError(f"{value!r}: write a gate as 'metric op value', e.g. 'skipped == 0' (op: < <= == != >= >)")
    return {"metric": match["metric"], "op": match["op"], "value": match["value"]}


class Gate(StrictModel):
    """A bound on one metric of ``stats.json`` (dotted name), or on its change against a baseline."""

    metric: str
    """Dotted name in ``stats.json``, e.g. ``dedupe.documents.duplicate_fraction``, ``language.en.fraction``."""
    op: Operator | None = None
    """Comparison of the measured value with ``value``."""
    value: float | None = None
    """The bound."""
    max_change: float | None = Field(default=None, ge=0)
    """Drift gate: the largest relative change allowed against ``--baseline`` (0.1 = 10%)."""
    source: str | None = None
    """Judge the metric of this source only (``sources.<source>.<metric>``)."""
    per_source: bool = False
    """Judge the metric of every source separately."""
    name: str | None = None
    """Label in the table and JUnit report (default: the gate written out)."""

    @model_validator(mode="after")
    def _one_kind(self) -> Gate:
        if (self.op is None) != (self.value is None):
            raise ValueError("give both 'op' and 'value'")
        if self.op is None and self.max_change is None:
            raise ValueError("give 'op' and 'value', or 'max_change' (a drift gate)")
        if self.source is not None and self.per_source:
            raise ValueError("give 'source' or 'per_source', not both")
        return self

    def label(self) -> str:
        if self.name:
            return self.name
        parts = [self.metric]
        if self.op is not None:
            parts.append(f"{self.op} {self.value:g}")
        if self.max_change is not None:
            parts.append(f"changes by <= {self.max_change:g}")
        return " ".join(parts)


class DirectChecks(StrictModel):
    """Checks with no threshold; each fails on the first broken thing it finds per file."""

    documents: bool = True
    """Every line of every documents file parses (reports each bad ``file:line``)."""
    attributes: bool = True
    """Every sidecar has the documents' ids, line for line, and spans inside the text."""
    tokens: bool = True
    """Token ids below the vocabulary, EOS ending every document, boundaries and counts as the
    metadata and manifest say, the tokenizer file's hash as recorded."""


class CheckConfig(StatsConfig):
    """``dolma-tools check``: measure (or read ``stats``), run direct checks, judge gates."""

    gates: list[Annotated[Gate, BeforeValidator(_parse_gate)]] = Field(default_factory=list)
    """Bounds on metrics; see the module docstring."""
    checks: DirectChecks = Field(default_factory=DirectChecks)
    """Direct checks to run on the inputs."""
    stats: str | None = None
    """A ``stats.json`` to judge instead of measuring the inputs (direct checks still read them)."""
    baseline: str | None = None
    """The ``stats.json`` drift gates compare with (e.g. last month's)."""
    output: str = "check"
    """Folder for ``results.json``, ``stats.json`` and ``report.html``."""
