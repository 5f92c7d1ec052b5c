"""Progress bars for long CLI steps (rich): shown on a terminal, quiet in CI and in logs."""

from __future__ import annotations

import os
import sys

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


def enabled(requested: bool = True) -> bool:
    """Bars only where someone watches: a terminal, and not CI (`CI` set) or `--quiet`."""
    return requested and sys.stdout.isatty() and not os.environ.get("CI")


def bar(label: str, unit: str, requested: bool = True, console: Console | None = None) -> Progress:
    """A bar counting `unit`s done out of a total, with the time elapsed."""
    columns = (
        TextColumn(label),
        TextColumn("{task.description}", style="dim"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(unit),
        TimeElapsedColumn(),
    )
    return Progress(*columns, disable=not enabled(requested), console=console)
