"""Crash safety: `truefans run` SIGKILLed during a raw load, during dbt, during the checks and
during the publish. After each kill the serving file is the previous good version, the working
warehouse opens and reads, no dbt is left running, and the next run completes with the same marts
as an uninterrupted run.

The kills come from orchestration/reliability/faults.py (`TRUEFANS_KILL_AT`): the process
SIGKILLs itself at the named point, so every crash lands at the same, worst moment.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from shared_build import pipeline_build
from table_checksums import mart_checksums

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
    command = [sys.executable, "-m", "orchestration.cli", "run", "--landing", str(landing)]
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


def test_kill_points_are_the_documented_ones() -> None:
    assert POINTS == ("raw_load", "dbt", "checks", "publish")


def test_killed_runs_lose_nothing_and_the_next_run_matches(tmp_path_factory) -> None:
    # The reference: an uninterrupted run over every dump (shared with other modules).
    reference = pipeline_build(tmp_path_factory, "crash-reference")
    full_landing = reference.settings.landing
    days = sorted({p.name for p in full_landing.glob("*/*") if p.is_dir()})

    # The previous nights: every entity without the newest dump date.
    tmp_path = tmp_path_factory.mktemp("crash")
    landing = tmp_path / "landing"
    shutil.copytree(full_landing, landing, ignore=shutil.ignore_patterns(days[-1]))
    warehouse, serving = tmp_path / "wh" / "warehouse.duckdb", tmp_path / "wh" / "serving.duckdb"
    first = run_pipeline(
        Settings(landing=landing, warehouse=warehouse, threads=2, memory_limit="2GB", docs=False)
    )
    assert first.success and first.published and first.serving_version == 1
    good = _sha256(serving)

    # Tonight's dump arrives; tonight's run is killed at every point in turn.
    shutil.rmtree(landing)
    shutil.copytree(full_landing, landing)
    for point in POINTS:
        done = _truefans_run(landing, warehouse, "--date", days[-1], kill_at=point)
        assert done.returncode == -signal.SIGKILL, (point, done.returncode, done.stderr[-2000:])
        assert _sha256(serving) == good, point  # BI tools still see version 1, byte for byte
        con = _open_after_crash(warehouse)
        try:
            assert _every_table_reads(con) > 20, point
        finally:
            con.close()

    done = _truefans_run(landing, warehouse, "--date", days[-1])
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert not list(serving.parent.glob("serving.duckdb.tmp-*"))  # a killed publish's leftovers
    with duckdb.connect(str(serving), read_only=True) as con:
        assert con.execute("select max(version) from marts.meta_publish").fetchall() == [(2,)]

    reference_marts = mart_checksums(reference.settings.warehouse)
    assert mart_checksums(warehouse) == reference_marts
    serving_marts = mart_checksums(serving)
    assert {t: c for t, c in serving_marts.items() if t != "meta_publish"} == reference_marts
