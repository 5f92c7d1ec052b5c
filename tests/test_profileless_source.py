"""Issue 24: a snapshot-only, profile-less source (an X archive lists followers by id only).
Nothing is known about such followers, so the marts, the run summary and the audit report say
`unknown`: no follower is `real`, no real share or quality score is claimed where no follower
profile is known, and a partly known audience counts its unknown part apart."""

from __future__ import annotations

import io

import dagster as dg
import duckdb
import pytest
from landing_helpers import ids_only_source
from report_html import read_page
from rich.console import Console

from orchestration.cli.summary import print_summary
from orchestration.pipeline import run_pipeline
from orchestration.settings import Settings

pytestmark = pytest.mark.slow

PROFILED = 6  # followers of 1002 with a profile; 4 of its 10 current followers have none


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    folder = tmp_path_factory.mktemp("profileless")
    ids_only_source(folder / "landing", profiled=PROFILED)
    settings = Settings(
        landing=folder / "landing",
        warehouse=folder / "warehouse" / "wh.duckdb",
        threads=1,
        memory_limit="1GB",
        docs=False,
    )
    summary = run_pipeline(settings, instance=dg.DagsterInstance.ephemeral())
    return settings, summary


def test_it_publishes_with_every_check_passed(build) -> None:
    _, summary = build
    assert summary.success and summary.published
    assert not summary.checks_failed, summary.checks_failed


def _query(settings: Settings, sql: str) -> list[tuple]:
    with duckdb.connect(str(settings.serving_path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_no_follower_without_a_profile_is_real_or_scored(build) -> None:
    settings, _ = build
    rows = _query(
        settings,
        "select account_id, is_profile_known, audience_class, authenticity_score is null, "
        "profile_score is null, is_suspicious, count(*) from marts.fct_follower_authenticity "
        "group by all order by all",
    )
    assert rows == [
        ("1001", False, None, True, True, False, 45),  # 40 first seen, 5 new, 10 gone
        ("1002", False, None, True, True, False, 12 - PROFILED),
        ("1002", True, "ghost", False, False, False, PROFILED),  # known, never engaged
    ]


def test_the_audience_is_unknown_where_no_profile_is_known(build) -> None:
    settings, _ = build
    latest = _query(
        settings,
        "select account_id, followers, real_share, ghost_share, unknown_share, "
        "profile_known_share, suspicious_share, audience_quality_score "
        "from marts.fct_audience_quality where date = '2025-03-22' order by account_id",
    )
    assert latest == [
        ("1001", 35, None, None, 1.0, 0.0, 0.0, None),
        ("1002", 10, 0.0, 0.6, 0.4, 0.6, 0.0, 50.0),  # 6 known ghosts: score over the 6
    ]


def _summary_text(build) -> str:
    settings, summary = build
    console = Console(width=250, file=io.StringIO(), record=True)
    print_summary(summary, settings, console=console)
    return console.export_text()


def test_the_run_summary_says_unknown_not_a_real_share(build) -> None:
    text = _summary_text(build)
    row = next(
        line for line in text.splitlines() if line.startswith("│ owner_1001 ") and "unknown" in line
    )
    cells = [c.strip() for c in row.strip("│").split("│")]
    # account, score, real, ghosts, unknown, suspicious in all, ...
    assert cells[:5] == ["owner_1001", "unknown", "unknown", "unknown", "100.0%"]
    partly = next(
        line
        for line in text.splitlines()
        if line.startswith("│ owner_1002 ") and "%" in line and "twitter" not in line
    )
    assert [c.strip() for c in partly.strip("│").split("│")][:5] == [
        "owner_1002",
        "50",
        "0.0%",
        "60.0%",
        "40.0%",
    ]
    note = " ".join(text.split())
    assert (
        "real: unknown (no follower profiles in this source) for owner_1001 (100.0% of followers unknown)"
        in note
    )
    assert "owner_1002 (40.0% of followers unknown)" not in note  # partly known


def test_the_report_says_unknown_not_a_real_share(build) -> None:
    settings, _ = build
    page = read_page(settings.report_dir / "twitter-1001.html")
    for figure in ("real_share", "ghost_share", "audience_quality_score"):
        assert page.kpi(figure) == "unknown", figure
    assert page.kpi("unknown_share") == "100.0%"
    assert page.values[("data-share", "real")] == "unknown"
    assert page.values[("data-segment", "real")] == "–"  # no count of real followers either
    assert page.values[("data-segment", "unknown")] == "35"
    text = " ".join(page.text.split())
    assert "real: unknown (no follower profiles in this source)" in text
    assert "unknown" in page.values[("data-term", "unknown_share")]

    partly = read_page(settings.report_dir / "twitter-1002.html")
    assert partly.kpi("real_share") == "0.0%" and partly.kpi("unknown_share") == "40.0%"
    assert "no follower profiles in this source" not in " ".join(partly.text.split())

    index = read_page(settings.report_dir / "index.html")
    cells = index.rows[("data-account", "twitter:1001")]
    assert "unknown" in cells and "100.0%" in cells
