"""The Reliability table: what each adversity test injected, how many requests it sent, and what
came back — documented degradations (503 + Retry-After, a fallback answer), errors (anything
else: a 500, a hang, a wrong outcome) and acknowledged data that was lost.

A test takes the ``reliability`` fixture and fills in its row as it goes; the rows are printed as
a Markdown table at the end of the run (``make adversity``), with each test's result, and written
as JSON to ``$RAG_RELIABILITY_OUT`` when that is set. Loaded through ``pytest_plugins``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass

import pytest

ROWS = pytest.StashKey[list["Row"]]()


@dataclass
class Row:
    test: str
    injected: str = ""  # the load or faults injected
    requests: int = 0
    degraded: int = 0  # answered as documented for the fault: 503 + Retry-After, fallback
    errors: int = 0  # anything else
    lost: int = 0  # acknowledged writes (turns, feedback, documents) missing afterwards
    notes: str = ""  # the numbers worth keeping (latencies, RSS, timings)
    result: str = "not run"


@pytest.fixture
def reliability(request: pytest.FixtureRequest) -> Iterator[Row]:
    row = Row(test=request.node.name)
    request.config.stash.setdefault(ROWS, []).append(row)
    yield row
    row.result = "passed" if getattr(request.node, "_rag_passed", False) else "FAILED"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    report = yield
    if report.when == "call":
        item._rag_passed = report.passed  # type: ignore[attr-defined]
    return report


def table(rows: list[Row]) -> str:
    lines = [
        "| test | load or faults injected | requests | degraded as documented | errors "
        "| data lost | result | notes |",
        "|---|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {r.test} | {r.injected} | {r.requests} | {r.degraded} | {r.errors} | {r.lost} "
        f"| {r.result} | {r.notes} |"
        for r in rows
    ]
    return "\n".join(lines)


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:  # type: ignore[no-untyped-def]
    rows = config.stash.get(ROWS, [])
    if not rows:
        return
    terminalreporter.section("Reliability")
    terminalreporter.write_line(table(rows))
    out = os.environ.get("RAG_RELIABILITY_OUT")
    if out:
        with open(out, "w", encoding="utf-8") as fh:
            json.dump([asdict(r) for r in rows], fh, indent=2)
