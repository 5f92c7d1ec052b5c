"""Bought followers (vendor batches) and bought likes (like farms).

Follower purchase: a batch of fresh accounts created close together (within days, 12 h to
5 days before delivery), thin profiles, delivered in a burst of 1-6 hours (or, for the
`slow_drip` share, over `drip_days` days, by default a random 3-10). `camouflage` of a batch
gets avatars, bios, posts and a little like activity. `bought_drop` of them are purged by the
platform 7-40 days later. The adversary (separate random streams, so the defaults leave the
output unchanged): an `aged_bought_share` of purchases comes from a vendor of aged accounts,
created 0.5-4 years before delivery, spread out (no creation cluster), camouflaged profiles with
ordinary followings; a `bought_like_rate` of every batch likes one or two of the buyer's posts
published after the account was delivered (`bought_likes`).

Like farm: 20-60 thin accounts that never follow; each like purchase boosts the next few posts
of a tracked account on the farm's platform: most members like each post within a few minutes,
5 minutes to 3 hours after it was posted. Purchases of a farm rotate over tracked accounts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.audience import DAY, NEVER, R_BOUGHT, Edges, after_snapshot
from simulator.audience import before_snapshot as before
from simulator.config import BOUGHT, COUNTRIES, FARM, SimConfig
from simulator.population import LAUNCH, YEAR, AccountTable, Tracked, thin_accounts
from simulator.posts import PostSchedule
from simulator.profiles import lognormal
from simulator.rng import stream

HOUR = 3_600


@dataclass(frozen=True)
class Purchase:
    purchase_id: str
    platform: int
    account: int  # tracked account index
    kind: str  # followers | likes
    size: int
    delivery_start: int
    delivery_end: int
    delivery: str = ""  # followers: burst (hours) | drip (days); empty for likes
    aged: bool = False  # followers: sold by a vendor of aged accounts


@dataclass
class BoughtLikes:
    post: np.ndarray  # index into the post schedule
    actor: np.ndarray  # global account index
    created_at: np.ndarray


@dataclass
class FarmLikes:
    post: np.ndarray  # index into the post schedule
    actor: np.ndarray  # global account index
    created_at: np.ndarray
    farm: np.ndarray


def _delivery(rng: np.random.Generator, cfg: SimConfig, n: int) -> tuple[np.ndarray, bool]:
    """Delivery times (sorted) and whether the purchase is a slow drip."""
    span = cfg.end_ts - cfg.start_ts
    slow = bool(rng.random() < cfg.slow_drip)
    dur = int((3 + 7 * rng.random()) * DAY if slow else (1 + 5 * rng.random()) * HOUR)
    if slow and cfg.drip_days > 0:  # the draw above is still made: same stream either way
        dur = int(cfg.drip_days * DAY)
    dur = max(min(dur, span - 2), 1)
    lead = min(DAY, (span - dur) // 4)  # not on the very first hours when there is room
    ds = cfg.start_ts + lead + int(rng.random() * max(span - dur - lead - 1, 1))
    return np.sort(before(ds + np.floor(rng.random(n) * dur).astype(np.int64))), slow


def _age(cfg: SimConfig, a: int, j: int, cols: dict[str, np.ndarray], first: int) -> bool:
    """Make the batch aged (in place) when its vendor sells aged accounts; True if so."""
    rng = stream(cfg.seed, "purchase-aged", a, j)
    if not rng.random() < cfg.aged_bought_share:
        return False
    n = len(cols["created_at"])
    age = (0.5 + 3.5 * rng.random(n)) * YEAR
    cols["created_at"] = np.maximum(first - age.astype(np.int64), LAUNCH[int(cols["platform"][0])])
    cols["camouflaged"] = np.ones(n, dtype=bool)
    cols["default_avatar"] = np.zeros(n, dtype=bool)
    cols["has_bio"] = np.ones(n, dtype=bool)
    cols["posts"] = np.floor(lognormal(rng, 60, 1.0, n)).astype(np.int64) + 5
    cols["followers"] = np.floor(lognormal(rng, 150, 0.9, n)).astype(np.int64) + 20
    cols["following"] = np.floor(lognormal(rng, 300, 0.7, n)).astype(np.int64)
    cols["post_rate"] = np.full(n, 0.2, dtype=np.float32)
    return True


def follower_purchases(
    cfg: SimConfig, tracked: Tracked, audience_at_start: np.ndarray, acc: AccountTable
) -> tuple[list[Purchase], list[Edges]]:
    """Purchases (truth) and the bought follow edges per tracked account."""
    rng = stream(cfg.seed, "buyers")
    edges = [_empty_edges() for _ in range(cfg.tracked)]
    if cfg.buyers <= 0 or cfg.purchases_per_buyer <= 0:
        return [], edges
    n_buyers = max(1, round(cfg.buyers * cfg.tracked))
    buyers = np.sort(rng.choice(cfg.tracked, n_buyers, replace=False))
    counts = rng.integers(1, cfg.purchases_per_buyer + 1, n_buyers)
    purchases: list[Purchase] = []
    for a, k in zip(buyers.tolist(), counts.tolist(), strict=True):
        plat = int(tracked.platform[a])
        for j in range(k):
            prng = stream(cfg.seed, "purchase", a, j)
            share = cfg.bought_min + (cfg.bought_max - cfg.bought_min) * prng.random()
            n = max(20, round(share * audience_at_start[a]))
            t, slow = _delivery(prng, cfg, n)
            cluster_end = t[0] - int((0.5 + 4.5 * prng.random()) * DAY)
            created = cluster_end - np.floor(prng.random(n) * (0.5 + 2.5 * prng.random()) * DAY)
            camo = prng.random(n) < cfg.camouflage
            country = prng.choice(len(COUNTRIES), 2)[prng.integers(0, 2, n)]
            cols = thin_accounts(prng, n, plat, BOUGHT, created.astype(np.int64), camo, country)
            aged = _age(cfg, a, j, cols, int(t[0]))
            camo = cols["camouflaged"]
            idx = acc.add(**cols)
            drop = prng.random(n) < cfg.bought_drop
            gone = after_snapshot(t + (7 + np.floor(prng.random(n) * 33)).astype(np.int64) * DAY)
            unfollow = np.where(drop & (gone < cfg.end_ts), gone, NEVER)
            number = len(purchases)
            edges[a] = Edges.concat(
                [
                    edges[a],
                    Edges(
                        idx,
                        t,
                        unfollow,
                        np.full(n, NEVER),
                        np.full(n, R_BOUGHT, dtype=np.int8),
                        np.where(camo, 0.01 * cfg.engagement, 0.0).astype(np.float32),
                        np.full(n, number, dtype=np.int32),
                    ),
                ]
            )
            purchases.append(
                Purchase(
                    f"BF-{number + 1:04d}",
                    *(plat, a, "followers", n, int(t[0]), int(t[-1])),
                    delivery="drip" if slow else "burst",
                    aged=aged,
                )
            )
    return purchases, edges


def bought_likes(
    cfg: SimConfig, purchases: list[Purchase], edges: list[Edges], posts: PostSchedule
) -> BoughtLikes:
    """A `bought_like_rate` of each batch likes one or two of the buyer's next posts after its
    delivery (while it still follows), 15 min to a day after the post."""
    parts: list[tuple[np.ndarray, ...]] = []
    for number, p in enumerate(x for x in purchases if x.kind == "followers"):
        if cfg.bought_like_rate <= 0:
            break
        rng = stream(cfg.seed, "bought-likes", number)
        e = edges[p.account]
        sel = np.flatnonzero(e.purchase == number)
        sel = sel[rng.random(len(sel)) < cfg.bought_like_rate]
        mine = np.flatnonzero(posts.tracked == p.account)  # sorted by created_at
        times = posts.created_at[mine]
        k = rng.integers(1, 3, len(sel))  # one or two posts each
        first = np.searchsorted(times, e.follow_at[sel], side="right") + rng.integers(
            0, 3, len(sel)
        )
        for step in (0, 1):
            j = first + step
            ok = (step < k) & (j < len(mine))
            j = np.minimum(j, max(len(mine) - 1, 0))
            if not len(mine):
                break
            ok &= times[j] < e.unfollow_at[sel]
            delay = np.exp(np.log(2 * HOUR) + 1.0 * rng.standard_normal(len(sel)))
            at = before(times[j] + delay.clip(900, DAY).astype(np.int64))
            ok &= at < e.unfollow_at[sel]
            parts.append((mine[j][ok], e.follower[sel][ok], at[ok]))
    if not parts:
        z = np.zeros(0, dtype=np.int64)
        return BoughtLikes(z, z, z)
    cols = [np.concatenate(c).astype(np.int64) for c in zip(*parts, strict=True)]
    return BoughtLikes(*cols)


def _empty_edges() -> Edges:
    z = np.zeros(0, dtype=np.int64)
    return Edges(z, z, z, z, z.astype(np.int8), z.astype(np.float32), z.astype(np.int32))


def like_farms(
    cfg: SimConfig, tracked: Tracked, posts: PostSchedule, acc: AccountTable
) -> tuple[list[Purchase], FarmLikes, list[np.ndarray]]:
    """Like purchases (truth), every farm like, and the member accounts of each farm."""
    platforms = sorted(set(tracked.platform.tolist()))
    purchases: list[Purchase] = []
    likes: list[tuple[np.ndarray, ...]] = []
    members_of: list[np.ndarray] = []
    last_post = cfg.end_ts - DAY  # boosted posts leave a day for the farm to deliver
    for f in range(cfg.like_farms):
        rng = stream(cfg.seed, "farm", f)
        plat = platforms[f % len(platforms)]
        n = int(rng.integers(cfg.farm_min, cfg.farm_max + 1))
        newest = cfg.start_ts - int((60 + 340 * rng.random()) * DAY)
        created = newest - np.floor(rng.random(n) * (2 + 8 * rng.random()) * DAY)
        country = np.full(n, rng.choice([10, 11, 12, 3]))  # TR, ID, IN, BR
        members = acc.add(
            **thin_accounts(
                rng, n, plat, FARM, created.astype(np.int64), np.zeros(n, dtype=bool), country
            )
        )
        members_of.append(members)
        targets = [a for a in range(cfg.tracked) if tracked.platform[a] == plat]
        boosted: set[int] = set()
        for j in range(cfg.farm_purchases):
            a = targets[(f + j) % len(targets)]
            bought_at = cfg.start_ts + int(rng.random() * 0.85 * (cfg.end_ts - cfg.start_ts))
            k = int(rng.integers(min(2, cfg.farm_posts), cfg.farm_posts + 1))
            cand = np.flatnonzero(
                (posts.tracked == a)
                & (posts.created_at >= bought_at)
                & (posts.created_at < last_post)
            )
            chosen = [int(i) for i in cand[:k] if int(i) not in boosted]
            rows = []
            for post in chosen:  # a handful of posts per purchase
                boosted.add(post)
                who = members[rng.random(n) < 0.7 + 0.3 * rng.random()]
                if len(who) == 0:
                    who = members[:1]
                first = posts.created_at[post] + 300 + int(rng.random() * 3 * HOUR)
                at = first + np.floor(rng.random(len(who)) * (60 + 240 * rng.random()))
                rows.append(
                    (
                        np.full(len(who), post),
                        who,
                        before(at.astype(np.int64)),
                        np.full(len(who), f),
                    )
                )
            if not rows:
                continue
            block = [np.concatenate(c) for c in zip(*rows, strict=True)]
            likes.append(tuple(block))
            purchases.append(
                Purchase(
                    f"BL-{len(purchases) + 1:04d}",
                    plat,
                    a,
                    "likes",
                    len(block[0]),
                    int(block[2].min()),
                    int(block[2].max()),
                )
            )
    if likes:
        cols = [np.concatenate(c).astype(np.int64) for c in zip(*likes, strict=True)]
    else:
        cols = [np.zeros(0, dtype=np.int64)] * 4
    return purchases, FarmLikes(*cols), members_of
