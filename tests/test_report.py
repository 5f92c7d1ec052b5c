"""The audit report, rendered from a pipeline build's serving file: every section is on every
page, and the figures it shows are the marts' figures (recomputed here in SQL)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from report_html import read_page
from shared_build import pipeline_build

from orchestration.cli.main import main
from orchestration.report.data import AUDIENCE_CLASSES
from orchestration.report.render import _environment, render_account

SECTIONS = [
    "headline",
    "followers",
    "flows",
    "composition",
    "quality",
    "engagement",
    "kaushik",
    "fans",
    "weak-ties",
    "suspicious",
    "like-farm",
]


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    return pipeline_build(tmp_path_factory, "report")


@pytest.fixture(scope="module")
def report(build, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("audit-report")
    code = main(["report", "--serving", str(build.settings.serving_path), "--out", str(out)])
    assert code == 0
    return out


def _accounts(serving: Path) -> list[tuple[str, str]]:
    with duckdb.connect(str(serving), read_only=True) as con:
        return con.execute(
            "select platform, account_id from marts.dim_tracked_accounts order by all"
        ).fetchall()


def test_the_nightly_run_wrote_the_report_and_the_summary_says_where(build) -> None:
    index = build.settings.report_dir / "index.html"
    printed = build.summary.docs["Audit report"]  # a path in the shared build this one copies
    assert printed.parts[-3:] == index.parts[-3:] == ("warehouse", "report", "index.html")
    assert index.is_file()
    pages = sorted(p.name for p in index.parent.glob("*.html") if p.name != "index.html")
    assert pages == sorted(f"{p}-{a}.html" for p, a in _accounts(build.settings.serving_path))


def test_every_page_has_every_section_and_its_charts_inline(build, report: Path) -> None:
    for platform, account_id in _accounts(build.settings.serving_path):
        page = read_page(report / f"{platform}-{account_id}.html")
        assert page.sections == SECTIONS
        assert page.svgs >= 8  # one per chart, rendered into the page
        assert page.scripts == 0  # no JavaScript, nothing fetched: opens offline from disk
        assert not [link for link in page.links if link.startswith(("http:", "https:", "//"))]


def test_figures_equal_the_marts(build, report: Path) -> None:
    serving = build.settings.serving_path
    with duckdb.connect(str(serving), read_only=True) as con:
        for platform, account_id in _accounts(serving):
            page = read_page(report / f"{platform}-{account_id}.html")
            key = [platform, account_id]
            followers, score, real, bought = con.execute(
                "select followers, audience_quality_score, real_share, estimated_bought_followers "
                "from marts.fct_audience_quality where platform = ? and account_id = ? "
                "order by date desc limit 1",
                key,
            ).fetchall()[0]
            assert page.kpi("followers") == f"{followers:,}"
            assert page.kpi("audience_quality_score") == f"{score:.0f}"
            assert page.kpi("real_share") == f"{real:.1%}"
            assert page.kpi("estimated_bought_followers") == f"{round(bought):,}"

            farm = con.execute(
                "select post_id from marts.fct_post_engagement "
                "where platform = ? and account_id = ? and is_like_farm_target order by all",
                key,
            ).fetchall()
            assert page.kpi("like_farm_posts") == str(len(farm))
            assert sorted(v for k, v in page.rows if k == "data-post") == [r[0] for r in farm]

            classes = dict(
                con.execute(
                    "select audience_class, count(*) from marts.fct_follower_authenticity "
                    "where platform = ? and account_id = ? and is_current_follower group by all",
                    key,
                ).fetchall()
            )
            for audience_class in AUDIENCE_CLASSES:
                shown = page.values[("data-segment", audience_class)]
                assert shown == f"{classes.get(audience_class, 0):,}", audience_class

            suspicious = con.execute(
                "select follower_id from marts.fct_follower_authenticity "
                "where platform = ? and account_id = ? and is_current_follower and is_suspicious "
                "order by authenticity_score, first_followed_at, follower_id limit 25",
                key,
            ).fetchall()
            followers_shown = [v for k, v in page.rows if k == "data-follower"]
            assert followers_shown == [r[0] for r in suspicious]
            for follower in followers_shown:  # each with its reasons, as the mart words them
                (reasons,) = con.execute(
                    "select reasons from marts.fct_follower_authenticity where platform = ? "
                    "and account_id = ? and follower_id = ?",
                    [*key, follower],
                ).fetchall()[0]
                assert reasons in page.rows[("data-follower", follower)]

            bursts = con.execute(
                "select count(*) from marts.fct_follower_bursts "
                "where platform = ? and account_id = ?",
                key,
            ).fetchall()[0][0]
            assert len([k for k in page.rows if k[0] == "data-burst"]) == bursts

            dialog, dunbar = con.execute(
                "select dialog_accounts_90d, dunbar_number from marts.fct_engagement_daily "
                "where platform = ? and account_id = ? order by date desc limit 1",
                key,
            ).fetchall()[0]
            assert page.kpi("dialog_accounts_90d") == f"{dialog:,}"
            assert page.kpi("dunbar_number") == f"{dunbar:,}"


def test_the_index_compares_every_tracked_account(build, report: Path) -> None:
    serving = build.settings.serving_path
    index = read_page(report / "index.html")
    accounts = _accounts(serving)
    assert sorted(k[1] for k in index.rows if k[0] == "data-account") == sorted(
        f"{p}:{a}" for p, a in accounts
    )
    assert sorted(index.links) == sorted(f"{p}-{a}.html" for p, a in accounts)
    assert index.svgs == 1


def test_one_account_only_and_an_unknown_account(build, tmp_path: Path, capsys) -> None:
    platform, account_id = _accounts(build.settings.serving_path)[0]
    serving = str(build.settings.serving_path)
    assert (
        main(["report", "--serving", serving, "--out", str(tmp_path), "--account", account_id]) == 0
    )
    assert sorted(p.name for p in tmp_path.glob("*.html")) == sorted(
        [f"{platform}-{account_id}.html", "index.html"]
    )
    index = read_page(tmp_path / "index.html")
    assert index.links == [f"{platform}-{account_id}.html"]  # no link to a page not written

    assert (
        main(["report", "--serving", serving, "--out", str(tmp_path), "--account", "nobody"]) == 2
    )
    assert "no tracked account 'nobody'" in capsys.readouterr().err


def test_text_from_the_dumps_is_escaped(build) -> None:
    """Handles and reasons come from the landing files: a page must never run them as HTML."""
    from dataclasses import replace

    from orchestration.report.data import account_data, comparison, tracked_accounts

    with duckdb.connect(str(build.settings.serving_path), read_only=True) as con:
        account = tracked_accounts(con)[0]
        data = account_data(con, account, comparison(con)[(account.platform, account.account_id)])
    evil = replace(
        account, handle="<script>alert(1)</script>", name='"><img src=x onerror=alert(1)>'
    )
    html = render_account(_environment(), replace(data, account=evil), "test")
    assert "<script>alert(1)</script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
