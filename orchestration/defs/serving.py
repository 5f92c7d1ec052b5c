"""Write-audit-publish: the serving file, published after the marts and their checks.

`serving/marts` depends on every dbt model of schema `marts` and on `checks/quality_gate`.
Dagster starts it only after the blocking checks of those marts (dbt tests of severity error; the
Great Expectations checks when declared blocking) and skips it when one of them fails with ERROR
severity: the serving file then stays as it was. The checks that ran in this run are counted from the instance's event log and
recorded in `marts.meta_publish`.

The asset is not partitioned, like the dbt models: the nightly job is partitioned by dump date,
and Dagster runs unpartitioned assets of a partitioned asset job once per run, whatever range of
dump dates the run covers (the serving file is always the whole marts schema).
"""

# No `from __future__ import annotations` here: Dagster inspects the context annotations at runtime.
from collections.abc import Sequence

import dagster as dg

from orchestration.defs.dbt import OWNER
from orchestration.defs.gate import QUALITY_GATE_KEY, run_check_evaluations
from orchestration.defs.partitions import PARTITION_TAG, RANGE_END_TAG, RANGE_START_TAG
from orchestration.defs.resources import ServingResource, WarehouseResource
from orchestration.quality.check_summary import summarize_checks
from orchestration.reliability.no_change import record_publish
from orchestration.serving.publish import publish

SERVING_KEY = dg.AssetKey(["serving", "marts"])


def build_serving_marts(marts: Sequence[dg.AssetKey]) -> dg.AssetsDefinition:
    """`serving/marts`, published after every mart in `marts` and the quality gate."""

    @dg.asset(
        key=SERVING_KEY,
        deps=[*marts, QUALITY_GATE_KEY],
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
        tags = context.run.tags
        first = tags.get(RANGE_START_TAG) or tags.get(PARTITION_TAG)
        last = tags.get(RANGE_END_TAG) or tags.get(PARTITION_TAG)
        if first and last:  # what this publish reflects: a later run with nothing new skips
            record_publish(
                warehouse.path, warehouse.landing, first, last, context.run_id, record.version
            )
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

    return serving_marts
