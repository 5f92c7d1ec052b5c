"""The weight configurations `learn-weights` compares by leave-one-dataset-out MCC.

A grid over: per-platform fits or pooled only; L2 strength; how much a real set weighs against
a generated one; class balancing within each set; and the feature set: every bin, or coarse
bins (ties that turn a field into the single threshold rules that transfer: followers < 30,
following >= 500, following/followers >= 3, posts < 50), each with or without the fields only
the simulator knows well (account age at follow and creation clusters: SRF and InstaFake do not
publish creation dates, and Cresci's read ~9 years old because the dump is dated 2024), and
small field sets built around the rule that transfers best (following/followers), with or
without the listed count (known on Twitter only, so its weights come from the simulator's
Twitter alone when Cresci is held out).
"""

from __future__ import annotations

import itertools

from evaluation.lodo import Config

DEFAULT = Config("per-platform, all bins, l2 1, real x2")

COARSE_TIES: tuple[tuple[str, ...], ...] = (
    ("followers_30_999", "followers_1000_plus"),
    ("following_500_1999", "following_2000_plus"),
    ("ratio_lt_1", "ratio_1_3"),
    ("ratio_3_10", "ratio_10_plus"),
    ("posts_0", "posts_1_4", "posts_5_49"),
)
SIMULATOR_FIELDS = ("age_at_follow_days", "created_alongside")
_ALL_FIELDS = (
    "age_at_follow_days",
    "bio_length",
    "created_alongside",
    "follow_ratio",
    "followers_count",
    "following_count",
    "handle_digit_run",
    "has_default_avatar",
    "listed_count",
    "posts_count",
    "verified",
)


def _only(*keep: str) -> tuple[str, ...]:
    """The fields to drop so that only `keep` remain."""
    return tuple(f for f in _ALL_FIELDS if f not in keep)


_RATIO_SIM_HANDLE = ("follow_ratio", *SIMULATOR_FIELDS, "handle_digit_run")
FEATURE_SETS: tuple[tuple[str, tuple[str, ...], tuple[tuple[str, ...], ...]], ...] = (
    ("all bins", (), ()),
    ("all bins, no age/cluster", SIMULATOR_FIELDS, ()),
    ("all bins, no listed", ("listed_count",), ()),
    ("coarse bins", (), COARSE_TIES),
    ("coarse bins, no age/cluster", SIMULATOR_FIELDS, COARSE_TIES),
    ("ratio only", _only("follow_ratio"), ()),
    ("ratio, age/cluster, handle", _only(*_RATIO_SIM_HANDLE), ()),
    (
        "ratio, age/cluster, handle, followers, posts",
        _only(*_RATIO_SIM_HANDLE, "followers_count", "posts_count"),
        (),
    ),
    (
        "ratio, age/cluster, handle, followers, posts, avatar, bio",
        _only(
            *_RATIO_SIM_HANDLE, "followers_count", "posts_count", "has_default_avatar", "bio_length"
        ),
        (),
    ),
)
L2 = (1.0, 10.0)
REAL_WEIGHTS = (2.0, 4.0)


def grid() -> list[Config]:
    """DEFAULT first (today's fit), then the grid in a fixed order."""
    out = [DEFAULT]
    for (label, drop, ties), per_platform, l2, real, balance in itertools.product(
        FEATURE_SETS, (True, False), L2, REAL_WEIGHTS, (False, True)
    ):
        name = (
            f"{'per-platform' if per_platform else 'pooled'}, {label}, l2 {l2:g}, real x{real:g}"
            + (", balanced" if balance else "")
        )
        config = Config(name, per_platform, l2, real, balance, drop, ties)
        if config.name != DEFAULT.name:
            out.append(config)
    return out
