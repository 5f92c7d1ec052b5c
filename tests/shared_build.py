"""One generated landing root run through the whole pipeline, built once per test session and
shared by the end-to-end test modules (each works on its own copy).

Under pytest-xdist every worker is its own process: the first to ask builds, under a file lock in
the session's shared temp folder, the others wait and copy. Four modules used to build the same
data (seed 11) four times.
"""

from __future__ import annotations

import pickle
import shutil
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pytest
from filelock import FileLock

from orchestration.pipeline import run_pipeline
from orchestration.run_summary import RunSummary
from orchestration.settings import Settings
from simulator import SimConfig, generate

CONFIG = SimConfig(seed=11, tracked=3, accounts=3_000, days=8)


@dataclass(frozen=True)
class Build:
    settings: Settings  # paths of this copy
    truth: Path
    summary: RunSummary  # the first run, which built the copied warehouse and serving file


def _shared_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.getbasetemp()
    # under xdist each worker has basetemp/<session>/popen-gwN; the session folder is shared
    return base.parent if base.name.startswith("popen-gw") else base


def _settings(folder: Path) -> Settings:
    return Settings(
        landing=folder / "landing",
        warehouse=folder / "warehouse" / "warehouse.duckdb",
        threads=2,
        memory_limit="2GB",
    )


def pipeline_build(tmp_path_factory: pytest.TempPathFactory, name: str) -> Build:
    """A private copy of the shared build in a new folder `name`."""
    shared = _shared_root(tmp_path_factory) / "shared-pipeline-build"
    with FileLock(str(shared) + ".lock"):
        if not (shared / "summary.pickle").exists():
            shutil.rmtree(shared, ignore_errors=True)
            settings = _settings(shared)
            generate(CONFIG, settings.landing, shared / "truth", progress=False)
            summary = run_pipeline(settings, instance=dg.DagsterInstance.ephemeral())
            (shared / "summary.pickle").write_bytes(pickle.dumps(summary))
    target = tmp_path_factory.mktemp(name)
    for folder in ("landing", "truth", "warehouse"):
        shutil.copytree(shared / folder, target / folder)
    summary = pickle.loads((shared / "summary.pickle").read_bytes())
    return Build(_settings(target), target / "truth", summary)
