"""Raw layer: one Dagster asset per landing entity, partitioned by dump date.
# No `from __future__ import annotations` here: Dagster inspects the context annotations at runtime.

Each run loads its partitions with DuckDB's own readers (orchestration/ingest), then checks
that every file reconciles (rows read = loaded + quarantined, counted from the tables).
"""

import datetime as dt
import warnings
from typing import Any

import dagster as dg

from orchestration.defs.partitions import dump_date_partitions
from orchestration.defs.resources import WarehouseResource
from orchestration.ingest.contract import ENTITIES
from orchestration.ingest.loader import PartitionLoad, load_partitions
from orchestration.ingest.reconcile import reconcile
from orchestration.reliability.no_change import forget

RECONCILIATION_CHECK = "rows_reconcile"
_MAX_FILE_ROWS_IN_METADATA = 200


def _file_table(loads: list[PartitionLoad]) -> dg.TableMetadataValue:
    records = [
        dg.TableRecord(
            {
                "dump_date": load.dump_date.isoformat(),
                "file": f.source_file,
                "status": f.status,
                "rows_read": f.rows_read,
                "rows_loaded": f.rows_loaded,
                "rows_quarantined": f.rows_quarantined,
            }
        )
        for load in loads
        for f in load.files
    ][:_MAX_FILE_ROWS_IN_METADATA]
    schema = dg.TableSchema(
        columns=[
            dg.TableColumn("dump_date", "string"),
            dg.TableColumn("file", "string"),
            dg.TableColumn("status", "string"),
            dg.TableColumn("rows_read", "int"),
            dg.TableColumn("rows_loaded", "int"),
            dg.TableColumn("rows_quarantined", "int"),
        ]
    )
    return dg.MetadataValue.table(records, schema)


def load_metadata(loads: list[PartitionLoad]) -> dict[str, Any]:
    """What the partitions hold (files, rows) and what this run changed (`*_reloaded`: the files
    of partitions whose landing files were new or changed; unchanged partitions are kept)."""
    files = [f for load in loads for f in load.files]
    reloaded = [load for load in loads if not load.unchanged]
    return {
        "files_reloaded": sum(len(load.files) for load in reloaded),
        "rows_read_reloaded": sum(load.rows_read for load in reloaded),
        "rows_loaded_reloaded": sum(load.rows_loaded for load in reloaded),
        "rows_quarantined_reloaded": sum(load.rows_quarantined for load in reloaded),
        "partitions": len(loads),
        "partitions_unchanged": sum(load.unchanged for load in loads),
        "files": len(files),
        "files_duplicate": sum(f.status == "duplicate" for f in files),
        "files_unreadable": sum(f.status == "unreadable" for f in files),
        "rows_read": sum(load.rows_read for load in loads),
        "rows_loaded": sum(load.rows_loaded for load in loads),
        "rows_quarantined": sum(load.rows_quarantined for load in loads),
        "per_file": _file_table(loads),
    }


def build_raw_asset(entity: str) -> dg.AssetsDefinition:
    key = dg.AssetKey(["raw", entity])
    # BackfillPolicy is marked beta; a single-run backfill is what lets a range of dump dates
    # load in one step, so it is used knowingly and its warning is not repeated per asset.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dg.BetaWarning)
        return _raw_asset_definition(entity, key)


def _raw_asset_definition(entity: str, key: dg.AssetKey) -> dg.AssetsDefinition:
    @dg.asset(
        key=key,
        partitions_def=dump_date_partitions,
        backfill_policy=dg.BackfillPolicy.single_run(),
        group_name="raw",
        kinds={"duckdb"},
        owners=["team:data-engineering"],
        description=(
            f"`raw.{entity}`: the `{entity}` landing files of each dump date, typed and validated "
            "against LANDING_CONTRACT.md, with lineage columns. Bad rows go to `raw.quarantine`."
        ),
        check_specs=[
            dg.AssetCheckSpec(
                RECONCILIATION_CHECK,
                asset=key,
                blocking=True,
                description="Every file: rows read = rows loaded + rows quarantined, and the raw "
                "and quarantine tables hold exactly those rows.",
            )
        ],
    )
    def _raw_asset(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        dates = sorted(dt.date.fromisoformat(k) for k in context.partition_keys)
        forget(warehouse.path)  # the warehouse changes from here: the next publish records it
        with warehouse.connect() as con:
            loads = load_partitions(con, warehouse.landing, entity, dates)
            checked, mismatches = reconcile(con, entity, dates[0], dates[-1])
        metadata = load_metadata(loads)
        context.log.info(
            f"raw.{entity}: {metadata['files']} files, {metadata['rows_loaded']} rows loaded, "
            f"{metadata['rows_quarantined']} quarantined"
        )
        yield dg.MaterializeResult(metadata=metadata)
        yield dg.AssetCheckResult(
            check_name=RECONCILIATION_CHECK,
            passed=not mismatches,
            metadata={
                "files_checked": checked,
                "files_not_reconciled": len(mismatches),
                "first_mismatches": dg.MetadataValue.json([m.__dict__ for m in mismatches[:20]]),
            },
        )

    return _raw_asset


raw_assets = [build_raw_asset(entity) for entity in ENTITIES]
