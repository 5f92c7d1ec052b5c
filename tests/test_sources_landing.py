"""The adapters' shared writer (orchestration/sources/landing.py), `truefans import`'s frame and
old dump dates: what every source relies on."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from landing_helpers import load, open_warehouse, write

from orchestration.sources.landing import LandingBatch, render, tracked_in_force, write_batches

DAY = dt.date(2026, 3, 2)


def _batch(
    followers: list[str], day: dt.date = DAY, account: str = "alice.example"
) -> LandingBatch:
    batch = LandingBatch("demo-source", account, day, part="120000")
    at = dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)
    batch.add(
        "follower_snapshots",
        [
            {"platform": "bluesky", "followee_id": "did:a", "follower_id": f, "snapshot_at": at}
            for f in followers
        ],
    )
    batch.add("tracked_accounts", [{"platform": "bluesky", "account_id": "did:a", "name": account}])
    return batch


def test_the_same_import_twice_writes_the_same_bytes(tmp_path: Path) -> None:
    first = write_batches(tmp_path, [_batch(["did:b", "did:c"])])
    snapshot = (
        tmp_path / "follower_snapshots" / DAY.isoformat() / "demo-source-alice.example-120000.jsonl"
    )
    assert {f.path for f in first} >= {snapshot}
    assert {f.status for f in first} == {"new"}
    before = snapshot.read_bytes()
    again = write_batches(tmp_path, [_batch(["did:c", "did:b"])])  # another order, same rows
    assert {f.status for f in again} == {"unchanged"}
    assert snapshot.read_bytes() == before
    assert before.decode().splitlines()[0] == (
        '{"followee_id": "did:a", "follower_id": "did:b", "platform": "bluesky", '
        '"snapshot_at": "2026-03-02T12:00:00Z"}'
    )
    assert not [p for p in tmp_path.rglob(".*.tmp")]  # no temporary file left


def test_tracking_a_new_account_keeps_the_accounts_in_force(tmp_path: Path) -> None:
    """The latest tracked_accounts dump is the list in force: an import adds to it."""
    write(
        tmp_path,
        "tracked_accounts",
        "2026-03-01",
        "mine.csv",
        "platform,account_id,name\ntwitter,42,Old\n",
    )
    write_batches(tmp_path, [_batch(["did:b"])])
    latest, rows = tracked_in_force(tmp_path)
    assert latest == DAY
    assert sorted((r["platform"], r["account_id"]) for r in rows) == [
        ("bluesky", "did:a"),
        ("twitter", "42"),
    ]
    # an older export does not go behind the list in force: it joins the latest list
    write_batches(tmp_path, [_batch(["did:x"], day=dt.date(2015, 5, 1), account="bob")])
    latest, rows = tracked_in_force(tmp_path)
    assert latest == DAY and len(rows) == 2
    assert not (tmp_path / "tracked_accounts" / "2015-05-01").exists()


def test_rows_missing_a_required_column_are_refused_before_writing(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="without required follower_id"):
        render(
            "follows",
            [{"platform": "x", "followee_id": "1", "action": "follow", "event_at": "2026-01-01"}],
        )


def test_written_files_load_under_the_contract(tmp_path: Path) -> None:
    write_batches(tmp_path / "landing", [_batch(["did:b", "007"])])
    con = open_warehouse(tmp_path)
    try:
        load(con, tmp_path / "landing", "follower_snapshots", DAY.isoformat())
        rows = con.execute(
            "select follower_id, snapshot_at from raw.follower_snapshots order by 1"
        ).fetchall()
        (quarantined,) = con.execute("select count(*) from raw.quarantine").fetchone()  # type: ignore[misc]
    finally:
        con.close()
    assert [r[0] for r in rows] == ["007", "did:b"]  # ids stay strings
    assert rows[0][1] == dt.datetime(2026, 3, 2, 12)
    assert quarantined == 0


def test_old_dump_dates_are_one_clear_error_in_process(tmp_path: Path) -> None:
    from orchestration.defs.partitions import FIRST_DUMP_DATE
    from orchestration.pipeline import run_pipeline
    from orchestration.settings import Settings

    write(
        tmp_path / "landing",
        "tracked_accounts",
        "2010-06-30",
        "t.csv",
        "platform,account_id\nx,1\n",
    )
    settings = Settings(tmp_path / "landing", tmp_path / "w.duckdb", threads=1, memory_limit="1GB")
    with pytest.raises(ValueError) as raised:
        run_pipeline(settings)
    assert str(raised.value) == (
        f"1 dump date(s) from 2010-06-30 are before the first partition {FIRST_DUMP_DATE}: "
        "set TRUEFANS_FIRST_DUMP_DATE=2010-06-30 (or earlier) and run again"
    )


@pytest.mark.slow
def test_truefans_run_starts_the_partitions_at_an_old_archive(tmp_path: Path) -> None:
    """`truefans run` on a landing root from 2010 loads it (the first partition follows the
    data), instead of Dagster's 'before the partitions definition start time' stack trace."""
    landing = tmp_path / "landing"
    for day in ("2010-06-30", "2010-07-01"):
        write(
            landing, "tracked_accounts", day, "t.csv", "platform,account_id,name\ntwitter,1,Old\n"
        )
        write(
            landing,
            "follows",
            day,
            "f.csv",
            f"platform,follower_id,followee_id,action,event_at\ntwitter,{day[-2:]},1,follow,{day}T10:00:00Z\n",
        )
    env = {k: v for k, v in os.environ.items() if k != "TRUEFANS_FIRST_DUMP_DATE"}
    env["TRUEFANS_DOCS"] = "0"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "orchestration.cli.main",
            "run",
            "--landing",
            str(landing),
            "--warehouse",
            str(tmp_path / "w.duckdb"),
            "--quiet",
        ],
        capture_output=True,
        text=True,
        timeout=900,
        env=env,
    )
    out = done.stdout + done.stderr
    assert "partitions definition start" not in out and "Traceback" not in out, out
    assert "dump dates 2010-06-30 .. 2010-07-01 (2)" in out, out
    import duckdb

    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    try:
        assert con.execute("select count(*) from raw.follows").fetchone() == (2,)
        assert con.execute("select count(*) from marts.fct_followers_daily").fetchall()[0][0] > 0
    finally:
        con.close()


def test_the_recorded_server_replays_pages_and_counts_what_it_was_asked() -> None:
    import json
    import urllib.error
    import urllib.request

    from recorded_http import recorded_server

    exchanges = [
        {"path": "/api", "query": {"page": "1"}, "status": 429, "body": "slow down", "times": 1},
        {
            "path": "/api",
            "query": {"page": "1"},
            "status": 200,
            "body": {"next": "{base}/api?page=2"},
        },
    ]
    with recorded_server(exchanges) as server:
        with pytest.raises(urllib.error.HTTPError) as first:
            urllib.request.urlopen(f"{server.base_url}/api?page=1", timeout=10)
        assert first.value.code == 429
        with urllib.request.urlopen(f"{server.base_url}/api?page=1", timeout=10) as r:
            assert json.loads(r.read()) == {"next": f"{server.base_url}/api?page=2"}
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(f"{server.base_url}/api?page=2", timeout=10)
    assert server.unmatched == ["/api?page=2"]
    assert server.base_url.startswith("http://127.0.0.1:")
