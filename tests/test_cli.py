"""The `truefans` command line: clear errors, and runs recorded for `dagster dev` on request."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg
import pytest

from orchestration.cli.main import main


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


def _one_line_error(capsys) -> str:
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err
    assert len(err.splitlines()) == 1, err
    assert err.startswith("error: ")
    return err


def _run_args(landing: Path, warehouse: Path) -> list[str]:
    return ["run", "--landing", str(landing), "--warehouse", str(warehouse)]


def test_unwritable_warehouse_path_is_one_clear_error(tmp_path: Path, capsys) -> None:
    (tmp_path / "landing").mkdir()
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("x")
    code = main(_run_args(tmp_path / "landing", a_file / "warehouse.duckdb"))
    assert code == 2
    err = _one_line_error(capsys)
    assert f"cannot create the warehouse folder {a_file}" in err
    assert "Not a directory" in err or "File exists" in err


def test_damaged_warehouse_file_is_one_clear_error(tmp_path: Path, capsys) -> None:
    (tmp_path / "landing").mkdir()
    warehouse = tmp_path / "warehouse.duckdb"
    warehouse.write_bytes(b"not a database " * 1000)
    code = main(_run_args(tmp_path / "landing", warehouse))
    assert code == 2
    err = _one_line_error(capsys)
    assert "not a valid DuckDB database file" in err
    assert "rebuild it from the landing files" in err
    assert warehouse.read_bytes() == b"not a database " * 1000  # left for the user to inspect


def test_warehouse_locked_by_another_writer_is_one_clear_error(tmp_path: Path, capsys) -> None:
    import subprocess
    import sys

    (tmp_path / "landing").mkdir()
    warehouse = tmp_path / "warehouse.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('open', flush=True); "
            "sys.stdin.read()",
            str(warehouse),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        code = main(_run_args(tmp_path / "landing", warehouse))
    finally:
        holder.communicate("", timeout=60)
    assert code == 2
    err = _one_line_error(capsys)
    assert f"warehouse {warehouse} is locked by another process" in err


def test_cli_errors_reach_the_shell_as_one_line_and_exit_code_2(tmp_path: Path) -> None:
    """The same, through a real process: no traceback wall on stderr."""
    import subprocess
    import sys

    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "orchestration.cli.main",
            "serve-info",
            "--serving",
            str(tmp_path / "x"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().startswith("error: ")


def test_second_run_while_a_run_holds_the_warehouse_is_one_clear_error(
    tmp_path: Path, capsys
) -> None:
    """A run takes `<warehouse>.run.lock` before anything else, for its whole length: a second run
    started while the first is between steps (DuckDB's own lock not held) stops at once."""
    import subprocess
    import sys

    (tmp_path / "landing").mkdir()
    warehouse = tmp_path / "warehouse.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from orchestration.warehouse import run_lock\n"
            "with run_lock(Path(sys.argv[1])):\n"
            "    print('held', flush=True); sys.stdin.read()",
            str(warehouse),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        code = main(_run_args(tmp_path / "landing", warehouse))
    finally:
        holder.communicate("", timeout=60)
    assert code == 2
    err = _one_line_error(capsys)
    assert f"warehouse {warehouse} is locked: another `truefans run` is using it" in err
    assert not warehouse.exists()  # stopped before opening anything
    # the lock goes with the process that held it: the next run gets past it
    code = main(_run_args(tmp_path / "landing", warehouse))
    assert "is locked" not in capsys.readouterr().err


def test_impossible_dump_date_is_one_clear_error(tmp_path: Path, capsys) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["run", "--landing", str(tmp_path), "--date", "2026-13-01"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "argument --date: not a date (YYYY-MM-DD): '2026-13-01'" in err
    assert "fromisoformat" not in err


def test_summary_names_files_quarantined_whole_and_the_first_reasons(tmp_path: Path) -> None:
    """Quarantine reaches the console: each file quarantined whole with its reason, and the
    first reasons (by file line) of a file with bad rows, with a pointer for the rest."""
    from landing_helpers import load, open_warehouse, write
    from rich.console import Console

    from orchestration.cli.quarantine import overview
    from orchestration.cli.summary import print_summary
    from orchestration.run_summary import RunSummary
    from orchestration.settings import Settings

    day, root = "2026-01-05", tmp_path / "landing"
    header = "platform,follower_id,followee_id,action,event_at\n"
    bad = "".join(f"twitter,b{i},1,poke{i},2026-01-05T08:00:00Z\n" for i in range(5))
    write(root, "follows", day, "f.csv", header + "twitter,a,1,follow,2026-01-05\n" + bad)
    (root / "follows" / day / "broken.csv.gz").write_bytes(b"\x1f\x8b\x08garbage")
    con = open_warehouse(tmp_path)
    try:
        load(con, root, "follows", day)
        summary = RunSummary(True, "r" * 32, [day], quarantine=overview(con, day, day))
    finally:
        con.close()
    console = Console(record=True, width=110)
    settings = Settings(root, tmp_path / "wh.duckdb", threads=1, memory_limit="1GB")
    print_summary(summary, settings, console)
    out = console.export_text()
    assert "Quarantined: 5 rows from 1 file, 1 file quarantined whole" in out
    assert (
        f"follows/{day}/broken.csv.gz: whole file, unreadable csv.gz file: not a valid gzip" in out
    )
    assert f"follows/{day}/f.csv: 5 rows" in out
    for line in (3, 4, 5):  # the first three, by file line
        assert f"line {line}: unknown action 'poke{line - 3}'" in out
    assert "line 6:" not in out and "raw.quarantine" in out


def test_ensure_dagster_home_creates_the_folder_dagster_dev_and_recorded_runs_share(
    tmp_path: Path, monkeypatch
) -> None:
    from orchestration.dagster_home import INSTANCE_CONFIG, TELEMETRY_OFF, ensure_dagster_home

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DAGSTER_HOME", "data/dagster_home")  # missing, and relative
    home = ensure_dagster_home()
    assert home == tmp_path / "data" / "dagster_home" and home.is_dir()
    assert (home / "dagster.yaml").read_text() == INSTANCE_CONFIG.format(history=home / "history")
    assert os.environ["DAGSTER_HOME"] == str(home)  # absolute, as dagster requires
    with dg.DagsterInstance.get() as instance:
        assert type(instance.event_log_storage).__name__ == "ConsolidatedSqliteEventLogStorage"
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: true\n")
    assert ensure_dagster_home() == home
    assert (home / "dagster.yaml").read_text() == "telemetry:\n  enabled: true\n"  # kept

    # a folder `dagster dev` filled with its default per-run event logs keeps reading them
    old = tmp_path / "old_home"
    (old / "history" / "runs").mkdir(parents=True)
    monkeypatch.setenv("DAGSTER_HOME", str(old))
    ensure_dagster_home()
    assert (old / "dagster.yaml").read_text() == TELEMETRY_OFF
