"""CLI flags for every SimConfig knob (one `--kebab-case` flag per field, same defaults)."""

from __future__ import annotations

import argparse
from dataclasses import MISSING, fields
from datetime import date

from simulator.config import SimConfig


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from exc


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add --seed --tracked --accounts --days --start and every other simulator knob."""
    group = parser.add_argument_group("simulation")
    for f in fields(SimConfig):
        default = f.default if f.default is not MISSING else None
        kwargs: dict = {
            "dest": f"sim_{f.name}",
            "default": default,
            "help": f"{f.metadata['help']} (default: {default})",
        }
        if isinstance(default, date):
            kwargs["type"] = _parse_date
        elif isinstance(default, bool):
            kwargs["action"] = argparse.BooleanOptionalAction
        else:
            kwargs["type"] = type(default)
        if "choices" in f.metadata:
            kwargs["choices"] = f.metadata["choices"]
        kwargs["metavar"] = None if "choices" in f.metadata else f.name.upper()
        group.add_argument("--" + f.name.replace("_", "-"), **kwargs)


def config_from_args(args: argparse.Namespace) -> SimConfig:
    """Build the SimConfig from parsed arguments (ValueError on invalid combinations)."""
    values = {f.name: getattr(args, f"sim_{f.name}") for f in fields(SimConfig)}
    return SimConfig(**values)
