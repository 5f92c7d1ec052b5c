"""The exit code of `truefans run`, for schedulers and scripts.

0: the run succeeded, and no check failed, or only WARN checks did and the run published
   (the serving file BI tools read was updated; a warning is for a person to read, not an
   outage to page someone about); also a run with nothing new to do, skipped;
1: a step failed, an ERROR check failed, or the run did not publish; WARN checks too with
   `--fail-on-warn` (TRUEFANS_FAIL_ON_WARN=1);
2: the run could not start (bad arguments, landing root missing, warehouse locked or damaged),
   returned before this is consulted.
"""

from __future__ import annotations

from orchestration.run_summary import RunSummary

FAIL_ON_WARN_ENV = "TRUEFANS_FAIL_ON_WARN"


def run_exit_code(summary: RunSummary, *, fail_on_warn: bool = False) -> int:
    if not summary.success:
        return 1
    failed = summary.checks_failed
    if not failed:
        return 0
    if fail_on_warn or any(c.severity.upper() != "WARN" for c in failed):
        return 1
    return 0 if summary.published else 1
