"""Security basics: landing names never become SQL, the serving file holds only the marts and is
read-only for BI tools."""

from __future__ import annotations

import datetime as dt
import json
import stat
from pathlib import Path

import duckdb
import pytest
from landing_helpers import write

from orchestration.ingest.discovery import discover
from orchestration.ingest.loader import load_partition
from orchestration.serving.publish import READ_ONLY_MODE, publish
from orchestration.warehouse import connect

DAY = "2026-01-05"
HEADER = "platform,follower_id,followee_id,action,event_at\n"
HOSTILE_NAMES = (
    "x'; drop table raw.load_log; --.csv",
    'a"b"; select 1; --.csv',
    "a..csv",
    "x...jsonl",
    "semi;colon.csv",
    "back\\slash.csv",
    "dollar$$quote$$.csv",
    "naïve ünïcode ✓.csv",
)


def _row(i: int) -> str:
    return f"twitter,{i},9,follow,2026-01-05T00:00:00Z\n"


@pytest.mark.parametrize("root_name", ["landing", "land'ing; drop table x; --", 'l"and..ing'])
def test_hostile_file_folder_and_root_names_load_as_plain_text(
    tmp_path: Path, root_name: str
) -> None:
    root = tmp_path / root_name
    for i, name in enumerate(HOSTILE_NAMES):
        body = HEADER + _row(i)
        if name.endswith(".jsonl"):
            record = {
                "platform": "twitter",
                "follower_id": str(i),
                "followee_id": "9",
                "action": "follow",
                "event_at": "2026-01-05T00:00:00Z",
            }
            body = json.dumps(record) + "\n"
        write(root, "follows", DAY, name, body)
    con = connect(tmp_path / "wh.duckdb")
    try:
        result = load_partition(con, root, "follows", dt.date.fromisoformat(DAY))
        assert result.rows_loaded == len(HOSTILE_NAMES)
        files = {
            r[0] for r in con.execute("select distinct _source_file from raw.follows").fetchall()
        }
        assert files == {f"follows/{DAY}/{name}" for name in HOSTILE_NAMES}
        tables = con.execute(
            "select count(*) from information_schema.tables where table_schema = 'raw'"
        ).fetchall()
        assert tables == [(8,)]  # six entities, quarantine, load_log: nothing dropped
    finally:
        con.close()


def test_hostile_folder_names_are_reported_never_loaded(tmp_path: Path) -> None:
    root = tmp_path / "landing"
    write(root, "follows", "2026-01-05'; drop table raw.follows; --", "f.csv", HEADER + _row(1))
    write(root, "follows", "2026-01-05..", "f.csv", HEADER + _row(2))
    write(root, "follows'; --", DAY, "f.csv", HEADER + _row(3))
    write(root, "..follows", DAY, "f.csv", HEADER + _row(4))
    write(root, "follows", DAY, "../escape.csv", HEADER + _row(5))  # lands in follows/, not a date
    found = discover(root)
    assert found.files == []  # '..follows' is hidden: an in-flight upload by convention
    assert len(found.problems) == 4
    assert any("not a dump-date folder" in p and "escape.csv" in p for p in found.problems)
    assert any("unknown entity folder" in p and "follows'; --" in p for p in found.problems)


def test_serving_file_holds_only_marts_and_is_read_only(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(warehouse))
    try:
        con.execute("create schema raw; create schema staging; create schema marts")
        con.execute("create table raw.quarantine as select 'SECRET raw text' as raw_text")
        con.execute("create table raw.follows as select 'SECRET' as follower_id")
        con.execute("create table staging.stg_follows as select 'SECRET' as follower_id")
        con.execute("create table marts.fct_x as select 1 as n")
    finally:
        con.close()
    serving = publish(warehouse, tmp_path / "serving.duckdb").path

    assert stat.S_IMODE(serving.stat().st_mode) == READ_ONLY_MODE
    assert b"SECRET" not in serving.read_bytes()
    with duckdb.connect(str(serving), read_only=True) as bi:
        schemas = {
            r[0]
            for r in bi.execute(
                "select distinct schema_name from duckdb_tables() where database_name = 'serving'"
            ).fetchall()
        }
        assert schemas == {"marts"}
        with pytest.raises(duckdb.Error, match="read-only"):
            bi.execute("create table marts.y as select 1")
    publish(warehouse, serving)  # the next publish replaces the read-only file
    with duckdb.connect(str(serving), read_only=True) as bi:
        assert bi.execute("select max(version) from marts.meta_publish").fetchall() == [(2,)]
