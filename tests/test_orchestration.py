"""The Dagster objects: dbt arguments, the nightly schedule, the new-dump sensor, the code location."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import NamedTuple
from zoneinfo import ZoneInfo

import dagster as dg
import pytest
from landing_helpers import write

from orchestration.defs.schedules import nightly_refresh_schedule, partition_for
from orchestration.defs.sensors import new_dump_sensor
from orchestration.ingest.contract import ENTITIES
from orchestration.settings import (
    DBT_PROJECT_DIR,
    DEFAULT_DBT_THREADS,
    DEFAULT_MEMORY_LIMIT,
    DEFAULT_THREADS,
)

INTERMEDIATE_AREAS = ("follows", "authenticity", "lockstep", "engagement", "spine")


def test_dbt_profile_defaults_match_the_settings() -> None:
    """A hand-run dbt without the variables must get the engine settings the pipeline uses."""
    profile = (DBT_PROJECT_DIR / "profiles.yml").read_text()
    defaults = dict(re.findall(r"env_var\('(TRUEFANS_[A-Z_]+)', '([^']*)'\)", profile))
    assert defaults["TRUEFANS_DBT_THREADS"] == str(DEFAULT_DBT_THREADS)
    assert defaults["TRUEFANS_DUCKDB_THREADS"] == str(DEFAULT_THREADS)
    assert defaults["TRUEFANS_DUCKDB_MEMORY_LIMIT"] == DEFAULT_MEMORY_LIMIT


@pytest.mark.parametrize(
    ("scheduled", "partition"),
    [
        (dt.datetime(2026, 1, 6, 2, 0, tzinfo=ZoneInfo("UTC")), "2026-01-05"),
        (dt.datetime(2026, 3, 1, 2, 0, tzinfo=ZoneInfo("Europe/Zurich")), "2026-02-28"),
    ],
)
def test_schedule_loads_the_previous_day(scheduled: dt.datetime, partition: str) -> None:
    assert partition_for(scheduled) == partition
    context = dg.build_schedule_context(scheduled_execution_time=scheduled)
    request = nightly_refresh_schedule(context)
    assert isinstance(request, dg.RunRequest)
    assert request.partition_key == partition
    assert request.run_key == f"nightly-{partition}"


def test_schedule_runs_at_two_in_the_configured_timezone() -> None:
    assert nightly_refresh_schedule.cron_schedule == "0 2 * * *"
    assert nightly_refresh_schedule.job_name == "nightly_refresh"


class Evaluation(NamedTuple):
    run_requests: list[dg.RunRequest]
    cursor: str


def _evaluate(cursor: str | None) -> Evaluation:
    result = new_dump_sensor(dg.build_sensor_context(cursor=cursor))
    assert isinstance(result, dg.SensorResult)
    assert result.run_requests is not None and result.cursor is not None
    return Evaluation(list(result.run_requests), result.cursor)


def test_sensor_fires_once_per_new_dump_date_folder(tmp_path: Path, monkeypatch) -> None:
    landing = tmp_path / "landing"
    monkeypatch.setenv("TRUEFANS_LANDING", str(landing))
    header = "platform,follower_id,followee_id,action,event_at\n"
    write(landing, "follows", "2026-01-01", "a.csv", header)
    write(landing, "posts", "2026-01-02", "a.csv", "platform,post_id,account_id,created_at\n")

    first = _evaluate(None)
    assert [r.partition_key for r in first.run_requests] == ["2026-01-01", "2026-01-02"]
    assert len({r.run_key for r in first.run_requests}) == 2

    again = _evaluate(first.cursor)
    assert again.run_requests == []

    write(landing, "follows", "2026-01-03", "a.csv", header)
    write(landing, "follows", "2026-01-02", "late.csv", header)  # a known date: no new run
    third = _evaluate(again.cursor)
    assert [r.partition_key for r in third.run_requests] == ["2026-01-03"]
    assert set(json.loads(third.cursor)) == {"2026-01-01", "2026-01-02", "2026-01-03"}


def test_sensor_skips_quietly_without_a_landing_root(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TRUEFANS_LANDING", str(tmp_path / "missing"))
    result = _evaluate(None)
    assert result.run_requests == []


def test_code_location_loads_with_every_layer() -> None:
    from orchestration.definitions import defs as load_definitions

    defs = load_definitions()
    graph = defs.resolve_asset_graph()
    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    for entity in ENTITIES:
        assert f"raw/{entity}" in keys
    assert {
        "staging/stg_follows",
        "intermediate/int_follow_events",
        "marts/dim_tracked_accounts",
        "marts/fct_followers_daily",
    } <= keys
    groups = {graph.get(k).group_name for k in graph.get_all_asset_keys()}
    assert {"raw", "staging", "marts", "checks", "serving", "seeds"} <= groups
    assert {f"intermediate_{area}" for area in INTERMEDIATE_AREAS} <= groups
    assert "intermediate" not in groups  # every intermediate model sits in a business area
    gate = graph.get(dg.AssetKey(["checks", "quality_gate"]))
    assert set(gate.parent_keys) >= {dg.AssetKey(["marts", "fct_followers_daily"])}
    assert (
        dg.AssetKey(["checks", "quality_gate"])
        in graph.get(dg.AssetKey(["serving", "marts"])).parent_keys
    )
    checks = {(k.asset_key.to_user_string(), k.name) for k in graph.asset_check_keys}
    assert ("raw/follows", "rows_reconcile") in checks
    assert ("raw/follows", "ge_raw_follows") in checks
    assert ("marts/fct_followers_daily", "ge_marts_fct_followers_daily") in checks
    assert any(
        name.startswith("unique_combination_of_columns_fct_followers_daily") for _, name in checks
    )
    assert defs.resolve_job_def("nightly_refresh") is not None
    assert defs.resolve_schedule_def("nightly_refresh_schedule") is not None
    assert defs.resolve_sensor_def("new_dump_sensor") is not None


def test_asset_groups_follow_the_model_folders() -> None:
    """models/intermediate/<area>/<model>.sql is asset `intermediate/<model>` in group
    `intermediate_<area>`: the asset graph reads like the dbt project's tree."""
    from orchestration.definitions import defs as load_definitions

    graph = load_definitions().resolve_asset_graph()
    models = sorted((DBT_PROJECT_DIR / "models" / "intermediate").glob("*/*.sql"))
    assert {path.parent.name for path in models} == set(INTERMEDIATE_AREAS)
    for path in models:
        node = graph.get(dg.AssetKey(["intermediate", path.stem]))
        assert node.group_name == f"intermediate_{path.parent.name}", path
    for layer in ("staging", "marts"):
        for path in (DBT_PROJECT_DIR / "models" / layer).glob("*.sql"):
            assert graph.get(dg.AssetKey([layer, path.stem])).group_name == layer, path
    assert graph.get(dg.AssetKey(["seeds", "authenticity_weights"])).group_name == "seeds"


def test_code_location_loads_like_dagster_dev_without_the_venv_on_path(tmp_path: Path) -> None:
    """`dagster dev` sets DAGSTER_IS_DEV_CLI (so dagster-dbt re-parses the project) and starts
    code servers without the venv on PATH; loading must still find dbt."""
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "PATH": "/usr/bin:/bin",
        "DAGSTER_IS_DEV_CLI": "1",
        "DAGSTER_HOME": str(tmp_path),
        # left over from a pipeline run in the parent: the parse must not depend on it
        "TRUEFANS_DBT_PARENT_PID": "1",
    }
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from orchestration.definitions import defs; print(len(list(defs().assets)))",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert int(done.stdout.strip().splitlines()[-1]) >= 7


def test_dbt_version_from_metadata_matches_the_dbt_executable() -> None:
    import re
    import subprocess

    from orchestration.defs.dbt_project import dbt_executable
    from orchestration.defs.resources import TrueFansDbtCliResource
    from orchestration.settings import DBT_PROJECT_DIR

    resource = TrueFansDbtCliResource(
        project_dir=str(DBT_PROJECT_DIR), dbt_executable=dbt_executable()
    )
    output = subprocess.run(
        [dbt_executable(), "--version"], capture_output=True, text=True, check=True
    ).stdout
    found = re.search(r"(\d+\.\d+\.\d+)", output)
    assert found is not None, output
    assert str(resource._cli_version) == found.group(1)


def test_first_dump_date_of_a_run_comes_from_its_partition_tags() -> None:
    from orchestration.defs.partitions import first_dump_date_of_run

    assert first_dump_date_of_run({"dagster/partition": "2026-01-05"}) == dt.date(2026, 1, 5)
    assert first_dump_date_of_run(
        {
            "dagster/asset_partition_range_start": "2026-01-02",
            "dagster/asset_partition_range_end": "2026-01-09",
        }
    ) == dt.date(2026, 1, 2)
    assert first_dump_date_of_run({}) is None
    with pytest.raises(ValueError):
        first_dump_date_of_run({"dagster/partition": "2026-01-05'; drop table x"})


def test_run_environment_makes_incremental_models_reprocess_from_the_run_start() -> None:
    from orchestration.defs.dbt_project import run_environment

    assert run_environment(dt.date(2026, 1, 2)) == {"TRUEFANS_REPROCESS_FROM": "2026-01-02"}
    assert run_environment(None) == {}


def test_dbt_child_dies_with_the_pipeline_process(tmp_path: Path) -> None:
    """truefans-dbt asks Linux to kill it when its parent dies: a SIGKILLed pipeline leaves no
    dbt behind holding the warehouse lock."""
    import subprocess
    import sys

    import psutil

    if not sys.platform.startswith("linux"):
        pytest.skip("PR_SET_PDEATHSIG is Linux-only")
    parent = (
        "import os, subprocess, sys\n"
        "from orchestration.reliability.dbt_child import PARENT_ENV\n"
        "env = {**os.environ, PARENT_ENV: str(os.getpid())}\n"
        "child = subprocess.Popen([sys.executable, '-c', 'from orchestration.reliability."
        "dbt_child import die_with_parent; die_with_parent(); import sys; "
        'print("ready", flush=True); import signal; signal.pause()\'], env=env, '
        "stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)\n"
        "assert child.stdout.readline().strip() == 'ready'\n"
        "print(child.pid, flush=True)\n"
        "os.kill(os.getpid(), 9)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", parent], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == -9, done.stderr
    try:
        child = psutil.Process(int(done.stdout.strip()))
        child.wait(timeout=30)  # returns as soon as the kernel has killed it
    except psutil.NoSuchProcess:
        pass  # already gone and reaped
    except psutil.TimeoutExpired:
        child.kill()
        pytest.fail("the dbt child outlived its killed parent")


def test_every_source_is_an_asset_of_the_code_location_outside_the_nightly_job() -> None:
    """`dagster dev` shows one importer per `truefans import` source (group `sources`); the
    nightly job never runs them (each needs its target)."""
    from orchestration.definitions import defs as load_definitions
    from orchestration.sources.registry import source_names

    assert source_names() == ["bluesky", "instagram", "mastodon", "x-archive"]
    defs = load_definitions()
    graph = defs.resolve_asset_graph()
    sources = {
        k.to_user_string()
        for k in graph.get_all_asset_keys()
        if graph.get(k).group_name == "sources"
    }
    assert sources == {
        "sources/bluesky",
        "sources/instagram",
        "sources/mastodon",
        "sources/x_archive",
    }
    job = defs.resolve_job_def("nightly_refresh")
    in_job = {k.to_user_string() for k in job.asset_layer.asset_graph.get_all_asset_keys()}
    assert "raw/follows" in in_job and not sources & in_job
