"""The audit report, rendered from a pipeline build's serving file: every section is on every
page, and the figures it shows are the marts' figures (recomputed here in SQL)."""

from __future__ import annotations

import io
from pathlib import Path

import duckdb
import pytest
from report_html import read_page
from rich.console import Console
from shared_build import pipeline_build

from orchestration.cli import kpis
from orchestration.cli.main import main
from orchestration.figures import COMPOSITION_CLASSES, window_days
from orchestration.quality.suite_specs import AUDIENCE_CLASSES
from orchestration.report.render import INDEX_FIGURES, TILES, _environment, render_account

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
    "glossary",
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
            followers_shown = [v for k, v in page.rows if k == "data-follower"]  # ids kept
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


def _cli_rows(serving: Path) -> dict[str, dict[str, str]]:
    """What `truefans run` prints per account (both tables), by handle: figure key -> text."""
    from orchestration.cli import summary

    with duckdb.connect(str(serving), read_only=True) as con:
        tables = [
            (
                summary.accounts_table(kpis.account_kpis(con)),
                ["platform", *summary.ACCOUNT_FIGURES],
            ),
            (summary.authenticity_table(kpis.authenticity_kpis(con)), summary.AUTHENTICITY_FIGURES),
        ]
    printed: dict[str, dict[str, str]] = {}
    for table, keys in tables:
        out = io.StringIO()
        Console(width=400, file=out).print(table)
        for line in out.getvalue().splitlines():
            cells = [c.strip() for c in line.strip("│").split("│")]
            if line.startswith("│") and len(cells) == len(keys) + 1:
                printed.setdefault(cells[0], {}).update(zip(keys, cells[1:], strict=True))
    return printed


def test_the_cli_and_the_report_print_the_same_figures(build, report: Path) -> None:
    """One definition per figure: for the same serving file, every figure the run summary
    prints is printed identically on the index and on the account's page."""
    serving = build.settings.serving_path
    cli = _cli_rows(serving)
    index = read_page(report / "index.html")
    with duckdb.connect(str(serving), read_only=True) as con:
        handles = dict(
            con.execute(
                "select platform || ':' || account_id, handle from marts.dim_tracked_accounts"
            ).fetchall()
        )
    assert sorted(cli) == sorted(handles.values())
    for key, handle in handles.items():
        platform, account_id = key.split(":")
        page = read_page(report / f"{platform}-{account_id}.html")
        cells = index.rows[("data-account", key)]
        shown = dict(zip(["account", "platform", *INDEX_FIGURES], cells, strict=True))
        compared = 0
        for figure, text in cli[handle].items():
            if figure in shown:
                assert shown[figure] == text, (handle, figure)
                compared += 1
            if figure in TILES:
                assert page.kpi(figure) == text, (handle, figure)
                compared += 1
        assert compared >= 12
        # the composition's suspicious total is the CLI's and the index's suspicious share
        assert page.values[("data-share", "suspicious_all")] == cli[handle]["suspicious_share"]
        assert page.values[("data-share", "ghost")] == cli[handle]["ghost_share"]


def test_windows_composition_and_ghosts_have_one_definition(build, report: Path) -> None:
    """The issue-28 figures, recomputed from the marts: the authentic rate over the same 28-day
    posts as the engagement rate; suspicious in all = bought + churners + other suspicious;
    ghosts = the audience class ghost (not every follower who never engaged)."""
    serving = build.settings.serving_path
    cli = _cli_rows(serving)
    with duckdb.connect(str(serving), read_only=True) as con:
        expected = con.execute(RECOMPUTED_SQL, [window_days("active_window_days")]).fetchall()
    assert expected
    for platform, account_id, handle, rate, authentic, followers, suspicious, ghosts in expected:
        page = read_page(report / f"{platform}-{account_id}.html")
        assert page.kpi("engagement_rate_28d") == f"{rate:.1%}"
        assert page.kpi("authentic_engagement_rate_28d") == f"{authentic:.1%}"
        assert cli[handle]["authentic_engagement_rate_28d"] == f"{authentic:.1%}"
        assert page.values[("data-segment", "suspicious_all")] == f"{suspicious:,}"
        assert page.kpi("suspicious_share") == f"{suspicious / followers:.1%}"
        assert page.values[("data-segment", "ghost")] == f"{ghosts:,}"
        assert cli[handle]["ghost_share"] == f"{ghosts / followers:.1%}"
        classes = [page.values[("data-segment", c)] for c in COMPOSITION_CLASSES]
        assert sum(int(n.replace(",", "")) for n in classes) == followers  # exclusive classes
        assert page.values[("data-segment", "followers")] == f"{followers:,}"


RECOMPUTED_SQL = """
with last_day as (
    select platform, account_id, max(date) as date from marts.fct_engagement_daily group by all
), posts as (
    select p.platform, p.account_id, avg(p.engagement_rate) as rate,
        avg(p.authentic_engagement_rate) as authentic
    from marts.fct_post_engagement p join last_day l using (platform, account_id)
    where cast(p.created_at as date) > l.date - ?::int
    group by all
), classes as (
    select platform, account_id, count(*) as followers,
        count(*) filter (where audience_class in ('bought', 'follow_churner', 'suspicious'))
            as suspicious,
        count(*) filter (where audience_class = 'ghost') as ghosts
    from marts.fct_follower_authenticity where is_current_follower group by all
)
select platform, account_id, d.handle, rate, authentic, followers, suspicious, ghosts
from posts join classes using (platform, account_id)
join marts.dim_tracked_accounts d using (platform, account_id)
order by all
"""


def test_a_window_longer_than_the_data_carries_a_warm_up_note(build, report: Path) -> None:
    """The shared build has 8 days of data: the 28- and 90-day figures say so, on every page
    and in the run summary."""
    from orchestration.cli.summary import print_summary

    console = Console(width=200, file=io.StringIO(), record=True)
    print_summary(build.summary, build.settings, console=console)
    printed = " ".join(console.export_text().split())
    days = len(build.summary.dump_dates)
    assert days < window_days("active_window_days") < window_days("true_fan_window_days")
    note = f"Warm-up: {days} days of data (since {build.summary.dump_dates[0]})"
    assert note in printed and "28-day and 90-day windows" in printed
    for page in report.glob("*.html"):
        text = " ".join(read_page(page).text.split())
        assert note in text and "28-day and 90-day windows" in text, page.name


def test_suspicious_followers_are_listed_by_handle_and_every_figure_is_in_the_glossary(
    build, report: Path
) -> None:
    with duckdb.connect(str(build.settings.warehouse), read_only=True) as con:
        handles = dict(
            con.execute(
                "select account_id, handle from intermediate.int_account_profiles"
            ).fetchall()
        )
    listed = 0
    for page_path in report.glob("*-*.html"):
        page = read_page(page_path)
        for (kind, follower_id), cells in page.rows.items():
            if kind == "data-follower":
                assert cells[0] == handles[follower_id] != follower_id  # the latest handle
                assert cells[-1] == follower_id  # the id is kept, last
                listed += 1
        terms = {k for (attr, k) in page.values if attr == "data-term"}
        assert set(TILES) <= terms
    assert listed > 0
    index = read_page(report / "index.html")
    assert set(INDEX_FIGURES) <= {k for (attr, k) in index.values if attr == "data-term"}
