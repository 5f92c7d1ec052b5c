"""Jobs."""

from __future__ import annotations

import dagster as dg

from orchestration.defs.partitions import dump_date_partitions

# Everything but the source importers: raw loads for the requested dump dates, then dbt, then the checks, then the publish
# of the audited marts to the serving file (serving/marts, unpartitioned: once per run, after the
# blocking checks of the marts). In-process: DuckDB allows one writer per file, so steps must not
# run in parallel processes.
nightly_refresh = dg.define_asset_job(
    "nightly_refresh",
    # the source importers need a target each: launched on their own, never by the nightly run
    selection=dg.AssetSelection.all() - dg.AssetSelection.groups("sources"),
    partitions_def=dump_date_partitions,
    executor_def=dg.in_process_executor,
    description="Load the dump dates requested, rebuild the dbt models, run every check and "
    "publish the audited marts to the serving file.",
)
