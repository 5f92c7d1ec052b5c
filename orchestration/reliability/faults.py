"""Fault injection for the crash-safety tests (tests/test_crash_safety.py).

`TRUEFANS_KILL_AT=<point>` makes the pipeline process SIGKILL itself when it reaches that point,
exactly as the OOM killer or a power cut would stop it: no `finally`, no `atexit`, no rollback.
Points sit at the worst moments of each stage:

* `raw_load`  — a raw partition's rows are deleted and re-inserted, the transaction not committed;
* `dbt`       — dbt is building (after its first finished model), its writes half done;
* `checks`    — Great Expectations has validated one suite, the others not;
* `publish`   — the new serving file is complete on disk, not yet swapped into place.

Unset (always, outside those tests) each point costs one dictionary lookup.
"""

from __future__ import annotations

import os
import signal

ENV = "TRUEFANS_KILL_AT"
POINTS = ("raw_load", "dbt", "checks", "publish")


def kill_point(point: str) -> None:
    """SIGKILL this process if `TRUEFANS_KILL_AT` names `point`."""
    if point not in POINTS:
        raise ValueError(f"unknown kill point {point!r}; expected one of {', '.join(POINTS)}")
    if os.environ.get(ENV) == point:
        os.kill(os.getpid(), signal.SIGKILL)
