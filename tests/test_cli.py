"""The `truefans` command line: clear errors, and runs recorded for `dagster dev` on request."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from orchestration.cli import main


def test_missing_landing_root_is_one_clear_error(tmp_path: Path, capsys) -> None:
    code = main(
        ["run", "--landing", str(tmp_path / "nowhere"), "--warehouse", str(tmp_path / "w.duckdb")]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip() == f"error: landing root not found: {tmp_path / 'nowhere'}"


@pytest.mark.slow
def test_generate_then_run_recorded_in_dagster_home(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    landing, truth = tmp_path / "landing", tmp_path / "truth"
    size = ["--seed", "3", "--tracked", "2", "--accounts", "800", "--days", "3"]
    assert (
        main(["generate", "--landing", str(landing), "--truth", str(truth), "--quiet", *size]) == 0
    )
    code = main(
        ["run", "--landing", str(landing), "--warehouse", str(tmp_path / "w.duckdb"), "--record"]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert "succeeded" in out and "0 failed" in out and "marts.fct_engagement_daily" in out
    with dg.DagsterInstance.from_config(str(tmp_path / "dagster_home")) as instance:
        runs = instance.get_runs()
        assert [r.job_name for r in runs] == ["nightly_refresh"]
        assert runs[0].is_success
