"""Small helpers to write landing files in tests (shared by several test modules)."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path

import duckdb

from orchestration.ingest.loader import load_partition
from orchestration.warehouse import connect


def write(root: Path, entity: str, day: str, name: str, content: str | bytes) -> Path:
    path = root / entity / day / name
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode() if isinstance(content, str) else content
    if name.endswith(".gz"):
        data = gzip.compress(data, mtime=0)
    path.write_bytes(data)
    return path


def jsonl(*records: dict | str) -> str:
    return "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records)


def write_parquet(root: Path, entity: str, day: str, name: str, select_sql: str) -> Path:
    path = root / entity / day / name
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute(f"copy ({select_sql}) to ? (format parquet)", [str(path)])
    con.close()
    return path


def open_warehouse(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    return connect(tmp_path / "wh.duckdb")


def load(con: duckdb.DuckDBPyConnection, root: Path, entity: str, day: str):
    return load_partition(con, root, entity, dt.date.fromisoformat(day))
