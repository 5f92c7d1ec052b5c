"""Every committed Great Expectations suite on one warehouse, as the asset checks run them.

python -m bench.validate_all <warehouse.duckdb> [memory_limit] [threads]
"""

from __future__ import annotations

import sys
from pathlib import Path

from orchestration.defs.checks import SUITES
from orchestration.quality.ge import validate_table


def main(warehouse: Path, memory_limit: str = "4GB", threads: int = 2) -> int:
    failed = 0
    for binding in SUITES:
        summary = validate_table(
            warehouse,
            binding.schema,
            binding.table,
            binding.suite,
            duckdb_config={"memory_limit": memory_limit, "threads": threads},
        )
        failed += bool(summary.failed_critical)
        print(f"{binding.suite}: {len(summary.failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    args = sys.argv[1:]  # warehouse [memory_limit [threads]]
    memory_limit = args[1] if len(args) > 1 else "4GB"
    if len(args) > 2:
        raise SystemExit(main(Path(args[0]), memory_limit, int(args[2])))
    raise SystemExit(main(Path(args[0]), memory_limit))
