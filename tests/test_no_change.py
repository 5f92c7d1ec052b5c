"""What counts as a run with nothing new (orchestration/reliability/no_change.py)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.defs.schedules import nightly_refresh_schedule
from orchestration.reliability import no_change
from orchestration.serving.publish import publish

DATES = ["2026-01-01", "2026-01-02"]


@pytest.fixture
def root(tmp_path: Path) -> tuple[Path, Path]:
    landing = tmp_path / "landing"
    for date in DATES:
        folder = landing / "follows" / date
        folder.mkdir(parents=True)
        (folder / "follows.csv").write_text(f"dump of {date}\n")
    warehouse = tmp_path / "wh" / "warehouse.duckdb"
    warehouse.parent.mkdir()
    warehouse.write_bytes(b"a warehouse")
    no_change.record_publish(warehouse, landing, DATES[0], DATES[-1], "run-1", 3)
    return landing, warehouse


def reason(landing: Path, warehouse: Path, dates=DATES, published=(3, "run-1"), env=None):
    return no_change.unchanged_since_publish(warehouse, landing, dates, published, env)


def test_nothing_changed_is_skipped_with_a_reason(root) -> None:
    landing, warehouse = root
    text = reason(landing, warehouse)
    assert text is not None
    assert "2026-01-01 to 2026-01-02 (2 files)" in text and "run-1" in text and "3" in text
    assert reason(landing, warehouse, dates=["2026-01-02"]) is not None


def test_an_added_changed_or_removed_file_runs(root) -> None:
    landing, warehouse = root
    folder = landing / "follows" / DATES[1]
    (folder / "more.csv").write_text("x\n")
    assert reason(landing, warehouse) is None
    # a date the last publish did not cover is untouched: it alone is still nothing new
    assert reason(landing, warehouse, dates=[DATES[0]]) is not None
    (folder / "more.csv").unlink()
    assert reason(landing, warehouse) is not None
    path = landing / "follows" / DATES[0] / "follows.csv"
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))  # rewritten, same size
    assert reason(landing, warehouse) is None
    path.unlink()
    assert reason(landing, warehouse) is None  # a date without files is not "unchanged"


def test_a_new_dump_date_runs(root) -> None:
    landing, warehouse = root
    (landing / "follows" / "2026-01-03").mkdir()
    (landing / "follows" / "2026-01-03" / "f.csv").write_text("y\n")
    assert reason(landing, warehouse, dates=[*DATES, "2026-01-03"]) is None
    assert reason(landing, warehouse, dates=["2026-01-03"]) is None


def test_another_publish_landing_root_or_setting_runs(root, tmp_path: Path) -> None:
    landing, warehouse = root
    assert reason(landing, warehouse, published=(4, "run-2")) is None  # published since
    assert reason(landing, warehouse, published=None) is None  # serving file gone
    assert reason(tmp_path / "elsewhere", warehouse) is None
    env = {"TRUEFANS_BURST_DAYS": "3"}
    assert reason(landing, warehouse, env=env) is None  # a setting that changes results
    neutral = dict(os.environ, TRUEFANS_DUCKDB_THREADS="7", TRUEFANS_DUCKDB_MEMORY_LIMIT="1GB")
    assert reason(landing, warehouse, env=neutral) is not None  # speed only
    warehouse.unlink()
    assert reason(landing, warehouse) is None


def test_what_a_run_sets_for_its_dbt_is_not_a_setting() -> None:
    from orchestration.defs.dbt_project import REPROCESS_ENV
    from orchestration.reliability.dbt_child import PARENT_ENV

    assert {REPROCESS_ENV, PARENT_ENV} <= no_change.NEUTRAL_SETTINGS
    set_by_a_run = {REPROCESS_ENV: "2026-01-01", PARENT_ENV: "4242"}
    assert no_change.code_fingerprint(set_by_a_run) == no_change.code_fingerprint({})


def test_a_started_run_forgets_the_record(root) -> None:
    landing, warehouse = root
    no_change.forget(warehouse)
    assert not no_change.state_path(warehouse).exists()
    assert reason(landing, warehouse) is None
    no_change.forget(warehouse)  # twice: no error


def test_a_damaged_record_means_a_normal_run(root) -> None:
    landing, warehouse = root
    no_change.state_path(warehouse).write_text("{not json", encoding="utf-8")
    assert no_change.read_state(warehouse) is None
    assert reason(landing, warehouse) is None


def test_publishes_accumulate_the_dates_they_reflect(root) -> None:
    landing, warehouse = root
    (landing / "follows" / "2026-01-03").mkdir()
    (landing / "follows" / "2026-01-03" / "f.csv").write_text("y\n")
    state = no_change.record_publish(warehouse, landing, "2026-01-03", "2026-01-03", "run-2", 4)
    assert sorted(state.landing) == [*DATES, "2026-01-03"]
    assert reason(landing, warehouse, [*DATES, "2026-01-03"], (4, "run-2")) is not None


def test_the_code_fingerprint_sees_a_changed_model(monkeypatch, tmp_path: Path) -> None:
    models = tmp_path / "models"
    models.mkdir()
    (models / "a.sql").write_text("select 1")
    monkeypatch.setattr(no_change, "REPO_ROOT", tmp_path)
    monkeypatch.setattr(no_change, "CODE_ROOTS", (models,))
    before = no_change.code_fingerprint({})
    assert no_change.code_fingerprint({}) == before
    (models / "a.sql").write_text("select 2")
    assert no_change.code_fingerprint({}) != before


def test_a_publish_records_the_dates_of_its_range_that_have_files(root) -> None:
    landing, warehouse = root
    state = no_change.record_publish(warehouse, landing, "2025-12-30", DATES[0], "run-2", 4)
    assert sorted(state.landing) == DATES  # 2025-12-30 has no files; DATES[1] kept from run-1


def test_the_schedule_skips_a_day_with_nothing_new(monkeypatch, tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    (landing / "follows" / "2026-01-02").mkdir(parents=True)
    (landing / "follows" / "2026-01-02" / "follows.csv").write_text("a dump\n")
    warehouse, serving = tmp_path / "warehouse.duckdb", tmp_path / "serving.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema marts; create table marts.fct_x as select 1 as n")
    record = publish(warehouse, serving, run_id="run-1").record  # a real one-row serving file
    no_change.record_publish(
        warehouse, landing, "2026-01-02", "2026-01-02", "run-1", record.version
    )
    for name, path in {"LANDING": landing, "WAREHOUSE": warehouse, "SERVING": serving}.items():
        monkeypatch.setenv(f"TRUEFANS_{name}", str(path))
    at = dt.datetime(2026, 1, 3, 2, 0, tzinfo=dt.UTC)  # loads 2026-01-02
    result = nightly_refresh_schedule(dg.build_schedule_context(scheduled_execution_time=at))
    assert isinstance(result, dg.SkipReason) and "2026-01-02" in (result.skip_message or "")
    (landing / "follows" / "2026-01-02" / "late.csv").write_text("z\n")
    result = nightly_refresh_schedule(dg.build_schedule_context(scheduled_execution_time=at))
    assert isinstance(result, dg.RunRequest) and result.partition_key == "2026-01-02"
