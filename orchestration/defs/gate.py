"""The quality gate: the `checks` group between the marts and what is served.

Checks themselves are Dagster asset checks attached to the assets they test (dbt tests on the
dbt models, Great Expectations suites and row reconciliation on raw and marts); the UI shows them
on each asset. `checks/quality_gate` is the one asset of group `checks`: it depends on every mart,
so Dagster starts it only after the marts' blocking checks, and skips it (and, downstream, the
publish and the report) when one of them fails with ERROR. When it runs, it records the verdict
of every check evaluated in this run and where the Data Docs are, so the asset graph reads
landing -> raw -> staging -> intermediate -> marts -> checks -> serving.
"""

# No `from __future__ import annotations` here: Dagster inspects the context annotations at runtime.
from collections.abc import Sequence
from typing import Any

import dagster as dg
from dagster import DagsterEventType

from orchestration.artifacts import data_docs_index
from orchestration.defs.dbt import OWNER
from orchestration.defs.resources import WarehouseResource
from orchestration.quality.check_summary import summarize_checks

QUALITY_GATE_KEY = dg.AssetKey(["checks", "quality_gate"])


def run_check_evaluations(
    instance: dg.DagsterInstance, run_id: str
) -> list[dg.AssetCheckEvaluation]:
    records = instance.all_logs(run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION)
    evaluations = []
    for record in records:
        event = record.dagster_event
        if event is not None and isinstance(event.event_specific_data, dg.AssetCheckEvaluation):
            evaluations.append(event.event_specific_data)
    return evaluations


def build_quality_gate(marts: Sequence[dg.AssetKey]) -> dg.AssetsDefinition:
    """`checks/quality_gate`, downstream of every mart in `marts`."""

    @dg.asset(
        key=QUALITY_GATE_KEY,
        deps=list(marts),
        group_name="checks",
        kinds={"greatexpectations", "dbt"},
        owners=[OWNER],
        description=(
            "The run's quality gate. Materialized only when no blocking check of the marts failed "
            "with ERROR (dbt tests of severity error, Great Expectations suites' critical "
            "expectations); otherwise Dagster skips it and everything served after it. Records how "
            "many checks of this run passed, warned and failed, which did not pass, and the Great "
            "Expectations Data Docs of the build."
        ),
    )
    def quality_gate(
        context: dg.AssetExecutionContext, warehouse: WarehouseResource
    ) -> dg.MaterializeResult:
        checks = summarize_checks(run_check_evaluations(context.instance, context.run_id))
        context.log.info(
            f"quality gate passed: {checks.passed} checks passed, {checks.warned} warned, "
            f"{checks.failed} failed without blocking"
        )
        metadata: dict[str, Any] = {
            "checks_passed": checks.passed,
            "checks_warned": checks.warned,
            "checks_failed": checks.failed,
            "checks_not_passed": dg.MetadataValue.json(list(checks.not_passed)),
        }
        docs = data_docs_index(warehouse.path)
        if docs.is_file():
            metadata["data_docs"] = dg.MetadataValue.path(str(docs))
        return dg.MaterializeResult(metadata=metadata)

    return quality_gate
