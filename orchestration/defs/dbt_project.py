"""The dbt project as Dagster sees it, and the dbt command lines the pipeline runs.

Importing this module runs nothing and changes nothing: the manifest is parsed (when missing or
stale, and on every load under `dagster dev`) by `dbt_project.prepare_if_dev()`, which the code
location calls when it loads (`orchestration.defs.catalog.build_assets`).
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
import sysconfig
from pathlib import Path

from dagster_dbt import DbtProject
from dagster_dbt.dbt_project import DagsterDbtProjectPreparer
from dagster_dbt.errors import DagsterDbtManifestNotFoundError
from dagster_shared.record import replace

from orchestration.settings import DBT_PROJECT_DIR

BUILD_ARGS = ("build",)  # what every pipeline run asks of dbt

_SOURCE_DIRS = ("models", "macros", "seeds", "tests", "snapshots")


def dbt_executable(names: tuple[str, ...] = ("truefans-dbt", "dbt")) -> str:
    """The first of `names` in this environment: by default `truefans-dbt` (dbt that dies with
    the pipeline, see orchestration/reliability/dbt_child.py), else its plain `dbt`; found even
    when the venv is not activated (dagster dev starts code servers without the venv's bin on
    PATH)."""
    folders = [
        Path(sysconfig.get_path("scripts")),
        Path(sys.prefix) / "bin",
        Path(sys.executable).parent,
    ]
    for name in names:
        for folder in folders:
            if (folder / name).exists():
                return str(folder / name)
    return next(filter(None, map(shutil.which, names)), "dbt")


def manifest_is_stale(project_dir: Path, manifest: Path) -> bool:
    """True when the manifest is missing or older than any file of the dbt project."""
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    sources = [project_dir / "dbt_project.yml"]
    for name in _SOURCE_DIRS:
        sources += [p for p in (project_dir / name).rglob("*") if p.is_file()]
    return any(p.stat().st_mtime > built for p in sources if p.exists())


class TrueFansPreparer(DagsterDbtProjectPreparer):
    """dagster-dbt's preparer, with two differences.

    * It parses with this environment's dbt (`dbt_executable()`): dagster-dbt's own runs `dbt`
      from PATH, and `dagster dev` starts code servers without the venv on PATH.
    * `prepare_if_dev` also parses outside `dagster dev` when the manifest is stale: a fresh
      clone has none, and a new model or seed must be in the asset graph without a manual parse.
    """

    def prepare_if_dev(self, project: DbtProject) -> None:
        if self.using_dagster_dev() or manifest_is_stale(
            project.project_dir, project.manifest_path
        ):
            self.prepare(project)
        if not project.manifest_path.exists():
            raise DagsterDbtManifestNotFoundError(f"no manifest at {project.manifest_path}")

    # dagster-dbt's hook (pinned version, see requirements.lock): the same parse, our executable.
    def _prepare_manifest(self, project: DbtProject) -> None:
        from orchestration.defs.resources import TrueFansDbtCliResource  # it imports this module

        resource = TrueFansDbtCliResource(
            project_dir=str(project.project_dir),
            profiles_dir=str(project.profiles_dir),
            # plain dbt: truefans-dbt exits when TRUEFANS_DBT_PARENT_PID names another process,
            # which an environment inherited from a pipeline run can (the parse holds no lock)
            dbt_executable=dbt_executable(("dbt",)),
        )
        resource.cli(["parse", "--quiet"], target_path=project.target_path).wait()
        self._invalidate_seeds_in_partial_parse(project)


# DbtProject takes no preparer argument; `replace` sets the field, bypassing its constructor.
dbt_project: DbtProject = replace(
    DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR),
    preparer=TrueFansPreparer(),
)


REPROCESS_ENV = "TRUEFANS_REPROCESS_FROM"


def run_environment(first_dump_date: dt.date | None) -> dict[str, str]:
    """Environment of a pipeline run's dbt: incremental models reprocess from the run's first
    dump date (macros/lookback_start.sql), so backfills and re-runs equal an in-order load."""
    return {REPROCESS_ENV: first_dump_date.isoformat()} if first_dump_date else {}
