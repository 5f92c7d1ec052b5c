"""Issue 27: a landing root of one crawl (tracked accounts, profiles and follow events at the
crawl time, no posts) publishes. A crawl dated by its dump-date folder may stamp events after
that day's end in UTC (a crawler west of Greenwich late in the evening; the contract accepts
timestamps up to a day past the dump date): the daily spine must reach the day of the last
follow change, or end-of-day followers on the latest date miss the followers counted current
in marts.fct_follower_authenticity (the ERROR reconciliation followers_vs_authenticity). A
follow and an unfollow of one pair at the same instant (both stamped with the crawl time) leave
the pair unfollowed, in both marts, with no spell of no length (an ERROR test of
int_follower_spells)."""

from __future__ import annotations

import dagster as dg
import duckdb
import pytest
from landing_helpers import jsonl, write

from orchestration.pipeline import run_pipeline
from orchestration.settings import Settings

pytestmark = pytest.mark.slow  # one small pipeline run, ~40 s on two shared cores

DAY = "2024-01-01"
CRAWL = f"{DAY}T12:00:00Z"
FOLLOWS = [  # (follower, action, event_at): all at or before the crawl, in the crawler's clock
    ("f1", "follow", CRAWL),
    ("f1", "follow", CRAWL),  # the same event delivered twice
    ("f2", "follow", f"{DAY}T00:00:00Z"),
    ("f3", "follow", "2023-06-01T08:00:00Z"),
    ("f4", "follow", f"{DAY}T23:30:00-02:00"),  # 2024-01-02T01:30Z: past the dump day in UTC
    ("f5", "follow", "2024-01-02T00:00:00Z"),  # exactly at the next UTC midnight
    # a follow and an unfollow at the same instant: the pair ends that instant unfollowed
    ("g1", "follow", CRAWL),
    ("g1", "unfollow", CRAWL),
    ("g2", "unfollow", CRAWL),  # the unfollow first in the file
    ("g2", "follow", CRAWL),
    ("g3", "follow", "2023-01-01T00:00:00Z"),  # a follower since 2023, gone at the crawl
    ("g3", "follow", CRAWL),
    ("g3", "unfollow", CRAWL),
]
CURRENT = ["f1", "f2", "f3", "f4", "f5"]


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    folder = tmp_path_factory.mktemp("crawl_only")
    land = folder / "landing"
    tracked = {"platform": "twitter", "account_id": "100", "name": "Owner"}
    write(land, "tracked_accounts", DAY, "crawl.jsonl", jsonl(tracked))
    ids = ["100", *sorted({f for f, _, _ in FOLLOWS})]
    profiles = [
        {
            "platform": "twitter",
            "account_id": i,
            "observed_at": CRAWL,
            "handle": f"user{i}",
            "created_at": "2015-01-01T00:00:00Z",
            "followers_count": 50,
            "following_count": 60,
            "posts_count": 10,
        }
        for i in ids
    ]
    write(land, "accounts", DAY, "crawl.jsonl", jsonl(*profiles))
    events = [
        {
            "platform": "twitter",
            "follower_id": f,
            "followee_id": "100",
            "action": action,
            "event_at": at,
        }
        for f, action, at in FOLLOWS
    ]
    write(land, "follows", DAY, "crawl.jsonl", jsonl(*events))
    settings = Settings(
        landing=land,
        warehouse=folder / "warehouse" / "wh.duckdb",
        threads=1,
        memory_limit="1GB",
        docs=False,
    )
    summary = run_pipeline(settings, instance=dg.DagsterInstance.ephemeral())
    assert summary.success and summary.published, summary.checks_failed
    assert not [c for c in summary.checks_failed if c.severity == "ERROR"]
    return settings


def test_latest_followers_equal_current_followers(build: Settings) -> None:
    with duckdb.connect(str(build.serving_path), read_only=True) as con:
        latest = con.execute(
            "select date, followers from marts.fct_engagement_daily where account_id = '100' "
            "order by date desc limit 1"
        ).fetchone()
        current = con.execute(
            "select follower_id from marts.fct_follower_authenticity "
            "where account_id = '100' and is_current_follower order by follower_id"
        ).fetchall()
    assert latest is not None
    assert [f for (f,) in current] == CURRENT
    assert latest[1] == len(CURRENT)
    assert str(latest[0]) == "2024-01-02"  # the day of the last follow, past the dump date
