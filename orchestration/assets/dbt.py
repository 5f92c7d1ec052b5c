"""dbt models as Dagster assets; dbt tests surface as asset checks."""

import os
from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from orchestration.dbt_project import REPROCESS_ENV, build_args, dbt_project, run_environment
from orchestration.partitions import first_dump_date_of_run
from orchestration.reliability.dbt_child import PARENT_ENV
from orchestration.reliability.faults import kill_point

OWNER = "team:analytics-engineering"


class TrueFansTranslator(DagsterDbtTranslator):
    """Asset keys follow the warehouse: `<schema>/<model>` (e.g. `marts/dim_tracked_accounts`),
    sources map onto the raw assets (`raw/<entity>`), groups follow the model folders."""

    def get_asset_spec(
        self, manifest: Mapping[str, Any], unique_id: str, project: DbtProject | None
    ) -> dg.AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        props = self.get_resource_props(manifest, unique_id)
        if props["resource_type"] in ("model", "seed", "snapshot"):
            # models/<layer>/x.sql -> <layer>; seeds/x.csv -> seeds
            layer = props["fqn"][1] if len(props["fqn"]) > 2 else f"{props['resource_type']}s"
            spec = spec.replace_attributes(
                key=dg.AssetKey([props["schema"], props["name"]]),
                group_name=layer,
                owners=[OWNER],
            )
        return spec


@dbt_assets(
    manifest=dbt_project.manifest_path,
    dagster_dbt_translator=TrueFansTranslator(),
    project=dbt_project,
)
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    os.environ[PARENT_ENV] = str(os.getpid())  # truefans-dbt dies with this process
    os.environ.pop(REPROCESS_ENV, None)
    os.environ.update(run_environment(first_dump_date_of_run(context.run.tags)))
    for event in dbt.cli(build_args(), context=context).stream():
        yield event
        kill_point("dbt")  # crash tests only: dbt has finished one model, the rest in flight
