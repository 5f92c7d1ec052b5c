"""The nightly schedule: at 02:00 (TRUEFANS_SCHEDULE_TIMEZONE, default UTC), load yesterday's dump.

Skipped (a SkipReason the UI shows) when yesterday's landing files, the code and the settings are
those the last publish reflected: the run would change nothing (reliability/no_change.py)."""

import datetime as dt
import os

import dagster as dg

from orchestration.defs.jobs import nightly_refresh
from orchestration.reliability.no_change import skip_reason
from orchestration.settings import Settings

SCHEDULE_TIMEZONE = os.environ.get("TRUEFANS_SCHEDULE_TIMEZONE", "UTC")
SCHEDULE_CRON = os.environ.get("TRUEFANS_SCHEDULE_CRON", "0 2 * * *")


def partition_for(scheduled: dt.datetime) -> str:
    """The dump date a run scheduled at `scheduled` loads: the previous calendar day (pure)."""
    return (scheduled.date() - dt.timedelta(days=1)).isoformat()


@dg.schedule(
    job=nightly_refresh,
    cron_schedule=SCHEDULE_CRON,
    execution_timezone=SCHEDULE_TIMEZONE,
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="Nightly refresh of the previous day's dump date.",
)
def nightly_refresh_schedule(
    context: dg.ScheduleEvaluationContext,
) -> dg.RunRequest | dg.SkipReason:
    partition = partition_for(context.scheduled_execution_time)
    if reason := skip_reason(Settings.from_env(), [partition]):
        return dg.SkipReason(f"{partition}: {reason}")  # nothing new: the run would change nothing
    return dg.RunRequest(run_key=f"nightly-{partition}", partition_key=partition)
