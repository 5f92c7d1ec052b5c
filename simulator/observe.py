"""The `accounts` entity: profile observations.

Every account is observed in the dump of the day it first appears in the data (as a
follower, engager, author or like-farm member) and re-observed on a `reobserve` share of later
days with drifted counts; tracked accounts are observed every day at 23:59:59 UTC, their
`followers_count` being exactly the true follower count at that instant. Other observations
happen between 22:00 and 23:59:59 UTC of the dump day.

Missing is unknown: instagram files have no `location` and no `listed_count` column at all;
a few per cent of profiles have null `lang`, `created_at`, `has_default_avatar`, `bio` or
`display_name`. An empty bio is `""` (known to be empty), unlike a null bio (unknown).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from simulator.audience import DAY, Audience
from simulator.config import INFLUENCER, NORMAL, PLATFORMS, TW, SimConfig
from simulator.population import AccountTable
from simulator.posts import PostSchedule
from simulator.rng import stream
from simulator.writers import Col, Frame


class Observer:
    def __init__(
        self, cfg: SimConfig, acc: AccountTable, audiences: list[Audience], posts: PostSchedule
    ) -> None:
        self.cfg, self.acc, self.aud = cfg, acc, audiences
        self.seen = np.zeros(acc.size, dtype=bool)
        self.seen[: cfg.tracked] = True
        self.post_times = [posts.created_at[posts.tracked == a] for a in range(cfg.tracked)]

    def frames(self, d: int, appearing: np.ndarray) -> dict[int, Frame]:
        cfg, acc, T = self.cfg, self.acc, self.cfg.tracked
        t0 = cfg.start_ts + d * DAY
        t_end = t0 + DAY - 1
        rng = stream(cfg.seed, "observe", d)
        mark = np.zeros(acc.size, dtype=bool)
        mark[appearing] = True
        mark &= ~self.seen  # first appearance today
        self.seen |= mark
        known = np.flatnonzero(self.seen[T:]) + T
        mark[known[rng.random(len(known)) < cfg.reobserve]] = True
        rows = np.flatnonzero(mark)
        observed = t0 + 79_200 + np.floor(rng.random(len(rows)) * 7_200).astype(np.int64)
        rows = np.concatenate([np.arange(T), rows])
        observed = np.concatenate([np.full(T, t_end, dtype=np.int64), observed])

        age = (observed - np.maximum(acc.created_at[rows], cfg.start_ts)).clip(min=0) / DAY
        followers = np.floor(acc.followers[rows] * (1 + acc.growth[rows] * age)).clip(min=0)
        following = acc.following[rows] + np.floor(acc.follow_rate[rows] * age)
        posts = acc.posts[rows] + np.floor(acc.post_rate[rows] * age)
        # drift never moves an account across the influencer / mass-follower thresholds
        kind = acc.kind[rows]
        followers = np.where(
            kind == INFLUENCER, followers.clip(min=5_000), followers.clip(max=4_999)
        )
        following = np.where(
            np.isin(kind, (NORMAL, INFLUENCER)), following.clip(max=1_499), following
        )
        for a in range(T):
            followers[a] = self.aud[a].count_at(np.array([t_end]))[0]
            following[a] = acc.following[a] + self.aud[a].followbacks_until(np.array([t_end]))[0]
            posts[a] = acc.posts[a] + np.searchsorted(self.post_times[a], t_end, side="right")

        out: dict[int, Frame] = {}
        plat = acc.platform[rows]
        for p in range(len(PLATFORMS)):
            sel = np.flatnonzero(plat == p)
            if len(sel):
                out[p] = self._frame(
                    p, rows[sel], observed[sel], followers[sel], following[sel], posts[sel]
                )
        return out

    def _frame(
        self,
        p: int,
        rows: np.ndarray,
        observed: np.ndarray,
        followers: np.ndarray,
        following: np.ndarray,
        posts: np.ndarray,
    ) -> Frame:
        acc, s = self.acc, self.acc.strings
        unknown = acc.unknown[rows]

        def ref(name: str, valid: np.ndarray | None = None) -> Col:
            return Col(name, "ref", rows, valid, s["id" if name == "account_id" else name])

        def count(values: np.ndarray) -> pa.Array:
            return pa.array(values.astype(np.int64))

        frame: Frame = [
            ref("account_id"),
            Col(
                "platform",
                "ref",
                np.zeros(len(rows), dtype=np.int64),
                None,
                pa.array([PLATFORMS[p]]),
            ),
            Col("observed_at", "ts", observed),
            ref("handle"),
            ref("display_name"),
            ref("bio"),
        ]
        if p == TW:
            frame.append(ref("location"))
        frame += [
            ref("lang", (unknown & 1) == 0),
            Col("created_at", "ts", acc.created_at[rows], (unknown & 2) == 0),
            Col("followers_count", "int", count(followers)),
            Col("following_count", "int", count(following)),
            Col("posts_count", "int", count(posts)),
        ]
        if p == TW:
            frame.append(Col("listed_count", "int", count(acc.listed[rows])))
        frame += [
            Col(
                "has_default_avatar",
                "bool",
                pa.array(acc.default_avatar[rows], mask=(unknown & 4) > 0),
            ),
            Col("verified", "bool", pa.array(acc.verified[rows])),
            ref("url"),
        ]
        return frame
