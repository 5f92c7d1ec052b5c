"""A follower history sent as follow events and the same history sent as daily follower
snapshots give the same follow/unfollow events and the same daily follower counts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from landing_helpers import write

from orchestration.pipeline import run_pipeline
from orchestration.settings import Settings

START = dt.date(2026, 2, 1)
DAYS = 6
# (follower, followed at, unfollowed at or None); times are UTC, never two changes of one pair on one day
HISTORY = [
    ("old_fan", dt.datetime(2025, 12, 24, 8), None),
    ("old_churner", dt.datetime(2026, 1, 20, 9), dt.datetime(2026, 2, 3, 7)),
    ("day0", dt.datetime(2026, 2, 1, 12), None),
    ("f4f", dt.datetime(2026, 2, 2, 10), dt.datetime(2026, 2, 4, 22)),
    ("f4f", dt.datetime(2026, 2, 5, 9), None),
    ("late", dt.datetime(2026, 2, 6, 23, 59, 58), None),
]
TRACKED = "platform,account_id,name,home_country,home_lang\ninstagram,0042,Acme,CH,de\n"


def _day(i: int) -> dt.date:
    return START + dt.timedelta(days=i)


def _write_events(root: Path) -> None:
    by_day: dict[dt.date, list[str]] = {}
    for follower, followed, unfollowed in HISTORY:
        for action, at in (("follow", followed), ("unfollow", unfollowed)):
            if at is not None:
                day = max(at.date(), START)  # pre-history arrives in the first dump
                by_day.setdefault(day, []).append(
                    f"instagram,{follower},0042,{action},{at.isoformat()}Z"
                )
    for day, lines in by_day.items():
        write(
            root,
            "follows",
            day.isoformat(),
            "events.csv",
            "platform,follower_id,followee_id,action,event_at\n" + "\n".join(lines) + "\n",
        )


def _write_snapshots(root: Path) -> None:
    for i in range(DAYS):
        end = dt.datetime.combine(_day(i), dt.time(23, 59, 59))
        members = sorted(
            {f for f, fol, unf in HISTORY if fol <= end and (unf is None or unf > end)}
        )
        lines = [f"instagram,0042,{m},{end.isoformat()}Z" for m in members]
        write(
            root,
            "follower_snapshots",
            _day(i).isoformat(),
            "list.jsonl",
            "".join(
                f'{{"platform":"instagram","followee_id":"0042","follower_id":"{line.split(",")[2]}","snapshot_at":"{line.split(",")[3]}"}}\n'
                for line in lines
            ),
        )


def _build(tmp_path: Path, name: str, writer) -> duckdb.DuckDBPyConnection:
    root = tmp_path / name / "landing"
    write(root, "tracked_accounts", START.isoformat(), "t.csv", TRACKED)
    writer(root)
    settings = Settings(
        landing=root,
        warehouse=tmp_path / name / "wh.duckdb",
        threads=1,
        memory_limit="1GB",
        docs=False,
    )
    summary = run_pipeline(settings, instance=dg.DagsterInstance.ephemeral())
    assert summary.success, summary.checks_failed
    assert not summary.checks_failed
    return duckdb.connect(str(settings.warehouse), read_only=True)


@pytest.fixture(scope="module")
def warehouses(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("follow_sources")
    events = _build(tmp_path, "events", _write_events)
    snapshots = _build(tmp_path, "snapshots", _write_snapshots)
    yield events, snapshots
    events.close()
    snapshots.close()


CHANGES_AFTER_FIRST_DAY = """
select follower_id, action, cast(event_at as date) as day
from intermediate.int_follow_state_changes
where cast(event_at as date) > ?
order by all
"""


def test_same_follow_and_unfollow_events_after_the_first_snapshot(warehouses) -> None:
    events, snapshots = warehouses
    from_events = events.execute(CHANGES_AFTER_FIRST_DAY, [START]).fetchall()
    from_snapshots = snapshots.execute(CHANGES_AFTER_FIRST_DAY, [START]).fetchall()
    assert from_events == from_snapshots
    assert ("f4f", "unfollow", dt.date(2026, 2, 4)) in from_events
    assert ("f4f", "follow", dt.date(2026, 2, 5)) in from_events


def test_first_snapshot_is_the_baseline_of_the_same_followers(warehouses) -> None:
    events, snapshots = warehouses
    baseline = snapshots.execute(
        "select follower_id from intermediate.int_follow_events where is_baseline order by 1"
    ).fetchall()
    following_at_start = events.execute(
        "select follower_id from intermediate.int_follow_state_changes "
        "where cast(event_at as date) <= ? group by 1 having sum(follower_delta) = 1 order by 1",
        [START],
    ).fetchall()
    assert baseline == following_at_start == [("day0",), ("old_churner",), ("old_fan",)]


def test_daily_follower_counts_agree(warehouses) -> None:
    events, snapshots = warehouses
    query = "select date, followers from marts.fct_followers_daily order by date"
    expected = [(_day(i), n) for i, n in enumerate([3, 4, 3, 2, 3, 4])]
    assert events.execute(query).fetchall() == expected
    assert snapshots.execute(query).fetchall() == expected
    gross = (
        "select date, follows_gross, unfollows_gross from marts.fct_followers_daily order by date"
    )
    from_snapshots = snapshots.execute(gross).fetchall()
    assert from_snapshots[0] == (
        START,
        None,
        None,
    )  # the first snapshot cannot tell when they followed
    assert events.execute(gross).fetchall()[1:] == from_snapshots[1:]
