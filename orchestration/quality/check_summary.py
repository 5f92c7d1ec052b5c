"""What the checks of one run said: passed, failed with WARN, failed with ERROR (the quality gate
records it, the publish writes it into `marts.meta_publish`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported by the serving file's readers, which need no Dagster
    import dagster as dg

WARN = "WARN"  # dagster.AssetCheckSeverity.WARN.value


@dataclass(frozen=True)
class CheckSummary:
    passed: int = 0
    warned: int = 0
    failed: int = 0
    not_passed: tuple[str, ...] = ()  # "asset :: check (SEVERITY)"

    @property
    def total(self) -> int:
        return self.passed + self.warned + self.failed


def summarize_checks(evaluations: Iterable[dg.AssetCheckEvaluation]) -> CheckSummary:
    """Passed / failed with WARN / failed with ERROR, the last evaluation of each check."""
    latest: dict[tuple[str, str], dg.AssetCheckEvaluation] = {}
    for evaluation in evaluations:
        latest[(evaluation.asset_key.to_user_string(), evaluation.check_name)] = evaluation
    passed = warned = failed = 0
    not_passed = []
    for (asset, name), evaluation in sorted(latest.items()):
        if evaluation.passed:
            passed += 1
            continue
        severity = evaluation.severity.value
        if severity == WARN:
            warned += 1
        else:
            failed += 1
        not_passed.append(f"{asset} :: {name} ({severity})")
    return CheckSummary(passed, warned, failed, tuple(not_passed))
