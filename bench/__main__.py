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
import subprocess
import sys
from pathlib import Path

import psutil

from bench.breakdown import breakdown
from bench.measure import Figures, measure
from bench.report import write_report
from bench.sizes import SIZES
from orchestration.settings import DBT_PROJECT_DIR, DEFAULT_DBT_THREADS, REPO_ROOT

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


_OUTPUTS = (":!bench/results", ":!docs/benchmarks.md")


def _commit() -> str:
    """The code being measured: HEAD, marked dirty when the work tree differs from it."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=REPO_ROOT, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""

    head = git("rev-parse", "--short=12", "HEAD") or "unknown"
    # the run's own outputs (results, the document they are rendered into) do not count
    changed = git("status", "--porcelain", "--untracked-files=no", "--", ".", *_OUTPUTS)
    return head + ("-dirty" if changed else "")


class StepFailed(Exception):
    pass


class Progress:
    """What a run has measured so far, in `<workdir>/state.json`, so an interrupted run
    (a reboot, a killed session) can go on with `--resume` instead of starting over.

    A resumed run only reuses steps measured on the same size and the same commit; the step that
    was interrupted is measured again from its start, and the result lists it under
    `resumed_steps`.
    """

    def __init__(self, workdir: Path, size: str, commit: str, resume: bool) -> None:
        self.path = workdir / "state.json"
        self.state: dict = {"size": size, "commit": commit, "steps": [], "phases_s": {}}
        self.resumed: list[str] = []
        if resume and self.path.exists():
            saved = json.loads(self.path.read_text())
            if saved.get("size") == size and saved.get("commit") == commit:
                self.state = saved
                self.resumed = [s["name"] for s in saved["steps"] if s["returncode"] == 0]

    @property
    def fresh(self) -> bool:
        return not self.state["steps"]

    def done(self, name: str) -> bool:
        return any(s["name"] == name and s["returncode"] == 0 for s in self.state["steps"])

    def record(self, figures: Figures) -> None:
        steps = [s for s in self.state["steps"] if s["name"] != figures.name]
        self.state["steps"] = [*steps, figures.as_dict()]
        self.save()

    def save(self) -> None:
        self.path.write_text(json.dumps(self.state, indent=2) + "\n")


def run(
    size: str, workdir: Path, threads: int, memory_limit: str, resume: bool = False
) -> dict[str, object]:
    knobs = SIZES[size]
    landing, truth = workdir / "landing", workdir / "truth"
    warehouse, logs = workdir / "warehouse" / "warehouse.duckdb", workdir / "logs"
    env = _env(warehouse, threads, memory_limit)
    progress = Progress(workdir, size, _commit(), resume)
    if progress.fresh:
        shutil.rmtree(workdir, ignore_errors=True)
    logs.mkdir(parents=True, exist_ok=True)
    state = progress.state

    def step(name: str, command: list[str], log: str, **kwargs: object) -> None:
        if not progress.done(name):
            print(f"[{size}] {name} ...", flush=True)
            figures = measure(name, command, env, log=logs / log, **kwargs)  # type: ignore[arg-type]
            progress.record(figures)
            if figures.returncode != 0:  # the next steps build on this one
                raise StepFailed(f"{name} exited {figures.returncode}; see {logs / log}")

    generate = [str(BIN / "truefans"), "generate", "--landing", str(landing), "--truth", str(truth)]
    if not progress.done("0 generate"):
        shutil.rmtree(landing, ignore_errors=True)
        shutil.rmtree(workdir / "parked", ignore_errors=True)
    step("0 generate", [*generate, "--quiet", "--overwrite", *knobs], "0.log")
    manifest = json.loads((truth / "manifest.json").read_text())
    if "days" not in state:
        state["days"] = sorted({p.name for p in landing.glob("*/*") if p.is_dir()})
        _hold_back(landing, state["days"][-1], workdir / "parked")
        progress.save()
    days = state["days"]

    step("1 scan", [sys.executable, "-m", "bench.scan", str(landing)], "1.log")
    truefans_run = [str(BIN / "truefans"), "run", "--landing", str(landing)]
    truefans_run += ["--warehouse", str(warehouse)]
    if not progress.done("3 pipeline (full)"):
        for path in (warehouse.parent, workdir / "dagster_home"):
            shutil.rmtree(path, ignore_errors=True)
        (workdir / "dagster_home").mkdir()
        step("3 pipeline (full)", truefans_run, "3.log")
        state["phases_s"]["full"] = breakdown(env["DAGSTER_HOME"])
        progress.save()
    dbt = [str(BIN / "dbt"), "build", "--full-refresh", "--profiles-dir", str(DBT_PROJECT_DIR)]
    dbt += ["--project-dir", str(DBT_PROJECT_DIR), "--target-path", str(workdir / "dbt-target")]
    step("2 dbt build alone", dbt, "2.log", cwd=DBT_PROJECT_DIR)
    _release(workdir / "parked", landing)
    if not progress.done("4 nightly"):
        step("4 nightly", [*truefans_run, "--date", days[-1]], "4.log")
        state["phases_s"]["nightly"] = breakdown(env["DAGSTER_HOME"])
        progress.save()
    validate = [sys.executable, "-m", "bench.validate_all", str(warehouse), memory_limit]
    step("5 GE alone", [*validate, str(threads)], "5.log")

    steps = [Figures(**s) for s in state["steps"]]
    by = {f.name.split()[0]: f for f in steps}
    interactions = int(manifest["landing_rows"]["interactions"])
    result = {
        "size": size,
        "knobs": knobs,
        "commit": state["commit"],
        "resumed_steps": progress.resumed,
        "landing_rows": manifest["landing_rows"],
        "dump_dates": len(days),
        "machine": {
            "cpus": os.cpu_count(),
            "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
            "processor": platform.processor() or platform.machine(),
            "python": platform.python_version(),
        },
        "duckdb": {"threads": threads, "memory_limit": memory_limit},
        "dbt_threads": int(os.environ.get("TRUEFANS_DBT_THREADS", DEFAULT_DBT_THREADS)),
        "steps": [f.as_dict() for f in steps],
        "phases_s": state["phases_s"],  # Dagster step time by kind, from the runs' step stats
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


def _finished(out: Path, size: str, workdir: Path) -> bool:
    """The size's result is written and came from the run being resumed (same commit)."""
    state = workdir / "state.json"
    if not (out.exists() and state.exists()):
        return False
    return (
        json.loads(out.read_text()).get("commit")
        == json.loads(state.read_text())["commit"]
        == _commit()
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--size", default="S", help=f"one or more of {', '.join(SIZES)}, comma-separated (S,M,L)"
    )
    parser.add_argument("--workdir", help="data, warehouse and logs (default: build/bench)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--memory-limit", default="4GB")
    parser.add_argument(
        "--resume",
        action="store_true",
        help="go on with an interrupted run (same sizes, same commit): measured steps are kept",
    )
    parser.add_argument(
        "--discard-data",
        action="store_true",
        help="delete a size's landing files and warehouse once its results are written (disk)",
    )
    args = parser.parse_args(argv)
    sizes = [s.strip() for s in args.size.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in SIZES]
    if unknown or not sizes:
        parser.error(f"unknown size {', '.join(unknown)}: choose from {', '.join(SIZES)}")
    for size in sizes:
        workdir = Path(args.workdir or REPO_ROOT / "build" / "bench").resolve() / size
        out = REPO_ROOT / "bench" / "results" / f"{size}.json"
        if args.resume and _finished(out, size, workdir):
            print(f"[{size}] already measured at this commit: {out}")
            continue
        try:
            result = run(size, workdir, args.threads, args.memory_limit, args.resume)
        except StepFailed as exc:
            print(f"[{size}] stopped: {exc}. Fix it and go on with --resume.", file=sys.stderr)
            return 1
        out.parent.mkdir(exist_ok=True)
        out.write_text(json.dumps(result, indent=2) + "\n")
        if args.discard_data:
            for path in ("landing", "parked", "warehouse", "dbt-target"):
                shutil.rmtree(workdir / path, ignore_errors=True)
        print_table(result)
        if size != "XS":
            write_report(REPO_ROOT / "docs" / "benchmarks.md", REPO_ROOT / "bench" / "results")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
