"""Great Expectations suites (expectations/) run as Dagster asset checks.

dagster-ge needs GE < 1, so these are plain asset checks calling orchestration.quality, which
computes every metric inside DuckDB (see that module for the duckdb-engine trap it avoids).
"""

from dataclasses import dataclass

import dagster as dg

from orchestration.quality.ge import validate_table
from orchestration.resources import WarehouseResource


@dataclass(frozen=True)
class SuiteBinding:
    schema: str
    table: str
    suite: str

    @property
    def check_name(self) -> str:
        return f"ge_{self.suite}"


SUITES: tuple[SuiteBinding, ...] = (
    SuiteBinding("raw", "follows", "raw_follows"),
    SuiteBinding("marts", "fct_followers_daily", "marts_fct_followers_daily"),
)


def build_ge_check(binding: SuiteBinding) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=dg.AssetKey([binding.schema, binding.table]),
        name=binding.check_name,
        description=f"Great Expectations suite `{binding.suite}` on `{binding.schema}.{binding.table}`.",
    )
    def _ge_check(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        summary = validate_table(
            warehouse.path,
            binding.schema,
            binding.table,
            binding.suite,
            build_docs=True,
            artifacts_dir=warehouse.path.parent / "quality",
            duckdb_config={"memory_limit": warehouse.memory_limit, "threads": warehouse.threads},
        )
        return dg.AssetCheckResult(
            passed=summary.success,
            severity=dg.AssetCheckSeverity.ERROR,
            metadata=summary.as_metadata(),
        )

    return _ge_check


ge_checks = [build_ge_check(b) for b in SUITES]
