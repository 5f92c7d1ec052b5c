"""`truefans run`: one run of the nightly job over a dump date or the whole landing root."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from orchestration.settings import DEFAULT_FIRST_DUMP_DATE, FIRST_DUMP_DATE_ENV, Settings

if TYPE_CHECKING:
    from orchestration.run_summary import RunSummary


def run_command(args: argparse.Namespace) -> int:
    if args.landing:
        os.environ["TRUEFANS_LANDING"] = str(Path(args.landing).resolve())
    if args.warehouse:
        os.environ["TRUEFANS_WAREHOUSE"] = str(Path(args.warehouse).resolve())
    settings = Settings.from_env()
    if not settings.landing.is_dir():
        print(f"error: landing root not found: {settings.landing}", file=sys.stderr)
        return 2
    _first_partition_from(settings.landing)
    from orchestration.warehouse import preflight, run_lock

    with run_lock(settings.warehouse):  # a second run: one line, exit code 2, whatever the timing
        preflight(settings.warehouse)  # locked, damaged, unwritable: one line, exit code 2
        return _run_locked(args, settings)


def _first_partition_from(landing: Path) -> None:
    """Old archives are normal: when the landing root holds dump dates older than the first
    partition, start the partitions there (before the code location is built)."""
    if "orchestration.defs.partitions" in sys.modules:
        return  # already built (tests, embedding): run_pipeline says what to set instead
    from orchestration.ingest.discovery import discover

    dates = discover(landing).dump_dates()
    configured = os.environ.get(FIRST_DUMP_DATE_ENV, DEFAULT_FIRST_DUMP_DATE)
    if dates and dates[0].isoformat() < configured:
        os.environ[FIRST_DUMP_DATE_ENV] = dates[0].isoformat()


def _run_locked(args: argparse.Namespace, settings: Settings) -> int:
    from orchestration.cli.exit_codes import FAIL_ON_WARN_ENV, run_exit_code
    from orchestration.cli.summary import print_summary

    fail_on_warn = args.fail_on_warn or os.environ.get(FAIL_ON_WARN_ENV) == "1"
    if not args.force and (skipped := _nothing_new(args, settings)):
        print_summary(skipped, settings)  # decided before Dagster and dbt are even imported
        return run_exit_code(skipped, fail_on_warn=fail_on_warn)
    from orchestration.pipeline import run_pipeline

    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    log_file = None if args.verbose else settings.warehouse.parent / "logs" / f"run-{stamp}.log"
    import dagster as dg

    if args.record or args.wipe_history or os.environ.get("TRUEFANS_RECORD_RUNS") == "1":
        from orchestration.pipeline import default_instance

        instance = default_instance()  # the persistent DAGSTER_HOME one `truefans dev` shows
        if args.wipe_history:
            instance.wipe()  # rows, not files: a UI already open on the folder stays attached
    else:
        instance = dg.DagsterInstance.ephemeral()
    summary = run_pipeline(
        settings,
        args.date,
        instance=instance,
        log_level="INFO",
        log_file=log_file,
        show_progress=not (args.verbose or args.quiet),
        force=True,  # the skip was decided above, before the code location was built
    )
    print_summary(summary, settings)
    return run_exit_code(summary, fail_on_warn=fail_on_warn)


def _nothing_new(args: argparse.Namespace, settings: Settings) -> RunSummary | None:
    """The summary of a run with nothing new to do (reliability/no_change.py), or None. A run
    whose dates run_pipeline would refuse goes on to say why."""
    from orchestration.run_summary import dump_dates_to_run, skipped_run

    dates, problems = dump_dates_to_run(settings.landing, args.date)
    return skipped_run(settings, dates, problems) if dates else None
