"""Interactions on posts, generated per post when it is published and released day by day.

For a post of tracked account A at t0, each follower of A at t0 engages with its edge's
propensity (fans often, ghosts and non-camouflaged bought followers never); some non-followers
join. An engager likes, comments, shares, saves (platform-appropriate kinds), with times
t0 + lognormal delay (median ~2 h, capped at 7 days). The tracked account replies to some
comments: an interaction of kind `reply` by A on a post authored by the commenter (on twitter
the commenter's reply tweet itself; on instagram a recent post of theirs), so a two-way dialog
exists. Like-farm likes and the likes of bought followers (`bought_like_rate`) are planned up
front (purchases.py) and merged in.

Everything falls into a per-day buffer; day D's interactions are released on day D, so at
most ~8 days of interactions are ever held in memory. Nothing after the window is kept.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from simulator import ids, text
from simulator.audience import DAY, FAN, R_BOUGHT, Audience, before_snapshot
from simulator.config import IG, SimConfig
from simulator.population import ORGANIC_KINDS, AccountTable, Tracked
from simulator.posts import POST_KINDS, PostSchedule
from simulator.purchases import BoughtLikes, FarmLikes
from simulator.rng import stream

INTERACTION_KINDS: tuple[str, ...] = (
    "like",
    "comment",
    "reply",
    "share",
    "repost",
    "quote",
    "save",
)
LIKE, COMMENT, REPLY, SHARE, REPOST, QUOTE, SAVE = range(7)
CLIENTS: tuple[str, ...] = ("app", "web", "api")
_COMMENT = {IG: COMMENT, 1: REPLY}
_SHARE = {IG: SHARE, 1: REPOST}
_EXTRA = {IG: SAVE, 1: QUOTE}
_EXTRA_P = {IG: 0.04, 1: 0.015}
_CLIENT_P = {IG: [0.85, 0.15, 0.0], 1: [0.6, 0.35, 0.05]}


@dataclass
class Rows:
    """A block of interactions (or, with kind = post kind, of posts by non-tracked authors)."""

    post_id: np.ndarray  # int64
    platform: np.ndarray  # int8
    actor: np.ndarray  # int64 global account index (author for posts)
    kind: np.ndarray  # int8
    created_at: np.ndarray  # int64
    text: np.ndarray  # int64 index into text.text_table(), -1 = none
    client: np.ndarray  # int8 index into CLIENTS

    def take(self, idx: np.ndarray) -> Rows:
        return Rows(**{f.name: getattr(self, f.name)[idx] for f in fields(self)})

    def __len__(self) -> int:
        return len(self.post_id)

    @staticmethod
    def concat(parts: list[Rows]) -> Rows:
        return Rows(
            **{f.name: np.concatenate([getattr(r, f.name) for r in parts]) for f in fields(Rows)}
        )


class Engine:
    def __init__(
        self,
        cfg: SimConfig,
        tracked: Tracked,
        acc: AccountTable,
        audiences: list[Audience],
        posts: PostSchedule,
        post_counters: np.ndarray,
        farm: FarmLikes,
        bought: BoughtLikes | None = None,
    ) -> None:
        self.cfg, self.tracked, self.acc, self.aud, self.posts = cfg, tracked, acc, audiences, posts
        self.post_counter = post_counters.copy()
        self.pending: dict[int, list[Rows]] = {}
        self.pending_posts: dict[int, list[Rows]] = {}
        self.impressions = np.zeros(len(posts.post_id), dtype=np.int64)
        self.reach = np.zeros(len(posts.post_id), dtype=np.int64)
        self._pools = text.text_table()[1]
        organic = np.isin(acc.kind, ORGANIC_KINDS)
        self.organic_pool = [np.flatnonzero(organic & (acc.platform == p)) for p in (0, 1)]
        # a farm's accounts see the posts they like: platforms count them in reach
        self.farm_likes = np.bincount(farm.post, minlength=len(posts.post_id)).astype(np.int64)
        n = len(farm.post)
        if n:
            rng = stream(cfg.seed, "farm-clients")
            self._push(
                self.pending,
                Rows(
                    posts.post_id[farm.post],
                    posts.platform[farm.post],
                    farm.actor,
                    np.full(n, LIKE, dtype=np.int8),
                    farm.created_at,
                    np.full(n, -1),
                    np.where(rng.random(n) < 0.7, 2, 0).astype(np.int8),
                ),
            )
        if bought is not None and len(bought.post):
            self._bought(bought)

    def _bought(self, bought: BoughtLikes) -> None:
        """Likes of bought followers; counted in reach like the farm's (they saw the post)."""
        posts, n = self.posts, len(bought.post)
        self.farm_likes += np.bincount(bought.post, minlength=len(posts.post_id))
        client = stream(self.cfg.seed, "bought-like-clients").choice(2, size=n, p=[0.7, 0.3])
        self._push(
            self.pending,
            Rows(
                posts.post_id[bought.post],
                posts.platform[bought.post],
                bought.actor,
                np.full(n, LIKE, dtype=np.int8),
                bought.created_at,
                np.full(n, -1),
                client.astype(np.int8),
            ),
        )

    def _push(
        self, buf: dict[int, list[Rows]], rows: Rows, day_of: np.ndarray | None = None
    ) -> None:
        day = ((rows.created_at if day_of is None else day_of) - self.cfg.start_ts) // DAY
        for d in np.unique(day).tolist():
            if 0 <= d < self.cfg.days:
                buf.setdefault(int(d), []).append(rows.take(np.flatnonzero(day == d)))

    def publish(self, rng: np.random.Generator, i: int) -> None:
        """Generate every interaction the tracked post `i` will receive."""
        cfg, a = self.cfg, int(self.posts.tracked[i])
        aud, plat, t0 = self.aud[a], int(self.posts.platform[i]), int(self.posts.created_at[i])
        e, cand = aud.e, aud.engaging
        act = cand[(e.follow_at[cand] <= t0) & (e.unfollow_at[cand] > t0)]
        hit = act[rng.random(len(act), dtype=np.float32) < e.p[act]]
        nonfollowers = self._non_followers(
            rng, aud, int(rng.poisson(cfg.non_follower_share * len(hit)))
        )
        actor = np.concatenate([e.follower[hit], nonfollowers])
        fan = np.concatenate([e.role[hit] == FAN, np.zeros(len(nonfollowers), dtype=bool)])
        thin = np.concatenate([e.role[hit] == R_BOUGHT, np.zeros(len(nonfollowers), dtype=bool)])
        m = len(actor)
        comment = (rng.random(m) < np.where(fan, 0.2, 0.06)) & ~thin
        share = (rng.random(m) < 0.03) & ~thin
        extra = (rng.random(m) < _EXTRA_P[plat]) & ~thin
        like = (rng.random(m) < 0.9) | ~(comment | share | extra)
        masks = (like, comment, share, extra)
        kinds = (LIKE, _COMMENT[plat], _SHARE[plat], _EXTRA[plat])
        who = np.concatenate([actor[k] for k in masks])
        kind = np.concatenate(
            [np.full(int(k.sum()), c, dtype=np.int8) for k, c in zip(masks, kinds, strict=True)]
        )
        n = len(who)
        delay = np.exp(np.log(7_200) + 1.4 * rng.standard_normal(n)).clip(15, 7 * DAY)
        created = before_snapshot(t0 + delay.astype(np.int64))
        is_comment = kind == _COMMENT[plat]
        txt = np.full(n, -1, dtype=np.int64)
        txt[is_comment] = self._pools["comments"].pick(rng, self.acc.lang[who[is_comment]])
        client = rng.choice(3, size=n, p=_CLIENT_P[plat]).astype(np.int8)
        post_id = np.full(n, self.posts.post_id[i])
        self._push(
            self.pending,
            Rows(post_id, np.full(n, plat, dtype=np.int8), who, kind, created, txt, client),
        )
        self._replies(rng, a, plat, who[is_comment], created[is_comment], txt[is_comment])
        followers = int(aud.count_at(np.array([t0]))[0])
        # Reach counts every account that saw the post: at least one per action (so engagement
        # by reach never exceeds 1), the farm's likers, and a share of the followers.
        base = n + self.farm_likes[i] + followers * (0.1 + 0.3 * rng.random())
        self.reach[i] = round(base)
        self.impressions[i] = round(base * (1.1 + 0.6 * rng.random()))

    def _non_followers(self, rng: np.random.Generator, aud: Audience, k: int) -> np.ndarray:
        if k == 0:
            return np.zeros(0, dtype=np.int64)
        pool = self.organic_pool[aud.platform]
        c = pool[rng.integers(0, len(pool), 2 * k + 8)]
        c = c[~aud.in_audience[c]]
        _, first = np.unique(c, return_index=True)
        return c[np.sort(first)][:k]

    def _replies(
        self,
        rng: np.random.Generator,
        a: int,
        plat: int,
        commenter: np.ndarray,
        at: np.ndarray,
        comment_text: np.ndarray,
    ) -> None:
        pick = rng.random(len(commenter)) < self.cfg.reply_rate
        commenter, at, comment_text = commenter[pick], at[pick], comment_text[pick]
        k = len(commenter)
        if k == 0:
            return
        if plat == IG:  # a recent post of the commenter
            created = at - 3_600 - np.floor(rng.random(k) * 3 * DAY).astype(np.int64)
            kind = np.full(k, POST_KINDS.index("post"), dtype=np.int8)
            txt = self._pools["posts"].pick(rng, self.acc.lang[commenter])
        else:  # the commenter's reply tweet
            created, kind, txt = (
                at,
                np.full(k, POST_KINDS.index("reply"), dtype=np.int8),
                comment_text,
            )
        post_id = ids.post_numbers(plat, created, int(self.post_counter[plat]))
        self.post_counter[plat] += k
        replied = before_snapshot(at + 300 + np.floor(rng.random(k) * 8 * 3_600).astype(np.int64))
        plat_col = np.full(k, plat, dtype=np.int8)
        # the commenter's post is observed (dumped) on the day the tracked account replies
        self._push(
            self.pending_posts,
            Rows(post_id, plat_col, commenter, kind, created, txt, np.zeros(k, dtype=np.int8)),
            day_of=replied,
        )
        reply_txt = self._pools["replies"].pick(rng, np.full(k, self.tracked.lang[a]))
        self._push(
            self.pending,
            Rows(
                post_id,
                plat_col,
                np.full(k, a, dtype=np.int64),
                np.full(k, REPLY, dtype=np.int8),
                replied,
                reply_txt,
                rng.integers(0, 2, k).astype(np.int8),
            ),
        )

    def release(self, d: int) -> tuple[Rows | None, Rows | None]:
        """Interactions and follower posts of day d, sorted; removed from the buffers."""
        out: list[Rows | None] = []
        for buf in (self.pending, self.pending_posts):
            parts = buf.pop(d, [])
            if not parts:
                out.append(None)
                continue
            rows = Rows.concat(parts)
            order = np.argsort(rows.created_at, kind="stable")  # chunks come in a fixed order
            out.append(rows.take(order))
        return out[0], out[1]
