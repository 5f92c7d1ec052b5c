"""Landing ingestion: every format loads, bad rows are quarantined with a reason, nothing is lost."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from landing_helpers import jsonl, load, open_warehouse, write, write_parquet

from orchestration.ingest.reconcile import reconcile

DAY = "2026-01-05"
FOLLOWS_HEADER = "platform,follower_id,followee_id,action,event_at\n"


@pytest.fixture
def con(tmp_path: Path):
    connection = open_warehouse(tmp_path)
    yield connection
    connection.close()


def rows(con, sql: str, params=None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()


@pytest.mark.parametrize("name", ["f.csv", "f.csv.gz", "f.jsonl", "f.jsonl.gz", "f.parquet"])
def test_every_format_loads_the_same_rows(tmp_path: Path, con, name: str) -> None:
    records = [
        {
            "platform": "twitter",
            "follower_id": "007",
            "followee_id": "1",
            "action": "follow",
            "event_at": "2026-01-05T10:00:00Z",
        },
        {
            "platform": "twitter",
            "follower_id": "1234567890123456789",
            "followee_id": "1",
            "action": "unfollow",
            "event_at": "2026-01-05T12:00:00+02:00",
        },
    ]
    root = tmp_path / "landing"
    if name.startswith("f.csv"):
        body = FOLLOWS_HEADER + "".join(",".join(r.values()) + "\n" for r in records)
        write(root, "follows", DAY, name, body)
    elif name.startswith("f.jsonl"):
        write(root, "follows", DAY, name, jsonl(*records))
    else:
        selects = " union all ".join(
            "select " + ", ".join(f"'{v}' as {k}" for k, v in r.items()) for r in records
        )
        write_parquet(root, "follows", DAY, name, selects)
    result = load(con, root, "follows", DAY)
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (2, 2, 0)
    assert rows(
        con,
        "select follower_id, action, event_at, _source_row from raw.follows order by _source_row",
    ) == [
        ("007", "follow", dt.datetime(2026, 1, 5, 10, 0), 1),
        ("1234567890123456789", "unfollow", dt.datetime(2026, 1, 5, 10, 0), 2),
    ]
    # nothing of the file's reading and staging outlives the load (memory, spill)
    assert (
        rows(con, "select table_name from duckdb_tables() where temporary and not internal") == []
    )
    assert rows(con, "select view_name from duckdb_views() where temporary and not internal") == []


def test_timestamps_booleans_and_counts_are_typed(tmp_path: Path, con) -> None:
    root = tmp_path / "landing"
    write(
        root,
        "accounts",
        DAY,
        "a.csv",
        "account_id,platform,observed_at,created_at,followers_count,has_default_avatar,verified\n"
        "a,Instagram,1767571200,2020-01-01T00:00:00,5,YES,0\n"
        "b,instagram,2026-01-05T01:00:00-05:00,,,,\n",
    )
    load(con, root, "accounts", DAY)
    assert rows(
        con,
        "select account_id, platform, observed_at, created_at, followers_count, has_default_avatar, verified from raw.accounts order by 1",
    ) == [
        ("a", "instagram", dt.datetime(2026, 1, 5, 0, 0), dt.datetime(2020, 1, 1), 5, True, False),
        ("b", "instagram", dt.datetime(2026, 1, 5, 6, 0), None, None, None, None),
    ]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("twitter,,1,follow,2026-01-05T00:00:00Z", "required value missing: follower_id"),
        (
            "twitter,2,1,bogus,2026-01-05T00:00:00Z",
            "unknown action 'bogus' (expected follow or unfollow)",
        ),
        ("twitter,2,1,follow,yesterday", "not a timestamp: event_at=yesterday"),
        (
            "twitter,2,1,follow,2026-03-01T00:00:00Z",
            "timestamp in the future: event_at=2026-03-01 00:00:00",
        ),
        ('twitter,2,1,follow,"2026-01-05",extra', "malformed CSV record: too many columns"),
    ],
)
def test_bad_rows_are_quarantined_with_a_reason(
    tmp_path: Path, con, line: str, reason: str
) -> None:
    root = tmp_path / "landing"
    write(
        root,
        "follows",
        DAY,
        "f.csv",
        FOLLOWS_HEADER + "twitter,1,1,follow,2026-01-05T00:00:00Z\n" + line + "\n",
    )
    result = load(con, root, "follows", DAY)
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (2, 1, 1)
    ((got_reason, raw_text, source_file),) = rows(
        con, "select reason, raw_text, source_file from raw.quarantine"
    )
    assert got_reason.startswith(reason)
    assert source_file == f"follows/{DAY}/f.csv"
    assert raw_text


def test_negative_count_and_missing_required_column(tmp_path: Path, con) -> None:
    root = tmp_path / "landing"
    write(
        root,
        "accounts",
        DAY,
        "a.jsonl",
        jsonl(
            {"account_id": "a", "platform": "x", "observed_at": "2026-01-05", "followers_count": -3}
        ),
    )
    write(root, "accounts", DAY, "b.csv", "account_id,observed_at\nb,2026-01-05\n")
    load(con, root, "accounts", DAY)
    reasons = sorted(r[0] for r in rows(con, "select reason from raw.quarantine"))
    assert reasons == [
        "negative count: followers_count=-3",
        "required column missing from file: platform",
    ]
    assert rows(con, "select count(*) from raw.accounts") == [(0,)]


def test_invalid_json_lines_and_unreadable_files_never_stop_good_rows(tmp_path: Path, con) -> None:
    root = tmp_path / "landing"
    good = {
        "platform": "x",
        "post_id": "p",
        "actor_id": "a",
        "kind": "like",
        "created_at": "2026-01-05T00:00:00Z",
    }
    write(
        root,
        "interactions",
        DAY,
        "i.jsonl.gz",
        jsonl(good, "{not json", "[1, 2]", "", {**good, "actor_id": "b"}),
    )
    write(
        root, "interactions", DAY, "broken.csv.gz", b""
    )  # gzip of nothing is fine; make it corrupt:
    (root / "interactions" / DAY / "broken.csv.gz").write_bytes(b"\x1f\x8b\x08garbage")
    write(root, "interactions", DAY, "notes.txt", "hello")
    result = load(con, root, "interactions", DAY)
    by_file = {f.source_file.rsplit("/", 1)[1]: f for f in result.files}
    assert (by_file["i.jsonl.gz"].rows_loaded, by_file["i.jsonl.gz"].rows_quarantined) == (2, 2)
    assert by_file["broken.csv.gz"].status == "unreadable"
    assert by_file["notes.txt"].status == "unreadable"
    assert sorted(
        r[0]
        for r in rows(con, "select source_row from raw.quarantine where source_row is not null")
    ) == [2, 3]
    assert rows(con, "select count(*) from raw.quarantine where source_row is null") == [(2,)]


def test_unknown_columns_are_kept_in_extra(tmp_path: Path, con) -> None:
    root = tmp_path / "landing"
    write(
        root,
        "tracked_accounts",
        DAY,
        "t.csv",
        "platform,account_id,tier,home_country\ntwitter,1,gold,CH\n",
    )
    write(
        root,
        "tracked_accounts",
        DAY,
        "t.jsonl",
        jsonl({"platform": "x", "account_id": "2", "tier": "silver"}),
    )
    load(con, root, "tracked_accounts", DAY)
    assert rows(con, "select account_id, _extra->>'tier' from raw.tracked_accounts order by 1") == [
        ("1", "gold"),
        ("2", "silver"),
    ]


def test_same_bytes_twice_load_once_and_reloads_are_idempotent(tmp_path: Path, con) -> None:
    root = tmp_path / "landing"
    body = FOLLOWS_HEADER + "twitter,1,9,follow,2026-01-05T00:00:00Z\n"
    write(root, "follows", DAY, "a.csv", body)
    write(root, "follows", DAY, "a (copy).csv", body)
    first = load(con, root, "follows", DAY)
    assert [f.status for f in first.files] == ["duplicate", "loaded"] or [
        f.status for f in first.files
    ] == ["loaded", "duplicate"]
    snapshot = rows(con, "select * from raw.follows")
    second = load(con, root, "follows", DAY)
    assert second.unchanged
    assert rows(con, "select * from raw.follows") == snapshot
    # a late file in the same folder reloads the partition, still without duplicates
    write(
        root,
        "follows",
        DAY,
        "late.csv",
        FOLLOWS_HEADER + "twitter,2,9,follow,2026-01-05T01:00:00Z\n",
    )
    third = load(con, root, "follows", DAY)
    assert not third.unchanged
    assert rows(con, "select count(*) from raw.follows") == [(2,)]


def test_reconciliation_counts_come_from_the_tables(tmp_path: Path, con) -> None:
    root = tmp_path / "landing"
    write(
        root,
        "follows",
        DAY,
        "f.csv",
        FOLLOWS_HEADER
        + "twitter,1,9,follow,2026-01-05T00:00:00Z\ntwitter,,9,follow,2026-01-05T00:00:00Z\n",
    )
    load(con, root, "follows", DAY)
    day = dt.date.fromisoformat(DAY)
    checked, mismatches = reconcile(con, "follows", day, day)
    assert (checked, mismatches) == (1, [])
    con.execute("delete from raw.follows")  # rows vanish behind the log's back
    checked, mismatches = reconcile(con, "follows", day, day)
    assert len(mismatches) == 1 and mismatches[0].rows_in_raw == 0


def test_hostile_file_names_are_never_sql(tmp_path: Path, con) -> None:
    root = tmp_path / "landing"
    name = "x'; drop table raw.load_log; --.csv"
    write(root, "follows", DAY, name, FOLLOWS_HEADER + "twitter,1,9,follow,2026-01-05T00:00:00Z\n")
    result = load(con, root, "follows", DAY)
    assert result.rows_loaded == 1
    assert rows(con, "select _source_file from raw.follows") == [(f"follows/{DAY}/{name}",)]
    assert rows(con, "select count(*) from raw.load_log") == [(1,)]


@pytest.mark.parametrize(
    ("value", "loaded"),
    [
        ("12", 12),
        ("+7", 7),
        ("10.0", 10),
        ("10.5", None),
        ("0x10", None),
        ("1_000", None),
        ("1e3", None),
    ],
)
def test_counts_are_whole_numbers_never_rounded_or_guessed(
    tmp_path: Path, con, value: str, loaded: int | None
) -> None:
    root = tmp_path / "landing"
    write(
        root,
        "accounts",
        DAY,
        "a.csv",
        f"account_id,platform,observed_at,followers_count\na,x,2026-01-05,{value}\n",
    )
    load(con, root, "accounts", DAY)
    got = rows(con, "select followers_count from raw.accounts")
    if loaded is None:
        assert got == []
        assert rows(con, "select reason from raw.quarantine") == [
            (f"not an integer: followers_count={value}",)
        ]
    else:
        assert got == [(loaded,)]


def test_a_partition_whose_landing_files_vanished_keeps_its_rows(tmp_path: Path, con) -> None:
    """Landing retention may purge old files; a re-run of that date must not delete its rows."""
    root = tmp_path / "landing"
    path = write(root, "follows", DAY, "f.csv", FOLLOWS_HEADER + "twitter,1,9,follow,2026-01-05\n")
    load(con, root, "follows", DAY)
    path.unlink()
    again = load(con, root, "follows", DAY)
    assert again.landing_gone and again.unchanged
    assert rows(con, "select follower_id from raw.follows") == [("1",)]
    assert rows(con, "select count(*) from raw.load_log") == [(1,)]


def test_a_record_over_the_size_limit_quarantines_its_file_with_that_reason(
    tmp_path: Path, con
) -> None:
    from orchestration.ingest.readers import MAX_RECORD_BYTES

    root = tmp_path / "landing"
    huge = "x" * (MAX_RECORD_BYTES + 1024)
    write(
        root,
        "accounts",
        DAY,
        "a.csv",
        f'account_id,platform,observed_at,bio\na,x,2026-01-05,"{huge}"\nb,x,2026-01-05,ok\n',
    )
    result = load(con, root, "accounts", DAY)
    assert [f.status for f in result.files] == ["unreadable"]
    assert rows(con, "select reason from raw.quarantine") == [
        ("unreadable csv file: a record is longer than the 16 MiB limit",)
    ]
