"""End-to-end benchmark at a named size, every step in a measured child process.

    .venv/bin/python -m bench --size S            # demo size, a few minutes
    .venv/bin/python -m bench --size M --workdir /big/disk/bench-m

Steps, in this order, on one generated landing root (the newest dump date held back for step 4):

0. generate the dumps (`truefans generate`), with its interactions per second;
1. scan: DuckDB reads every row of every landing file once (bench/scan.py), the physical floor;
3. the full pipeline through Dagster (`truefans run`), a fresh warehouse, every dump but the last;
2. `dbt build --full-refresh` alone on the raw data step 3 loaded;
4. one nightly run (`truefans run --date <last>`) once the last dump date lands;
5. Great Expectations alone: every committed suite on the warehouse (bench/validate_all.py).

Prints one table (wall, CPU, peak RSS of each step) and the ratios 3/1, 4/3 and (3-2)/2, and
writes them as JSON to bench/results/<size>.json. docs/benchmarks.md quotes them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
from pathlib import Path

import psutil

from bench.breakdown import breakdown
from bench.measure import Figures, measure
from bench.report import write_report
from bench.sizes import SIZES
from orchestration.settings import DBT_PROJECT_DIR, REPO_ROOT

BIN = Path(sys.executable).parent


def _env(warehouse: Path, threads: int, memory_limit: str) -> dict[str, str]:
    return {
        **os.environ,
        # runs are recorded in the benchmark's own Dagster instance: bench/breakdown.py reads
        # their step timings
        "DAGSTER_HOME": str(warehouse.parent.parent / "dagster_home"),
        "TRUEFANS_RECORD_RUNS": "1",
        "TRUEFANS_WAREHOUSE": str(warehouse),
        "TRUEFANS_DUCKDB_THREADS": str(threads),
        "TRUEFANS_DUCKDB_MEMORY_LIMIT": memory_limit,
        "CI": "1",  # no progress bars in logs
    }


def _hold_back(landing: Path, day: str, parking: Path) -> None:
    for folder in landing.glob(f"*/{day}"):
        target = parking / folder.parent.name / day
        target.parent.mkdir(parents=True, exist_ok=True)
        folder.rename(target)


def _release(parking: Path, landing: Path) -> None:
    for folder in parking.glob("*/*"):
        folder.rename(landing / folder.parent.name / folder.name)


def run(size: str, workdir: Path, threads: int, memory_limit: str) -> dict[str, object]:
    knobs = SIZES[size]
    landing, truth = workdir / "landing", workdir / "truth"
    warehouse, logs = workdir / "warehouse" / "warehouse.duckdb", workdir / "logs"
    for path in (landing, truth, warehouse.parent, workdir / "parked", workdir / "dagster_home"):
        shutil.rmtree(path, ignore_errors=True)
    logs.mkdir(parents=True, exist_ok=True)
    env = _env(warehouse, threads, memory_limit)
    (workdir / "dagster_home").mkdir()
    phases = {}
    steps: list[Figures] = []

    generate = [str(BIN / "truefans"), "generate", "--landing", str(landing), "--truth", str(truth)]
    steps.append(measure("0 generate", [*generate, "--quiet", *knobs], env, log=logs / "0.log"))
    manifest = json.loads((truth / "manifest.json").read_text())
    days = sorted({p.name for p in landing.glob("*/*") if p.is_dir()})
    _hold_back(landing, days[-1], workdir / "parked")

    steps.append(
        measure(
            "1 scan", [sys.executable, "-m", "bench.scan", str(landing)], env, log=logs / "1.log"
        )
    )
    truefans_run = [str(BIN / "truefans"), "run", "--landing", str(landing)]
    truefans_run += ["--warehouse", str(warehouse)]
    steps.append(measure("3 pipeline (full)", truefans_run, env, log=logs / "3.log"))
    phases["full"] = breakdown(env["DAGSTER_HOME"])
    dbt = [str(BIN / "dbt"), "build", "--full-refresh", "--profiles-dir", str(DBT_PROJECT_DIR)]
    dbt += ["--project-dir", str(DBT_PROJECT_DIR), "--target-path", str(workdir / "dbt-target")]
    steps.append(measure("2 dbt build alone", dbt, env, cwd=DBT_PROJECT_DIR, log=logs / "2.log"))
    _release(workdir / "parked", landing)
    steps.append(measure("4 nightly", [*truefans_run, "--date", days[-1]], env, log=logs / "4.log"))
    phases["nightly"] = breakdown(env["DAGSTER_HOME"])
    validate = [sys.executable, "-m", "bench.validate_all", str(warehouse), memory_limit]
    steps.append(measure("5 GE alone", [*validate, str(threads)], env, log=logs / "5.log"))

    by = {f.name.split()[0]: f for f in steps}
    interactions = int(manifest["landing_rows"]["interactions"])
    result = {
        "size": size,
        "knobs": knobs,
        "landing_rows": manifest["landing_rows"],
        "dump_dates": len(days),
        "machine": {
            "cpus": os.cpu_count(),
            "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
            "processor": platform.processor() or platform.machine(),
            "python": platform.python_version(),
        },
        "duckdb": {"threads": threads, "memory_limit": memory_limit},
        "steps": [f.as_dict() for f in steps],
        "phases_s": phases,  # Dagster step time by kind, from the run's step stats
        "generator_interactions_per_s": round(interactions / by["0"].wall_s),
        "ratios": {
            "full / scan": round(by["3"].wall_s / by["1"].wall_s, 2),
            "nightly / full": round(by["4"].wall_s / by["3"].wall_s, 3),
            "(full - dbt) / dbt": round((by["3"].wall_s - by["2"].wall_s) / by["2"].wall_s, 3),
        },
    }
    return result


def print_table(result: dict[str, object]) -> None:
    print(f"size {result['size']}: {result['landing_rows']}, {result['dump_dates']} dump dates")
    print(f"{'step':<22}{'wall s':>10}{'CPU s':>10}{'peak RSS MiB':>14}{'exit':>6}")
    for s in result["steps"]:  # type: ignore[attr-defined]
        print(
            f"{s['name']:<22}{s['wall_s']:>10.1f}{s['cpu_s']:>10.1f}"
            f"{s['peak_rss_mib']:>14.0f}{s['returncode']:>6}"
        )
    print(f"generator: {result['generator_interactions_per_s']:,} interactions/s")
    for run, phases in result["phases_s"].items():  # type: ignore[attr-defined]
        print(f"{run} run, Dagster steps (s): {phases}")
    for name, value in result["ratios"].items():  # type: ignore[attr-defined]
        print(f"{name}: {value}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--size", default="S", help=f"one or more of {', '.join(SIZES)}, comma-separated (S,M,L)"
    )
    parser.add_argument("--workdir", help="data, warehouse and logs (default: build/bench)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--memory-limit", default="4GB")
    args = parser.parse_args(argv)
    sizes = [s.strip() for s in args.size.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in SIZES]
    if unknown or not sizes:
        parser.error(f"unknown size {', '.join(unknown)}: choose from {', '.join(SIZES)}")
    failed = []
    for size in sizes:
        workdir = Path(args.workdir or REPO_ROOT / "build" / "bench").resolve() / size
        result = run(size, workdir, args.threads, args.memory_limit)
        out = REPO_ROOT / "bench" / "results" / f"{size}.json"
        out.parent.mkdir(exist_ok=True)
        out.write_text(json.dumps(result, indent=2) + "\n")
        print_table(result)
        failed += [s for s in result["steps"] if s["returncode"] != 0]  # type: ignore[attr-defined]
        if size != "XS":
            write_report(REPO_ROOT / "docs" / "benchmarks.md", REPO_ROOT / "bench" / "results")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
