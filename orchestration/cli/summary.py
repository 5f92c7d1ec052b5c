"""The run summary printed by `truefans run` (and `make demo`)."""

from __future__ import annotations

import sys

from rich.console import Console
from rich.table import Table

from orchestration.cli.quarantine import print_overview
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
    console.print(loads)
    print_overview(summary.quarantine, console)

    passed = sum(c.passed for c in summary.checks)
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
        console.print(_accounts_table(summary))
    if summary.authenticity:
        console.print(_authenticity_table(summary))
    console.print(f"Warehouse: {settings.warehouse}")
    serving = settings.serving_path
    if summary.published:
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


def _pct(value: object) -> str:
    return "–" if value is None else f"{float(value):.1%}"  # type: ignore[arg-type]


def _accounts_table(summary: RunSummary) -> Table:
    as_of = summary.accounts[0]["date"]
    table = Table(
        title=f"Tracked accounts on {as_of} (engagement rate: average per post, last 28 days)"
    )
    for col in (
        "account",
        "platform",
        "followers",
        "engagement rate",
        "active 28d",
        "true fans",
        "ghosts",
        "dialog 90d (Dunbar ~150)",
    ):
        table.add_column(col, justify="left" if col in ("account", "platform") else "right")
    for a in summary.accounts:
        table.add_row(
            str(a["account"]),
            str(a["platform"]),
            f"{a['followers']:,}",
            _pct(a["engagement_rate_28d"]),
            _pct(a["active_follower_ratio_28d"]),
            f"{a['true_fans']:,}",
            _pct(a["ghost_share"]),
            f"{a['dialog_accounts_90d']:,}",
        )
    return table


def _authenticity_table(summary: RunSummary) -> Table:
    as_of = summary.authenticity[0]["date"]
    table = Table(
        title=f"Audience authenticity on {as_of} (shares of current followers; "
        "quality 0-100, higher is better)"
    )
    for col in (
        "account",
        "quality",
        "real",
        "suspicious",
        "bought",
        "churners",
        "purchase bursts",
        "like-farm posts",
    ):
        table.add_column(col, justify="left" if col == "account" else "right")
    for a in summary.authenticity:
        score = a["audience_quality_score"]
        bursts = f"{a['purchase_bursts']}" + (f" ({a['burst_dates']})" if a["burst_dates"] else "")
        table.add_row(
            str(a["account"]),
            "–" if score is None else f"{float(score):.0f}",  # type: ignore[arg-type]
            _pct(a["real_share"]),
            _pct(a["suspicious_share"]),
            _pct(a["bought_share"]),
            _pct(a["follow_churner_share"]),
            bursts,
            f"{a['like_farm_posts']:,}",
        )
    return table
