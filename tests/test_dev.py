"""`make dev` / `truefans dev`: the Dagster UI starts on a DAGSTER_HOME that does not exist yet
and stops on SIGTERM or SIGINT with everything it started, also when it was started the way a
background job of a non-interactive shell is (`make dev &`: SIGINT ignored, inherited).

Each test starts a real `dagster dev` (about a minute to load the code location on two cores).
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import pytest
from dagster_dev import free_port, ignore_sigint, kill_all, start, stop, wait_until_up

from orchestration.settings import REPO_ROOT

pytestmark = pytest.mark.slow


def _env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DAGSTER_HOME": str(tmp_path / "data" / "dagster_home"),  # missing, as after a clean
        "TRUEFANS_WAREHOUSE": str(tmp_path / "data" / "warehouse.duckdb"),
        "TRUEFANS_LANDING": str(tmp_path / "data" / "landing"),
    }


def test_make_dev_stops_on_sigterm_when_started_in_the_background(tmp_path: Path) -> None:
    port = free_port()
    venv = Path(sys.prefix)
    # this venv, and never rebuild it (-o): the test is about `dev`, not `install`
    command = ["make", "-s", "-C", str(REPO_ROOT), f"VENV={venv}", "-o", str(venv / ".installed")]
    log = tmp_path / "make-dev.log"
    make = start([*command, "dev", f"PORT={port}"], _env(tmp_path), log, tmp_path, ignore_sigint)
    try:
        wait_until_up(make, port, log)
        assert (tmp_path / "data" / "dagster_home" / "dagster.yaml").is_file()
        stop(make, signal.SIGTERM, log)  # make passes SIGTERM on to its recipe
        assert make.returncode != 0  # make reports the interrupted recipe
    finally:
        kill_all(make)


# `truefans dev` started with SIGINT ignored and stopped by SIGINT: tests/test_browser.py's
# test_truefans_dev_shows_a_run_recorded_while_it_is_open (one UI start instead of two).
