"""Paths and engine settings, resolved once from the environment.

`TRUEFANS_LANDING` and `TRUEFANS_WAREHOUSE` override the local `data/` defaults; the dbt profile
reads the same variables, so Dagster, the CLI and a hand-run `dbt` always agree.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
EXPECTATIONS_DIR = REPO_ROOT / "expectations"
DATA_DIR = REPO_ROOT / "data"

DEFAULT_THREADS = 2
DEFAULT_MEMORY_LIMIT = "4GB"


@dataclass(frozen=True)
class Settings:
    landing: Path
    warehouse: Path
    threads: int
    memory_limit: str

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            landing=Path(os.environ.get("TRUEFANS_LANDING", DATA_DIR / "landing")).resolve(),
            warehouse=Path(
                os.environ.get("TRUEFANS_WAREHOUSE", DATA_DIR / "warehouse.duckdb")
            ).resolve(),
            threads=int(os.environ.get("TRUEFANS_DUCKDB_THREADS", DEFAULT_THREADS)),
            memory_limit=os.environ.get("TRUEFANS_DUCKDB_MEMORY_LIMIT", DEFAULT_MEMORY_LIMIT),
        )

    def export(self) -> None:
        """Publish the resolved paths to the environment for child processes (dbt, GE)."""
        os.environ["TRUEFANS_LANDING"] = str(self.landing)
        os.environ["TRUEFANS_WAREHOUSE"] = str(self.warehouse)
        os.environ["TRUEFANS_DUCKDB_THREADS"] = str(self.threads)
        os.environ["TRUEFANS_DUCKDB_MEMORY_LIMIT"] = self.memory_limit
