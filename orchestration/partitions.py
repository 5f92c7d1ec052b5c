"""Dump-date partitions: one landing folder `<entity>/<YYYY-MM-DD>/` is one daily partition."""

from __future__ import annotations

import os

import dagster as dg

# Earliest dump date the warehouse accepts; older folders need an earlier TRUEFANS_FIRST_DUMP_DATE.
FIRST_DUMP_DATE = os.environ.get("TRUEFANS_FIRST_DUMP_DATE", "2020-01-01")

dump_date_partitions = dg.DailyPartitionsDefinition(
    start_date=FIRST_DUMP_DATE,
    timezone="UTC",
    end_offset=1,  # today's folder is a valid partition as soon as it lands
    fmt="%Y-%m-%d",
)
