"""What an adapter is: a name, its command-line arguments, and a function that reads its input
and returns landing batches. The writing (landing.py) is shared."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass

from orchestration.sources.landing import LandingBatch


class SourceError(Exception):
    """One clear message for people: a damaged or foreign file, an API error page, a private
    account, a rate limit that did not clear. Raised before anything is written, so nothing
    already imported is lost."""


@dataclass(frozen=True)
class Source:
    name: str  # the `truefans import <name>` word, e.g. "bluesky", "x-archive"
    platform: str  # the landing contract's `platform` value, e.g. "bluesky"
    help: str  # one line for `truefans import --help`
    target_help: str  # what the positional argument is, e.g. "a handle such as alice.bsky.social"
    add_arguments: Callable[[argparse.ArgumentParser], None]  # source-specific options
    # (target, parsed options) -> the batches to write (one per account and dump date)
    fetch: Callable[[str, argparse.Namespace], list[LandingBatch]]


def no_arguments(parser: argparse.ArgumentParser) -> None:
    """For a source without options of its own."""
