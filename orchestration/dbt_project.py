"""The dbt project as Dagster sees it, and the dbt command lines the pipeline runs."""

from __future__ import annotations

import json
import os
import sysconfig
from collections.abc import Mapping

from dagster_dbt import DbtProject

from orchestration.settings import DBT_PROJECT_DIR

# dagster-dbt runs `dbt` from PATH (its preparer does not take an executable); `dagster dev`
# starts code servers without the venv activated, so put this environment's scripts first.
_scripts = sysconfig.get_path("scripts")
if _scripts not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = os.pathsep.join([_scripts, os.environ.get("PATH", "")])

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()  # `dagster dev` re-parses on reload
if not dbt_project.manifest_path.exists():  # a fresh clone: parse once so the code location loads
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
