"""Counting a run's check evaluations (orchestration/quality/check_summary.py)."""

from __future__ import annotations

import dagster as dg

from orchestration.quality.check_summary import summarize_checks


def evaluation(name: str, passed: bool, severity: dg.AssetCheckSeverity) -> dg.AssetCheckEvaluation:
    return dg.AssetCheckEvaluation(
        asset_key=dg.AssetKey(["marts", "fct_x"]), check_name=name, passed=passed, severity=severity
    )


def test_warn_and_error_failures_are_counted_apart_and_the_last_evaluation_wins() -> None:
    warn, error = dg.AssetCheckSeverity.WARN, dg.AssetCheckSeverity.ERROR
    summary = summarize_checks(
        [
            evaluation("volume", False, warn),
            evaluation("unique", False, error),
            evaluation("not_null", True, error),
            evaluation("retried", False, error),
            evaluation("retried", True, error),  # the same check again, later: it passed
        ]
    )
    assert (summary.passed, summary.warned, summary.failed) == (2, 1, 1)
    assert summary.not_passed == ("marts/fct_x :: unique (ERROR)", "marts/fct_x :: volume (WARN)")
