"""argparse types shared by the commands, with messages people understand."""

from __future__ import annotations

import argparse
import datetime as dt


def dump_date(text: str) -> dt.date:
    """A calendar date YYYY-MM-DD (`--date`, `--dump-date`)."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None
