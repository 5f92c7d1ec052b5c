"""The physical floor: read every row of every landing file once with DuckDB, nothing else.

    python -m bench.scan <landing root>

Per entity, dump date and format, one DuckDB reader over a glob (`read_csv`, `read_json`,
`read_parquet`), aggregating every column (`max(columns(*))`) so no column is skipped by
projection pushdown. Prints the rows read. (One glob per entity over a whole year with
`union_by_name` runs out of memory in DuckDB 2.0: it keeps every file's reader state.)
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
    config: dict[str, str | bool | int | float | list[str]] = {
        "threads": threads,
        "memory_limit": memory_limit,
        "preserve_insertion_order": False,
    }
    con = duckdb.connect(config=config)
    total = 0
    for folder in sorted(p for p in root.glob("*/*") if p.is_dir()):
        for ext, reader in READERS.items():
            pattern = str(folder / f"*.{ext}")
            if not list(folder.glob(f"*.{ext}")):
                continue
            row = con.execute(
                f"select count(*), max(columns(*)) from {reader}", [pattern]
            ).fetchone()
            total += int(row[0]) if row else 0
    con.close()
    return total


if __name__ == "__main__":
    print(scan(Path(sys.argv[1])))
