"""Great Expectations suites (expectations/) run as Dagster asset checks: one check per suite.

dagster-ge needs GE < 1, so these are plain asset checks calling orchestration.quality, which
computes every metric inside DuckDB (see that module for the duckdb-engine trap it avoids).

The bindings come from the committed suites (``meta.table`` of each JSON file), so adding a
suite to orchestration/quality/suite_specs.py and regenerating adds its check. Severity:

* a failed ``critical`` expectation -> ``passed=False``, ``ERROR``: the check is blocking, so
  Dagster fails the step and skips everything downstream (the publish to the serving file);
* otherwise a failed ``warning`` expectation -> ``passed=False``, ``WARN``: reported, the run
  goes on (Dagster only blocks on ERROR);
* otherwise ``passed=True``.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import dagster as dg

from orchestration.artifacts import artifacts_dir_for
from orchestration.defs.partitions import dump_dates_of_run
from orchestration.defs.resources import WarehouseResource
from orchestration.quality.ge import dump_date_filter, validate_table
from orchestration.quality.results import ValidationSummary, expectation_label
from orchestration.quality.suites import suite_tables
from orchestration.reliability.faults import kill_point

_MAX_FAILURES_IN_METADATA = 50


@dataclass(frozen=True)
class SuiteBinding:
    schema: str
    table: str
    suite: str

    @property
    def check_name(self) -> str:
        return f"ge_{self.suite}"

    @property
    def asset_key(self) -> dg.AssetKey:
        return dg.AssetKey([self.schema, self.table])


SUITES: tuple[SuiteBinding, ...] = tuple(
    SuiteBinding(schema, table, suite) for suite, (schema, table) in suite_tables().items()
)


def check_outcome(summary: ValidationSummary) -> tuple[bool, dg.AssetCheckSeverity]:
    """(passed, severity) of a suite run: ERROR if a critical expectation failed, else WARN if
    any other failed, else passed."""
    if summary.failed_critical:
        return False, dg.AssetCheckSeverity.ERROR
    if summary.failed_warning:
        return False, dg.AssetCheckSeverity.WARN
    return True, dg.AssetCheckSeverity.ERROR


def check_metadata(summary: ValidationSummary) -> dict[str, Any]:
    """The flat figures of ``as_metadata`` plus the failed expectations as a JSON table."""
    metadata: dict[str, Any] = dict(summary.as_metadata())
    if summary.failed:
        metadata["failures"] = dg.MetadataValue.json(
            [
                {
                    "expectation": expectation_label(r),
                    "severity": r["severity"],
                    "description": r["description"],
                    "unexpected_count": r["unexpected_count"],
                    "unexpected_percent": r["unexpected_percent"],
                    "observed_value": r["observed_value"],
                    "sample": r["partial_unexpected_list"] or r["unexpected_rows"],
                    "exception": r["exception"],
                    "kwargs": r["kwargs"],
                }
                for r in summary.failed[:_MAX_FAILURES_IN_METADATA]
            ]
        )
    return metadata


def batch_filter(binding: SuiteBinding, tags: Mapping[str, str]) -> str | None:
    """The rows a suite validates in a run with `tags` (pure): of a raw table, the dump dates
    the run loaded (a nightly run checks its one new partition; a run over every dump date
    checks them all); of the marts, which are rebuilt whole, every row (None)."""
    dates = dump_dates_of_run(tags)
    if binding.schema != "raw" or dates is None:
        return None
    return dump_date_filter(*dates)


def run_tags(context: dg.AssetCheckExecutionContext) -> Mapping[str, str]:
    """The tags of the check's run; none when the check is invoked directly (tests)."""
    try:
        return context.run.tags
    except dg.DagsterError:  # DagsterInvalidPropertyError: no run
        return {}


def build_ge_check(binding: SuiteBinding) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=binding.asset_key,
        name=binding.check_name,
        blocking=True,
        description=f"Great Expectations suite `{binding.suite}` on "
        f"`{binding.schema}.{binding.table}`: a failed critical expectation is an ERROR "
        "(blocks publishing), a failed warning is a WARN.",
    )
    def _ge_check(
        context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource
    ) -> dg.AssetCheckResult:
        row_filter = batch_filter(binding, run_tags(context))
        summary = validate_table(
            warehouse.path,
            binding.schema,
            binding.table,
            binding.suite,
            build_docs=warehouse.build_docs,
            artifacts_dir=artifacts_dir_for(warehouse.path),
            duckdb_config={"memory_limit": warehouse.memory_limit, "threads": warehouse.threads},
            row_filter=row_filter,
        )
        kill_point("checks")  # crash tests only: one suite validated, the others not
        passed, severity = check_outcome(summary)
        metadata = check_metadata(summary) | {"batch": row_filter or "whole table"}
        return dg.AssetCheckResult(passed=passed, severity=severity, metadata=metadata)

    return _ge_check


ge_checks = [build_ge_check(b) for b in SUITES]
