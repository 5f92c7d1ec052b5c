"""Platform-like identifiers, always emitted as strings.

- instagram accounts: decimal ids zero-padded to 10 digits for accounts created before 2017
  (`0004829301`: leading zeros that a numeric cast would destroy), 11 digits after.
- twitter accounts: small sequential ids before the snowflake epoch (Nov 2010), 64-bit
  snowflake ids (19 digits) after.
- posts: snowflake-like 64-bit ids on both platforms (time in the high bits, a per-platform
  counter in the low bits, so they are unique within a platform).
- interactions: 18-digit ids from a per-platform counter.
Account ids are unique within a platform (duplicates are redrawn deterministically).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from simulator.config import IG

TWITTER_EPOCH_MS = 1_288_834_974_657
INSTAGRAM_EPOCH_MS = 1_314_220_021_721
IG_LONG_IDS_FROM = 1_483_228_800  # 2017-01-01
INTERACTION_ID_BASE = (17 * 10**16, 18 * 10**16)  # by platform


def _unique_draw(draw: Callable[[np.ndarray], np.ndarray], n: int) -> np.ndarray:
    """`draw(rows)` gives candidate values for those rows; redraw duplicates until distinct."""
    values = draw(np.arange(n))
    for _ in range(50):
        _, first = np.unique(values, return_index=True)
        dup = np.ones(n, dtype=bool)
        dup[first] = False
        if not dup.any():
            return values
        rows = np.flatnonzero(dup)
        values[rows] = draw(rows)
    raise RuntimeError("could not draw unique ids")


def account_numbers(
    rng: np.random.Generator, platform: np.ndarray, created_at: np.ndarray
) -> np.ndarray:
    """Numeric account ids (uint64), unique within each platform."""
    out = np.zeros(len(platform), dtype=np.uint64)
    for p in (0, 1):
        sel = np.flatnonzero(platform == p)
        created = created_at[sel].astype(np.int64)
        if p == IG:
            old = created < IG_LONG_IDS_FROM
            lo = np.where(old, 10**5, 10**10)
            hi = np.where(old, 10**10, 8 * 10**10)

            def ig_draw(rows: np.ndarray, lo: np.ndarray = lo, hi: np.ndarray = hi) -> np.ndarray:
                span = (hi[rows] - lo[rows]).astype(np.float64)
                return (lo[rows] + np.floor(rng.random(len(rows)) * span)).astype(np.uint64)

            draw: Callable[[np.ndarray], np.ndarray] = ig_draw
        else:
            ms = created * 1000

            def x_draw(rows: np.ndarray, ms: np.ndarray = ms) -> np.ndarray:
                k = len(rows)
                snow = (np.maximum(ms[rows] - TWITTER_EPOCH_MS, 0) << 22) | rng.integers(
                    0, 1 << 22, k
                )
                small = 10_000 + rng.integers(0, 200_000_000, k)
                return np.where(ms[rows] >= TWITTER_EPOCH_MS, snow, small).astype(np.uint64)

            draw = x_draw

        out[sel] = _unique_draw(draw, len(sel))
    return out


def account_id_strings(numbers: np.ndarray, platform: np.ndarray) -> pa.Array:
    text = pc.cast(pa.array(numbers, type=pa.uint64()), pa.string())
    padded = pc.utf8_lpad(text, 10, "0")
    return pc.if_else(pa.array(platform == IG), padded, text)


def post_numbers(platform: int, created_at: np.ndarray, counter_start: int) -> np.ndarray:
    """Snowflake-like post ids: creation millisecond in the high bits, a counter below."""
    ms = created_at.astype(np.int64) * 1000
    seq = (counter_start + np.arange(len(created_at), dtype=np.int64)) & ((1 << 22) - 1)
    if platform == IG:
        return ((ms - INSTAGRAM_EPOCH_MS) << 23) | (seq << 1) | 1
    return ((ms - TWITTER_EPOCH_MS) << 22) | seq


def id_strings(numbers: np.ndarray) -> pa.Array:
    return pc.cast(pa.array(numbers, type=pa.int64()), pa.string())


def digits(rng: np.random.Generator, n: int, width: int) -> pa.Array:
    """Random digit strings of exactly `width` characters."""
    vals = rng.integers(0, 10**width, n, dtype=np.int64)
    return pc.utf8_lpad(pc.cast(pa.array(vals), pa.string()), width, "0")
