"""Progress bars: shown only on a terminal outside CI, and the pipeline's bar counts the steps
Dagster reports as ended."""

from __future__ import annotations

import dagster as dg
import pytest

from orchestration.cli import progress
from orchestration.cli.run_progress import LOGGER_NAME, showing, step_progress


def test_bars_only_on_a_terminal_and_never_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    monkeypatch.delenv("CI", raising=False)
    assert progress.enabled(True)
    assert not progress.enabled(False)  # --quiet
    monkeypatch.setenv("CI", "1")
    assert not progress.enabled(True)
    monkeypatch.delenv("CI")
    monkeypatch.setattr("sys.stdout.isatty", lambda: False)  # a log file, a pipe
    assert not progress.enabled(True)


@dg.asset
def first() -> int:
    return 1


@dg.asset
def second(first: int) -> int:
    return first + 1


@dg.asset
def broken(second: int) -> int:
    raise RuntimeError("boom")


@dg.asset(deps=[broken])
def after_broken() -> None:
    pass


def test_the_run_bar_advances_once_per_step_that_ended() -> None:
    defs = dg.Definitions(
        assets=[first, second, broken, after_broken],
        jobs=[dg.define_asset_job("all", selection=dg.AssetSelection.all())],
        loggers={LOGGER_NAME: step_progress},
    )
    job = defs.resolve_job_def("all")
    bar = progress.bar("running", "steps", requested=False)  # disabled: counts, draws nothing
    with showing(bar, len(job.graph.node_dict)):
        result = job.execute_in_process(
            instance=dg.DagsterInstance.ephemeral(),
            raise_on_error=False,
            run_config={"loggers": {LOGGER_NAME: {}}},
        )
        (task,) = bar.tasks
    assert not result.success
    # 2 succeeded and 1 failed count once each; the step skipped after the failure never ran,
    # so the bar stops short of the job's 4 steps, as the run did
    assert (task.completed, task.total) == (3, 4)
