"""Follow histories of tracked accounts: organic audience, follow-for-follow churners.

A history is a set of intervals (edges): `follower` followed at `follow_at` and unfollowed at
`unfollow_at` (`NEVER` if not within the window); `fb_at` is when the tracked account followed
that follower back. A churner that cycles has several edges. Every timestamp avoids the last
second of a UTC day (23:59:59), the instant of the daily follower snapshot, so events of day D
always precede the snapshot of day D. Unfollows are always more than 24 h after the follow, so
never on the same UTC day; re-follows come at least two days after an unfollow.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from simulator.config import SimConfig
from simulator.population import (
    CHURNER,
    INFLUENCER,
    MASS,
    ORGANIC_KINDS,
    AccountTable,
    Tracked,
)
from simulator.rng import stream

DAY = 86_400
NEVER = np.int64(2**62)
ROLES: tuple[str, ...] = (
    "fan",
    "casual",
    "ghost",
    "off_market",
    "influencer",
    "mass_follower",
    "follow_churner",
    "bought",
)
FAN, CASUAL, GHOST, OFF_MARKET, R_INFLUENCER, R_MASS, R_CHURNER, R_BOUGHT = range(8)
# per role: unfollow hazard factor, follow-back factor
_UNFOLLOW_FACTOR = np.array([0.3, 1.0, 1.5, 2.0, 1.0, 1.5, 0.0, 0.0])
_FOLLOW_BACK_FACTOR = np.array([2.0, 1.0, 0.5, 0.3, 4.0, 1.0, 0.0, 0.0])


def before_snapshot(t: np.ndarray) -> np.ndarray:
    """Move times at 23:59:59 one second earlier (follows, follow-backs)."""
    return np.where(t % DAY == DAY - 1, t - 1, t)


def after_snapshot(t: np.ndarray) -> np.ndarray:
    """Move times at 23:59:59 one second later (unfollows: only ever makes them later)."""
    return np.where(t % DAY == DAY - 1, t + 1, t)


@dataclass
class Edges:
    follower: np.ndarray  # int64 global account index
    follow_at: np.ndarray  # int64 Unix seconds
    unfollow_at: np.ndarray  # int64, NEVER if none
    fb_at: np.ndarray  # int64 follow-back time, NEVER if none
    role: np.ndarray  # int8 index into ROLES
    p: np.ndarray  # float32 engagement probability per post
    purchase: np.ndarray  # int32 purchase number, -1 if not bought

    def take(self, idx: np.ndarray) -> Edges:
        return Edges(**{f.name: getattr(self, f.name)[idx] for f in fields(self)})

    def __len__(self) -> int:
        return len(self.follower)

    @staticmethod
    def concat(parts: list[Edges]) -> Edges:
        return Edges(
            **{f.name: np.concatenate([getattr(e, f.name) for e in parts]) for f in fields(Edges)}
        )


def _propensity(rng: np.random.Generator, role: np.ndarray, size_factor: float) -> np.ndarray:
    n = len(role)
    casual = np.exp(np.log(0.04) + 1.0 * rng.standard_normal(n)).clip(0.002, 0.2) * size_factor
    table = {
        FAN: 0.3 + 0.5 * rng.random(n),
        CASUAL: casual,
        GHOST: np.zeros(n),
        OFF_MARKET: np.exp(np.log(0.004) + 0.8 * rng.standard_normal(n)).clip(max=0.02),
        R_INFLUENCER: np.exp(np.log(0.01) + 0.8 * rng.standard_normal(n)).clip(max=0.05),
        R_MASS: np.exp(np.log(0.006) + 0.8 * rng.standard_normal(n)).clip(max=0.03),
        R_CHURNER: np.full(n, 0.002),
    }
    p = np.zeros(n)
    for r, values in table.items():
        p = np.where(role == r, values, p)
    return p


def organic(cfg: SimConfig, a: int, tracked: Tracked, acc: AccountTable) -> Edges:
    """Home-market and off-market followers of tracked account `a`, before and in the window."""
    rng = stream(cfg.seed, "audience", a)
    plat, home, home_lang = tracked.platform[a], tracked.country[a], tracked.lang[a]
    organic_mask = (acc.platform == plat) & np.isin(acc.kind, ORGANIC_KINDS)
    home_pool = np.flatnonzero(organic_mask & (acc.country == home))
    off_pool = np.flatnonzero(organic_mask & (acc.country != home) & (acc.lang != home_lang))
    share = cfg.audience_min + (cfg.audience_max - cfg.audience_min) * rng.random()
    n_home = round(share * len(home_pool))
    off = cfg.off_market_share
    n_off = min(round(n_home * off / (1 - off)) if off < 1 else len(off_pool), len(off_pool))
    follower = np.concatenate(
        [rng.choice(home_pool, n_home, replace=False), rng.choice(off_pool, n_off, replace=False)]
    ).astype(np.int64)
    n = len(follower)
    is_off = np.arange(n) >= n_home
    size_factor = min(1.0, (max(n, 1) / 2000) ** -cfg.engagement_decay)
    u = rng.random(n)
    fan_cut = cfg.fan_share * size_factor
    role = np.where(u < fan_cut, FAN, np.where(u < fan_cut + cfg.ghost_share, GHOST, CASUAL))
    role = np.where(is_off, OFF_MARKET, role)
    kind = acc.kind[follower]
    role = np.where(kind == MASS, R_MASS, np.where(kind == INFLUENCER, R_INFLUENCER, role))
    role = role.astype(np.int8)
    p = _propensity(rng, role, size_factor) * cfg.engagement

    start, span = cfg.start_ts, cfg.days * DAY
    grow = cfg.growth * cfg.days
    new = rng.random(n) < grow / (1 + grow)
    lo = np.maximum(acc.created_at[follower], acc.created_at[a]) + DAY
    pre_at = lo + np.floor(rng.random(n) * (start - lo)).astype(np.int64)
    new_at = start + np.floor(rng.random(n) * span).astype(np.int64)
    follow_at = before_snapshot(np.where(new, new_at, pre_at))
    rate = cfg.unfollow_rate * _UNFOLLOW_FACTOR[role]
    wait = rng.exponential(1.0, n) / np.where(rate > 0, rate, 1.0) * DAY
    base = np.where(new, follow_at + DAY, np.maximum(follow_at + DAY, start))
    unfollow = base + np.minimum(wait, 400 * DAY).astype(np.int64)
    unfollow = np.where((rate > 0) & (unfollow < cfg.end_ts), after_snapshot(unfollow), NEVER)
    fb = rng.random(n) < cfg.follow_back * _FOLLOW_BACK_FACTOR[role]
    fb_at = follow_at + 600 + np.floor(rng.random(n) * 3 * DAY).astype(np.int64)
    fb_at = np.where(fb & (fb_at < cfg.end_ts), before_snapshot(fb_at), NEVER)
    return Edges(
        follower,
        follow_at,
        unfollow,
        fb_at,
        role,
        p.astype(np.float32),
        np.full(n, -1, dtype=np.int32),
    )


def churners(cfg: SimConfig, a: int, tracked: Tracked, acc: AccountTable, audience: int) -> Edges:
    """Follow-for-follow churners: follow, unfollow 1-21 days later unless followed back."""
    rng = stream(cfg.seed, "churn", a)
    pool = np.flatnonzero((acc.platform == tracked.platform[a]) & (acc.kind == CHURNER))
    k = min(round(cfg.churn_per_audience * audience), len(pool))
    who = rng.choice(pool, k, replace=False).astype(np.int64)
    start, end = cfg.start_ts, cfg.end_ts
    f = before_snapshot(start - 21 * DAY + np.floor(rng.random(k) * (cfg.days + 21) * DAY))
    f = f.astype(np.int64)
    parts: list[Edges] = []
    for _ in range(4):
        live = f < end
        who, f = who[live], f[live]
        k = len(who)
        if k == 0:
            break
        lag = DAY + 1 + np.floor(rng.random(k) ** 1.5 * (20 * DAY - 2)).astype(np.int64)
        fb = rng.random(k) < cfg.follow_back
        fb_at = before_snapshot(f + 600 + np.floor(rng.random(k) * (lag - 4_200)).astype(np.int64))
        unfollow = np.where(fb, NEVER, after_snapshot(f + lag))
        parts.append(
            Edges(
                who,
                f,
                np.where(unfollow < end, unfollow, NEVER),
                np.where(fb & (fb_at < end), fb_at, NEVER),
                np.full(k, R_CHURNER, dtype=np.int8),
                np.full(k, 0.002 * cfg.engagement, dtype=np.float32),
                np.full(k, -1, dtype=np.int32),
            )
        )
        again = ~fb & (rng.random(k) < cfg.churn_cycle)
        gap = 2 * DAY + np.floor(rng.random(k) * 28 * DAY).astype(np.int64)
        who, f = who[again], before_snapshot(unfollow[again] + gap[again])
    if not parts:
        return Edges.concat([_empty()])
    return Edges.concat(parts)


def _empty() -> Edges:
    z = np.zeros(0, dtype=np.int64)
    return Edges(z, z, z, z, z.astype(np.int8), z.astype(np.float32), z.astype(np.int32))


class Audience:
    """All visible edges of one tracked account, indexed for per-day queries."""

    def __init__(self, cfg: SimConfig, a: int, platform: int, edges: Edges, n_accounts: int):
        visible = (edges.unfollow_at >= cfg.start_ts) & (edges.follow_at < cfg.end_ts)
        edges = edges.take(np.flatnonzero(visible))
        order = np.lexsort((edges.follower, edges.follow_at))
        self.a, self.platform, self.cfg = a, platform, cfg
        self.e = edges.take(order)
        self.unf_order = np.argsort(self.e.unfollow_at, kind="stable")
        self.unf_sorted = self.e.unfollow_at[self.unf_order]
        self.fb_order = np.argsort(self.e.fb_at, kind="stable")
        self.fb_sorted = self.e.fb_at[self.fb_order]
        self.engaging = np.flatnonzero(self.e.p > 0)
        self.in_audience = np.zeros(n_accounts, dtype=bool)
        self.in_audience[self.e.follower] = True

    def _range(self, sorted_t: np.ndarray, t0: int, t1: int) -> slice:
        return slice(int(np.searchsorted(sorted_t, t0)), int(np.searchsorted(sorted_t, t1)))

    def follows_between(self, t0: int, t1: int) -> np.ndarray:
        """Edge indices with follow_at in [t0, t1)."""
        s = self._range(self.e.follow_at, t0, t1)
        return np.arange(s.start, s.stop)

    def unfollows_between(self, t0: int, t1: int) -> np.ndarray:
        return self.unf_order[self._range(self.unf_sorted, t0, t1)]

    def followbacks_between(self, t0: int, t1: int) -> np.ndarray:
        return self.fb_order[self._range(self.fb_sorted, t0, t1)]

    def active_at(self, t: int) -> np.ndarray:
        """Edge indices of followers at instant t (follow_at <= t < unfollow_at)."""
        n_followed = int(np.searchsorted(self.e.follow_at, t, side="right"))
        head = np.arange(n_followed)
        return head[self.e.unfollow_at[:n_followed] > t]

    def count_at(self, t: np.ndarray) -> np.ndarray:
        followed = np.searchsorted(self.e.follow_at, t, side="right")
        return followed - np.searchsorted(self.unf_sorted, t, side="right")

    def followbacks_until(self, t: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.fb_sorted, t, side="right")
