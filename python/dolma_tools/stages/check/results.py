"""One judged gate or direct check, and the run's overall outcome."""

from __future__ import annotations

import dataclasses
from typing import Any


@dataclasses.dataclass(frozen=True)
class Result:
    """A line of the check table: what was judged, the bound, what was measured, pass or fail."""

    kind: str
    """``gate`` or ``check``."""
    name: str
    bound: str
    measured: Any
    passed: bool
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclasses.dataclass
class CheckReport:
    """Every result of a run, with where its stats and report were left."""

    results: list[Result]
    output: str

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.results)

    @property
    def failed(self) -> list[Result]:
        return [r for r in self.results if not r.passed]

    def to_dict(self) -> dict[str, Any]:
        return {"passed": self.passed, "output": self.output, "results": [r.to_dict() for r in self.results]}
