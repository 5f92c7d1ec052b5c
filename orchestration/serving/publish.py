"""Write-audit-publish, the publish step: the audited marts become the serving file BI tools open.

The working warehouse (raw, staging, intermediate, seeds, quarantine and marts) is the pipeline's
private workspace. BI tools open a separate DuckDB file holding only schema `marts`, plus
`marts.meta_publish`, the history of every publish. One publish:

1. builds a NEW file beside the serving path, `<serving>.tmp-<uuid>`, from an in-memory DuckDB
   connection that ATTACHes the warehouse READ_ONLY and the new file with `STORAGE_VERSION`
   (so DuckDB 1.x clients can open it: DuckDB 2 writes its own format by default);
2. copies every table (and view, materialized) of `marts`, with the dbt descriptions persisted as
   comments, and checks each copied row count against the warehouse;
3. writes `marts.meta_publish`: the previous serving file's rows plus one new row;
4. CHECKPOINTs and DETACHes the new file (no `.wal` is left), fsyncs it, then `os.replace`s the
   serving path with it and fsyncs the directory.

`os.replace` is an atomic rename on POSIX: a reader that opened the old file keeps reading the old
inode, a reader opening the path afterwards gets the new file, and nobody sees a half-built one.
On any error the temporary file is removed and the serving file is left exactly as it was; the
temporary files of a publish killed outright (SIGKILL, power cut) are removed by the next publish.
Concurrent publishes to one serving path wait for each other (a lock on `<serving>.publish-lock`),
so versions never collide.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import glob
import json
import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from orchestration.quality.check_summary import CheckSummary
from orchestration.reliability.faults import kill_point
from orchestration.warehouse import WarehouseError

# The oldest storage format DuckDB 2 can write: readable by every DuckDB from 1.0 on.
STORAGE_VERSION = "v1.0.0"
SCHEMA = "marts"
# The serving file is never written in place: it is read-only for everyone (r--r--r--), and a
# publish replaces it by rename, which needs write access to the folder, not to the file.
READ_ONLY_MODE = 0o444
META_TABLE = "meta_publish"

META_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("version", "integer not null", "Publish number: 1 for the first publish, +1 for each next"),
    ("published_at", "timestamp not null", "When the serving file was built (UTC)"),
    ("run_id", "varchar", "The Dagster run that published it"),
    ("newest_dump_date", "date", "Newest landing dump date loaded into the warehouse"),
    ("tables", "integer not null", "Number of mart tables published (meta_publish excluded)"),
    ("total_rows", "bigint not null", "Rows over all published mart tables"),
    ("table_rows", "varchar not null", 'JSON object: mart table name -> rows, e.g. {"t": 5}'),
    ("checks_passed", "integer not null", "Asset checks of the run that passed"),
    ("checks_warned", "integer not null", "Asset checks of the run that failed with WARN severity"),
    (
        "checks_failed",
        "integer not null",
        "Asset checks of the run that failed with ERROR severity",
    ),
    ("checks_not_passed", "varchar not null", "JSON list: the checks behind the two counts above"),
    ("storage_version", "varchar not null", "DuckDB STORAGE_VERSION the file was written with"),
    ("writer_duckdb_version", "varchar not null", "DuckDB library version that wrote the file"),
)


class PublishError(WarehouseError):
    """A publish that could not complete; the serving file is unchanged."""


@dataclass(frozen=True)
class PublishRecord:
    """One row of `marts.meta_publish`."""

    version: int
    published_at: dt.datetime  # naive, UTC
    run_id: str | None
    newest_dump_date: dt.date | None
    table_rows: dict[str, int]
    checks: CheckSummary = field(default_factory=CheckSummary)
    storage_version: str = STORAGE_VERSION
    writer_duckdb_version: str = duckdb.__version__

    @property
    def total_rows(self) -> int:
        return sum(self.table_rows.values())


@dataclass(frozen=True)
class PublishResult:
    path: Path
    record: PublishRecord
    bytes: int


def sql_literal(text: str) -> str:
    """A SQL string literal: ATTACH and COMMENT take no bind parameters."""
    return "'" + text.replace("'", "''") + "'"


def sql_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def tmp_path_for(serving: Path) -> Path:
    return serving.with_name(f"{serving.name}.tmp-{uuid.uuid4().hex}")


def wal_path(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def publish(
    warehouse: Path,
    serving: Path,
    *,
    run_id: str | None = None,
    checks: CheckSummary | None = None,
    threads: int = 2,
    memory_limit: str = "4GB",
) -> PublishResult:
    """Publish the marts of `warehouse` to `serving` by atomic replacement.

    `newest_dump_date` is the newest loaded dump date of `raw.load_log` (read, never copied).
    Raises PublishError (the serving file unchanged) when anything goes wrong.
    """
    warehouse, serving = Path(warehouse), Path(serving)
    if not warehouse.is_file():
        raise PublishError(f"cannot publish: warehouse file not found: {warehouse}")
    serving.parent.mkdir(parents=True, exist_ok=True)
    published_at = dt.datetime.now(dt.UTC).astimezone(dt.UTC).replace(tzinfo=None)
    with _publish_lock(serving):
        _remove_leftovers(serving)
        tmp = tmp_path_for(serving)
        spill = tmp.with_name(tmp.name + ".spill")
        try:
            con = duckdb.connect(
                ":memory:",
                config={
                    "threads": threads,
                    "memory_limit": memory_limit,
                    "temp_directory": str(spill),
                },
            )
            try:
                con.execute("set TimeZone = 'UTC'")
                _attach(con, warehouse, "src", "READ_ONLY")
                _attach(con, tmp, "serving", f"STORAGE_VERSION {sql_literal(STORAGE_VERSION)}")
                con.execute(f"create schema serving.{SCHEMA}")
                table_rows = _copy_marts(con)
                previous = _copy_history(con, serving)
                record = PublishRecord(
                    version=previous + 1,
                    published_at=published_at,
                    run_id=run_id,
                    newest_dump_date=_newest_dump_date(con),
                    table_rows=table_rows,
                    checks=checks or CheckSummary(),
                    storage_version=STORAGE_VERSION,
                )
                _write_meta(con, record)
                con.execute("checkpoint serving")
                con.execute("detach serving")
                con.execute("detach src")
            finally:
                con.close()
            if wal_path(tmp).exists():
                raise PublishError(f"the new serving file left a write-ahead log: {wal_path(tmp)}")
            os.chmod(tmp, READ_ONLY_MODE)  # BI tools read; only the next publish replaces it
            _fsync_file(tmp)
            kill_point("publish")  # crash tests only: the new file complete, not swapped in
            _swap(tmp, serving)
        except BaseException:
            for leftover in (tmp, wal_path(tmp)):
                with contextlib.suppress(FileNotFoundError):
                    leftover.unlink()
            raise
        finally:
            shutil.rmtree(spill, ignore_errors=True)
    return PublishResult(serving, record, serving.stat().st_size)


def _remove_leftovers(serving: Path) -> None:
    """Temporary files of a publish that was killed before it could clean up. Only called under
    the publish lock, so no other publish is writing one."""
    for leftover in serving.parent.glob(f"{glob.escape(serving.name)}.tmp-*"):
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()


@contextlib.contextmanager
def _publish_lock(serving: Path) -> Iterator[None]:
    lock = serving.with_name(serving.name + ".publish-lock")
    with lock.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _attach(con: duckdb.DuckDBPyConnection, path: Path, alias: str, options: str) -> None:
    try:
        con.execute(f"attach {sql_literal(str(path))} as {alias} ({options})")
    except duckdb.Error as exc:
        raise PublishError(f"cannot open {path}: {str(exc).splitlines()[0]}") from exc


def _copy_marts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Every table and view of src.marts as a table of serving.marts, with its comments."""
    relations = con.execute(
        "select table_name, comment from duckdb_tables() "
        "where database_name = 'src' and schema_name = ? and table_name != ? "
        "union all "
        "select view_name, comment from duckdb_views() "
        "where database_name = 'src' and schema_name = ? and view_name != ? "
        "order by 1",
        [SCHEMA, META_TABLE, SCHEMA, META_TABLE],
    ).fetchall()
    if not relations:
        raise PublishError(f"nothing to publish: the warehouse has no tables in schema {SCHEMA}")
    rows: dict[str, int] = {}
    for name, comment in relations:
        source = f"src.{SCHEMA}.{sql_identifier(name)}"
        target = f"serving.{SCHEMA}.{sql_identifier(name)}"
        con.execute(f"create table {target} as select * from {source}")
        if comment:
            con.execute(f"comment on table {target} is {sql_literal(comment)}")
        for column, column_comment in con.execute(
            "select column_name, comment from duckdb_columns() where database_name = 'src' "
            "and schema_name = ? and table_name = ? and comment is not null",
            [SCHEMA, name],
        ).fetchall():
            con.execute(
                f"comment on column {target}.{sql_identifier(column)} "
                f"is {sql_literal(column_comment)}"
            )
        (copied,) = con.execute(f"select count(*) from {target}").fetchone()  # type: ignore[misc]
        (expected,) = con.execute(f"select count(*) from {source}").fetchone()  # type: ignore[misc]
        if copied != expected:
            raise PublishError(f"{SCHEMA}.{name}: copied {copied} rows of {expected}")
        rows[name] = int(copied)
    return rows


def _create_meta_table(con: duckdb.DuckDBPyConnection) -> None:
    target = f"serving.{SCHEMA}.{META_TABLE}"
    columns = ", ".join(f"{name} {ddl}" for name, ddl, _ in META_COLUMNS)
    con.execute(f"create table {target} ({columns})")
    con.execute(
        f"comment on table {target} is "
        + sql_literal("One row per publish of this serving file; the newest row describes it.")
    )
    for name, _, text in META_COLUMNS:
        con.execute(f"comment on column {target}.{name} is {sql_literal(text)}")


def _copy_history(con: duckdb.DuckDBPyConnection, serving: Path) -> int:
    """Create serving.marts.meta_publish with the current serving file's rows; their max version."""
    _create_meta_table(con)
    if not serving.exists():
        return 0
    try:
        _attach(con, serving, "previous", "READ_ONLY")
    except PublishError as exc:
        raise PublishError(
            f"cannot read the publish history of the current serving file ({exc}); "
            "move the file away to start a new history"
        ) from exc
    try:
        columns = [
            r[0]
            for r in con.execute(
                "select column_name from duckdb_columns() where database_name = 'previous' "
                "and schema_name = ? and table_name = ? order by column_index",
                [SCHEMA, META_TABLE],
            ).fetchall()
        ]
        known = [name for name, _, _ in META_COLUMNS if name in columns]
        if known:
            names = ", ".join(known)
            con.execute(
                f"insert into serving.{SCHEMA}.{META_TABLE} ({names}) "
                f"select {names} from previous.{SCHEMA}.{META_TABLE} order by version"
            )
    finally:
        con.execute("detach previous")
    (previous,) = con.execute(
        f"select coalesce(max(version), 0) from serving.{SCHEMA}.{META_TABLE}"
    ).fetchone()  # type: ignore[misc]
    return int(previous)


def _newest_dump_date(con: duckdb.DuckDBPyConnection) -> dt.date | None:
    has_log = con.execute(
        "select count(*) from duckdb_tables() where database_name = 'src' "
        "and schema_name = 'raw' and table_name = 'load_log'"
    ).fetchone()
    if not has_log or not has_log[0]:
        return None
    (newest,) = con.execute(
        "select max(dump_date) from src.raw.load_log where status = 'loaded'"
    ).fetchone()  # type: ignore[misc]
    return newest


def _write_meta(con: duckdb.DuckDBPyConnection, record: PublishRecord) -> None:
    values = {
        "version": record.version,
        "published_at": record.published_at,
        "run_id": record.run_id,
        "newest_dump_date": record.newest_dump_date,
        "tables": len(record.table_rows),
        "total_rows": record.total_rows,
        "table_rows": json.dumps(record.table_rows, sort_keys=True),
        "checks_passed": record.checks.passed,
        "checks_warned": record.checks.warned,
        "checks_failed": record.checks.failed,
        "checks_not_passed": json.dumps(list(record.checks.not_passed)),
        "storage_version": record.storage_version,
        "writer_duckdb_version": record.writer_duckdb_version,
    }
    names = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    con.execute(
        f"insert into serving.{SCHEMA}.{META_TABLE} ({names}) values ({marks})",
        list(values.values()),
    )


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _swap(tmp: Path, serving: Path) -> None:
    # A WAL beside the serving file belongs to the old file (someone opened it read-write);
    # DuckDB would replay it against the new file.
    with contextlib.suppress(FileNotFoundError):
        wal_path(serving).unlink()
    os.replace(tmp, serving)
    fd = os.open(serving.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
