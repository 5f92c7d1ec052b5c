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


def ids_only_source(root: Path, profiled: int = 0) -> None:
    """A landing root as a snapshot-only, profile-less source (an X archive) gives: tracked
    accounts x:1001 and x:1002, their complete follower lists as ids only at two dump dates three
    weeks apart (some followers gone in the second), posts of 1001 with no interactions, and a
    profile of each owner only. `profiled` followers of 1002 (its first ones) also get a
    profile, so that 1002's audience is partly known."""
    first, second = "2025-03-01", "2025-03-22"
    followers = {
        "1001": ([f"{10_000 + i}" for i in range(40)], 30, [f"{20_000 + i}" for i in range(5)]),
        "1002": ([f"{30_000 + i}" for i in range(12)], 10, []),
    }
    for day in (first, second):
        write(
            root,
            "tracked_accounts",
            day,
            "x-archive.jsonl",
            jsonl(
                {"platform": "twitter", "account_id": "1001", "name": "Owner One"},
                {"platform": "twitter", "account_id": "1002", "name": "Owner Two"},
            ),
        )
    for owner, (before, kept, new) in followers.items():
        for day, ids in ((first, before), (second, before[:kept] + new)):
            at = f"{day}T10:00:00Z"
            rows = [
                {"platform": "twitter", "followee_id": owner, "follower_id": f, "snapshot_at": at}
                for f in ids
            ]
            write(root, "follower_snapshots", day, f"x-archive-{owner}.jsonl", jsonl(*rows))
    posts = [
        {
            "platform": "twitter",
            "post_id": f"p{i}",
            "account_id": "1001",
            "created_at": f"2025-03-{10 + i:02d}T12:00:00Z",
            "kind": "post",
            "text": "hello",
        }
        for i in range(5)
    ]
    write(root, "posts", second, "x-archive-1001.jsonl", jsonl(*posts))
    observed = f"{second}T10:00:00Z"
    owners = [
        {
            "platform": "twitter",
            "account_id": owner,
            "observed_at": observed,
            "handle": f"owner_{owner}",
            "created_at": "2015-01-01T00:00:00Z",
            "followers_count": 35,
            "following_count": 100,
            "posts_count": 5,
        }
        for owner in followers
    ]
    known = [
        {
            "platform": "twitter",
            "account_id": f,
            "observed_at": observed,
            "handle": f"fan{f}",
            "created_at": "2016-01-01T00:00:00Z",
            "followers_count": 200,
            "following_count": 150,
            "posts_count": 120,
            "bio": "coffee",
        }
        for f in followers["1002"][0][:profiled]
    ]
    write(root, "accounts", second, "x-archive.jsonl", jsonl(*owners, *known))
