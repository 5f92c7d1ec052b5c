"""Run the nightly_refresh job in-process: the code path of `truefans run`, the schedule and tests.

The job is the one `dagster dev` shows; only the resources are bound to the paths given, and a
range of dump dates runs as one run (raw assets use a single-run backfill policy).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dagster as dg
from rich.console import Console

from orchestration.cli import kpis, progress
from orchestration.cli.quarantine import QuarantineOverview, overview
from orchestration.cli.run_progress import LOGGER_NAME, showing, step_progress
from orchestration.dagster_home import ensure_dagster_home
from orchestration.defs.catalog import CHECKS, build_assets
from orchestration.defs.docs import DOCS_FILE, dbt_docs_dir
from orchestration.defs.jobs import nightly_refresh
from orchestration.defs.partitions import RANGE_END_TAG, RANGE_START_TAG, too_old
from orchestration.defs.resources import build_resources
from orchestration.defs.serving import SERVING_KEY
from orchestration.ingest.discovery import discover
from orchestration.quality.ge import data_docs_index
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


def definitions_for(settings: Settings) -> dg.Definitions:
    resources = build_resources(settings)  # first: it exports the settings dbt's parse reads
    return dg.Definitions(
        assets=build_assets(),
        asset_checks=CHECKS,
        jobs=[nightly_refresh],
        resources=resources,
        loggers={"console": dg.default_loggers()["console"], LOGGER_NAME: step_progress},
    )


def default_instance() -> dg.DagsterInstance:
    """The persistent instance `dagster dev` also reads (DAGSTER_HOME, default data/dagster_home)."""
    ensure_dagster_home()
    return dg.DagsterInstance.get()


def dump_dates_to_run(landing: Path, date: dt.date | None) -> tuple[list[str], list[str]]:
    """The partition keys a run covers: `date`, or every dump date in the landing root."""
    found = discover(landing)
    if date is not None:
        return [date.isoformat()], found.problems
    return [d.isoformat() for d in found.dump_dates()], found.problems


def run_pipeline(
    settings: Settings,
    date: dt.date | None = None,
    instance: dg.DagsterInstance | None = None,
    log_level: str = "WARNING",
    log_file: Path | None = None,
    show_progress: bool = False,
    force: bool = False,
) -> RunSummary:
    """Run nightly_refresh over `date` or every dump date of the landing root.

    With `log_file`, Dagster's console log and dbt's output go there instead of the terminal.
    With `show_progress`, a bar on the terminal counts the steps that ended.
    When no landing file of those dates, no code and no setting changed since the last publish
    (orchestration/reliability/no_change.py), nothing runs and the summary reports what is
    published, unless `force`.
    """
    dates, problems = dump_dates_to_run(settings.landing, date)
    if not dates:
        raise ValueError(f"no dump-date folders with files under {settings.landing}")
    if message := too_old(dates):
        raise ValueError(message)  # not Dagster's invariant stack trace
    if not force and (reason := no_change.skip_reason(settings, dates)):
        summary = RunSummary(True, "", dates, landing_problems=problems, skipped=reason)
        _read_warehouse_figures(settings, dates, summary)
        _read_serving_and_docs(settings, summary)
        return summary
    no_change.forget(settings.warehouse)
    job = definitions_for(settings).resolve_job_def(nightly_refresh.name)
    tags = {RANGE_START_TAG: dates[0], RANGE_END_TAG: dates[-1]}
    with contextlib.ExitStack() as stack:
        bar = progress.bar("running", "steps", show_progress, console=Console(file=sys.__stdout__))
        stack.enter_context(showing(bar, len(job.graph.node_dict)))
        if log_file is not None:
            log_file.parent.mkdir(parents=True, exist_ok=True)
            sink = stack.enter_context(log_file.open("a", encoding="utf-8"))
            stack.enter_context(contextlib.redirect_stdout(sink))
            stack.enter_context(contextlib.redirect_stderr(sink))
        result = job.execute_in_process(
            instance=instance or default_instance(),
            tags=tags,
            raise_on_error=False,
            run_config={
                "loggers": {"console": {"config": {"log_level": log_level}}, LOGGER_NAME: {}}
            },
        )
        sys.stdout.flush()
    summary = RunSummary(
        result.success, result.run_id, dates, landing_problems=problems, log_file=log_file
    )
    for evaluation in result.get_asset_check_evaluations():
        summary.checks.append(
            CheckOutcome(
                evaluation.asset_key.to_user_string(),
                evaluation.check_name,
                evaluation.passed,
                evaluation.severity.value,
                _failure_detail(evaluation.metadata),
            )
        )
    materializations = result.get_asset_materialization_events()
    summary.published = any(e.asset_key == SERVING_KEY for e in materializations)
    summary.loads = raw_loads_of_this_run(materializations)
    _read_warehouse_figures(settings, dates, summary)
    _read_serving_and_docs(settings, summary)
    return summary


def _failure_detail(metadata: Mapping[str, Any]) -> str:
    for key in ("failed_expectations", "failed_critical", "description"):
        value = metadata.get(key)
        text = getattr(value, "value", value)
        if text:
            return str(text)
    return ""


def _read_serving_and_docs(settings: Settings, summary: RunSummary) -> None:
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


LOAD_COLUMNS = {  # summary column: the raw asset's materialization metadata key
    "files": "files",
    "reloaded": "files_reloaded",
    "duplicates": "files_duplicate",
    "unreadable": "files_unreadable",
    "rows_read": "rows_read_reloaded",
    "rows_loaded": "rows_loaded_reloaded",
    "rows_quarantined": "rows_quarantined_reloaded",
}


def raw_loads_of_this_run(events: Sequence[dg.DagsterEvent]) -> list[dict[str, object]]:
    """Per entity, what this run's raw step did, from its materialization metadata (not from
    raw.load_log, which also holds what earlier runs loaded): a re-run of unchanged files shows
    them as files kept, with 0 rows (re)loaded."""
    by_entity: dict[str, Mapping[str, Any]] = {}
    for event in events:
        key = event.asset_key
        if key is not None and key.path[0] == "raw" and event.step_materialization_data:
            # a single-run backfill reports the same metadata once per partition: keep one
            by_entity[key.path[-1]] = event.step_materialization_data.materialization.metadata
    return [
        {"entity": entity}
        | {col: int(getattr(md.get(k), "value", 0) or 0) for col, k in LOAD_COLUMNS.items()}
        for entity, md in sorted(by_entity.items())
    ]


def _read_warehouse_figures(settings: Settings, dates: list[str], summary: RunSummary) -> None:
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
