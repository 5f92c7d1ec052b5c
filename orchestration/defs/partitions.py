"""Dump-date partitions: one landing folder `<entity>/<YYYY-MM-DD>/` is one daily partition."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping

import dagster as dg

from orchestration.settings import DEFAULT_FIRST_DUMP_DATE, FIRST_DUMP_DATE_ENV

# Earliest dump date the warehouse accepts; older folders need an earlier TRUEFANS_FIRST_DUMP_DATE.
# `truefans run` sets it from the landing root's oldest folder when that is older (real archives
# go back years); the code location of `dagster dev` reads it when it loads.
FIRST_DUMP_DATE = os.environ.get(FIRST_DUMP_DATE_ENV, DEFAULT_FIRST_DUMP_DATE)

dump_date_partitions = dg.DailyPartitionsDefinition(
    start_date=FIRST_DUMP_DATE,
    timezone="UTC",
    end_offset=1,  # today's folder is a valid partition as soon as it lands
    fmt="%Y-%m-%d",
)

# Tags Dagster puts on a run of one partition, or of a range of partitions (single-run backfill).
PARTITION_TAG = "dagster/partition"
RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"


def first_dump_date_of_run(tags: Mapping[str, str]) -> dt.date | None:
    """The earliest dump date a run covers, from its tags; None for a run without partitions."""
    key = tags.get(RANGE_START_TAG) or tags.get(PARTITION_TAG)
    return dt.date.fromisoformat(key) if key else None


def dump_dates_of_run(tags: Mapping[str, str]) -> tuple[dt.date, dt.date] | None:
    """The first and last dump date a run covers, from its tags; None without partitions."""
    first = tags.get(RANGE_START_TAG) or tags.get(PARTITION_TAG)
    last = tags.get(RANGE_END_TAG) or tags.get(PARTITION_TAG)
    if not (first and last):
        return None
    return dt.date.fromisoformat(first), dt.date.fromisoformat(last)


def too_old(dates: list[str]) -> str | None:
    """The one-line message for dump dates before the first partition, or None."""
    old = sorted(d for d in dates if d < FIRST_DUMP_DATE)
    if not old:
        return None
    return (
        f"{len(old)} dump date(s) from {old[0]} are before the first partition "
        f"{FIRST_DUMP_DATE}: set {FIRST_DUMP_DATE_ENV}={old[0]} (or earlier) and run again"
    )
