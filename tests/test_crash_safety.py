"""Crash safety, replay and backfill, on one warehouse that lives through a week of incidents.

1. Six nightly dumps are loaded; the 5th (an old date, delivered late) and the 8th are missing.
2. The 8th arrives; `truefans run --date <8th>` is SIGKILLed during a raw load, during dbt,
   during the checks and during the publish. After each kill the serving file is the previous
   version byte for byte, the warehouse opens for writing (no orphaned dbt holds its lock) and
   every table reads. Then the run completes.
3. The 5th arrives after the 8th (a backfill): the marts equal, bit for bit, those of one
   uninterrupted run over all eight dumps; so do they after re-running one partition, and after
   re-running every partition.

The kills come from orchestration/reliability/faults.py (`TRUEFANS_KILL_AT`): the process
SIGKILLs itself at the named point, so every crash lands at the same, worst moment.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from shared_build import pipeline_build
from table_checksums import schema_checksums

from orchestration.pipeline import run_pipeline
from orchestration.reliability.faults import ENV, POINTS
from orchestration.settings import Settings
from orchestration.warehouse import WarehouseError, connect

pytestmark = pytest.mark.slow


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _truefans_run(landing: Path, warehouse: Path, *args: str, kill_at: str | None = None):
    env = {**os.environ, "TRUEFANS_DOCS": "0", "TRUEFANS_DUCKDB_MEMORY_LIMIT": "2GB"}
    env.pop(ENV, None)
    if kill_at:
        env[ENV] = kill_at
    command = [sys.executable, "-m", "orchestration.cli.main", "run", "--landing", str(landing)]
    return subprocess.run(
        [*command, "--warehouse", str(warehouse), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def _open_after_crash(warehouse: Path) -> duckdb.DuckDBPyConnection:
    """The warehouse, opened for writing as the next run would (this replays DuckDB's WAL).

    The kernel kills the dbt child when the pipeline dies (PR_SET_PDEATHSIG); its lock goes with
    its last file descriptor, a moment after the parent is reaped, so a lock is retried briefly.
    A lock still held after that is an orphaned writer: the test fails."""
    deadline = time.monotonic() + 20
    while True:
        try:
            return connect(warehouse)
        except WarehouseError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _every_table_reads(con: duckdb.DuckDBPyConnection) -> int:
    tables = con.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_type = 'BASE TABLE'"
    ).fetchall()
    for schema, table in tables:
        con.execute(f'select count(*) from "{schema}"."{table}"').fetchall()
    return len(tables)


def _deliver(source: Path, landing: Path, day: str) -> None:
    for folder in source.glob(f"*/{day}"):
        shutil.copytree(folder, landing / folder.parent.name / day)


@pytest.fixture(scope="module")
def week(tmp_path_factory) -> dict[str, object]:
    """Everything the tests below assert, recorded while the week is played."""
    reference = pipeline_build(tmp_path_factory, "reference")  # one uninterrupted run
    full_landing = reference.settings.landing
    days = sorted({p.name for p in full_landing.glob("*/*") if p.is_dir()})
    assert len(days) == 8
    late, newest = days[4], days[7]
    facts: dict[str, object] = {"reference": schema_checksums(reference.settings.warehouse)}

    base = tmp_path_factory.mktemp("week")
    landing = base / "landing"
    shutil.copytree(full_landing, landing, ignore=shutil.ignore_patterns(late, newest))
    settings = Settings(
        landing=landing,
        warehouse=base / "wh" / "warehouse.duckdb",
        threads=2,
        memory_limit="2GB",
        docs=False,
    )
    warehouse, serving = settings.warehouse, settings.serving_path
    instance = dg.DagsterInstance.ephemeral()
    first = run_pipeline(settings, instance=instance)
    assert first.success and first.published and first.serving_version == 1
    good = _sha256(serving)

    _deliver(full_landing, landing, newest)
    kills = {}
    for point in POINTS:
        done = _truefans_run(landing, warehouse, "--date", newest, kill_at=point)
        con = _open_after_crash(warehouse)
        try:
            tables = _every_table_reads(con)
        finally:
            con.close()
        kills[point] = (done.returncode, _sha256(serving) == good, tables, done.stderr[-2000:])
    facts["kills"] = kills
    done = _truefans_run(landing, warehouse, "--date", newest)
    facts["recovery"] = (done.returncode, done.stdout[-3000:] + done.stderr[-3000:])
    facts["leftovers"] = sorted(p.name for p in serving.parent.glob("serving.duckdb.tmp-*"))
    with duckdb.connect(str(serving), read_only=True) as con:
        facts["serving_version"] = con.execute("select max(version) from marts.meta_publish")
        facts["serving_version"] = facts["serving_version"].fetchall()  # type: ignore[attr-defined]

    _deliver(full_landing, landing, late)
    for name, day in (("backfill", late), ("one partition re-run", days[2]), ("all re-run", None)):
        summary = run_pipeline(
            settings, date=dt.date.fromisoformat(day) if day else None, instance=instance
        )
        assert summary.success, (name, summary.checks_failed)
        facts[name] = schema_checksums(warehouse)
    facts["serving"] = schema_checksums(serving)
    return facts


@pytest.mark.parametrize("point", POINTS)
def test_a_killed_run_leaves_the_serving_file_and_the_warehouse_intact(week, point: str) -> None:
    returncode, serving_unchanged, tables, stderr = week["kills"][point]
    assert returncode == -signal.SIGKILL, (point, stderr)
    assert serving_unchanged  # BI tools still see version 1, byte for byte
    assert tables > 20  # the warehouse opens for writing and every table reads


def test_the_next_run_completes_and_publishes_without_leftovers(week) -> None:
    returncode, output = week["recovery"]
    assert returncode == 0, output
    assert week["leftovers"] == []  # a killed publish's temporary files are gone
    assert week["serving_version"] == [(2,)]


@pytest.mark.parametrize("scenario", ["backfill", "one partition re-run", "all re-run"])
def test_marts_equal_one_uninterrupted_run_bit_for_bit(week, scenario: str) -> None:
    reference, got = week["reference"], week[scenario]
    assert set(got) == set(reference) and len(got) == 10
    assert {t: got[t] for t in got if got[t] != reference[t]} == {}


def test_the_serving_file_has_the_same_marts(week) -> None:
    serving = {t: c for t, c in week["serving"].items() if t != "meta_publish"}
    assert serving == week["reference"]
