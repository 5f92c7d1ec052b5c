"""The TrueFans code location: `dagster dev` loads `defs` from here (see pyproject.toml)."""

from __future__ import annotations

import dagster as dg

from orchestration.defs.catalog import ASSETS, CHECKS
from orchestration.defs.jobs import nightly_refresh
from orchestration.defs.resources import build_resources
from orchestration.defs.schedules import nightly_refresh_schedule
from orchestration.defs.sensors import new_dump_sensor

defs = dg.Definitions(
    assets=ASSETS,
    asset_checks=CHECKS,
    jobs=[nightly_refresh],
    schedules=[nightly_refresh_schedule],
    sensors=[new_dump_sensor],
    resources=build_resources(),
)
