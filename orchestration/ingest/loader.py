"""Load one (entity, dump date) partition from the landing root into the `raw` schema.

Idempotent by construction: a partition is replaced as a whole inside one transaction, and a
partition whose files (paths and checksums) are unchanged since the last load is left as it is.
The same bytes delivered twice within a partition load once; the copy is logged as a duplicate.
Per file, `rows_read = rows_loaded + rows_quarantined` holds and is recorded in `raw.load_log`.
A partition whose landing files have all disappeared (landing retention) keeps its loaded rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from orchestration.ingest.contract import (
    ENTITIES,
    LOAD_LOG_DDL,
    QUARANTINE_DDL,
    columns,
    raw_table_ddl,
)
from orchestration.ingest.discovery import LandingFile, discover
from orchestration.ingest.readers import REJECTS, UnreadableFile, read_file, release
from orchestration.ingest.validate import validation_sql
from orchestration.reliability.faults import kill_point


@dataclass(frozen=True)
class FileLoad:
    source_file: str
    file_sha256: str
    file_format: str
    status: str  # loaded | duplicate | unreadable
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    duplicate_of: str | None = None
    error: str | None = None


@dataclass
class PartitionLoad:
    entity: str
    dump_date: dt.date
    unchanged: bool = False
    files: list[FileLoad] = field(default_factory=list)
    # The landing folder is gone (retention purged it) but rows were loaded from it before:
    # they are kept, never deleted because the source files disappeared.
    landing_gone: bool = False

    @property
    def rows_read(self) -> int:
        return sum(f.rows_read for f in self.files)

    @property
    def rows_loaded(self) -> int:
        return sum(f.rows_loaded for f in self.files)

    @property
    def rows_quarantined(self) -> int:
        return sum(f.rows_quarantined for f in self.files)


def sha256_of(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists raw")
    for entity in ENTITIES:
        con.execute(raw_table_ddl(entity))
    con.execute(QUARANTINE_DDL)
    con.execute(LOAD_LOG_DDL)


def _logged_files(
    con: duckdb.DuckDBPyConnection, entity: str, dump_date: dt.date
) -> list[FileLoad]:
    rows = con.execute(
        "select source_file, file_sha256, file_format, status, rows_read, rows_loaded, "
        "rows_quarantined, duplicate_of, error from raw.load_log "
        "where entity = ? and dump_date = ? order by source_file",
        [entity, dump_date],
    ).fetchall()
    return [FileLoad(*r) for r in rows]


def _stage_file(con: duckdb.DuckDBPyConnection, f: LandingFile, sha: str, slot: int) -> FileLoad:
    """Read and validate one file into temp tables `_stage_<slot>` (every row, typed, with its
    reasons) and `_stage_bad_<slot>` (what goes to quarantine).

    Runs outside the partition transaction: a failing read must not abort it.
    """
    fmt = f.file_format or "unknown"
    stage, bad = f"_stage_{slot}", f"_stage_bad_{slot}"
    read = None
    try:
        try:
            read = read_file(con, f)
            sql, n_params = validation_sql(f.entity, read.present_columns, stage)
            con.execute(sql, [f.dump_date] * n_params)
        except UnreadableFile as exc:
            con.execute(
                f"create or replace temp table {bad} as select null::bigint as source_row, "
                "null::varchar as raw_text, ? as reason",
                [str(exc)],
            )
            return FileLoad(f.relative_path, sha, fmt, "unreadable", 0, 0, 0, error=str(exc))
        failed = f"select _source_row from {stage} where _reason is not null"
        # where in the file and as what text: only looked up when some row failed
        located = (
            f"select s._source_row as _record, l.source_row, l.raw_text, s._reason as reason "
            f"from {stage} s join ({read.locate(con, failed)}) l "
            "on l._record = s._source_row"
            if con.execute(f"select exists ({failed})").fetchone() == (True,)
            else "select null::bigint as _record, null::bigint as source_row, "
            "null::varchar as raw_text, null::varchar as reason limit 0"
        )
        con.execute(
            f"create or replace temp table {bad} as select * from ("
            f"select source_row, raw_text, reason from ({located}) "
            f"union all select _source_row, _raw_text, _reason from {REJECTS}"
            ") order by source_row"
        )
    finally:
        release(con)
        if read is not None:
            read.close()
    (loaded,) = con.execute(  # type: ignore[misc]
        f"select count(*) from {stage} where _reason is null"
    ).fetchone()
    (quarantined,) = con.execute(f"select count(*) from {bad}").fetchone()  # type: ignore[misc]
    return FileLoad(f.relative_path, sha, fmt, "loaded", loaded + quarantined, loaded, quarantined)


def load_partitions(
    con: duckdb.DuckDBPyConnection,
    landing_root: Path,
    entity: str,
    dump_dates: list[dt.date],
    loaded_at: dt.datetime | None = None,
) -> list[PartitionLoad]:
    """Load several dump dates of one entity, listing the landing root once."""
    ensure_raw_schema(con)
    found = discover(landing_root, (entity,), set(dump_dates)).files
    by_date: dict[dt.date, list[LandingFile]] = {d: [] for d in dump_dates}
    for f in found:
        by_date[f.dump_date].append(f)
    return [load_partition(con, landing_root, entity, d, loaded_at, by_date[d]) for d in dump_dates]


def load_partition(
    con: duckdb.DuckDBPyConnection,
    landing_root: Path,
    entity: str,
    dump_date: dt.date,
    loaded_at: dt.datetime | None = None,
    files: list[LandingFile] | None = None,
) -> PartitionLoad:
    """Replace the raw rows of one partition with what the landing root holds now."""
    if files is None:
        ensure_raw_schema(con)
        files = discover(landing_root, (entity,), {dump_date}).files
    checksums = {f.relative_path: sha256_of(f.path) for f in files}
    previous = _logged_files(con, entity, dump_date)
    if not files and previous:
        return PartitionLoad(entity, dump_date, unchanged=True, files=previous, landing_gone=True)
    if files and sorted((p.source_file, p.file_sha256) for p in previous) == sorted(
        checksums.items()
    ):
        return PartitionLoad(entity, dump_date, unchanged=True, files=previous)

    loaded_at = loaded_at or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    result = PartitionLoad(entity, dump_date)
    seen: dict[str, str] = {}
    for slot, f in enumerate(files):
        sha = checksums[f.relative_path]
        if sha in seen:
            fmt = f.file_format or "unknown"
            result.files.append(
                FileLoad(f.relative_path, sha, fmt, "duplicate", 0, 0, 0, seen[sha])
            )
        else:
            seen[sha] = f.relative_path
            result.files.append(_stage_file(con, f, sha, slot))
    sizes = {f.relative_path: f.size for f in files}
    names = ", ".join(c.name for c in columns(entity))

    con.execute("begin transaction")
    try:
        con.execute(f"delete from raw.{entity} where _dump_date = ?", [dump_date])
        for table in ("quarantine", "load_log"):
            con.execute(
                f"delete from raw.{table} where entity = ? and dump_date = ?", [entity, dump_date]
            )
        for slot, load in enumerate(result.files):
            lineage = [dump_date, load.source_file, load.file_sha256, loaded_at]
            if load.status == "loaded":
                con.execute(
                    f"insert into raw.{entity} select {names}, ?, ?, _source_row, ?, ?, _extra "
                    f"from _stage_{slot} where _reason is null",
                    lineage,
                )
            if load.status != "duplicate":
                con.execute(
                    "insert into raw.quarantine select ?, ?, ?, source_row, raw_text, reason, ?, ? "
                    f"from _stage_bad_{slot}",
                    [entity, dump_date, load.source_file, load.file_sha256, loaded_at],
                )
            con.execute(
                "insert into raw.load_log values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    entity,
                    dump_date,
                    load.source_file,
                    load.file_sha256,
                    sizes[load.source_file],
                    load.file_format,
                    load.status,
                    load.rows_read,
                    load.rows_loaded,
                    load.rows_quarantined,
                    load.duplicate_of,
                    load.error,
                    loaded_at,
                ],
            )
        kill_point("raw_load")  # crash tests only: the partition's rows replaced, not committed
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    finally:
        for slot in range(len(files)):
            con.execute(
                f"drop table if exists _stage_{slot}; drop table if exists _stage_bad_{slot}"
            )
    return result
