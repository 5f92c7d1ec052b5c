"""A nightly run costs the new day, not all history: it touches only the new partition's raw rows.

A small landing root is loaded without its newest dump date; then the newest date lands and the
nightly run (`run_pipeline(date=...)`, what the schedule and the sensor start) loads it. Asserted
from the run's own metadata, never from timing:

- Dagster: the raw assets materialized by the nightly run cover that one partition, and their
  rows loaded are that partition's landing rows;
- dbt: each dump-date partitioned staging model read exactly the raw rows of that dump date
  (`audit.partition_reads`, written by the models' pre-hook, reported by the dbt asset as a
  Dagster observation of the model), where the first run read every row.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.pipeline import run_pipeline
from orchestration.settings import Settings
from simulator import SimConfig, generate

pytestmark = pytest.mark.slow

STAGING = ("stg_follower_snapshots", "stg_follows", "stg_interactions")
RAW = ("accounts", "follower_snapshots", "follows", "interactions", "posts", "tracked_accounts")


def _events(instance: dg.DagsterInstance, run_id: str, kind: dg.DagsterEventType) -> list:
    return [
        record.event_log_entry.dagster_event
        for record in instance.get_records_for_run(run_id, of_type=kind).records
    ]


def _staging_reads(instance: dg.DagsterInstance, run_id: str) -> dict[str, dict[str, object]]:
    reads = {}
    for event in _events(instance, run_id, dg.DagsterEventType.ASSET_OBSERVATION):
        observation = event.event_specific_data.asset_observation
        if observation.asset_key.path[0] == "staging":
            reads[observation.asset_key.path[1]] = {
                k: v.value for k, v in observation.metadata.items()
            }
    return reads


@pytest.fixture(scope="module")
def nightly(tmp_path_factory) -> dict[str, object]:
    base = tmp_path_factory.mktemp("nightly")
    generated = base / "generated"
    generate(
        SimConfig(seed=5, tracked=2, accounts=2_000, days=5),
        generated,
        base / "truth",
        progress=False,
    )
    days = sorted({p.name for p in generated.glob("*/*") if p.is_dir()})
    newest = days[-1]
    landing = base / "landing"
    shutil.copytree(generated, landing, ignore=shutil.ignore_patterns(newest))
    settings = Settings(
        landing=landing,
        warehouse=base / "wh" / "warehouse.duckdb",
        threads=2,
        memory_limit="2GB",
        docs=False,
    )
    instance = dg.DagsterInstance.ephemeral()
    first = run_pipeline(settings, instance=instance)
    assert first.success, first.checks_failed
    for folder in generated.glob(f"*/{newest}"):
        shutil.copytree(folder, landing / folder.parent.name / newest)
    second = run_pipeline(settings, date=dt.date.fromisoformat(newest), instance=instance)
    assert second.success, second.checks_failed

    raw_loads = {}
    for event in _events(instance, second.run_id, dg.DagsterEventType.ASSET_MATERIALIZATION):
        materialization = event.event_specific_data.materialization
        if materialization.asset_key.path[0] == "raw":
            entity = materialization.asset_key.path[1]
            raw_loads[entity] = (
                materialization.partition,
                materialization.metadata["rows_loaded"].value,
            )
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        raw_rows = {
            entity: dict(
                con.execute(
                    f"select cast(_dump_date as varchar), count(*) from raw.{entity} group by 1"
                ).fetchall()
            )
            for entity in RAW
        }
    return {
        "settings": settings,
        "newest": newest,
        "days": days,
        "raw_loads": raw_loads,
        "raw_rows": raw_rows,
        "first_reads": _staging_reads(instance, first.run_id),
        "nightly_reads": _staging_reads(instance, second.run_id),
        "first_batches": _raw_check_batches(instance, first.run_id),
        "nightly_batches": _raw_check_batches(instance, second.run_id),
    }


def _raw_check_batches(instance: dg.DagsterInstance, run_id: str) -> dict[str, str]:
    """Per raw table, the rows its Great Expectations suite validated in the run."""
    batches = {}
    for event in _events(instance, run_id, dg.DagsterEventType.ASSET_CHECK_EVALUATION):
        evaluation = event.event_specific_data
        if evaluation.asset_key.path[0] == "raw" and evaluation.check_name.startswith("ge_"):
            batches[evaluation.asset_key.path[1]] = evaluation.metadata["batch"].value
    return batches


def test_the_raw_suites_validate_the_partitions_the_run_loaded(nightly) -> None:
    days, newest = nightly["days"], nightly["newest"]
    assert nightly["first_batches"] == dict.fromkeys(
        RAW, f"_dump_date between date '{days[0]}' and date '{days[-2]}'"
    )
    assert nightly["nightly_batches"] == dict.fromkeys(
        RAW, f"_dump_date between date '{newest}' and date '{newest}'"
    )


def test_the_nightly_run_loads_only_the_new_partition(nightly) -> None:
    newest, rows = nightly["newest"], nightly["raw_rows"]
    assert set(nightly["raw_loads"]) == set(RAW)
    for entity, (partition, loaded) in nightly["raw_loads"].items():
        assert partition == newest, entity
        assert loaded == rows[entity].get(newest, 0), entity


def test_the_first_run_reads_every_raw_row(nightly) -> None:
    reads, rows = nightly["first_reads"], nightly["raw_rows"]
    assert set(reads) == set(STAGING)
    for model, read in reads.items():
        entity = model.removeprefix("stg_")
        before_newest = sum(n for day, n in rows[entity].items() if day != nightly["newest"])
        assert read["window_start"] == "none (full build)"
        assert read["dump_dates_read"] == len(nightly["days"]) - 1
        assert read["raw_rows_read"] == before_newest


def test_the_nightly_dbt_build_reads_only_the_new_partitions_raw_rows(nightly) -> None:
    newest, reads, rows = nightly["newest"], nightly["nightly_reads"], nightly["raw_rows"]
    assert set(reads) == set(STAGING)
    for model, read in reads.items():
        entity = model.removeprefix("stg_")
        assert read["window_start"] == newest, model
        assert (read["first_dump_date"], read["last_dump_date"]) == (newest, newest), model
        assert read["dump_dates_read"] == 1, model
        assert read["raw_rows_read"] == rows[entity][newest], model
        assert read["raw_rows_read"] < sum(rows[entity].values()) / 2, model


def _dbt(settings: Settings, tmp_path, *args: str, reprocess_from: str = "") -> int:
    """`dbt <args>` on the warehouse `settings` names, as the pipeline runs it."""
    from orchestration.defs.dbt_project import REPROCESS_ENV
    from orchestration.settings import DBT_PROJECT_DIR

    env = dict(
        os.environ, TRUEFANS_WAREHOUSE=str(settings.warehouse), **{REPROCESS_ENV: reprocess_from}
    )
    env |= {"TRUEFANS_LANDING": str(settings.landing), "TRUEFANS_DUCKDB_MEMORY_LIMIT": "2GB"}
    command = [str(Path(sys.executable).with_name("dbt")), *args, "--profiles-dir", "."]
    command += ["--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs")]
    return subprocess.run(command, cwd=DBT_PROJECT_DIR, env=env, check=False).returncode


def test_dbt_tests_of_a_nightly_build_check_the_partitions_it_rebuilt(nightly, tmp_path) -> None:
    days, newest = nightly["days"], nightly["newest"]
    settings = dataclasses.replace(nightly["settings"], warehouse=tmp_path / "warehouse.duckdb")
    shutil.copyfile(nightly["settings"].warehouse, settings.warehouse)
    with duckdb.connect(str(settings.warehouse)) as con:  # an old partition's row goes bad
        con.execute(
            "update staging.stg_interactions set actor_id = null where rowid = "
            "(select min(rowid) from staging.stg_interactions where dump_date = ?)",
            [days[0]],
        )
    select = ["--select", "stg_interactions"]
    # the nightly build rebuilds and tests the newest dump date only: the old row is not read
    assert _dbt(settings, tmp_path, "build", *select, reprocess_from=newest) == 0
    # a test without the build checks every row, and finds it
    assert _dbt(settings, tmp_path, "test", *select) == 1
