"""Where a warehouse's by-products go, beside it: validation results, Data Docs, dbt docs.

Paths only (no Great Expectations, Dagster or dbt import), so that a run with nothing new
(reliability/no_change.py) can report the docs without loading them.
"""

from __future__ import annotations

from pathlib import Path

DOCS_SITE = "local_site"  # the Great Expectations Data Docs site
DOCS_FILE = "static_index.html"  # `dbt docs generate --static`


def artifacts_dir_for(warehouse: Path) -> Path:
    """Where a warehouse's validation results and Data Docs go: `quality/` beside it."""
    return Path(warehouse).parent / "quality"


def data_docs_index(warehouse: Path) -> Path:
    """The Data Docs home page of a warehouse (exists once a check ran with docs on)."""
    return artifacts_dir_for(warehouse) / "data_docs" / DOCS_SITE / "index.html"


def dbt_docs_dir(warehouse: Path) -> Path:
    return Path(warehouse).parent / "docs" / "dbt"
