"""Instagram exports through the warehouse: two weekly exports give the unfollows in the marts,
two date-range exports give none; and the Dagster asset `sources/instagram` runs from a config."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from instagram_helpers import (
    FIXTURES,
    copy_fixture,
    keep_followers,
    read_rows,
    set_owner,
    zip_export,
)

from orchestration.cli.main import main
from orchestration.pipeline import run_pipeline
from orchestration.settings import Settings

WEEK_1 = (2026, 3, 9, 8, 0, 0)
WEEK_2 = (2026, 3, 16, 8, 0, 0)
FRESH_AT = 1773300000  # 2026-03-12T07:20:00Z


def _two_exports(tmp_path: Path, owner: str) -> tuple[Path, Path]:
    """The fixture export a week apart: by the second, ben_photo and dario_77 are gone and
    fresh.fan came."""
    first = copy_fixture("json", tmp_path / f"{owner}-1")
    set_owner(first, owner)
    second = copy_fixture("json", tmp_path / f"{owner}-2")
    set_owner(second, owner)
    keep_followers(second, {"anna.k", "clara.zh", "eve.runs"}, {"fresh.fan": FRESH_AT})
    return (
        zip_export(first, tmp_path / f"instagram-{owner}-2026-03-09-Aa11Bb22.zip", WEEK_1),
        zip_export(second, tmp_path / f"instagram-{owner}-2026-03-16-Cc33Dd44.zip", WEEK_2),
    )


@pytest.mark.slow
def test_weekly_exports_give_unfollows_and_date_range_exports_do_not(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    for owner, extra in (("cafe.zurich", []), ("bakery.basel", ["--date-range-export"])):
        for export in _two_exports(tmp_path, owner):
            assert (
                main(["import", "instagram", str(export), "--landing", str(landing), *extra]) == 0
            )
    settings = Settings(
        landing=landing, warehouse=tmp_path / "wh.duckdb", threads=1, memory_limit="1GB", docs=False
    )
    summary = run_pipeline(settings, instance=dg.DagsterInstance.ephemeral())
    assert summary.success, summary.checks_failed
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        changes = con.execute(
            "select followee_id, follower_id, action, event_at, is_baseline "
            "from intermediate.int_follow_state_changes "
            "where followee_id in ('cafe.zurich', 'bakery.basel') order by all"
        ).fetchall()
        daily = con.execute(
            "select account_id, date, followers, follows_gross, unfollows_gross "
            "from marts.fct_followers_daily where date in ('2026-03-09', '2026-03-16') order by all"
        ).fetchall()
    finally:
        con.close()
    week_2 = dt.datetime(2026, 3, 16, 8)
    cafe = [c[1:] for c in changes if c[0] == "cafe.zurich"]
    # snapshots: the second export lacks two followers -> two unfollows at its time
    assert ("ben_photo", "unfollow", week_2, False) in cafe
    assert ("dario_77", "unfollow", week_2, False) in cafe
    assert ("fresh.fan", "follow", week_2, False) in cafe
    assert sum(c[1] == "unfollow" for c in cafe) == 2
    # date-range exports: follow events at each one's follow time, and never an unfollow
    bakery = [c[1:] for c in changes if c[0] == "bakery.basel"]
    assert {c[1] for c in bakery} == {"follow"}
    assert ("fresh.fan", "follow", dt.datetime(2026, 3, 12, 7, 20), False) in bakery
    assert ("cafe.zurich", dt.date(2026, 3, 9), 5, None, None) in daily  # baseline day
    assert ("cafe.zurich", dt.date(2026, 3, 16), 4, 1, 2) in daily
    assert ("bakery.basel", dt.date(2026, 3, 16), 6, 0, 0) in daily


def test_the_dagster_asset_imports_from_its_config(tmp_path: Path) -> None:
    from orchestration.defs.resources import WarehouseResource
    from orchestration.defs.sources import build_source_asset

    export = zip_export(FIXTURES / "json", tmp_path / "export.zip", WEEK_1)
    landing = tmp_path / "landing"
    asset = build_source_asset("instagram")
    assert asset.key == dg.AssetKey(["sources", "instagram"])
    result = dg.materialize(
        [asset],
        resources={
            "warehouse": WarehouseResource(
                warehouse_path=str(tmp_path / "wh.duckdb"), landing_root=str(landing)
            )
        },
        run_config={
            "ops": {
                "sources__instagram": {
                    "config": {"target": str(export), "args": ["--exported-at", "2026-03-09T09:30"]}
                }
            }
        },
    )
    assert result.success
    snapshot = read_rows(landing, "follower_snapshots")
    assert {r["snapshot_at"] for r in snapshot} == {"2026-03-09T09:30:00Z"} and len(snapshot) == 5
    (mat,) = result.asset_materializations_for_node("sources__instagram")
    assert mat.metadata["files_new_or_changed"].value == 5
