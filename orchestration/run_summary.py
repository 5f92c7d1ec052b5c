"""What a run did, and what is published after it: the `truefans run` summary's data.

No Dagster, dbt or Great Expectations import here: a run with nothing new
(reliability/no_change.py) decides, reads the warehouse figures and reports in about a second,
without building the code location (pipeline.py builds it only for a run that runs).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from orchestration.artifacts import DOCS_FILE, data_docs_index, dbt_docs_dir
from orchestration.cli import kpis
from orchestration.cli.quarantine import QuarantineOverview, overview
from orchestration.ingest.discovery import discover
from orchestration.reliability import no_change
from orchestration.settings import Settings
from orchestration.warehouse import connection


@dataclass
class CheckOutcome:
    asset: str
    name: str
    passed: bool
    severity: str
    detail: str = ""  # the failing expectations / tests, as the check's metadata tells


@dataclass
class RunSummary:
    success: bool
    run_id: str
    dump_dates: list[str]
    loads: list[dict[str, object]] = field(default_factory=list)  # per entity
    checks: list[CheckOutcome] = field(default_factory=list)
    marts: dict[str, int] = field(default_factory=dict)  # table -> rows
    accounts: list[dict[str, object]] = field(default_factory=list)  # latest KPIs per account
    authenticity: list[dict[str, object]] = field(default_factory=list)  # audience quality
    landing_problems: list[str] = field(default_factory=list)
    # files quarantined whole, and the first quarantine reasons of each file
    quarantine: QuarantineOverview = field(default_factory=QuarantineOverview)
    log_file: Path | None = None
    published: bool = False  # this run replaced the serving file
    serving_version: int | None = None  # version BI tools see after the run (None: no file)
    docs: dict[str, Path] = field(default_factory=dict)  # name -> index file
    # why the run had nothing to do and skipped dbt, the checks and the publish ("": it ran)
    skipped: str = ""

    @property
    def checks_failed(self) -> list[CheckOutcome]:
        return [c for c in self.checks if not c.passed]


def dump_dates_to_run(landing: Path, date: dt.date | None) -> tuple[list[str], list[str]]:
    """The partition keys a run covers: `date`, or every dump date in the landing root."""
    found = discover(landing)
    if date is not None:
        return [date.isoformat()], found.problems
    return [d.isoformat() for d in found.dump_dates()], found.problems


def skipped_run(settings: Settings, dates: list[str], problems: list[str]) -> RunSummary | None:
    """The summary of a run over `dates` that has nothing to do (what is published), or None
    when the run must run."""
    reason = no_change.skip_reason(settings, dates)
    if not reason:
        return None
    summary = RunSummary(True, "", dates, landing_problems=problems, skipped=reason)
    read_warehouse_figures(settings, dates, summary)
    read_serving_and_docs(settings, summary)
    return summary


def read_serving_and_docs(settings: Settings, summary: RunSummary) -> None:
    from orchestration.serving.info import ServingError, read_serving_info

    try:
        summary.serving_version = read_serving_info(settings.serving_path).latest.version
    except ServingError:
        summary.serving_version = None
    docs = {
        "Audit report": settings.report_dir / "index.html",
        "Data Docs (Great Expectations)": data_docs_index(settings.warehouse),
        "dbt docs": dbt_docs_dir(settings.warehouse) / DOCS_FILE,
    }
    summary.docs = {name: path for name, path in docs.items() if path.is_file()}


def read_warehouse_figures(settings: Settings, dates: list[str], summary: RunSummary) -> None:
    if not settings.warehouse.exists():
        return
    with connection(settings.warehouse, read_only=True) as con:
        tables = {
            r[0]
            for r in con.execute(
                "select table_schema || '.' || table_name from information_schema.tables"
            ).fetchall()
        }
        if "raw.quarantine" in tables:
            summary.quarantine = overview(con, dates[0], dates[-1])
        if "marts.fct_engagement_daily" in tables:
            summary.accounts = kpis.account_kpis(con)
        if "marts.fct_audience_quality" in tables:
            summary.authenticity = kpis.authenticity_kpis(con)
        for table in sorted(t for t in tables if t.startswith("marts.")):
            (count,) = con.execute(
                f'select count(*) from marts."{table.split(".", 1)[1]}"'
            ).fetchone()  # type: ignore[misc]
            summary.marts[table] = count
