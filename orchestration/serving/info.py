"""Reading a serving file back: what `truefans serve-info` prints (opened read-only)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.quality.check_summary import CheckSummary
from orchestration.serving.publish import META_TABLE, SCHEMA, PublishRecord
from orchestration.warehouse import WarehouseError


class ServingError(WarehouseError):
    """The serving file is missing or is not a TrueFans serving file."""


@dataclass(frozen=True)
class ServingInfo:
    path: Path
    bytes: int
    storage: str | None  # DuckDB's tag for the file's storage format, e.g. "v1.0.0+"
    latest: PublishRecord
    publishes: int  # rows of meta_publish
    tables: dict[str, int]  # rows counted now, per mart table (meta_publish excluded)


def read_serving_info(path: Path) -> ServingInfo:
    path = Path(path)
    if not path.is_file():
        raise ServingError(
            f"serving file not found: {path} (a successful `truefans run` writes it)"
        )
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise ServingError(f"cannot open serving file {path}: {str(exc).splitlines()[0]}") from exc
    try:
        return _read(con, path)
    except duckdb.CatalogException as exc:
        raise ServingError(
            f"{path} is not a TrueFans serving file (no {SCHEMA}.{META_TABLE})"
        ) from exc
    finally:
        con.close()


def _read(con: duckdb.DuckDBPyConnection, path: Path) -> ServingInfo:
    cursor = con.execute(
        f"select * from {SCHEMA}.{META_TABLE} order by version desc limit 1"
    )  # one read transaction: the row and the counts below come from the same file
    names = [d[0] for d in cursor.description or []]
    row = cursor.fetchone()
    if row is None:
        raise ServingError(f"{path}: {SCHEMA}.{META_TABLE} is empty")
    meta = dict(zip(names, row, strict=True))
    (publishes,) = con.execute(f"select count(*) from {SCHEMA}.{META_TABLE}").fetchone()  # type: ignore[misc]
    tables = {}
    for (name,) in con.execute(
        "select table_name from duckdb_tables() where schema_name = ? and table_name != ? "
        "order by 1",
        [SCHEMA, META_TABLE],
    ).fetchall():
        (count,) = con.execute(f'select count(*) from {SCHEMA}."{name}"').fetchone()  # type: ignore[misc]
        tables[name] = int(count)
    storage = None
    tags = con.execute(
        "select tags from duckdb_databases() where database_name = current_database()"
    ).fetchone()
    if tags and isinstance(tags[0], dict):
        storage = tags[0].get("storage_version")
    latest = PublishRecord(
        version=int(meta["version"]),
        published_at=meta["published_at"],
        run_id=meta.get("run_id"),
        newest_dump_date=meta.get("newest_dump_date"),
        table_rows=json.loads(meta.get("table_rows") or "{}"),
        checks=CheckSummary(
            passed=int(meta.get("checks_passed") or 0),
            warned=int(meta.get("checks_warned") or 0),
            failed=int(meta.get("checks_failed") or 0),
            not_passed=tuple(json.loads(meta.get("checks_not_passed") or "[]")),
        ),
        storage_version=meta.get("storage_version") or "",
        writer_duckdb_version=meta.get("writer_duckdb_version") or "",
    )
    return ServingInfo(path, path.stat().st_size, storage, latest, int(publishes), tables)


def format_serving_info(info: ServingInfo) -> str:
    meta = info.latest
    checks = meta.checks
    lines = [
        f"serving file:     {info.path}",
        f"size:             {info.bytes:,} bytes"
        + (f", DuckDB storage {info.storage}" if info.storage else ""),
        f"version:          {meta.version} ({info.publishes} publishes recorded)",
        f"built at:         {meta.published_at:%Y-%m-%d %H:%M:%S} UTC",
        f"run id:           {meta.run_id or '-'}",
        f"newest dump date: {meta.newest_dump_date or '-'}",
        f"checks:           {checks.passed} passed, {checks.warned} warned, {checks.failed} failed",
    ]
    lines += [f"  not passed: {name}" for name in checks.not_passed]
    width = max((len(name) for name in info.tables), default=10) + len(SCHEMA) + 1
    lines.append(f"tables ({len(info.tables)}):")
    for name, rows in info.tables.items():
        note = ""
        if meta.table_rows.get(name) != rows:
            note = f"  (meta_publish says {meta.table_rows.get(name)})"
        lines.append(f"  {SCHEMA + '.' + name:<{width}} {rows:>12,}{note}")
    return "\n".join(lines)
