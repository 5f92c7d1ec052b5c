"""The run summary printed by `truefans run` (and `make demo`)."""

from __future__ import annotations

import sys

from rich.console import Console
from rich.table import Table

from orchestration.cli.quarantine import print_overview
from orchestration.figures import FIGURES, warm_up_notes
from orchestration.run_summary import RunSummary
from orchestration.settings import Settings
from orchestration.unknowns import cell, unknown_notes


def print_summary(summary: RunSummary, settings: Settings, console: Console | None = None) -> None:
    # piped output (make, CI logs) gets a fixed width instead of rich's 80-column fallback
    console = console or Console(width=None if sys.stdout.isatty() else 120)
    status = "[green]succeeded[/]" if summary.success else "[red]FAILED[/]"
    run = "skipped, nothing new" if summary.skipped else summary.run_id[:8]
    console.print(
        f"\nTrueFans run {run} {status}: dump dates "
        f"{summary.dump_dates[0]} .. {summary.dump_dates[-1]} ({len(summary.dump_dates)})"
    )
    for problem in summary.landing_problems:
        console.print(f"[yellow]landing: {problem}[/]")

    loads = Table(
        title="Raw loads",
        show_lines=False,
        caption="rows: of the files this run (re)loaded; files not new or changed since the last "
        "load are kept as they were",
    )
    for col in (
        "entity",
        "files",
        "reloaded",
        "duplicates",
        "unreadable",
        "rows read",
        "loaded",
        "quarantined",
    ):
        loads.add_column(col, justify="left" if col == "entity" else "right")
    for row in summary.loads:
        loads.add_row(*(f"{v:,}" if isinstance(v, int) else str(v) for v in row.values()))
    if not summary.skipped:
        console.print(loads)
    print_overview(summary.quarantine, console)

    passed = sum(c.passed for c in summary.checks)
    if not summary.skipped:
        console.print(f"Checks: {passed} passed, {len(summary.checks_failed)} failed")
    for check in summary.checks_failed:
        colour = "yellow" if check.severity == "WARN" else "red"
        console.print(f"  [{colour}]failed[/] {check.asset} :: {check.name} ({check.severity})")
        for line in check.detail.splitlines()[:10]:
            console.print(f"      {line}")

    marts = Table(title="Marts built")
    marts.add_column("table")
    marts.add_column("rows", justify="right")
    for table, rows in summary.marts.items():
        marts.add_row(table, f"{rows:,}")
    console.print(marts)
    if summary.accounts:
        console.print(accounts_table(summary.accounts))
        for note in warm_up_notes(summary.accounts, ACCOUNT_FIGURES):
            console.print(f"[yellow]{note}[/]")
    if summary.authenticity:
        console.print(authenticity_table(summary.authenticity))
        for note in unknown_notes(summary.authenticity):
            console.print(f"[yellow]{note}[/]")
        bursts = [
            f"{a['account']} {a['burst_dates']}" for a in summary.authenticity if a["burst_dates"]
        ]
        if bursts:
            console.print(f"Suspected purchase bursts began on: {'; '.join(bursts)}")
    console.print(f"Warehouse: {settings.warehouse}")
    serving = settings.serving_path
    if summary.skipped:
        console.print(
            f"[green]Nothing new[/]: {summary.skipped}; dbt, checks and publish skipped "
            "(`truefans run --force` runs them)"
        )
        console.print(f"Serving file for BI tools: {serving} (version {summary.serving_version})")
    elif summary.published:
        console.print(f"Serving file for BI tools: {serving} (version {summary.serving_version})")
    elif summary.serving_version is not None:
        console.print(
            f"[red]Serving file NOT updated[/] (the run or a blocking check failed): BI tools "
            f"keep version {summary.serving_version} of {serving}"
        )
    else:
        console.print(f"[red]Nothing published[/]: no serving file at {serving} yet")
    for name, path in summary.docs.items():
        console.print(f"{name}: {path}")
    if summary.log_file:
        console.print(f"Dagster and dbt log: {summary.log_file}")


# the columns of the two tables, in order: figures of orchestration.figures
ACCOUNT_FIGURES = [
    "followers",
    "engagement_rate_28d",
    "authentic_engagement_rate_28d",
    "active_follower_ratio_28d",
    "true_fans",
    "dialog_accounts_90d",
]
AUTHENTICITY_FIGURES = [
    "audience_quality_score",
    "real_share",
    "ghost_share",
    "unknown_share",
    "suspicious_share",
    "bought_share",
    "follow_churner_share",
    "suspicious_class_share",
    "purchase_bursts",
    "like_farm_posts",
]


def _header(key: str) -> str:
    """The figure's label, one word (and the window) a line: narrow columns, no word cut."""
    figure = FIGURES[key]
    window = [] if figure.days is None else [f"({figure.window})"]
    return "\n".join([*figure.name.split(), *window])


def _table(
    title: str, rows: list[dict[str, object]], keys: list[str], platform: bool = False
) -> Table:
    table = Table(title=title)
    table.add_column("account")
    if platform:
        table.add_column("platform")
    for key in keys:
        table.add_column(_header(key), justify="right")
    for row in rows:
        cells = [cell(key, row) for key in keys]
        names = [str(row["account"]), str(row["platform"])] if platform else [str(row["account"])]
        table.add_row(*names, *cells)
    return table


def accounts_table(rows: list[dict[str, object]]) -> Table:
    return _table(
        f"Tracked accounts on {rows[0]['date']} (windows end that day)",
        rows,
        ACCOUNT_FIGURES,
        platform=True,
    )


def authenticity_table(rows: list[dict[str, object]]) -> Table:
    return _table(
        f"Audience authenticity on {rows[0]['date']} (shares of that day's followers; "
        "the classes are exclusive, suspicious in all = bought + follow churners + other "
        "suspicious)",
        rows,
        AUTHENTICITY_FIGURES,
    )
