"""How check results are shown: a table for people, JSON for scripts, JUnit XML for CI systems."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from dolma_tools.io import atomic_writer
from dolma_tools.stages.check.results import CheckReport


def _cell(value: object) -> str:
    return f"{value:.6g}" if isinstance(value, float) else str(value)


def table(report: CheckReport) -> str:
    """Aligned columns: result, kind, name, bound, measured; failure details indented below."""
    rows = [("", "kind", "name", "bound", "measured")]
    rows += [("PASS" if r.passed else "FAIL", r.kind, r.name, r.bound, _cell(r.measured)) for r in report.results]
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = []
    for row, result in zip(rows, [None, *report.results]):
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
        if result is not None and not result.passed and result.detail:
            lines += [f"      {line}" for line in result.detail.splitlines()]
    failed = len(report.failed)
    lines.append(f"{len(report.results) - failed} passed, {failed} failed; stats and report in {report.output}")
    return "\n".join(lines)


def junit(report: CheckReport) -> bytes:
    """One test suite; a test case per gate or check, with a <failure> for each that failed."""
    suite = ET.Element("testsuite", name="dolma-tools check", tests=str(len(report.results)),
                       failures=str(len(report.failed)), errors="0", skipped="0")
    for result in report.results:
        case = ET.SubElement(suite, "testcase", classname=f"dolma_tools.check.{result.kind}", name=result.name)
        if not result.passed:
            failure = ET.SubElement(case, "failure", message=f"{result.name}: measured {_cell(result.measured)}, bound {result.bound}")
            failure.text = result.detail
    root = ET.Element("testsuites")
    root.append(suite)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def write_junit(report: CheckReport, path: str) -> None:
    with atomic_writer(path) as stream:
        stream.write(junit(report))
