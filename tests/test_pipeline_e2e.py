"""End to end: generated dumps → Dagster → DuckDB → dbt → checks, compared with the generator's truth."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from shared_build import CONFIG, pipeline_build
from table_checksums import schema_checksums

from orchestration.defs.dbt_project import REPROCESS_ENV
from orchestration.ingest.contract import ENTITIES
from orchestration.pipeline import run_pipeline
from orchestration.reliability.dbt_child import PARENT_ENV
from orchestration.run_summary import RunSummary
from orchestration.settings import Settings

pytestmark = pytest.mark.slow


def table_fingerprints(path: Path) -> dict[str, tuple[int, int]]:
    """Row count and an order-independent hash of every raw, staging, intermediate and mart table."""
    return {
        f"{schema}.{table}": checksum
        for schema in ("raw", "staging", "intermediate", "marts")
        for table, checksum in schema_checksums(path, schema).items()
    }


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory) -> tuple[Settings, Path, RunSummary, RunSummary, dict, dict]:
    build = pipeline_build(tmp_path_factory, "e2e")
    settings = build.settings
    before = table_fingerprints(settings.warehouse)
    # forced: a run with nothing new would be skipped (test_a_run_with_nothing_new_is_skipped)
    second = run_pipeline(settings, instance=dg.DagsterInstance.ephemeral(), force=True)
    after = table_fingerprints(settings.warehouse)
    return settings, build.truth, build.summary, second, before, after


def test_run_succeeds_and_every_check_passes(pipeline) -> None:
    _, _, first, _, _, _ = pipeline
    assert first.success
    assert first.checks_failed == []
    names = {c.name for c in first.checks}
    assert {"rows_reconcile", "ge_raw_follows", "ge_marts_fct_followers_daily"} <= names
    assert len(first.checks) > 50  # dbt tests arrive as asset checks too
    assert set(first.marts) >= {"marts.dim_tracked_accounts", "marts.fct_followers_daily"}


def test_every_landing_file_reconciles(pipeline) -> None:
    settings, _, first, _, _, _ = pipeline
    files_on_disk = sum(1 for p in settings.landing.rglob("*") if p.is_file())
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        assert con.execute("select count(*) from raw.load_log").fetchone() == (files_on_disk,)
        assert con.execute(
            "select count(*) from raw.load_log where rows_read != rows_loaded + rows_quarantined"
        ).fetchone() == (0,)
        for entity in ENTITIES:
            mismatched = con.execute(
                f"""
                select count(*) from raw.load_log l
                left join (select _source_file, count(*) n from raw.{entity} group by 1) r
                  on r._source_file = l.source_file
                where l.entity = ? and l.status = 'loaded' and coalesce(r.n, 0) != l.rows_loaded
                """,
                [entity],
            ).fetchone()
            assert mismatched == (0,), entity
        loaded = con.execute("select sum(rows_loaded) from raw.load_log").fetchall()[0][0]
        assert loaded > 10_000
    finally:
        con.close()
    assert sum(int(row["rows_read"]) for row in first.loads) == sum(
        int(row["rows_loaded"]) + int(row["rows_quarantined"]) for row in first.loads
    )


def test_second_run_changes_nothing(pipeline) -> None:
    _, _, first, second, before, after = pipeline
    assert second.success and second.checks_failed == []
    assert before == after
    assert {"raw.follows", "marts.fct_followers_daily"} <= set(before)
    # and says so: every file kept, none reloaded, no rows loaded by this run
    assert (
        [r["entity"] for r in second.loads]
        == [r["entity"] for r in first.loads]
        == sorted(ENTITIES)
    )
    for kept, loaded in zip(second.loads, first.loads, strict=True):
        assert kept["files"] == loaded["files"] == loaded["reloaded"] > 0
        assert kept["reloaded"] == kept["rows_read"] == kept["rows_loaded"] == 0, kept
    assert sum(int(r["rows_loaded"]) for r in first.loads) > 10_000


def test_a_run_with_nothing_new_is_skipped(pipeline, monkeypatch) -> None:
    settings, _, _, second, _, after = pipeline
    # as in a new process (`truefans run` again): what the runs before set for their dbt is gone
    monkeypatch.delenv(REPROCESS_ENV, raising=False)
    monkeypatch.delenv(PARENT_ENV, raising=False)
    warehouse_mtime = settings.warehouse.stat().st_mtime_ns
    third = run_pipeline(settings, instance=dg.DagsterInstance.ephemeral())
    assert third.success and third.skipped and not third.published
    assert "no landing file added, changed or removed" in third.skipped
    assert third.checks == [] and third.loads == []
    # it reports what is published: the version the second run wrote, and the marts' rows
    assert third.serving_version == second.serving_version is not None
    assert third.marts == second.marts and third.accounts
    assert settings.warehouse.stat().st_mtime_ns == warehouse_mtime
    assert table_fingerprints(settings.warehouse) == after
    # `truefans run` decides it before Dagster, dbt and Great Expectations are imported
    probe = (
        "import sys; from orchestration.cli.main import main; rc = main(sys.argv[1:]); "
        "print('heavy imports:', sorted({'dagster', 'dbt', 'great_expectations'} & set(sys.modules)))"
        "; sys.exit(rc)"
    )
    paths = ["--landing", str(settings.landing), "--warehouse", str(settings.warehouse)]
    env = dict(os.environ, TRUEFANS_SERVING=str(settings.serving_path))
    cli = subprocess.run(
        [sys.executable, "-c", probe, "run", "--quiet", *paths],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert cli.returncode == 0, cli.stderr
    assert "Nothing new" in cli.stdout and "heavy imports: []" in cli.stdout


def test_daily_follower_counts_equal_the_truth(pipeline) -> None:
    settings, truth, _, _, _, _ = pipeline
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        con.execute(
            "create temp table truth as select platform, cast(account_id as varchar) as account_id, "
            "cast(date as date) as date, followers, follows_gross, unfollows_gross "
            "from read_csv(?, all_varchar=false, types={'account_id': 'VARCHAR'})",
            [str(truth / "daily_followers.csv")],
        )
        (n_truth,) = con.execute("select count(*) from truth").fetchall()[0]
        assert n_truth == CONFIG.tracked * CONFIG.days
        diff = con.execute(
            """
            select t.platform, t.account_id, t.date, t.followers, m.followers
            from truth t
            full outer join marts.fct_followers_daily m using (platform, account_id, date)
            where t.followers is distinct from m.followers
            limit 10
            """
        ).fetchall()
        assert diff == []
        gross_diff = con.execute(
            """
            select t.account_id, t.date, t.follows_gross, m.follows_gross, t.unfollows_gross, m.unfollows_gross
            from truth t join marts.fct_followers_daily m using (platform, account_id, date)
            where not m.is_baseline_day
              and (t.follows_gross != m.follows_gross or t.unfollows_gross != m.unfollows_gross)
            limit 10
            """
        ).fetchall()
        assert gross_diff == []
    finally:
        con.close()


# The engagement tables of ../shared/MARTS_CONTRACT.md, column for column.
CONTRACT_COLUMNS = {
    "dim_tracked_accounts": "platform account_id handle name home_country home_lang",
    "fct_engagement_daily": (
        "platform account_id date followers follows_gross unfollows_gross net_follower_change posts "
        "likes comments shares engagements engagement_rate conversation_rate amplification_rate "
        "applause_rate active_followers_28d active_follower_ratio_28d true_fans authentic_engagements "
        "authentic_engagement_rate"
    ),
    "fct_post_engagement": (
        "platform post_id account_id created_at followers_at_post likes comments shares engagements "
        "unique_engagers engagement_rate authentic_engagements suspicious_engager_share is_like_farm_target"
    ),
}


def test_dbt_docs_generate_documents_every_contract_column(pipeline, tmp_path: Path) -> None:
    import json
    import os
    import subprocess

    from orchestration.defs.dbt_project import dbt_executable
    from orchestration.settings import DBT_PROJECT_DIR

    settings = pipeline[0]
    env = {**os.environ, "TRUEFANS_WAREHOUSE": str(settings.warehouse)}
    done = subprocess.run(
        [
            dbt_executable(),
            "docs",
            "generate",
            "--profiles-dir",
            ".",
            "--target-path",
            str(tmp_path),
        ],
        cwd=DBT_PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    catalog = json.loads((tmp_path / "catalog.json").read_text())
    assert (tmp_path / "index.html").exists()
    for table, names in CONTRACT_COLUMNS.items():
        node = manifest["nodes"][f"model.truefans.{table}"]
        assert node["schema"] == "marts" and node["description"]
        in_warehouse = set(catalog["nodes"][f"model.truefans.{table}"]["columns"])
        for column in names.split():
            assert column in in_warehouse, (table, column)
            assert node["columns"].get(column, {}).get("description"), (table, column)


def test_follow_churners_who_left_are_in_fct_follow_churn(pipeline) -> None:
    settings, truth, _, _, _, _ = pipeline
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        con.execute(
            "create temp table churners as select platform, account_id, follower_id "
            "from read_csv(?, types={'account_id': 'VARCHAR', 'follower_id': 'VARCHAR'}) "
            "where role = 'follow_churner' and not is_follower_at_end",
            [str(truth / "follower_roles.csv")],
        )
        # A snapshot-only account never shows a churner who left before its first snapshot:
        # keep, for those accounts, the churners that appear in at least one snapshot.
        con.execute(
            """
            delete from churners c
            where exists (
                select 1 from marts.dim_tracked_accounts d
                where d.platform = c.platform and d.account_id = c.account_id and d.follow_source = 'snapshots'
            )
            and not exists (
                select 1 from staging.stg_follower_snapshots s
                where s.platform = c.platform and s.followee_id = c.account_id and s.follower_id = c.follower_id
            )
            """
        )
        (n_churners,) = con.execute("select count(*) from churners").fetchall()[0]
        assert n_churners > 10
        missing = con.execute(
            """
            select count(*) from churners c
            where not exists (
                select 1 from marts.fct_follow_churn f
                where f.platform = c.platform and f.follower_id = c.follower_id and f.followee_id = c.account_id
            )
            """
        ).fetchone()
        assert missing == (0,)
        # follow-for-follow: not followed back, gone after 1 to 21 days (hours exact for events)
        bad = con.execute(
            """
            select f.follower_id, f.hours_followed, f.was_followed_back, f.follow_source
            from marts.fct_follow_churn f
            join churners c on f.platform = c.platform and f.follower_id = c.follower_id and f.followee_id = c.account_id
            where f.was_followed_back
               or (f.follow_source = 'events' and not (f.hours_followed > 24 and f.hours_followed <= 21 * 24))
            limit 5
            """
        ).fetchall()
        assert bad == []
    finally:
        con.close()


def _lockstep_links(warehouse: Path) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute("select * from intermediate.int_lockstep_links order by all").fetchall()
    finally:
        con.close()


def test_lockstep_links_do_not_depend_on_the_pair_chunks(pipeline, tmp_path: Path) -> None:
    """int_lockstep_links runs its pair search in var('lockstep_pair_chunks') statements, one per
    hash bucket of the first actor, to bound memory; one statement must find the same links."""
    import os
    import shutil
    import subprocess

    from orchestration.defs.dbt_project import dbt_executable
    from orchestration.settings import DBT_PROJECT_DIR

    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(pipeline[0].warehouse, warehouse)
    chunked = _lockstep_links(warehouse)
    assert len(chunked) >= 10  # the generated like farms link
    done = subprocess.run(
        [
            dbt_executable(),
            *("run", "--select", "int_lockstep_links", "--profiles-dir", "."),
            *("--vars", "{lockstep_pair_chunks: 1}", "--target-path", str(tmp_path / "target")),
        ],
        cwd=DBT_PROJECT_DIR,
        env={**os.environ, "TRUEFANS_WAREHOUSE": str(warehouse)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    assert _lockstep_links(warehouse) == chunked
