"""The run summary printed by `truefans run` (and `make demo`)."""

from __future__ import annotations

import sys

from rich.console import Console
from rich.table import Table

from orchestration.pipeline import RunSummary
from orchestration.settings import Settings


def print_summary(summary: RunSummary, settings: Settings, console: Console | None = None) -> None:
    # piped output (make, CI logs) gets a fixed width instead of rich's 80-column fallback
    console = console or Console(width=None if sys.stdout.isatty() else 110)
    status = "[green]succeeded[/]" if summary.success else "[red]FAILED[/]"
    console.print(
        f"\nTrueFans run {summary.run_id[:8]} {status}: dump dates "
        f"{summary.dump_dates[0]} .. {summary.dump_dates[-1]} ({len(summary.dump_dates)})"
    )
    for problem in summary.landing_problems:
        console.print(f"[yellow]landing: {problem}[/]")

    loads = Table(title="Raw loads", show_lines=False)
    for col in (
        "entity",
        "files",
        "duplicates",
        "unreadable",
        "rows read",
        "loaded",
        "quarantined",
    ):
        loads.add_column(col, justify="left" if col == "entity" else "right")
    for row in summary.loads:
        loads.add_row(*(f"{v:,}" if isinstance(v, int) else str(v) for v in row.values()))
    console.print(loads)

    passed = sum(c.passed for c in summary.checks)
    console.print(f"Checks: {passed} passed, {len(summary.checks_failed)} failed")
    for check in summary.checks_failed:
        console.print(f"  [red]failed[/] {check.asset} :: {check.name} ({check.severity})")

    marts = Table(title="Marts built")
    marts.add_column("table")
    marts.add_column("rows", justify="right")
    for table, rows in summary.marts.items():
        marts.add_row(table, f"{rows:,}")
    console.print(marts)
    console.print(f"Warehouse: {settings.warehouse}")
    if summary.log_file:
        console.print(f"Dagster and dbt log: {summary.log_file}")
