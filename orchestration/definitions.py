"""The TrueFans code location: `dagster dev` loads `defs` from here (see pyproject.toml).

`defs` is lazy (`@dg.definitions`): importing this module builds nothing; Dagster calls it when it
loads the code location, which prepares the dbt manifest and binds the resources.
"""

from __future__ import annotations

import dagster as dg

from orchestration.defs.catalog import CHECKS, build_assets
from orchestration.defs.jobs import nightly_refresh
from orchestration.defs.resources import build_resources
from orchestration.defs.schedules import nightly_refresh_schedule
from orchestration.defs.sensors import new_dump_sensor
from orchestration.defs.sources import source_assets


@dg.definitions
def defs() -> dg.Definitions:
    resources = build_resources()  # first: it exports the settings dbt's parse reads
    return dg.Definitions(
        assets=[*build_assets(), *source_assets()],
        asset_checks=CHECKS,
        jobs=[nightly_refresh],
        schedules=[nightly_refresh_schedule],
        sensors=[new_dump_sensor],
        resources=resources,
    )
