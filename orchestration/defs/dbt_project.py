"""The dbt project as Dagster sees it, and the dbt command lines the pipeline runs."""

from __future__ import annotations

import datetime as dt
import json
import os
import sysconfig
from collections.abc import Mapping
from pathlib import Path

from dagster_dbt import DbtProject

from orchestration.settings import DBT_PROJECT_DIR

# dagster-dbt runs `dbt` from PATH (its preparer does not take an executable); `dagster dev`
# starts code servers without the venv activated, so put this environment's scripts first.
_scripts = sysconfig.get_path("scripts")
if _scripts not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = os.pathsep.join([_scripts, os.environ.get("PATH", "")])

_SOURCE_DIRS = ("models", "macros", "seeds", "tests", "snapshots")


def manifest_is_stale(project_dir: Path, manifest: Path) -> bool:
    """True when the manifest is missing or older than any file of the dbt project."""
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    sources = [project_dir / "dbt_project.yml"]
    for name in _SOURCE_DIRS:
        sources += [p for p in (project_dir / name).rglob("*") if p.is_file()]
    return any(p.stat().st_mtime > built for p in sources if p.exists())


dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()  # `dagster dev` re-parses on reload
# A fresh clone has no manifest, and an edited model makes it stale (a new model or seed would
# be unknown to the asset graph): parse so the code location always matches the project.
if manifest_is_stale(Path(DBT_PROJECT_DIR), dbt_project.manifest_path):
    dbt_project.preparer.prepare(dbt_project)


def build_args(
    *,
    full_refresh: bool = False,
    select: str | None = None,
    variables: Mapping[str, object] | None = None,
) -> list[str]:
    """`dbt build` arguments for one pipeline run (pure, unit-tested)."""
    args = ["build"]
    if full_refresh:
        args.append("--full-refresh")
    if select:
        args += ["--select", select]
    if variables:
        args += ["--vars", json.dumps(dict(variables), sort_keys=True)]
    return args


REPROCESS_ENV = "TRUEFANS_REPROCESS_FROM"


def run_environment(first_dump_date: dt.date | None) -> dict[str, str]:
    """Environment of a pipeline run's dbt: incremental models reprocess from the run's first
    dump date (macros/lookback_start.sql), so backfills and re-runs equal an in-order load."""
    return {REPROCESS_ENV: first_dump_date.isoformat()} if first_dump_date else {}
