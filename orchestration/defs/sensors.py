"""A sensor that starts a refresh when a new dump-date folder lands, once per folder date."""

import json
from pathlib import Path

import dagster as dg

from orchestration.defs.jobs import nightly_refresh
from orchestration.defs.partitions import dump_date_partitions, too_old
from orchestration.ingest.discovery import LandingRootMissing, discover
from orchestration.settings import Settings


def new_dump_dates(landing: Path, seen: set[str]) -> list[str]:
    """Dump dates with at least one file in the landing root that are not in `seen` (pure)."""
    try:
        found = discover(landing)
    except LandingRootMissing:
        return []
    return sorted({d.isoformat() for d in found.dump_dates()} - seen)


@dg.sensor(
    job=nightly_refresh,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description="Starts nightly_refresh for each new dump-date folder in the landing root.",
)
def new_dump_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult:
    seen = set(json.loads(context.cursor)) if context.cursor else set()
    landing = Settings.from_env().landing
    valid = set(dump_date_partitions.get_partition_keys())
    new = new_dump_dates(landing, seen)
    if message := too_old(new):
        context.log.warning(message)  # skipped, not lost: they stay new until the setting allows
    fresh = [d for d in new if d in valid]
    requests = [dg.RunRequest(run_key=f"dump-{d}", partition_key=d) for d in fresh]
    skipped = None if fresh else f"no new dump-date folder in {landing}"
    return dg.SensorResult(
        run_requests=requests,
        cursor=json.dumps(sorted(seen | set(fresh))),
        skip_reason=skipped,
    )
