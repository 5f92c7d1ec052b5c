"""`truefans evaluate` and `truefans learn-weights`: generate → pipeline → metrics / weights.

The pure entry points `evaluate_warehouse` and `evaluate_real` read an existing warehouse; the
`run_*` functions build the warehouses first (generated data in a temporary or given work
directory, real labelled data through `realdata.write_real_landing`), each with its own
Dagster run on an ephemeral instance, logging to a file so the terminal shows only tables.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dagster as dg
from rich.console import Console

from evaluation import (
    candidates,
    crossval,
    lodo,
    metrics,
    purchase_kinds,
    report,
    transfer,
    weights,
)
from orchestration.settings import DATA_DIR, DEFAULT_MEMORY_LIMIT, DEFAULT_THREADS, Settings
from orchestration.warehouse import WarehouseError, connection


def evaluate_warehouse(warehouse: Path, truth: Path) -> dict[str, Any]:
    """Classification and burst metrics of a warehouse built from generated data, and both per
    kind of follower purchase (burst / drip, aged or not)."""
    with connection(Path(warehouse), read_only=True) as con:
        classes = metrics.classification(con, Path(truth))
        bursts = metrics.purchase_bursts(con, Path(truth))
        kinds = purchase_kinds.purchase_kinds(con, Path(truth))
    return {
        "classes": [c.as_dict() for c in classes],
        "bursts": bursts.as_dict(),
        "purchase_kinds": [k.as_dict() for k in kinds],
    }


def evaluate_real(warehouse: Path, labels: Path) -> dict[str, Any]:
    """Per real dataset: is_suspicious vs is_fake, with the set's platform, title and paper."""
    with connection(Path(warehouse), read_only=True) as con:
        results = metrics.real_labels(con, Path(labels))
    sets = _real_sets()
    datasets = []
    for m in results:
        known = sets.get(m.name)
        extra = {
            "platform": getattr(known, "platform", None),
            "title": getattr(known, "title", None),
            "paper_reference": getattr(known, "paper_reference", None),
        }
        datasets.append({**m.as_dict(), **extra})
    return {"datasets": datasets}


def _real_sets() -> dict[str, Any]:
    try:
        from evaluation.realdata import REAL_SETS
    except ImportError:
        return {}
    return {s.name: s for s in REAL_SETS}


def engine_settings(landing: Path, warehouse: Path) -> Settings:
    return Settings(
        landing=Path(landing).resolve(),
        warehouse=Path(warehouse).resolve(),
        threads=int(os.environ.get("TRUEFANS_DUCKDB_THREADS", DEFAULT_THREADS)),
        memory_limit=os.environ.get("TRUEFANS_DUCKDB_MEMORY_LIMIT", DEFAULT_MEMORY_LIMIT),
    )


@dataclass
class Built:
    """The warehouses an evaluation reads; the real pair is None with --skip-real."""

    warehouse: Path
    truth: Path
    config: dict[str, Any] | None
    real_warehouse: Path | None = None
    labels: Path | None = None


class Builder:
    """Runs the pipeline over landing roots in one work directory, one log file for all."""

    def __init__(self, root: Path, console: Console, verbose: bool, command: str) -> None:
        self.root, self.console = root, console
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        self.log_file = None if verbose else DATA_DIR / "logs" / f"{command}-{stamp}.log"
        self.instance: dg.DagsterInstance | None = None  # created by the first pipeline run
        self.ran = False

    def pipeline(self, landing: Path, warehouse: Path, label: str) -> None:
        from orchestration.pipeline import run_pipeline

        for stale in (warehouse, warehouse.with_name(warehouse.name + ".wal")):
            stale.unlink(missing_ok=True)  # a fresh build, never an increment of an old one
        self.instance = self.instance or dg.DagsterInstance.ephemeral()
        self.ran = True
        where = f" (log: {self.log_file})" if self.log_file else ""
        self.console.print(f"running the pipeline on {label} data{where}")
        summary = run_pipeline(
            engine_settings(landing, warehouse),
            instance=self.instance,
            log_level="INFO",
            log_file=self.log_file,
            show_progress=self.log_file is not None,  # a bar over the steps, on a terminal
        )
        if not summary.success:
            raise WarehouseError(f"pipeline run on {label} data failed; see {self.log_file}")
        for check in summary.checks_failed:
            self.console.print(
                f"[yellow]{label}: check failed {check.asset} :: {check.name} ({check.severity})[/]"
            )

    def generated(self, cfg: Any) -> tuple[Path, Path]:
        from simulator import generate

        base = self.root / "generated"
        landing, truth = base / "landing", base / "truth"
        self.console.print(f"generating {cfg.tracked} tracked accounts, {cfg.days} days …")
        generate(cfg, landing, truth, progress=True, overwrite=True)
        self.pipeline(landing, base / "warehouse.duckdb", "generated")
        return base / "warehouse.duckdb", truth

    def real(self, realdata_dir: Path | None) -> tuple[Path, Path]:
        from evaluation import realdata

        base = self.root / "real"
        landing, labels = base / "landing", base / "labels.csv"
        if landing.exists():
            shutil.rmtree(landing)
        counts = realdata.write_real_landing(landing, labels, realdata_dir)
        self.console.print(
            "real labelled data: " + ", ".join(f"{k} {v:,}" for k, v in counts.items())
        )
        self.pipeline(landing, base / "warehouse.duckdb", "real")
        return base / "warehouse.duckdb", labels


@contextlib.contextmanager
def _workdir(path: str | None):
    if path:
        root = Path(path).resolve()
        root.mkdir(parents=True, exist_ok=True)
        yield root
    else:
        with tempfile.TemporaryDirectory(prefix="truefans-evaluate-") as tmp:
            yield Path(tmp)


def _build(args: argparse.Namespace, builder: Builder) -> Built:
    from simulator.cli_args import config_from_args

    if args.warehouse:
        if not args.truth:
            raise ValueError("--truth is required with --warehouse")
        warehouse, truth = Path(args.warehouse).resolve(), Path(args.truth).resolve()
        if not warehouse.is_file():
            raise FileNotFoundError(f"warehouse not found: {warehouse}")
        built = Built(warehouse, truth, None)
    else:
        cfg = config_from_args(args)
        built = Built(*builder.generated(cfg), cfg.to_dict())
    if not args.skip_real:
        realdata_dir = Path(args.realdata).resolve() if args.realdata else None
        built.real_warehouse, built.labels = builder.real(realdata_dir)
    return built


def run_evaluate(args: argparse.Namespace) -> int:
    out = report.console()
    with _workdir(args.workdir) as root:
        builder = Builder(root, out, args.verbose, "evaluate")
        built = _build(args, builder)
        result: dict[str, Any] = {
            "generated": {
                "warehouse": str(built.warehouse),
                "truth": str(built.truth),
                "config": built.config,
                **evaluate_warehouse(built.warehouse, built.truth),
            },
            "real": None,
        }
        if built.real_warehouse is not None and built.labels is not None:
            result["real"] = {
                "warehouse": str(built.real_warehouse),
                "labels": str(built.labels),
                **evaluate_real(built.real_warehouse, built.labels),
            }
        # leave one dataset out needs two sets or more: the generated one and the real ones
        real_pair = _real_pair(built)
        result["lodo"] = (
            transfer.evaluate_lodo((built.warehouse, built.truth), real_pair)
            if real_pair is not None
            else None
        )
    gen = result["generated"]
    out.print(report.classes_table(gen["classes"], "Generated data vs the generator's truth"))
    out.print(report.bursts_table(gen["bursts"]))
    if gen["purchase_kinds"]:
        out.print(report.purchase_kinds_table(gen["purchase_kinds"]))
    if result["real"] is not None:
        out.print(report.real_table(result["real"]["datasets"]))
    if result["lodo"] is not None and result["lodo"]["held_out"]:
        out.print(report.lodo_table(result["lodo"]["held_out"], _lodo_title(result["lodo"])))
    _footer(out, args, builder)
    if args.out_json:
        path = Path(args.out_json)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(result, indent=2, sort_keys=True, default=str) + "\n")
        out.print(f"metrics written to {path.resolve()}")
    return 0


def _real_pair(built: Built) -> tuple[Path, Path] | None:
    if built.real_warehouse is None or built.labels is None:
        return None
    return built.real_warehouse, built.labels


def _lodo_title(result: dict[str, Any]) -> str:
    return (
        "Leave one dataset out: fitted on the other sets with the deployed configuration "
        f"({result['config']['name']}); mean over the real sets {result['mean_real_mcc']:.3f}"
    )


def run_learn_weights(args: argparse.Namespace) -> int:
    """Compare the candidate configurations by LODO, fit the chosen one on every set."""
    out = report.console()
    with _workdir(args.workdir) as root:
        builder = Builder(root, out, args.verbose, "learn-weights")
        built = _build(args, builder)
        real_pair = _real_pair(built)
        matrix, fields = transfer.matrices((built.warehouse, built.truth), real_pair)
    if len(matrix.y) == 0:
        raise ValueError("no labelled follower relationship found in the warehouse(s)")
    grid = candidates.grid()
    if args.l2 is not None:  # one configuration: today's, with this L2
        grid = [lodo.Config(f"{candidates.DEFAULT.name} (--l2 {args.l2:g})", l2=args.l2)]
    # with a single set (--skip-real) there is nothing to hold out: the first candidate
    sets = {lodo.set_of(str(d)) for d in matrix.dataset.tolist()}
    ranked = lodo.choose(matrix, fields, grid) if len(sets) > 1 else []
    chosen = ranked[0].config if ranked else grid[0]
    rows = lodo.fit(matrix, chosen)
    weights.write_seed(rows, Path(args.out))
    config_file = transfer.save_config(chosen, Path(args.out))
    out.print(report.weights_table(rows))
    if ranked:
        out.print(report.candidates_table(ranked))
        out.print(
            report.lodo_table([h.as_dict() for h in ranked[0].results], "Chosen: " + chosen.name)
        )
    real = sorted({d for d in matrix.dataset.tolist() if not d.startswith("generated-")})
    cv = {
        d: crossval.cross_validate(matrix, d, k=5, seed=0, fitter=lambda m: lodo.fit(m, chosen))
        for d in real
    }
    out.print(report.fit_table(crossval.in_sample(rows, matrix), cv))
    out.print(
        f"seed written to {Path(args.out).resolve()} ({len(rows)} rows), configuration to {config_file}"
    )
    _footer(out, args, builder)
    return 0


def _footer(out: Console, args: argparse.Namespace, builder: Builder) -> None:
    if builder.ran and builder.log_file:
        out.print(f"Dagster and dbt log: {builder.log_file}")
    if args.workdir:
        out.print(f"work directory kept: {Path(args.workdir).resolve()}")
