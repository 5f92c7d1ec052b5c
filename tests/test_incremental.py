"""Nightly runs, one dump date at a time (dbt incremental models), give the same marts as one
full refresh over the same days."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.generate import SimConfig, generate
from orchestration.pipeline import run_pipeline
from orchestration.settings import Settings

pytestmark = pytest.mark.slow

CONFIG = SimConfig(seed=5, tracked=3, accounts=2_000, days=6)
MARTS = (
    "dim_tracked_accounts",
    "fct_followers_daily",
    "fct_post_engagement",
    "fct_engagement_daily",
    "fct_follow_churn",
    "fct_follower_authenticity",
    "fct_audience_quality",
    "fct_follower_bursts",
    "fct_lockstep_groups",
    "fct_lockstep_members",
)


def _rows(path: Path, table: str) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(f"select * from marts.{table} order by all").fetchall()
    finally:
        con.close()


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-15)
    return a == b


@pytest.fixture(scope="module")
def warehouses(tmp_path_factory) -> tuple[Path, Path, list[str]]:
    base = tmp_path_factory.mktemp("incremental")
    landing = base / "landing"
    generate(CONFIG, landing, base / "truth", progress=False)
    instance = dg.DagsterInstance.ephemeral()

    nightly = Settings(
        landing=landing,
        warehouse=base / "nightly.duckdb",
        threads=2,
        memory_limit="2GB",
        docs=False,
    )
    dates = sorted(p.name for p in (landing / "follows").iterdir())
    for day in dates:
        summary = run_pipeline(nightly, date=dt.date.fromisoformat(day), instance=instance)
        assert summary.success and not summary.checks_failed, (day, summary.checks_failed)

    full = Settings(
        landing=landing, warehouse=base / "full.duckdb", threads=2, memory_limit="2GB", docs=False
    )
    summary = run_pipeline(full, instance=instance)
    assert summary.success and not summary.checks_failed
    return nightly.warehouse, full.warehouse, dates


def test_one_run_per_nightly_dump(warehouses) -> None:
    _, _, dates = warehouses
    assert len(dates) == CONFIG.days == 6


@pytest.mark.parametrize("table", MARTS)
def test_nightly_runs_equal_a_full_refresh(warehouses, table: str) -> None:
    nightly, full, _ = warehouses
    got, expected = _rows(nightly, table), _rows(full, table)
    assert len(got) == len(expected) > 0
    mismatched = [
        (g, e)
        for g, e in zip(got, expected, strict=True)
        if not all(_same(x, y) for x, y in zip(g, e, strict=True))
    ]
    assert mismatched == []
