"""Dagster resources: the DuckDB warehouse + landing root, the serving file, and the dbt CLI."""

from __future__ import annotations

import importlib.metadata
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path

import dagster as dg
import duckdb
from dagster_dbt import DbtCliResource
from packaging import version

from orchestration.defs.dbt_project import dbt_executable, dbt_project
from orchestration.settings import Settings
from orchestration.warehouse import connect


class WarehouseResource(dg.ConfigurableResource):
    """The working DuckDB warehouse file and the landing root it loads from."""

    warehouse_path: str
    landing_root: str
    threads: int = 2
    memory_limit: str = "4GB"
    build_docs: bool = True  # Data Docs and dbt docs (Settings.docs)

    @property
    def landing(self) -> Path:
        return Path(self.landing_root)

    @property
    def path(self) -> Path:
        return Path(self.warehouse_path)

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        con = connect(
            self.path, threads=self.threads, memory_limit=self.memory_limit, read_only=read_only
        )
        try:
            yield con
        finally:
            con.close()


class ServingResource(dg.ConfigurableResource):
    """The serving DuckDB file the audited marts are published to (BI tools open it read-only)."""

    serving_path: str
    report_dir: str = ""  # where the audit report is written ("": report/ beside the file)

    @property
    def path(self) -> Path:
        return Path(self.serving_path)

    @property
    def report_path(self) -> Path:
        return Path(self.report_dir) if self.report_dir else self.path.parent / "report"


class TrueFansDbtCliResource(DbtCliResource):
    """DbtCliResource that reads dbt-core's version from package metadata.

    dagster-dbt otherwise runs `dbt --version` in a subprocess on every run (about 4 s here) only
    to tell dbt-core (< 2) from dbt Fusion. This environment pins dbt-core and runs the `dbt` of
    the same environment, so the metadata is the same answer; tests pin the equivalence.
    """

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(importlib.metadata.version("dbt-core"))


def build_resources(settings: Settings | None = None) -> dict[str, object]:
    settings = settings or Settings.from_env()
    settings.export()  # dbt's profile reads the same variables
    return {
        "warehouse": WarehouseResource(
            warehouse_path=str(settings.warehouse),
            landing_root=str(settings.landing),
            threads=settings.threads,
            memory_limit=settings.memory_limit,
            build_docs=settings.docs,
        ),
        "serving": ServingResource(
            serving_path=str(settings.serving_path), report_dir=str(settings.report_dir)
        ),
        "dbt": TrueFansDbtCliResource(
            project_dir=str(dbt_project.project_dir),
            profiles_dir=str(dbt_project.project_dir),
            dbt_executable=dbt_executable(),
        ),
    }
