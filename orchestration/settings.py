"""Paths and engine settings, resolved once from the environment.

`TRUEFANS_LANDING` and `TRUEFANS_WAREHOUSE` override the local `data/` defaults; the dbt profile
reads the same variables, so Dagster, the CLI and a hand-run `dbt` always agree.
`TRUEFANS_SERVING` is the published file BI tools open (default: `serving.duckdb` beside the
warehouse); `TRUEFANS_REPORT_DIR` where the nightly run writes the HTML audit report (default:
`report/` beside the serving file).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
DATA_DIR = REPO_ROOT / "data"

# dbt_project/profiles.yml repeats these defaults (Jinja cannot import them); a test keeps both equal.
DEFAULT_THREADS = 2
DEFAULT_MEMORY_LIMIT = "4GB"
DEFAULT_DBT_THREADS = 1  # dbt models built side by side (TRUEFANS_DBT_THREADS)
SERVING_FILE_NAME = "serving.duckdb"
# the first dump-date partition (orchestration/defs/partitions.py; `truefans run` moves it back
# to the landing root's oldest folder)
FIRST_DUMP_DATE_ENV = "TRUEFANS_FIRST_DUMP_DATE"
DEFAULT_FIRST_DUMP_DATE = "2020-01-01"
REPORT_DIR_NAME = "report"


@dataclass(frozen=True)
class Settings:
    landing: Path
    warehouse: Path
    threads: int
    memory_limit: str
    # The serving file the marts are published to; None: SERVING_FILE_NAME beside the warehouse.
    serving: Path | None = None
    # Render Data Docs and dbt docs on every run (TRUEFANS_DOCS=0: validate, but skip the HTML;
    # about 20 s less per run, for tests and backfills of many single days).
    docs: bool = True

    def __post_init__(self) -> None:
        if self.serving is None:
            object.__setattr__(self, "serving", self.warehouse.parent / SERVING_FILE_NAME)

    @property
    def serving_path(self) -> Path:
        return self.serving or self.warehouse.parent / SERVING_FILE_NAME

    @property
    def report_dir(self) -> Path:
        """The audit report's folder: `TRUEFANS_REPORT_DIR`, else `report/` beside the serving file."""
        configured = os.environ.get("TRUEFANS_REPORT_DIR")
        return (
            Path(configured).resolve() if configured else self.serving_path.parent / REPORT_DIR_NAME
        )

    @classmethod
    def from_env(cls) -> Settings:
        warehouse = Path(
            os.environ.get("TRUEFANS_WAREHOUSE", DATA_DIR / "warehouse.duckdb")
        ).resolve()
        return cls(
            landing=Path(os.environ.get("TRUEFANS_LANDING", DATA_DIR / "landing")).resolve(),
            warehouse=warehouse,
            threads=int(os.environ.get("TRUEFANS_DUCKDB_THREADS", DEFAULT_THREADS)),
            memory_limit=os.environ.get("TRUEFANS_DUCKDB_MEMORY_LIMIT", DEFAULT_MEMORY_LIMIT),
            serving=Path(
                os.environ.get("TRUEFANS_SERVING", warehouse.parent / SERVING_FILE_NAME)
            ).resolve(),
            docs=os.environ.get("TRUEFANS_DOCS", "1") != "0",
        )

    def export(self) -> None:
        """Publish the resolved paths to the environment for child processes (dbt, GE).

        The serving path is not exported: no child process reads it, and a later `--warehouse`
        in the same process must get the serving file beside that warehouse."""
        os.environ["TRUEFANS_LANDING"] = str(self.landing)
        os.environ["TRUEFANS_WAREHOUSE"] = str(self.warehouse)
        os.environ["TRUEFANS_DUCKDB_THREADS"] = str(self.threads)
        os.environ["TRUEFANS_DUCKDB_MEMORY_LIMIT"] = self.memory_limit
