"""The physical floor: read every row of every landing file once with DuckDB, nothing else.

    python -m bench.scan <landing root>

Per entity and format, one DuckDB reader over a glob (`read_csv`, `read_json`, `read_parquet`),
aggregating every column (`max(columns(*))`) so no column is skipped by projection pushdown.
Prints the rows read.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

READERS = {
    "csv": "read_csv(?, union_by_name=true, all_varchar=true)",
    "csv.gz": "read_csv(?, union_by_name=true, all_varchar=true)",
    "jsonl": "read_json(?, format='newline_delimited', union_by_name=true)",
    "jsonl.gz": "read_json(?, format='newline_delimited', union_by_name=true)",
    "parquet": "read_parquet(?, union_by_name=true)",
}


def scan(root: Path, threads: int = 2, memory_limit: str = "4GB") -> int:
    con = duckdb.connect(config={"threads": threads, "memory_limit": memory_limit})
    total = 0
    for entity in sorted(p for p in root.iterdir() if p.is_dir()):
        for ext, reader in READERS.items():
            pattern = str(entity / "*" / f"*.{ext}")
            if not list(entity.glob(f"*/*.{ext}")):
                continue
            row = con.execute(
                f"select count(*), max(columns(*)) from {reader}", [pattern]
            ).fetchone()
            total += int(row[0]) if row else 0
    con.close()
    return total


if __name__ == "__main__":
    print(scan(Path(sys.argv[1])))
