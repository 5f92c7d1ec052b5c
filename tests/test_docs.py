"""The documentation a new user reads: links that resolve inside the repository, the contracts
shipped with it (equal to the fixed ones), and what opens which DuckDB file."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("TRUEFANS_SHARED", ROOT.parent / "shared"))
DOCS = [ROOT / "README.md", ROOT / "DEVELOPERS.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _local_links(doc: Path) -> list[str]:
    return [
        target.split("#")[0]
        for target in LINK.findall(doc.read_text(encoding="utf-8"))
        if not re.match(r"[a-z]+:", target) and not target.startswith("#")
    ]


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_local_link_resolves_inside_the_repository(doc: Path) -> None:
    for target in _local_links(doc):
        path = (doc.parent / target).resolve()
        assert path.is_relative_to(ROOT), f"{doc.name} links outside the repository: {target}"
        assert path.exists(), f"{doc.name} links to a missing file: {target}"


def test_readme_links_the_shipped_contracts() -> None:
    links = _local_links(ROOT / "README.md")
    assert "docs/LANDING_CONTRACT.md" in links
    assert "docs/MARTS_CONTRACT.md" in links


@pytest.mark.parametrize("name", ["LANDING_CONTRACT.md", "MARTS_CONTRACT.md"])
def test_shipped_contracts_equal_the_fixed_ones(name: str) -> None:
    fixed = SHARED / name
    if not fixed.exists():
        pytest.skip(f"the fixed contracts are not beside this checkout: {fixed}")
    assert (ROOT / "docs" / name).read_text(encoding="utf-8") == fixed.read_text(encoding="utf-8")


def test_readme_never_opens_the_working_warehouse_with_the_duckdb_cli() -> None:
    """The DuckDB CLI on PyPI is 1.x: it opens the serving file (STORAGE_VERSION v1.0.0), not the
    warehouse (DuckDB 2.0 storage); test_serving checks both with that CLI."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert not re.search(r"duckdb\s+(-\S+\s+)*\S*warehouse\.duckdb", readme)
    assert "duckdb -readonly data/serving.duckdb" in readme


def test_readme_check_count_is_the_nightly_jobs() -> None:
    """The README's "about N checks" is what `truefans run` prints (every check of the job)."""
    from orchestration.definitions import defs

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    stated = [int(n.replace(",", "")) for n in re.findall(r"about ([\d,]+) checks", readme)]
    assert stated, "README states no check count"
    job = defs().resolve_job_def("nightly_refresh")
    actual = len(job.asset_layer.asset_graph.asset_check_keys)
    for n in stated:
        assert abs(n - actual) <= 0.05 * actual, (
            f"README says about {n} checks, the job has {actual}"
        )
