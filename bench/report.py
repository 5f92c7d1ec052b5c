"""Render bench/results/*.json into the results section of docs/benchmarks.md.

    python -m bench.report          # after `python -m bench --size ...`; the bench calls it too

Only the text between the `<!-- bench:results -->` markers is replaced, so the figures in the
document are always the ones a run of the command wrote, never retyped.
"""

from __future__ import annotations

import json
from pathlib import Path

from bench.sizes import SIZES
from orchestration.settings import REPO_ROOT

BEGIN, END = "<!-- bench:results begin -->", "<!-- bench:results end -->"


def _mib(value: float) -> str:
    return f"{value / 1024:.2f} GiB" if value >= 1024 else f"{value:.0f} MiB"


def render(results: list[dict]) -> str:
    lines = ["| size | step | wall s | CPU s | peak RSS | exit |", "|---|---|---:|---:|---:|---:|"]
    for r in results:
        for s in r["steps"]:
            lines.append(
                f"| {r['size']} | {s['name']} | {s['wall_s']:.1f} | {s['cpu_s']:.1f} "
                f"| {_mib(s['peak_rss_mib'])} | {s['returncode']} |"
            )
    lines += [
        "",
        "| size | landing rows | dump dates | generator interactions/s "
        "| full / scan | nightly / full | (full − dbt) / dbt |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        rows = ", ".join(f"{k} {v:,}" for k, v in sorted(r["landing_rows"].items()))
        ratios = r["ratios"]
        lines.append(
            f"| {r['size']} | {rows} | {r['dump_dates']} | {r['generator_interactions_per_s']:,} "
            f"| {ratios['full / scan']} | {ratios['nightly / full']} "
            f"| {ratios['(full - dbt) / dbt']} |"
        )
    lines += [
        "",
        "Dagster step time by kind (seconds, from the runs' step statistics):",
        "",
        "| size | run | ingest | dbt | checks | docs | publish | report |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        for run, phases in r.get("phases_s", {}).items():
            cells = " | ".join(
                str(phases.get(k, 0))
                for k in ("ingest", "dbt", "checks", "docs", "publish", "report")
            )
            lines.append(f"| {r['size']} | {run} | {cells} |")
    first = results[0]
    measured = "; ".join(
        f"{r['size']} at commit `{r['commit']}`"
        + (f" (resumed after: {', '.join(r['resumed_steps'])})" if r.get("resumed_steps") else "")
        for r in results
    )
    lines += [
        "",
        f"Measured: {measured}.",
        "",
        f"Machine: {first['machine']['cpus']} CPUs, {first['machine']['memory_gib']} GiB, "
        f"{first['machine']['processor']}, Python {first['machine']['python']}; DuckDB "
        f"threads {first['duckdb']['threads']}, memory_limit {first['duckdb']['memory_limit']}"
        + (f"; dbt threads {first['dbt_threads']}." if "dbt_threads" in first else "."),
    ]
    return "\n".join(lines)


def write_report(doc: Path, results_dir: Path) -> None:
    results = [
        json.loads(p.read_text())
        for size in SIZES
        if size != "XS" and (p := results_dir / f"{size}.json").exists()
    ]
    if not results or not doc.exists():
        return
    text = doc.read_text()
    if BEGIN not in text or END not in text:
        return
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    doc.write_text(f"{head}{BEGIN}\n{render(results)}\n{END}{tail}")


if __name__ == "__main__":
    write_report(REPO_ROOT / "docs" / "benchmarks.md", REPO_ROOT / "bench" / "results")
