"""Run the nightly_refresh job in-process: the code path of `truefans run`, the schedule and tests.

The job is the one `dagster dev` shows; only the resources are bound to the paths given, and a
range of dump dates runs as one run (raw assets use a single-run backfill policy).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import dagster as dg
from rich.console import Console

from orchestration.cli import progress
from orchestration.cli.run_progress import LOGGER_NAME, showing, step_progress
from orchestration.dagster_home import ensure_dagster_home
from orchestration.defs.catalog import CHECKS, build_assets
from orchestration.defs.jobs import nightly_refresh
from orchestration.defs.partitions import RANGE_END_TAG, RANGE_START_TAG, too_old
from orchestration.defs.resources import build_resources
from orchestration.defs.serving import SERVING_KEY
from orchestration.run_summary import (
    CheckOutcome,
    RunSummary,
    dump_dates_to_run,
    read_serving_and_docs,
    read_warehouse_figures,
    skipped_run,
)
from orchestration.settings import Settings

__all__ = ["run_pipeline"]


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
    if not force and (skipped := skipped_run(settings, dates, problems)):
        return skipped
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
    read_warehouse_figures(settings, dates, summary)
    read_serving_and_docs(settings, summary)
    return summary


def _failure_detail(metadata: Mapping[str, Any]) -> str:
    for key in ("failed_expectations", "failed_critical", "description"):
        value = metadata.get(key)
        text = getattr(value, "value", value)
        if text:
            return str(text)
    return ""


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
