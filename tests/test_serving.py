"""Write-audit-publish: the serving file holds only the marts, is swapped atomically, keeps its
history in marts.meta_publish, opens in DuckDB 1.x, and is published only after the checks."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import TypedDict

import dagster as dg
import duckdb
import pytest

from orchestration.cli.main import main
from orchestration.defs.dbt import build_dbt_models
from orchestration.defs.dbt import mart_keys as dbt_mart_keys
from orchestration.defs.gate import QUALITY_GATE_KEY, build_quality_gate
from orchestration.defs.resources import ServingResource, WarehouseResource
from orchestration.defs.serving import SERVING_KEY, build_serving_marts
from orchestration.quality.check_summary import CheckSummary
from orchestration.serving import publish as publish_module  # the module
from orchestration.serving.info import read_serving_info
from orchestration.serving.publish import PublishError, publish, sql_literal
from orchestration.settings import Settings


class Engine(TypedDict):
    threads: int
    memory_limit: str


ENGINE: Engine = {"threads": 1, "memory_limit": "1GB"}
MARTS = {"dim_accounts", "fct_daily", "v_recent"}  # v_recent is a view in the warehouse


def mart_keys() -> list[dg.AssetKey]:
    """The marts of the real dbt project (its manifest is parsed by `make install`)."""
    return dbt_mart_keys(build_dbt_models())


def build_warehouse(path: Path, big_rows: int = 1_000) -> Path:
    """A small warehouse with every layer: only `marts` may reach the serving file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    try:
        for schema in ("raw", "staging", "intermediate", "seeds", "marts"):
            con.execute(f"create schema {schema}")
        con.execute("create table raw.follows as select range as id from range(50)")
        con.execute("create table raw.quarantine as select 'bad row' as raw_text")
        con.execute(
            "create table raw.load_log as select * from (values "
            "(date '2026-01-04', 'loaded'), (date '2026-01-05', 'loaded'), "
            "(date '2026-01-06', 'unreadable')) t(dump_date, status)"
        )
        con.execute("create table staging.stg_follows as select * from raw.follows")
        con.execute("create table seeds.weights as select 1 as w")
        con.execute(
            "create table marts.dim_accounts as "
            "select 'x' as platform, range::varchar as account_id from range(3)"
        )
        con.execute("comment on table marts.dim_accounts is 'One row per tracked account.'")
        con.execute(
            "comment on column marts.dim_accounts.account_id is 'Account id (it''s a key).'"
        )
        con.execute(
            f"create table marts.fct_daily as select range as n, date '2026-01-01' + "
            f"(range % 30)::int as date, random() as rate from range({big_rows})"
        )
        con.execute("create view marts.v_recent as select * from marts.fct_daily where n < 10")
    finally:
        con.close()
    return path


def grow_warehouse(path: Path, step: int) -> None:
    """Change the marts so every publish has different row counts."""
    con = duckdb.connect(str(path))
    try:
        con.execute(
            "insert into marts.fct_daily select 1000000 + range, date '2026-02-01', 0.5 "
            f"from range({100 + step})"
        )
        con.execute(f"insert into marts.dim_accounts values ('y', 'new-{step}')")
    finally:
        con.close()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".tmp-" in p.name or p.suffix == ".wal")


def serving_tables(path: Path) -> set[tuple[str, str]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return set(con.execute("select schema_name, table_name from duckdb_tables()").fetchall())
    finally:
        con.close()


def test_sql_literal_doubles_quotes() -> None:
    assert sql_literal("it's") == "'it''s'"
    assert sql_literal("''") == "''''''"


def test_publish_copies_only_the_marts_and_counts_versions(tmp_path: Path) -> None:
    warehouse = build_warehouse(tmp_path / "o'clock" / "warehouse.duckdb")
    serving = tmp_path / "bi's share" / "serving.duckdb"
    first = publish(
        warehouse, serving, run_id="run-1", checks=CheckSummary(5, 1, 0, ("a :: b (WARN)",))
    )
    assert first.record.version == 1
    assert first.record.table_rows == {"dim_accounts": 3, "fct_daily": 1_000, "v_recent": 10}
    assert first.record.newest_dump_date == dt.date(2026, 1, 5)  # loaded files only
    assert first.bytes == serving.stat().st_size
    assert serving_tables(serving) == {("marts", t) for t in {*MARTS, "meta_publish"}}

    grow_warehouse(warehouse, 1)
    second = publish(warehouse, serving, run_id="run-2", **ENGINE)
    assert second.record.version == 2
    assert second.record.table_rows["fct_daily"] == 1_101

    assert leftovers(serving.parent) == []
    assert leftovers(warehouse.parent) == []
    con = duckdb.connect(str(serving), read_only=True)
    try:
        history = con.execute(
            "select version, run_id, checks_passed, checks_warned, checks_failed, "
            "checks_not_passed, table_rows, newest_dump_date from marts.meta_publish order by 1"
        ).fetchall()
        assert [(v, r, p, w, f) for v, r, p, w, f, *_ in history] == [
            (1, "run-1", 5, 1, 0),
            (2, "run-2", 0, 0, 0),
        ]
        assert json.loads(history[0][5]) == ["a :: b (WARN)"]
        assert json.loads(history[1][6])["dim_accounts"] == 4
        assert history[1][7] == dt.date(2026, 1, 5)
        # dbt descriptions (persisted as comments) travel with the marts
        assert con.execute(
            "select comment from duckdb_tables() where table_name = 'dim_accounts'"
        ).fetchone() == ("One row per tracked account.",)
        assert con.execute(
            "select comment from duckdb_columns() "
            "where table_name = 'dim_accounts' and column_name = 'account_id'"
        ).fetchone() == ("Account id (it's a key).",)
        (tags,) = con.execute(
            "select tags from duckdb_databases() where database_name = current_database()"
        ).fetchall()[0]
        assert tags["storage_version"].startswith("v1.0.0")
    finally:
        con.close()


def test_publish_refuses_a_warehouse_without_marts(tmp_path: Path) -> None:
    warehouse = tmp_path / "empty.duckdb"
    duckdb.connect(str(warehouse)).close()
    serving = tmp_path / "serving.duckdb"
    with pytest.raises(PublishError, match="no tables in schema marts"):
        publish(warehouse, serving, **ENGINE)
    assert not serving.exists()
    assert leftovers(serving.parent) == []
    with pytest.raises(PublishError, match="warehouse file not found"):
        publish(tmp_path / "missing.duckdb", serving, **ENGINE)


@pytest.mark.parametrize("step", ["_write_meta", "_fsync_file"])
def test_failed_publish_leaves_the_serving_file_untouched(
    tmp_path: Path, monkeypatch, step: str
) -> None:
    warehouse = build_warehouse(tmp_path / "warehouse.duckdb")
    serving = tmp_path / "serving.duckdb"
    publish(warehouse, serving, **ENGINE)
    before = sha256(serving)
    grow_warehouse(warehouse, 1)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError(f"injected failure in {step}")

    monkeypatch.setattr(publish_module, step, broken)
    with pytest.raises(RuntimeError, match="injected failure"):
        publish(warehouse, serving, **ENGINE)
    assert sha256(serving) == before
    assert leftovers(serving.parent) == []
    assert not list(tmp_path.glob("*.spill"))
    monkeypatch.undo()
    assert publish(warehouse, serving, **ENGINE).record.version == 2  # history intact


def test_unreadable_previous_serving_file_is_an_error_not_a_new_history(tmp_path: Path) -> None:
    warehouse = build_warehouse(tmp_path / "warehouse.duckdb")
    serving = tmp_path / "serving.duckdb"
    serving.write_text("not a database")
    with pytest.raises(PublishError, match="move the file away"):
        publish(warehouse, serving, **ENGINE)
    assert serving.read_text() == "not a database"
    assert leftovers(serving.parent) == []


READER = r"""
import json, os, sys, time
import duckdb

path, stop, ready, out = sys.argv[1:5]
seen, errors, opens = {}, [], 0

def read_once(pause):
    con = duckdb.connect(path, read_only=True)
    try:
        version, figures = con.execute(
            "select version, table_rows from marts.meta_publish order by version desc limit 1"
        ).fetchone()
        figures = json.loads(figures)
        if pause:
            time.sleep(0.02)  # let a publish swap the file under this open connection
        tables = {r[0] for r in con.execute(
            "select table_name from duckdb_tables() where schema_name = 'marts'"
        ).fetchall()} - {"meta_publish"}
        counts = {t: con.execute(f'select count(*) from marts."{t}"').fetchone()[0] for t in tables}
        if counts != figures:
            errors.append(f"version {version}: meta_publish says {figures}, tables hold {counts}")
        seen[version] = seen.get(version, 0) + 1
    finally:
        con.close()

while True:
    stopping = os.path.exists(stop)
    try:
        read_once(pause=opens % 2 == 1)
    except Exception as exc:
        errors.append(repr(exc))
    opens += 1
    if opens == 1:
        open(ready, "w").close()
    if stopping:
        break
with open(out, "w") as f:
    json.dump({"seen": seen, "errors": errors[:20], "opens": opens}, f)
"""


def test_concurrent_reader_always_sees_one_complete_version(tmp_path: Path) -> None:
    warehouse = build_warehouse(tmp_path / "warehouse.duckdb", big_rows=150_000)
    serving = tmp_path / "serving.duckdb"
    publish(warehouse, serving, **ENGINE)
    stop, ready, out = tmp_path / "stop", tmp_path / "ready", tmp_path / "reader.json"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(serving), str(stop), str(ready), str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not ready.exists():
            assert reader.poll() is None, reader.communicate()[0]
            assert time.monotonic() < deadline, "reader did not start"
            time.sleep(0.05)
        for step in range(10):
            grow_warehouse(warehouse, step)
            publish(warehouse, serving, **ENGINE)
            time.sleep(0.05)
        stop.touch()
        output = reader.communicate(timeout=60)[0]
    finally:
        if reader.poll() is None:
            reader.kill()
    assert reader.returncode == 0, output
    result = json.loads(out.read_text())
    assert result["errors"] == []
    seen = {int(v) for v in result["seen"]}
    assert len(seen) >= 2, result
    assert seen <= set(range(1, 12)) and 11 in seen  # its last read came after the last publish
    assert leftovers(serving.parent) == []


DUCKDB1_READER = r"""
import json, sys
import duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print(json.dumps({
    "duckdb": duckdb.__version__,
    "rows": con.execute("select count(*) from marts.fct_daily").fetchone()[0],
    "version": con.execute("select max(version) from marts.meta_publish").fetchone()[0],
}))
"""


def test_duckdb_1x_client_opens_the_serving_file(tmp_path: Path) -> None:
    warehouse = build_warehouse(tmp_path / "warehouse.duckdb")
    serving = tmp_path / "serving.duckdb"
    publish(warehouse, serving, **ENGINE)
    venv = tmp_path / "duckdb1"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = str(venv / "bin" / "python")
    install = subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "duckdb<2", "duckdb-cli<2"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if install.returncode != 0:
        reason = (install.stderr.strip().splitlines() or ["?"])[-1]
        pytest.skip(f"cannot install duckdb<2 into a venv (no network or index?): {reason}")
    done = subprocess.run(
        [python, "-c", DUCKDB1_READER, str(serving)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["duckdb"].startswith("1.")
    assert seen == {"duckdb": seen["duckdb"], "rows": 1_000, "version": 1}
    # README: `duckdb -readonly data/serving.duckdb` works with the DuckDB CLI from PyPI (1.x),
    # and that CLI cannot open the working warehouse (written by the venv's DuckDB 2.0)
    cli = str(venv / "bin" / "duckdb")
    query = "select count(*) as n from marts.fct_daily"
    done = subprocess.run(
        [cli, "-readonly", "-csv", str(serving), "-c", query],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["n", "1000"]
    done = subprocess.run(
        [cli, "-readonly", str(warehouse), "-c", "select 1"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "version number" in done.stderr + done.stdout
    assert leftovers(serving.parent) == []


def test_serve_info_prints_the_latest_publish(tmp_path: Path, capsys) -> None:
    warehouse = build_warehouse(tmp_path / "warehouse.duckdb")
    serving = tmp_path / "it's" / "serving.duckdb"
    publish(warehouse, serving, run_id="run-a", **ENGINE)
    publish(
        warehouse,
        serving,
        run_id="run-b",
        checks=CheckSummary(7, 1, 0, ("marts/fct_daily :: volume (WARN)",)),
        **ENGINE,
    )
    assert main(["serve-info", "--serving", str(serving)]) == 0
    out = capsys.readouterr().out
    assert f"serving file:     {serving}" in out
    assert "version:          2 (2 publishes recorded)" in out
    assert "run id:           run-b" in out
    assert "newest dump date: 2026-01-05" in out
    assert "checks:           7 passed, 1 warned, 0 failed" in out
    assert "not passed: marts/fct_daily :: volume (WARN)" in out
    assert "marts.fct_daily" in out and "1,000" in out and "marts.meta_publish" not in out
    assert "built at:" in out and "UTC" in out
    info = read_serving_info(serving)
    assert info.tables == {"dim_accounts": 3, "fct_daily": 1_000, "v_recent": 10}
    assert leftovers(serving.parent) == []  # opened read-only


def test_serve_info_on_a_missing_file_is_one_line_and_exit_code_2(tmp_path: Path, capsys) -> None:
    missing = tmp_path / "nothing.duckdb"
    assert main(["serve-info", "--serving", str(missing)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip().splitlines() == [
        f"error: serving file not found: {missing} (a successful `truefans run` writes it)"
    ]
    assert not missing.exists()


def test_serving_path_defaults_beside_the_warehouse(tmp_path: Path, monkeypatch) -> None:
    settings = Settings(
        landing=tmp_path, warehouse=tmp_path / "w" / "x.duckdb", threads=1, memory_limit="1GB"
    )
    assert settings.serving == settings.serving_path == tmp_path / "w" / "serving.duckdb"
    monkeypatch.setenv("TRUEFANS_WAREHOUSE", str(tmp_path / "a" / "warehouse.duckdb"))
    monkeypatch.delenv("TRUEFANS_SERVING", raising=False)
    assert Settings.from_env().serving == tmp_path / "a" / "serving.duckdb"
    monkeypatch.setenv("TRUEFANS_SERVING", str(tmp_path / "bi" / "s.duckdb"))
    assert Settings.from_env().serving == tmp_path / "bi" / "s.duckdb"


# --- in Dagster: after the checks of the marts, once per partitioned run ----------------------

PARTITIONS = dg.DailyPartitionsDefinition(start_date="2026-01-01", fmt="%Y-%m-%d", end_offset=1)


def _gated_definitions(warehouse: Path, serving: Path, error_passes: bool) -> dg.Definitions:
    """Stand-ins for the raw (partitioned) and dbt mart assets, the real quality gate and serving
    asset."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dg.BetaWarning)

        @dg.asset(
            key=["raw", "stub"],
            partitions_def=PARTITIONS,
            backfill_policy=dg.BackfillPolicy.single_run(),
        )
        def raw_stub() -> dg.MaterializeResult:
            return dg.MaterializeResult()

    keys = mart_keys()

    @dg.multi_asset(specs=[dg.AssetSpec(k, deps=[raw_stub.key]) for k in keys])
    def marts_stub():
        for key in keys:
            yield dg.MaterializeResult(asset_key=key)

    @dg.asset_check(asset=keys[0], name="error_check", blocking=True)
    def error_check() -> dg.AssetCheckResult:
        return dg.AssetCheckResult(passed=error_passes, severity=dg.AssetCheckSeverity.ERROR)

    @dg.asset_check(asset=keys[1], name="warn_check", blocking=True)
    def warn_check() -> dg.AssetCheckResult:
        return dg.AssetCheckResult(passed=False, severity=dg.AssetCheckSeverity.WARN)

    job = dg.define_asset_job(
        "gated",
        selection=dg.AssetSelection.all(),
        partitions_def=PARTITIONS,
        executor_def=dg.in_process_executor,
    )
    return dg.Definitions(
        assets=[raw_stub, marts_stub, build_quality_gate(keys), build_serving_marts(keys)],
        asset_checks=[error_check, warn_check],
        jobs=[job],
        resources={
            "warehouse": WarehouseResource(
                warehouse_path=str(warehouse), landing_root=str(warehouse.parent), threads=1
            ),
            "serving": ServingResource(serving_path=str(serving)),
        },
    )


def _run_gated(warehouse: Path, serving: Path, error_passes: bool) -> dg.ExecuteInProcessResult:
    job = _gated_definitions(warehouse, serving, error_passes).resolve_job_def("gated")
    return job.execute_in_process(
        instance=dg.DagsterInstance.ephemeral(),
        tags={
            "dagster/asset_partition_range_start": "2026-01-02",
            "dagster/asset_partition_range_end": "2026-01-05",
        },
        raise_on_error=False,
    )


def test_serving_asset_publishes_after_the_checks_with_their_summary(tmp_path: Path) -> None:
    warehouse = build_warehouse(tmp_path / "warehouse.duckdb")
    serving = tmp_path / "serving.duckdb"
    result = _run_gated(warehouse, serving, error_passes=True)
    assert result.success
    [gate] = [
        m for m in result.get_asset_materialization_events() if m.asset_key == QUALITY_GATE_KEY
    ]
    gate_metadata = gate.materialization.metadata
    assert (gate_metadata["checks_passed"].value, gate_metadata["checks_warned"].value) == (1, 1)
    assert gate_metadata["checks_not_passed"].value == [
        f"{mart_keys()[1].to_user_string()} :: warn_check (WARN)"
    ]
    [materialization] = [
        m for m in result.get_asset_materialization_events() if m.asset_key == SERVING_KEY
    ]
    metadata = materialization.materialization.metadata
    assert metadata["version"].value == 1
    assert metadata["checks_passed"].value == 1 and metadata["checks_warned"].value == 1
    assert metadata["rows_per_table"].value == {
        "dim_accounts": 3,
        "fct_daily": 1_000,
        "v_recent": 10,
    }
    info = read_serving_info(serving)
    assert info.latest.run_id == result.run_id
    assert (info.latest.checks.passed, info.latest.checks.warned, info.latest.checks.failed) == (
        1,
        1,
        0,
    )
    assert info.latest.checks.not_passed == (
        f"{mart_keys()[1].to_user_string()} :: warn_check (WARN)",
    )


def test_a_failing_error_check_skips_the_publish(tmp_path: Path) -> None:
    warehouse = build_warehouse(tmp_path / "warehouse.duckdb")
    serving = tmp_path / "serving.duckdb"
    publish(warehouse, serving, **ENGINE)
    before = sha256(serving)
    grow_warehouse(warehouse, 1)
    result = _run_gated(warehouse, serving, error_passes=False)
    assert not result.success
    materialized = {m.asset_key for m in result.get_asset_materialization_events()}
    assert QUALITY_GATE_KEY not in materialized and SERVING_KEY not in materialized
    assert sha256(serving) == before
    assert leftovers(serving.parent) == []


# --- through the real pipeline ---------------------------------------------------------------


@pytest.mark.slow
def test_pipeline_publishes_every_contract_mart(tmp_path_factory) -> None:
    from shared_build import pipeline_build

    from orchestration.pipeline import run_pipeline

    build = pipeline_build(tmp_path_factory, "serving")
    settings, first, serving = build.settings, build.summary, build.settings.serving_path
    assert serving == build.settings.warehouse.parent / "serving.duckdb"
    assert first.success, first.checks_failed
    info = read_serving_info(serving)
    assert info.latest.version == 1 and info.latest.run_id == first.run_id
    contract = {
        "dim_tracked_accounts",
        "fct_engagement_daily",
        "fct_post_engagement",
        "fct_follower_authenticity",
        "fct_audience_quality",
        "fct_follower_bursts",
        "fct_follow_churn",
        "fct_lockstep_groups",
        "fct_lockstep_members",
    }
    assert contract <= set(info.tables)
    assert {f"marts.{t}" for t in info.tables} == set(first.marts)  # every mart, nothing else
    assert info.tables == info.latest.table_rows
    assert info.tables == {t.split(".", 1)[1]: n for t, n in first.marts.items()}
    assert 50 < info.latest.checks.total <= len(first.checks)  # this run's, before the publish
    assert info.latest.newest_dump_date is not None
    assert serving_tables(serving) == {("marts", t) for t in {*info.tables, "meta_publish"}}

    second = run_pipeline(settings, instance=dg.DagsterInstance.ephemeral())
    assert second.success
    assert read_serving_info(serving).latest.version == 2
    assert leftovers(serving.parent) == []
