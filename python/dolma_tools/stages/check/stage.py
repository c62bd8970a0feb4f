"""``check``: direct checks of the files, then the gates on the statistics (measured here, or
read from a given ``stats.json``). The ``stats.json`` and ``report.html`` judged are left in the
output folder beside ``results.json``, so a failed build has the report to look at."""

from __future__ import annotations

import json
import os

from dolma_tools.errors import ConfigError, InputError
from dolma_tools.io import atomic_writer, expand
from dolma_tools.stages.check.config import CheckConfig
from dolma_tools.stages.check.files import documents_parse, sidecars_align
from dolma_tools.stages.check.gates import judge
from dolma_tools.stages.check.results import CheckReport, Result
from dolma_tools.stages.check.tokens import tokens_verify
from dolma_tools.stages.stats.config import StatsConfig
from dolma_tools.stages.stats.result import Stats
from dolma_tools.tokens import manifest_path
from dolma_tools.stages.stats.stage import attribute_sets, compute, sidecars_of


def _load_stats(path: str, key: str) -> Stats:
    try:
        return Stats.load(path)
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{key}: cannot read {path!r}: {exc}") from None


def check(config: CheckConfig) -> None:
    """Checks that need no input files."""
    if config.stats is None and not config.documents and not config.tokens:
        raise ConfigError("check: give 'documents' and/or 'tokens' to measure, or 'stats' (a stats.json)")
    drift = [n for n, gate in enumerate(config.gates) if gate.max_change is not None]
    if drift and config.baseline is None:
        raise ConfigError(f"gates.{drift[0]}.max_change: a drift gate needs a baseline (--baseline stats.json)")


def direct_checks(config: CheckConfig) -> list[Result]:
    files = expand(config.documents) if config.documents else []
    results = []
    if config.checks.documents and files:
        results.append(documents_parse(files))
    if config.checks.attributes and files:
        sets = attribute_sets(files, config.attributes)
        pairs = [(path, sidecar) for path in files for sidecar in (sidecars_of(path, sets) if sets else ())]
        if pairs:
            results.append(sidecars_align(pairs))
    if config.checks.tokens and config.tokens:
        results.append(tokens_verify([manifest_path(p) for p in config.tokens]))
    return results


def _statistics(config: CheckConfig, lenient: bool, quiet: bool) -> Stats:
    if config.stats is not None:
        stats = _load_stats(config.stats, "stats")
        from dolma_tools.stages.stats.report import render_report

        with atomic_writer(f"{config.output}/stats.json") as stream:
            stream.write(stats.to_json().encode())
        with atomic_writer(f"{config.output}/report.html") as stream:
            stream.write(render_report(stats, config.title).encode())
        return stats
    values = config.model_dump(include=set(StatsConfig.model_fields))
    if lenient:
        values["on_error"] = "skip"  # bad lines are already reported by the direct checks; count them too
    return compute(StatsConfig.model_validate(values), quiet=quiet)[1]


def run_check(config: CheckConfig, *, quiet: bool = True) -> CheckReport:
    """Run the direct checks and judge the gates; raises `ConfigError` / `InputError` (exit 2)."""
    check(config)
    baseline = _load_stats(config.baseline, "baseline") if config.baseline else None
    results = direct_checks(config)
    broken = any(not r.passed for r in results)
    try:
        stats = _statistics(config, broken, quiet)
    except InputError as error:
        if not broken:
            raise
        results.append(Result("gate", "statistics", "computed", "not computed", False, str(error)))
    else:
        results += judge(config.gates, stats, baseline)
    report = CheckReport(results, os.path.normpath(config.output))
    with atomic_writer(f"{config.output}/results.json") as stream:
        stream.write(json.dumps(report.to_dict(), indent=2, sort_keys=True).encode() + b"\n")
    return report
