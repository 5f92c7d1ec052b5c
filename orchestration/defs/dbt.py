"""dbt models as Dagster assets; dbt tests surface as asset checks."""

import os
from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from orchestration.defs.dbt_project import BUILD_ARGS, REPROCESS_ENV, dbt_project, run_environment
from orchestration.defs.partitions import first_dump_date_of_run
from orchestration.defs.resources import WarehouseResource
from orchestration.reliability.dbt_child import PARENT_ENV
from orchestration.reliability.faults import kill_point

OWNER = "team:analytics-engineering"


class TrueFansTranslator(DagsterDbtTranslator):
    """Asset keys follow the warehouse: `<schema>/<model>` (e.g. `marts/dim_tracked_accounts`),
    sources map onto the raw assets (`raw/<entity>`), groups follow the model folders
    (`models/intermediate/follows/x.sql` -> group `intermediate_follows`)."""

    def get_asset_spec(
        self, manifest: Mapping[str, Any], unique_id: str, project: DbtProject | None
    ) -> dg.AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        props = self.get_resource_props(manifest, unique_id)
        if props["resource_type"] in ("model", "seed", "snapshot"):
            # models/<layer>/x.sql -> <layer>, models/<layer>/<area>/x.sql -> <layer>_<area>;
            # seeds/x.csv -> seeds (fqn is [project, *folders, name])
            folders = props["fqn"][1:-1]
            layer = "_".join(folders) if folders else f"{props['resource_type']}s"
            spec = spec.replace_attributes(
                key=dg.AssetKey([props["schema"], props["name"]]),
                group_name=layer,
                owners=[OWNER],
            )
        return spec


def build_dbt_models(project: DbtProject = dbt_project) -> dg.AssetsDefinition:
    """The dbt models, seeds and tests of `project`'s manifest as one multi-asset (built when the
    code location loads, after the manifest is prepared: importing this module reads nothing)."""

    @dbt_assets(
        manifest=project.manifest_path,
        dagster_dbt_translator=TrueFansTranslator(),
        project=project,
    )
    def dbt_models(
        context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource
    ):
        os.environ[PARENT_ENV] = str(os.getpid())  # truefans-dbt dies with this process
        os.environ.pop(REPROCESS_ENV, None)
        os.environ.update(run_environment(first_dump_date_of_run(context.run.tags)))
        invocation = dbt.cli(list(BUILD_ARGS), context=context)
        for event in invocation.stream():
            yield event
            kill_point("dbt")  # crash tests only: dbt has finished one model, the rest in flight
        invocation_id = invocation.get_artifact("run_results.json")["metadata"]["invocation_id"]
        with warehouse.connect(read_only=True) as con:
            yield from partition_reads(con, invocation_id)

    return dbt_models


def mart_keys(dbt_models: dg.AssetsDefinition) -> list[dg.AssetKey]:
    """The dbt assets in warehouse schema `marts` (keys are `<schema>/<model>`)."""
    return sorted(
        (key for key in dbt_models.keys if key.path[0] == "marts"),
        key=lambda key: key.to_user_string(),
    )


def partition_reads(con: Any, invocation_id: str) -> list[dg.AssetObservation]:
    """What each dump-date partitioned staging model read from raw in one dbt invocation
    (`audit.partition_reads`, written by their pre-hook), as observations of those models."""
    rows = con.execute(
        "select model_name, window_start, first_dump_date, last_dump_date, dump_dates, raw_rows "
        "from audit.partition_reads where invocation_id = ? order by model_name",
        [invocation_id],
    ).fetchall()
    return [
        dg.AssetObservation(
            asset_key=dg.AssetKey(["staging", model]),
            metadata={
                "window_start": str(start) if start else "none (full build)",
                "first_dump_date": str(first),
                "last_dump_date": str(last),
                "dump_dates_read": dg.MetadataValue.int(int(dates)),
                "raw_rows_read": dg.MetadataValue.int(int(raw_rows)),
                "dbt_invocation_id": invocation_id,
            },
        )
        for model, start, first, last, dates, raw_rows in rows
    ]
