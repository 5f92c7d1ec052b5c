"""Reconciliation: for every file, rows read = rows loaded + rows quarantined, and the raw and
quarantine tables really hold those rows (counted from the tables, not trusted from the log)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from orchestration.ingest.contract import columns


@dataclass(frozen=True)
class Mismatch:
    source_file: str
    rows_read: int
    rows_loaded_logged: int
    rows_quarantined_logged: int
    rows_in_raw: int
    rows_in_quarantine: int


def reconcile(
    con: duckdb.DuckDBPyConnection, entity: str, first: dt.date, last: dt.date
) -> tuple[int, list[Mismatch]]:
    """Return (files checked, files that do not reconcile) for dump dates in [first, last]."""
    columns(entity)  # validates the entity name before it is used as an identifier
    rows = con.execute(
        f"""
        with logged as (
            select source_file, rows_read, rows_loaded, rows_quarantined
            from raw.load_log
            where entity = $entity and dump_date between $first and $last and status = 'loaded'
        ),
        in_raw as (
            select _source_file as source_file, count(*) as n
            from raw.{entity} where _dump_date between $first and $last group by all
        ),
        in_quarantine as (
            select source_file, count(*) as n
            from raw.quarantine
            where entity = $entity and dump_date between $first and $last and source_row is not null
            group by all
        )
        select logged.source_file, rows_read, rows_loaded, rows_quarantined,
               coalesce(in_raw.n, 0), coalesce(in_quarantine.n, 0)
        from logged
        left join in_raw using (source_file)
        left join in_quarantine using (source_file)
        order by logged.source_file
        """,
        {"entity": entity, "first": first, "last": last},
    ).fetchall()
    bad = [Mismatch(*r) for r in rows if r[1] != r[2] + r[3] or r[4] != r[2] or r[5] != r[3]]
    return len(rows), bad
