"""Write-audit-publish end to end: a dump that breaks an ERROR expectation never reaches BI.

A good run publishes the serving file; then a corrected posts file re-delivers one post with
`reach = 1` although it has several engagements (the extractor under-reported reach). dbt's
tests accept it (the formula is right: docs/quality.md), the Great Expectations suite of
`marts.fct_post_engagement` does not (`reach_sanity`: engagement_rate_by_reach must be a fraction): the check
fails with ERROR, the publish step is skipped, the serving file keeps its bytes, the run summary
names the expectation and the Data Docs show the failed validation.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from rich.console import Console
from shared_build import pipeline_build

from orchestration.cli.summary import print_summary
from orchestration.pipeline import run_pipeline
from orchestration.run_summary import RunSummary
from orchestration.settings import Settings

SUITE = "marts_fct_post_engagement"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> tuple[Settings, RunSummary, str, RunSummary, str]:
    build = pipeline_build(tmp_path_factory, "gate")
    settings, good, base = build.settings, build.summary, build.settings.landing.parent
    instance = dg.DagsterInstance.ephemeral()
    before = sha256(settings.serving_path)

    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        platform, post_id, account_id, created_at, last_dump = con.execute(
            """
            select p.platform, p.post_id, p.account_id,
                   strftime(p.created_at, '%Y-%m-%dT%H:%M:%SZ'),
                   (select max(_dump_date) from raw.posts)
            from marts.fct_post_engagement as p
            where p.engagements >= 3
            order by p.engagements desc, p.post_id
            limit 1
            """
        ).fetchone()  # type: ignore[misc]
    finally:
        con.close()
    bad = settings.landing / "posts" / str(last_dump) / "zz-correction.csv"
    bad.write_text(
        "platform,post_id,account_id,created_at,reach\n"
        f"{platform},{post_id},{account_id},{created_at},1\n",
        encoding="utf-8",
    )
    broken = run_pipeline(settings, instance=instance, log_file=base / "broken.log")
    return settings, good, before, broken, sha256(settings.serving_path)


def test_good_run_publishes(runs) -> None:
    _, good, _, _, _ = runs
    assert good.success and good.checks_failed == []
    assert good.published and good.serving_version == 1


def test_bad_dump_fails_the_error_expectation(runs) -> None:
    _, _, _, broken, _ = runs
    failed = {c.name: c for c in broken.checks_failed}
    assert f"ge_{SUITE}" in failed, failed
    check = failed[f"ge_{SUITE}"]
    assert check.severity == "ERROR"
    assert "engagement_rate_by_reach" in check.detail


def test_serving_file_is_unchanged(runs) -> None:
    _, _, before, broken, after = runs
    assert not broken.published
    assert after == before
    assert broken.serving_version == 1


def test_run_summary_names_the_failing_expectation(runs) -> None:
    settings, _, _, broken, _ = runs
    console = Console(width=200, record=True)
    print_summary(broken, settings, console=console)
    text = console.export_text()
    assert f"ge_{SUITE}" in text
    assert "unexpected_rows_expectation(reach_sanity)" in text  # the expectation, named
    assert "engagement_rate_by_reach" in text  # with the offending row
    assert "NOT updated" in text


def test_data_docs_show_the_failed_validation(runs) -> None:
    _, _, _, broken, _ = runs
    index = broken.docs["Data Docs (Great Expectations)"]
    assert SUITE in index.read_text(encoding="utf-8")
    pages = [
        p
        for p in (index.parent / "validations" / SUITE).rglob("*.html")
        if "engagement_rate_by_reach" in p.read_text(encoding="utf-8")
    ]
    assert pages, "no validation page of the suite mentions the failing column"
    statuses = {_status(p.read_text(encoding="utf-8")) for p in pages}
    assert "Failed" in statuses, statuses


def _status(html: str) -> str:
    """The 'Status: Succeeded|Failed' a GE validation page shows, tags stripped."""
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    found = re.search(r"Status: (Succeeded|Failed)", text)
    return found.group(1) if found else "?"
