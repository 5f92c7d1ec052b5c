"""`truefans-dbt`: dbt's own command line, started so that it dies with the pipeline.

dagster-dbt runs dbt as a subprocess. If the pipeline process is killed (SIGKILL, OOM killer),
a plain `dbt` child would keep building and keep the DuckDB warehouse locked, and the next run
would fail on the lock. On Linux this entry point asks the kernel to SIGKILL it when its parent
dies (`PR_SET_PDEATHSIG`), then runs dbt unchanged; DuckDB's write-ahead log rolls the
interrupted transaction back when the warehouse is next opened. Elsewhere it is plain dbt.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys

PARENT_ENV = "TRUEFANS_DBT_PARENT_PID"
_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Ask Linux to SIGKILL this process when its parent exits; exit now if it already has."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        return  # not fatal: dbt still runs, only without the guarantee
    expected = os.environ.get(PARENT_ENV)
    if expected and expected.isdigit() and os.getppid() != int(expected):
        os._exit(1)  # the parent died between fork and prctl


def main() -> None:
    die_with_parent()
    from dbt.cli.main import cli

    sys.argv[0] = "dbt"
    sys.exit(cli())
