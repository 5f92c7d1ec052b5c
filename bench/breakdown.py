"""Where the time of one Dagster run went: its steps' durations, grouped by kind of step.

    python -m bench.breakdown <DAGSTER_HOME>     # the latest run of that instance

Groups: ingest (raw/* assets), dbt (the dbt build step), checks (the Great Expectations asset
checks and the quality gate), docs (Data Docs and dbt docs), publish (the serving file) and
report (the audit report). Steps run one after the
other on this machine's in-process executor, so the groups add up to the run's busy time; the
rest of the wall time is Dagster's start-up and the CLI's summary.
"""

from __future__ import annotations

import json
import os
import sys

import dagster as dg

GROUPS = (
    ("raw__", "ingest"),
    ("dbt_models", "dbt"),
    ("checks__", "checks"),
    ("docs__", "docs"),
    ("serving__report", "report"),
    ("serving__", "publish"),
)


def group_of(step_key: str) -> str:
    """`raw__posts` -> ingest; its check `raw__posts_ge_raw_posts` -> checks."""
    if "_ge_" in step_key:
        return "checks"
    for prefix, group in GROUPS:
        if step_key.startswith(prefix):
            return group
    return "other"


def breakdown(dagster_home: str) -> dict[str, float]:
    os.environ["DAGSTER_HOME"] = dagster_home
    with dg.DagsterInstance.get() as instance:
        runs = instance.get_runs(limit=1)
        if not runs:
            return {}
        totals: dict[str, float] = {}
        for stats in instance.get_run_step_stats(runs[0].run_id):
            if stats.start_time is None or stats.end_time is None:
                continue
            group = group_of(stats.step_key)
            totals[group] = totals.get(group, 0.0) + stats.end_time - stats.start_time
    return {group: round(seconds, 1) for group, seconds in sorted(totals.items())}


if __name__ == "__main__":
    print(json.dumps(breakdown(sys.argv[1])))
