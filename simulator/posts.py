"""Posting schedules of tracked accounts (fixed up front: like farms target future posts)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator import ids, text
from simulator.audience import DAY, before_snapshot
from simulator.config import IG, PLATFORMS, SimConfig
from simulator.population import Tracked
from simulator.rng import stream

POST_KINDS: tuple[str, ...] = ("post", "video", "story", "quote", "reply")
_KIND_P = {IG: [0.6, 0.25, 0.15, 0.0, 0.0], 1: [0.8, 0.1, 0.0, 0.1, 0.0]}
# UTC offset (hours) of the home countries, for posting in local daytime
TZ_HOURS = np.array([1, -5, 1, -3, 9, 1, 0, 1, 1, -6, 3, 7, 5])


@dataclass
class PostSchedule:
    tracked: np.ndarray  # int64 tracked account index
    platform: np.ndarray  # int8
    post_id: np.ndarray  # int64
    created_at: np.ndarray  # int64, sorted
    kind: np.ndarray  # int8 index into POST_KINDS
    text: np.ndarray  # int64 index into text.text_table()

    def on_day(self, t0: int) -> np.ndarray:
        lo, hi = np.searchsorted(self.created_at, [t0, t0 + DAY])
        return np.arange(lo, hi)


def schedule(cfg: SimConfig, tracked: Tracked) -> tuple[PostSchedule, np.ndarray]:
    """All posts of all tracked accounts, and the post counter reached per platform."""
    _, pools = text.text_table()
    parts = []
    # stratified: the accounts' posting rates spread evenly over [posts_min, posts_max]
    stratum = stream(cfg.seed, "post-rates").permutation(cfg.tracked)
    for a in range(cfg.tracked):
        rng = stream(cfg.seed, "posts", a)
        u = (stratum[a] + rng.random()) / cfg.tracked
        rate = cfg.posts_min + (cfg.posts_max - cfg.posts_min) * u
        counts = rng.poisson(rate, cfg.days)
        day = np.repeat(np.arange(cfg.days, dtype=np.int64), counts)
        n = len(day)
        local = (7 + 16.5 * rng.random(n)) * 3600 - TZ_HOURS[tracked.country[a]] * 3600
        created = before_snapshot(cfg.start_ts + day * DAY + np.floor(local % DAY).astype(np.int64))
        plat = int(tracked.platform[a])
        kind = rng.choice(len(POST_KINDS), size=n, p=_KIND_P[plat]).astype(np.int8)
        txt = pools["posts"].pick(rng, np.full(n, tracked.lang[a]))
        parts.append((np.full(n, a, dtype=np.int64), created, kind, txt))
    trk, created, kind, txt = (np.concatenate(c) for c in zip(*parts, strict=True))
    order = np.lexsort((trk, created))
    trk, created, kind, txt = trk[order], created[order], kind[order], txt[order]
    platform = tracked.platform[trk]
    post_id = np.zeros(len(trk), dtype=np.int64)
    counters = np.zeros(len(PLATFORMS), dtype=np.int64)
    for p in range(len(PLATFORMS)):
        sel = np.flatnonzero(platform == p)
        post_id[sel] = ids.post_numbers(p, created[sel], 0)
        counters[p] = len(sel)
    return PostSchedule(trk, platform, post_id, created, kind, txt), counters
