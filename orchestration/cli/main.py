"""`truefans`: generate demo dumps, run the pipeline, print what happened."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

from orchestration.cli.arguments import dump_date
from orchestration.cli.run_command import run_command
from orchestration.settings import (
    DATA_DIR,
    DBT_PROJECT_DIR,
    Settings,
)


def _generate(args: argparse.Namespace) -> int:
    from simulator import generate
    from simulator.cli_args import config_from_args

    cfg = config_from_args(args)
    summary = generate(
        cfg, Path(args.landing), Path(args.truth), progress=not args.quiet, overwrite=args.overwrite
    )
    print(f"landing dumps: {Path(args.landing).resolve()}")
    print(f"ground truth:  {Path(args.truth).resolve()}")
    for key, value in summary.items():
        if isinstance(value, (int, float, str)):
            print(f"  {key}: {value}")
    return 0


def _dev(args: argparse.Namespace) -> int:
    """Become `dagster dev` (exec: the same process, so signals reach it, not a wrapper)."""
    from orchestration.dagster_home import ensure_dagster_home

    home = ensure_dagster_home()
    command = [sys.executable, "-m", "dagster", "dev", "-m", "orchestration.definitions"]
    command += ["-h", args.host, "-p", str(args.port)]
    print(f"Dagster UI on http://{args.host}:{args.port} (DAGSTER_HOME={home}); Ctrl-C stops it")
    sys.stdout.flush()
    # A background job of a non-interactive shell (`make dev &`, a supervisor) inherits SIGINT
    # ignored, and exec keeps ignored signals; `dagster dev` then maps SIGTERM to that same
    # "ignore", so neither signal would stop it. Default dispositions give it Ctrl-C and SIGTERM.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_DFL)
    os.execv(sys.executable, command)
    return 1  # not reached: execv replaces this process or raises OSError


def _serve_info(args: argparse.Namespace) -> int:
    from orchestration.serving.info import format_serving_info, read_serving_info

    path = Path(args.serving).resolve() if args.serving else Settings.from_env().serving_path
    print(format_serving_info(read_serving_info(path)))  # ServingError: one line, exit code 2
    return 0


def _report(args: argparse.Namespace) -> int:
    from orchestration.report.render import write_reports

    settings = Settings.from_env()
    serving = Path(args.serving).resolve() if args.serving else settings.serving_path
    out = Path(args.out).resolve() if args.out else settings.report_dir
    result = write_reports(serving, out, account=args.account, show_progress=not args.quiet)
    for key, page in result.pages.items():
        print(f"{key}: {page}")
    print(f"index: {result.index}")
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from evaluation.command import run_evaluate

    return run_evaluate(args)


def _learn_weights(args: argparse.Namespace) -> int:
    from evaluation.command import run_learn_weights

    return run_learn_weights(args)


def _add_build_arguments(parser: argparse.ArgumentParser) -> None:
    """Where `evaluate` and `learn-weights` get their warehouses: built, or given."""
    parser.add_argument(
        "--warehouse",
        help="score this warehouse (built from --truth's dumps) instead of generating",
    )
    parser.add_argument("--truth", help="the generator's truth folder of --warehouse")
    parser.add_argument(
        "--skip-real", action="store_true", help="leave out the real labelled data sets"
    )
    parser.add_argument(
        "--realdata", help="folder of the real data sets (default: ../shared/realdata)"
    )
    parser.add_argument(
        "--workdir", help="build dumps and warehouses here and keep them (default: a temp dir)"
    )
    parser.add_argument("--verbose", action="store_true", help="show Dagster and dbt logs")
    from simulator.cli_args import add_arguments

    add_arguments(parser)


LEARN_SEED = 7


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="truefans", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    gen = sub.add_parser("generate", help="simulate a social platform and write landing dumps")
    gen.add_argument(
        "--landing", default=os.environ.get("TRUEFANS_LANDING", str(DATA_DIR / "landing"))
    )
    gen.add_argument(
        "--truth", default=str(DATA_DIR / "truth"), help="ground truth (never under --landing)"
    )
    gen.add_argument("--quiet", action="store_true", help="no progress bar")
    gen.add_argument(
        "--overwrite", action="store_true", help="replace dumps and truth already in those folders"
    )
    from simulator.cli_args import add_arguments

    add_arguments(gen)
    gen.set_defaults(func=_generate)

    run = sub.add_parser("run", help="load the landing root and build every mart through Dagster")
    run.add_argument("--landing", help="landing root (default $TRUEFANS_LANDING or data/landing)")
    run.add_argument(
        "--warehouse", help="DuckDB file (default $TRUEFANS_WAREHOUSE or data/warehouse.duckdb)"
    )
    run.add_argument("--date", type=dump_date, help="only this dump date (YYYY-MM-DD)")
    run.add_argument("--verbose", action="store_true", help="show Dagster and dbt logs")
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    run.add_argument(
        "--fail-on-warn",
        action="store_true",
        help="exit 1 when a WARN check fails, too (default: 0 if the run published; also "
        "TRUEFANS_FAIL_ON_WARN=1)",
    )
    run.add_argument(
        "--force",
        action="store_true",
        help="run even when no landing file, code or setting changed since the last publish "
        "(default: such a run skips dbt, the checks and the publish, and reports what is "
        "published)",
    )
    run.add_argument(
        "--record",
        action="store_true",
        help="record the run in DAGSTER_HOME so `dagster dev` shows it (slower: about 15 s of "
        "SQLite writes; also TRUEFANS_RECORD_RUNS=1)",
    )
    run.add_argument(
        "--wipe-history",
        action="store_true",
        help="with --record (implied): first delete the runs and events DAGSTER_HOME holds "
        "(`make demo` does: they describe a warehouse it rebuilt from scratch)",
    )
    run.set_defaults(func=run_command)

    dev = sub.add_parser(
        "dev",
        help="open the Dagster UI (`dagster dev` on this code location and DAGSTER_HOME, created "
        "if missing); it shows the runs `truefans run --record` records, also while it is open",
    )
    dev.add_argument("--port", type=int, default=3000, help="default: 3000")
    dev.add_argument("--host", default="127.0.0.1", help="default: 127.0.0.1 (this machine only)")
    dev.set_defaults(func=_dev)

    from orchestration.cli.imports import add_import_parser

    add_import_parser(sub)

    serve = sub.add_parser(
        "serve-info",
        help="show the published serving file: version, build time, newest dump date, tables, "
        "check summary (opened read-only)",
    )
    serve.add_argument(
        "--serving",
        help="serving file (default $TRUEFANS_SERVING or serving.duckdb beside the warehouse)",
    )
    serve.set_defaults(func=_serve_info)

    report = sub.add_parser(
        "report",
        help="write the static HTML audit report (one page per tracked account and an index) "
        "from the serving file; it opens from disk, offline",
    )
    report.add_argument(
        "--account", help="only this tracked account: its id, its handle or platform:id"
    )
    report.add_argument(
        "--out",
        help="folder for the pages (default $TRUEFANS_REPORT_DIR or report/ beside "
        "the serving file)",
    )
    report.add_argument(
        "--serving",
        help="serving file (default $TRUEFANS_SERVING or serving.duckdb beside the warehouse)",
    )
    report.add_argument("--quiet", action="store_true", help="no progress bar")
    report.set_defaults(func=_report)

    evaluate = sub.add_parser(
        "evaluate",
        help="score the authenticity marts against generated truth and real labelled followers",
    )
    _add_build_arguments(evaluate)
    evaluate.add_argument("--out-json", help="also write every metric to this JSON file")
    evaluate.set_defaults(func=_evaluate)

    learn = sub.add_parser(
        "learn-weights",
        help="fit the authenticity signal weights (logistic regression) and write the dbt seed; "
        f"generated data uses --seed {LEARN_SEED} unless given, so `evaluate` (seed 42) is "
        "out of sample",
    )
    _add_build_arguments(learn)
    learn.add_argument(
        "--out",
        default=str(DBT_PROJECT_DIR / "seeds" / "authenticity_weights.csv"),
        help="seed CSV to write (default: dbt_project/seeds/authenticity_weights.csv)",
    )
    learn.add_argument(
        "--l2",
        type=float,
        default=None,
        help="fit only today's configuration (per platform, every bin) with this L2 penalty "
        "instead of choosing among the candidates by leave-one-dataset-out MCC",
    )
    # Learn on another seed than `evaluate` scores (42), so its figures are out of sample.
    learn.set_defaults(func=_learn_weights, sim_seed=LEARN_SEED)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from orchestration.warehouse import WarehouseError

    try:
        return int(args.func(args))
    except (WarehouseError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
