"""Order-independent checksums of warehouse tables, for "the same marts" assertions."""

from __future__ import annotations

from pathlib import Path

import duckdb


def table_checksum(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> tuple[int, int]:
    """(rows, sum of row hashes): equal for equal multisets of rows, whatever their order.

    Every column takes part, bit for bit (a float that differs in its last bit differs here)."""
    (rows, total) = con.execute(
        f'select count(*), coalesce(sum(hash(t)::hugeint), 0) from "{schema}"."{table}" t'
    ).fetchone()  # type: ignore[misc]
    return int(rows), int(total)


def schema_checksums(warehouse: Path, schema: str = "marts") -> dict[str, tuple[int, int]]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables where table_schema = ? "
                "order by table_name",
                [schema],
            ).fetchall()
        ]
        return {t: table_checksum(con, schema, t) for t in tables}
    finally:
        con.close()
