"""A progress bar over the steps of a pipeline run (`truefans run`), fed by a Dagster logger.

Dagster hands every event of the run to the loggers of the job; this one advances the bar when a
step ends (succeeded or failed) and shows the step that ended. Steps skipped because an upstream
step failed never end, so after a failure the bar stops short of its total, as the run did. It is quiet where
`orchestration.cli.progress.enabled` says so (CI, a log file, `--quiet`)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

import dagster as dg
from rich.progress import Progress, TaskID

LOGGER_NAME = "progress"
_ENDED = {"STEP_SUCCESS", "STEP_FAILURE", "STEP_SKIPPED"}
_current: tuple[Progress, TaskID] | None = None


class _StepEnded(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None)
        event = meta.get("dagster_event") if isinstance(meta, dict) else None
        if _current is None or event is None or event.event_type_value not in _ENDED:
            return
        bar, task = _current
        bar.update(task, advance=1, description=f"{event.step_key or ''}"[:40])


@dg.logger(None, description="Advances the CLI's progress bar as steps end (no output otherwise).")
def step_progress(init_context: dg.InitLoggerContext) -> logging.Logger:
    logger = logging.getLogger(f"truefans.{LOGGER_NAME}")
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    if not any(isinstance(h, _StepEnded) for h in logger.handlers):
        logger.addHandler(_StepEnded())
    return logger


@contextlib.contextmanager
def showing(bar: Progress, steps: int) -> Iterator[None]:
    """Route the run's step events to `bar` while the block runs."""
    global _current
    with bar:
        _current = (bar, bar.add_task("starting", total=steps))
        try:
            yield
        finally:
            _current = None
