"""The benchmark's pure parts: how Dagster steps are grouped, and how results become the
document's tables (the figures themselves are produced by `python -m bench`, never in tests)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.__main__ import Progress, main
from bench.breakdown import group_of
from bench.measure import Figures
from bench.report import BEGIN, END, render, write_report

RESULT = {
    "size": "S",
    "knobs": [],
    "commit": "567d9405f8d0",
    "resumed_steps": ["1 scan"],
    "landing_rows": {"interactions": 1200, "follows": 30},
    "dump_dates": 30,
    "machine": {"cpus": 2, "memory_gib": 23.4, "processor": "x86_64", "python": "3.11.7"},
    "duckdb": {"threads": 2, "memory_limit": "4GB"},
    "steps": [
        {"name": "1 scan", "wall_s": 2.0, "cpu_s": 3.0, "peak_rss_mib": 100.0, "returncode": 0},
        {
            "name": "3 pipeline (full)",
            "wall_s": 60.0,
            "cpu_s": 80.0,
            "peak_rss_mib": 2048.0,
            "returncode": 0,
        },
    ],
    "phases_s": {"full": {"ingest": 10.0, "dbt": 30.0, "checks": 8.0}},
    "generator_interactions_per_s": 1234567,
    "ratios": {"full / scan": 30.0, "nightly / full": 0.5, "(full - dbt) / dbt": 0.25},
}


@pytest.mark.parametrize(
    ("step", "group"),
    [
        ("raw__posts", "ingest"),
        ("raw__posts_ge_raw_posts", "checks"),  # a check on a raw asset is a check, not ingest
        ("marts__fct_follow_churn_ge_marts_fct_follow_churn", "checks"),
        ("dbt_models", "dbt"),
        ("docs__dbt_docs", "docs"),
        ("checks__quality_gate", "checks"),
        ("serving__marts", "publish"),
        ("serving__report", "report"),
        ("something_new", "other"),
    ],
)
def test_steps_are_grouped_by_kind(step: str, group: str) -> None:
    assert group_of(step) == group


def test_render_shows_every_step_ratio_and_phase() -> None:
    text = render([RESULT])
    assert "| S | 3 pipeline (full) | 60.0 | 80.0 | 2.00 GiB | 0 |" in text
    assert "| S | 1 scan | 2.0 | 3.0 | 100 MiB | 0 |" in text
    assert "1,234,567" in text and "| 30.0 | 0.5 | 0.25 |" in text
    assert "| S | full | 10.0 | 30.0 | 8.0 | 0 | 0 | 0 |" in text


def test_render_tables_are_well_formed_and_name_the_commit() -> None:
    text = render([RESULT])
    tables: list[list[str]] = []
    for line in text.splitlines():
        if line.startswith("|"):
            if tables and tables[-1]:
                tables[-1].append(line)
            else:
                tables.append([line])
        else:
            tables.append([])
    tables = [t for t in tables if t]
    assert len(tables) == 3
    for header, delimiter, *rows in tables:
        cells = header.count("|")
        assert set(delimiter) <= set("|-:") and delimiter.count("|") == cells, header
        assert all(row.count("|") == cells for row in rows), header
    assert "S at commit `567d9405f8d0` (resumed after: 1 scan)" in text


def test_write_report_replaces_only_the_marked_section(tmp_path: Path) -> None:
    results = tmp_path / "results"
    results.mkdir()
    (results / "S.json").write_text(json.dumps(RESULT))
    doc = tmp_path / "benchmarks.md"
    doc.write_text(f"# Title\n\nprose\n\n{BEGIN}\nold figures\n{END}\n\nmore prose\n")
    write_report(doc, results)
    text = doc.read_text()
    assert "old figures" not in text and "| S | 1 scan |" in text
    assert text.startswith("# Title\n\nprose\n\n") and text.endswith("\n\nmore prose\n")


def test_unknown_size_is_a_usage_error(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--size", "S,XXL"])
    assert exc.value.code == 2
    assert "unknown size XXL" in capsys.readouterr().err


def _figures(name: str) -> Figures:
    return Figures(name, 1.0, 1.0, 10.0, 0)


def test_an_interrupted_run_resumes_only_on_the_same_size_and_commit(tmp_path: Path) -> None:
    first = Progress(tmp_path, "M", "abc123", resume=False)
    first.record(_figures("0 generate"))
    first.record(_figures("1 scan"))

    resumed = Progress(tmp_path, "M", "abc123", resume=True)
    assert resumed.done("1 scan") and not resumed.done("3 pipeline (full)")
    assert resumed.resumed == ["0 generate", "1 scan"]

    assert Progress(tmp_path, "M", "abc123", resume=False).fresh  # no --resume: start over
    assert Progress(tmp_path, "M", "def456", resume=True).fresh  # the code changed
    assert Progress(tmp_path, "L", "abc123", resume=True).fresh  # another size


def test_a_failed_step_is_measured_again_on_resume(tmp_path: Path) -> None:
    progress = Progress(tmp_path, "M", "abc123", resume=False)
    progress.record(Figures("3 pipeline (full)", 5.0, 1.0, 10.0, -15))  # killed
    resumed = Progress(tmp_path, "M", "abc123", resume=True)
    assert not resumed.done("3 pipeline (full)") and resumed.resumed == []
    resumed.record(_figures("3 pipeline (full)"))
    assert [s["returncode"] for s in resumed.state["steps"]] == [0]  # replaced, not appended
