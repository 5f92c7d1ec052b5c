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


def utc_time(text: str) -> dt.datetime:
    """An ISO 8601 time (`Z`, an offset, or none: UTC) as an aware UTC datetime (`--pulled-at`,
    `--exported-at`)."""
    try:
        at = dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {text!r}") from None
    return (at if at.tzinfo else at.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)
