"""Write-audit-publish: the serving file, published after the marts and their checks.

`serving/marts` depends on every dbt model of schema `marts`. Dagster starts it only after the
blocking checks of those marts (dbt tests of severity error; the Great Expectations checks when
declared blocking) and skips it when one of them fails with ERROR severity: the serving file then
stays as it was. The checks that ran in this run are counted from the instance's event log and
recorded in `marts.meta_publish`.

The asset is not partitioned, like the dbt models: the nightly job is partitioned by dump date,
and Dagster runs unpartitioned assets of a partitioned asset job once per run, whatever range of
dump dates the run covers (the serving file is always the whole marts schema).
"""

# No `from __future__ import annotations` here: Dagster inspects the context annotations at runtime.
from collections.abc import Iterable

import dagster as dg
from dagster import DagsterEventType

from orchestration.assets.dbt import OWNER, dbt_models
from orchestration.resources import ServingResource, WarehouseResource
from orchestration.serving.publish import CheckSummary, publish

SERVING_KEY = dg.AssetKey(["serving", "marts"])


def mart_keys(dbt_assets: dg.AssetsDefinition = dbt_models) -> list[dg.AssetKey]:
    """The dbt assets in warehouse schema `marts` (keys are `<schema>/<model>`)."""
    return sorted(
        (key for key in dbt_assets.keys if key.path[0] == "marts"),
        key=lambda key: key.to_user_string(),
    )


def summarize_checks(evaluations: Iterable[dg.AssetCheckEvaluation]) -> CheckSummary:
    """Passed / failed with WARN / failed with ERROR, the last evaluation of each check."""
    latest: dict[tuple[str, str], dg.AssetCheckEvaluation] = {}
    for evaluation in evaluations:
        latest[(evaluation.asset_key.to_user_string(), evaluation.check_name)] = evaluation
    passed = warned = failed = 0
    not_passed = []
    for (asset, name), evaluation in sorted(latest.items()):
        if evaluation.passed:
            passed += 1
            continue
        severity = evaluation.severity.value
        if severity == dg.AssetCheckSeverity.WARN.value:
            warned += 1
        else:
            failed += 1
        not_passed.append(f"{asset} :: {name} ({severity})")
    return CheckSummary(passed, warned, failed, tuple(not_passed))


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


@dg.asset(
    key=SERVING_KEY,
    deps=mart_keys(),
    group_name="serving",
    kinds={"duckdb"},
    owners=[OWNER],
    description=(
        "The serving DuckDB file BI tools open read-only (`TRUEFANS_SERVING`, default "
        "`data/serving.duckdb`): every table of schema `marts`, copied after the checks of this "
        "run passed, plus `marts.meta_publish` (one row per publish: version, time, run, newest "
        "dump date, rows per table, check summary). Written with DuckDB STORAGE_VERSION v1.0.0 "
        "for DuckDB 1.x clients, and swapped in atomically: readers see the old or the new "
        "version, never a half-built file."
    ),
)
def serving_marts(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, serving: ServingResource
) -> dg.MaterializeResult:
    checks = summarize_checks(run_check_evaluations(context.instance, context.run_id))
    result = publish(
        warehouse.path,
        serving.path,
        run_id=context.run_id,
        checks=checks,
        threads=warehouse.threads,
        memory_limit=warehouse.memory_limit,
    )
    record = result.record
    context.log.info(
        f"published version {record.version} of {result.path}: {len(record.table_rows)} marts, "
        f"{record.total_rows:,} rows; checks {checks.passed} passed, {checks.warned} warned, "
        f"{checks.failed} failed"
    )
    return dg.MaterializeResult(
        metadata={
            "serving_path": dg.MetadataValue.path(str(result.path)),
            "version": record.version,
            "bytes": result.bytes,
            "dagster/row_count": record.total_rows,
            "rows_per_table": dg.MetadataValue.json(record.table_rows),
            "newest_dump_date": str(record.newest_dump_date or ""),
            "storage_version": record.storage_version,
            "checks_passed": checks.passed,
            "checks_warned": checks.warned,
            "checks_failed": checks.failed,
            "checks_not_passed": dg.MetadataValue.json(list(checks.not_passed)),
        }
    )


serving_assets = [serving_marts]
