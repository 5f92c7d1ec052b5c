"""Great Expectations validation of the largest mart at M scale, in bounded memory.

    .venv/bin/python -m bench.ge_validation                 # 10M rows (M scale), 1GB DuckDB
    .venv/bin/python -m bench.ge_validation --rows 1000000  # quicker

Builds a synthetic `marts.fct_follower_authenticity` (same columns and types as the dbt model;
one row per tracked account x follower relationship: 20 tracked accounts x 500,000 followers
is M scale) in a scratch DuckDB file with set-based SQL, then runs the committed suite
`marts_fct_follower_authenticity` on it in a child process, exactly as the Dagster asset
check does (every metric computed inside DuckDB under its memory limit), and prints wall
time, CPU time and the child's peak RSS. Results go to docs/benchmarks.md by hand.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

SUITE = "marts_fct_follower_authenticity"

BUILD_SQL = """
create or replace table marts.fct_follower_authenticity as
with base as (
    select
        i,
        hash(i) as h
    from range(?) as r (i)
)
select
    case when i % 2 = 0 then 'instagram' else 'twitter' end as platform,
    cast(1000 + i % 20 as varchar) as account_id,
    cast(i as varchar) as follower_id,
    timestamp '2025-01-01' + to_seconds(cast(h % 31536000 as bigint)) as first_followed_at,
    case when h % 10 = 0 then timestamp '2026-01-01' + to_seconds(cast(h % 86400 as bigint)) end
        as last_unfollowed_at,
    h % 10 != 0 as is_current_follower,
    (h % 1000) / 1000.0 as authenticity_score,
    (h % 1000) < 500 as is_suspicious,
    ['real', 'influencer', 'mass_follower', 'suspicious', 'bought', 'follow_churner',
        'ghost'][cast(1 + h % 7 as bigint)] as audience_class,
    (h % 7) = 4 as is_bought,
    (h % 7) = 5 as is_follow_churner,
    false as is_lockstep,
    (h % 7) = 6 as is_ghost,
    (h % 5) = 0 as is_off_market,
    'follows 4,100, followed by 3; no posts; created 2 days before following' as reasons,
    (h % 1000) / 1000.0 as profile_score,
    cast(1 + h % 3 as bigint) as spell_count,
    (h % 20) = 0 as is_followed_back
from base
"""

CHILD = """
import json, sys, time
from pathlib import Path
from orchestration.quality.ge import validate_table
t0 = time.perf_counter()
s = validate_table(Path(sys.argv[1]), "marts", "fct_follower_authenticity", sys.argv[2],
                   duckdb_config={"memory_limit": sys.argv[3], "threads": int(sys.argv[4])})
print(json.dumps({"seconds": time.perf_counter() - t0, "success": s.success,
                  "evaluated": s.evaluated, "failed": [f["expectation_type"] for f in s.failed]}))
"""


def build(path: Path, rows: int, threads: int) -> float:
    t0 = time.perf_counter()
    con = duckdb.connect(str(path), config={"threads": threads, "memory_limit": "4GB"})
    try:
        con.execute("create schema if not exists marts")
        con.execute(BUILD_SQL, [rows])
    finally:
        con.close()
    return time.perf_counter() - t0


def validate(path: Path, suite: str, memory_limit: str, threads: int) -> dict[str, object]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), suite, memory_limit, str(threads)],
        check=True,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result.update(
        wall_seconds=round(wall, 1),
        cpu_seconds=round(
            (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), 1
        ),
        peak_rss_mib=round(after.ru_maxrss / 1024),  # Linux: KiB; max over children so far
    )
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--memory-limit", default="1GB", help="DuckDB memory_limit for GE")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--suite", default=SUITE)
    parser.add_argument("--keep", help="build the table in this file instead of a temp dir")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="truefans-bench-") as tmp:
        path = Path(args.keep) if args.keep else Path(tmp) / "mart.duckdb"
        if not path.exists():
            print(f"building {args.rows:,} rows in {path} ...", flush=True)
            print(f"  built in {build(path, args.rows, args.threads):.1f} s", flush=True)
        size = os.path.getsize(path)
        print(
            f"validating with suite {args.suite} (DuckDB memory_limit {args.memory_limit}, "
            f"{args.threads} threads) ...",
            flush=True,
        )
        result = validate(path, args.suite, args.memory_limit, args.threads)
    result.update(rows=args.rows, file_mib=round(size / 2**20))
    print(json.dumps(result, indent=2))
    return 0 if result["success"] else 1


if __name__ == "__main__":
    sys.exit(main())
