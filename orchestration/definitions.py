"""The TrueFans code location: `dagster dev` loads `defs` from here (see pyproject.toml)."""

from __future__ import annotations

import dagster as dg

from orchestration.catalog import ASSETS, CHECKS
from orchestration.jobs import nightly_refresh
from orchestration.resources import build_resources
from orchestration.schedules import nightly_refresh_schedule
from orchestration.sensors import new_dump_sensor

defs = dg.Definitions(
    assets=ASSETS,
    asset_checks=CHECKS,
    jobs=[nightly_refresh],
    schedules=[nightly_refresh_schedule],
    sensors=[new_dump_sensor],
    resources=build_resources(),
)
