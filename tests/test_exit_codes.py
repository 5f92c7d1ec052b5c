"""`truefans run`'s exit code: WARN checks do not page a scheduler when the run published."""

from __future__ import annotations

import pytest

from orchestration.cli.exit_codes import run_exit_code
from orchestration.cli.main import build_parser
from orchestration.run_summary import CheckOutcome, RunSummary


def _summary(*checks: tuple[bool, str], success: bool = True, published: bool = True) -> RunSummary:
    outcomes = [CheckOutcome("a", f"c{i}", passed, sev) for i, (passed, sev) in enumerate(checks)]
    return RunSummary(
        success=success, run_id="r", dump_dates=["2026-01-01"], checks=outcomes, published=published
    )


@pytest.mark.parametrize(
    ("summary", "fail_on_warn", "code"),
    [
        (_summary((True, "ERROR"), (True, "WARN")), False, 0),
        (_summary((True, "ERROR"), (False, "WARN")), False, 0),  # published, only a warning
        (_summary((False, "WARN")), True, 1),  # --fail-on-warn
        (_summary((False, "WARN"), published=False), False, 1),  # BI tools saw nothing new
        (_summary((False, "ERROR"), (False, "WARN")), False, 1),
        (_summary((False, "ERROR")), False, 1),
        (_summary(success=False), False, 1),  # a failed step
    ],
)
def test_run_exit_code(summary: RunSummary, fail_on_warn: bool, code: int) -> None:
    assert run_exit_code(summary, fail_on_warn=fail_on_warn) == code


def test_fail_on_warn_is_a_run_flag() -> None:
    parser = build_parser()
    assert parser.parse_args(["run", "--fail-on-warn"]).fail_on_warn is True
    assert parser.parse_args(["run"]).fail_on_warn is False
