"""Outside judges of the dbt project, on the catalog of a real build (the shared test build):
dbt-coverage's column test coverage and documentation coverage. (dbt-score, which needs only
the manifest, runs in `make lint-dbt`.)

The raw source tables are left out of both: the loader writes them and Great Expectations
checks them from the landing contract (docs/quality.md), so dbt documents and tests what dbt
builds.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from shared_build import pipeline_build

from orchestration.settings import DBT_PROJECT_DIR

COVERAGE = Path(sys.executable).with_name("dbt-coverage")
MIN_TEST_COVERAGE = 0.80  # share of the columns of models and seeds with a column-level test
MIN_DOC_COVERAGE = 1.0  # every column documented
SOURCES = "models/staging/__sources.yml"


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory) -> Path:
    """The dbt docs folder of the shared build: its manifest.json and catalog.json."""
    build = pipeline_build(tmp_path_factory, "dbt_judges")
    docs = build.settings.warehouse.parent / "docs" / "dbt"
    assert (docs / "catalog.json").is_file() and (docs / "manifest.json").is_file()
    return docs


def coverage(artifacts: Path, kind: str, fail_under: float, report: Path) -> dict:
    run = subprocess.run(
        [
            str(COVERAGE),
            "compute",
            kind,
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--run-artifacts-dir",
            str(artifacts),
            "--model-path-exclusion-filter",
            SOURCES,
            "--cov-report",
            str(report),
            "--cov-fail-under",
            str(fail_under),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    result = json.loads(report.read_text(encoding="utf-8"))
    assert run.returncode == 0, f"{kind} coverage {result['coverage']:.1%}:\n{run.stdout[-3000:]}"
    return result


def test_column_test_coverage(artifacts: Path, tmp_path: Path) -> None:
    result = coverage(artifacts, "test", MIN_TEST_COVERAGE, tmp_path / "test.json")
    assert result["coverage"] >= MIN_TEST_COVERAGE
    tables = {t["name"] for t in result["tables"]}
    assert "marts.fct_followers_daily" in tables and not any(t.startswith("raw.") for t in tables)


def test_every_column_is_documented(artifacts: Path, tmp_path: Path) -> None:
    result = coverage(artifacts, "doc", MIN_DOC_COVERAGE, tmp_path / "doc.json")
    assert result["covered"] == result["total"] > 300
