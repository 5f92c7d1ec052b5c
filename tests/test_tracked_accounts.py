"""The latest tracked_accounts is the list in force: dropping an account, and adding it back.

One small generated landing root (3 tracked accounts, 300 others, 13 days) lives through:

1. days 1-11 loaded in one run;
2. day 12 arrives with a tracked_accounts file that drops one account; its nightly run;
3. every date re-run;
4. day 13 arrives with the account tracked again; its nightly run.

Every run publishes with no ERROR check failed. While the account is dropped no serving mart
holds a row of it, the others keep all theirs, and re-running every date changes no mart (the
nightly run equals a full refresh). Added back, it has its whole history again in every daily
mart, also beyond fct_engagement_daily's look-back window (var lookback_days, 10 days).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from table_checksums import schema_checksums

from orchestration.pipeline import run_pipeline
from orchestration.run_summary import RunSummary
from orchestration.settings import Settings
from simulator import SimConfig, generate

pytestmark = pytest.mark.slow

CONFIG = SimConfig(seed=3, tracked=3, accounts=300, days=13)
DAILY_MARTS = ("fct_followers_daily", "fct_engagement_daily", "fct_audience_quality")


@dataclass(frozen=True)
class Step:
    summary: RunSummary
    errors: list[str]  # ERROR checks that failed
    rows: dict[str, dict[tuple[str, str], int]]  # serving mart -> (platform, account) -> rows
    churn_of_dropped: int  # fct_follow_churn rows of the dropped account's own follows/audience
    days: dict[str, set[tuple[str, str, dt.date]]]  # daily mart -> account-days
    marts: dict[str, tuple[int, int]]  # warehouse marts' checksums


def _tracked_file(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _deliver(source: Path, landing: Path, day: str, tracked: list[dict[str, str]]) -> None:
    for folder in source.glob(f"*/{day}"):
        shutil.copytree(folder, landing / folder.parent.name / day)
    folder = landing / "tracked_accounts" / day
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tracked_accounts.csv").write_text(_tracked_file(tracked), encoding="utf-8")


def _step(settings: Settings, summary: RunSummary, dropped: tuple[str, str]) -> Step:
    with duckdb.connect(str(settings.serving_path), read_only=True) as con:
        tables = [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.columns "
                "where table_schema = 'marts' and column_name = 'account_id' order by 1"
            ).fetchall()
        ]
        rows = {
            t: {
                (p, a): n
                for p, a, n in con.execute(
                    f'select platform, account_id, count(*) from marts."{t}" group by all'
                ).fetchall()
            }
            for t in tables
        }
        (churn,) = con.execute(
            """
            select count(*) from marts.fct_follow_churn c
            where platform = ? and (
                followee_id = ?
                or (follower_id = ? and followee_id not in (
                    select account_id from marts.dim_tracked_accounts d
                    where d.platform = c.platform))
            )
            """,
            [dropped[0], dropped[1], dropped[1]],
        ).fetchone()  # type: ignore[misc]
        days = {
            t: set(con.execute(f"select platform, account_id, date from marts.{t}").fetchall())
            for t in DAILY_MARTS
        }
    errors = [f"{c.asset} {c.name}" for c in summary.checks_failed if c.severity == "ERROR"]
    return Step(summary, errors, rows, churn, days, schema_checksums(settings.warehouse))


@pytest.fixture(scope="module")
def lifecycle(tmp_path_factory) -> dict[str, object]:
    base = tmp_path_factory.mktemp("tracked")
    source = base / "generated"
    generate(CONFIG, source, base / "truth", progress=False)
    dumps = sorted({p.name for p in source.glob("*/*") if p.is_dir()})
    assert len(dumps) == 13
    drop_day, back_day = dumps[11], dumps[12]
    # the generator's own list of the last day would track all three again
    shutil.rmtree(source / "tracked_accounts" / back_day)

    landing = base / "landing"
    shutil.copytree(source, landing, ignore=shutil.ignore_patterns(drop_day, back_day))
    settings = Settings(
        landing=landing,
        warehouse=base / "wh" / "warehouse.duckdb",
        threads=2,
        memory_limit="2GB",
        docs=False,
    )
    instance = dg.DagsterInstance.ephemeral()
    steps: dict[str, Step] = {}
    first = run_pipeline(settings, instance=instance)
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        found = con.execute(
            "select platform, account_id, name, home_country, home_lang "
            "from staging.stg_tracked_accounts order by platform, account_id"
        )
        names = [c[0] for c in found.description]
        tracked = [dict(zip(names, r, strict=True)) for r in found.fetchall()]
    assert len(tracked) == 3
    dropped = (tracked[-1]["platform"], tracked[-1]["account_id"])
    steps["first"] = _step(settings, first, dropped)

    _deliver(source, landing, drop_day, tracked[:-1])
    run = run_pipeline(settings, date=dt.date.fromisoformat(drop_day), instance=instance)
    steps["dropped"] = _step(settings, run, dropped)
    steps["re-run"] = _step(settings, run_pipeline(settings, instance=instance), dropped)

    _deliver(source, landing, back_day, tracked)
    run = run_pipeline(settings, date=dt.date.fromisoformat(back_day), instance=instance)
    steps["tracked again"] = _step(settings, run, dropped)
    return {"steps": steps, "dropped": dropped, "dumps": dumps}


STEPS = ("first", "dropped", "re-run", "tracked again")


@pytest.mark.parametrize("name", STEPS)
def test_every_run_publishes_with_no_error_check_failed(lifecycle, name: str) -> None:
    step = lifecycle["steps"][name]
    assert step.errors == []
    assert step.summary.published
    assert step.summary.serving_version == STEPS.index(name) + 1


@pytest.mark.parametrize("name", ["dropped", "re-run"])
def test_no_serving_mart_holds_a_dropped_account(lifecycle, name: str) -> None:
    step, first = lifecycle["steps"][name], lifecycle["steps"]["first"]
    dropped = lifecycle["dropped"]
    assert len(step.rows) >= 7  # every account-keyed mart was looked at
    assert {t: r[dropped] for t, r in step.rows.items() if dropped in r} == {}
    assert step.churn_of_dropped == 0
    assert first.churn_of_dropped > 0  # it had churn rows before it was dropped
    # the other accounts keep theirs, in every mart that had any, and all their days
    kept = {t: {a for a in r if a != dropped} for t, r in first.rows.items()}
    assert {t: set(r) for t, r in step.rows.items()} == kept
    days = len(lifecycle["dumps"]) - 1
    for mart in DAILY_MARTS:
        assert {a: n for a, n in step.rows[mart].items() if n != days} == {}, mart


def test_re_running_every_date_changes_no_mart(lifecycle) -> None:
    steps = lifecycle["steps"]
    assert steps["re-run"].marts == steps["dropped"].marts


def test_an_account_tracked_again_has_its_whole_history(lifecycle) -> None:
    step, dropped = lifecycle["steps"]["tracked again"], lifecycle["dropped"]
    dumps = {dt.date.fromisoformat(d) for d in lifecycle["dumps"]}
    for mart in DAILY_MARTS:
        assert {d for p, a, d in step.days[mart] if (p, a) == dropped} == dumps, mart
    first = lifecycle["steps"]["first"]
    # back in every mart it was in (two more days may add some, e.g. a burst)
    assert {t for t, r in step.rows.items() if dropped in r} >= {
        t for t, r in first.rows.items() if dropped in r
    }
    assert step.churn_of_dropped >= first.churn_of_dropped > 0
