"""Run one benchmark step in a child process: wall time, CPU time and peak RSS of its process tree.

CPU time is the children's rusage delta (user + system, every descendant that was waited for,
so dbt's subprocess counts). Peak RSS is the largest sum of RSS over the child and all its
descendants, sampled every 50 ms with psutil (a sampled peak: a spike shorter than 50 ms can be
missed).
"""

from __future__ import annotations

import contextlib
import resource
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import psutil

SAMPLE_SECONDS = 0.05


@dataclass(frozen=True)
class Figures:
    name: str
    wall_s: float
    cpu_s: float
    peak_rss_mib: float
    returncode: int

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _tree_rss(proc: psutil.Process) -> int:
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            total += p.memory_info().rss
    return total


def measure(
    name: str,
    command: Sequence[str],
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    log: Path | None = None,
) -> Figures:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    out = log.open("w") if log else subprocess.DEVNULL
    try:
        child = subprocess.Popen(
            list(command), env=dict(env) if env else None, cwd=cwd, stdout=out, stderr=out
        )
        proc = psutil.Process(child.pid)
        peak = 0
        while child.poll() is None:
            with contextlib.suppress(psutil.Error):
                peak = max(peak, _tree_rss(proc))
            time.sleep(SAMPLE_SECONDS)
    finally:
        if log:
            out.close()  # type: ignore[union-attr]
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Figures(name, round(wall, 2), round(cpu, 2), round(peak / 2**20, 1), child.returncode)
