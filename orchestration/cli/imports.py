"""`truefans import <source> <target>`: an adapter writes landing files; `truefans run` loads
them like any other dump."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from orchestration.cli.arguments import dump_date
from orchestration.settings import DATA_DIR


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--landing",
        default=os.environ.get("TRUEFANS_LANDING", str(DATA_DIR / "landing")),
        help="landing root to write to (default $TRUEFANS_LANDING or data/landing)",
    )
    parser.add_argument(
        "--dump-date",
        type=dump_date,
        help="dump date of the files (default: the export's creation day, or today (UTC) for "
        "an API pull)",
    )


def add_import_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from orchestration.sources.registry import get_source, source_names

    imp = sub.add_parser(
        "import",
        help="turn a platform export or a public API's data into landing files (then `truefans run`)",
    )
    kinds = imp.add_subparsers(dest="source", required=True, metavar="SOURCE")
    for name in source_names():
        source = get_source(name)
        parser = kinds.add_parser(name, help=source.help, description=source.help)
        parser.add_argument("target", help=source.target_help)
        add_common_arguments(parser)
        source.add_arguments(parser)
        parser.set_defaults(func=run_import)


def parse_source_args(name: str, argv: list[str]) -> argparse.Namespace:
    """The options of one source from words, as the command line takes them (the Dagster asset
    passes its config's `args` here)."""
    from orchestration.sources.registry import get_source

    source = get_source(name)
    parser = argparse.ArgumentParser(prog=f"truefans import {name}")
    parser.add_argument("target")
    add_common_arguments(parser)
    source.add_arguments(parser)
    args = parser.parse_args(argv)
    args.source = name
    return args


def import_into_landing(args: argparse.Namespace) -> list:  # list[WrittenFile]
    from orchestration.sources.landing import write_batches
    from orchestration.sources.registry import get_source

    source = get_source(args.source)
    batches = source.fetch(args.target, args)  # SourceError before anything is written
    if args.dump_date is not None:
        for batch in batches:
            batch.dump_date = args.dump_date
    return write_batches(Path(args.landing).resolve(), batches)


def run_import(args: argparse.Namespace) -> int:
    from orchestration.sources.base import SourceError

    try:
        written = import_into_landing(args)
    except SourceError as exc:
        print(f"error: {args.source}: {exc}", file=sys.stderr)
        return 2
    root = Path(args.landing).resolve()
    for f in written:
        print(f"  {f.status:9} {f.rows:>9,} rows  {f.path.relative_to(root)}")
    changed = sum(f.status != "unchanged" for f in written)
    print(
        f"{args.source}: {len(written)} files in {root} ({changed} new or changed); "
        f"next: truefans run --landing {root}"
    )
    return 0
