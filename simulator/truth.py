"""Ground truth, written next to (never inside) the landing tree. See TRUTH_README below."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from simulator.audience import DAY, ROLES, Audience
from simulator.config import PLATFORMS, SimConfig
from simulator.ids import id_strings
from simulator.population import AccountTable, Tracked
from simulator.posts import PostSchedule
from simulator.purchases import FarmLikes, Purchase
from simulator.timefmt import iso_array

TRUTH_README = """\
# Simulator ground truth

Written by `truefans generate` next to the landing tree (never inside it). Deterministic:
the same config gives byte-identical files. All timestamps are ISO 8601 UTC (`Z`); dates UTC.

## follower_roles.csv — one row per (tracked account, follower) relationship seen in the dumps
`platform, account_id` (tracked), `follower_id, role, purchase_id, is_camouflaged,
first_followed_at, is_follower_at_end`.
A relationship is "seen" if it is in force at the start date or begins inside the window.
`role` is one of fan, casual, ghost, off_market, influencer, mass_follower, follow_churner,
bought. Precedence: bought > follow_churner > influencer > mass_follower > off_market >
(fan | casual | ghost). fan: engages with 25-70 % of posts; casual: heavy-tailed low
propensity; ghost: never engages; off_market: other country and other language than the
tracked account, very low interest. `purchase_id` is empty unless bought; `is_camouflaged`
marks bought accounts made to look real. `first_followed_at` may precede the start date.

## purchases.csv
`purchase_id, platform, account_id, kind (followers|likes), size, delivery_start,
delivery_end, delivery, is_aged`: size = accounts delivered (followers) or likes delivered
(likes); delivery start/end = first and last delivered follow / like, so every delivery lies
inside them. For follower purchases `delivery` is `burst` (within hours) or `drip` (over
days: `slow_drip`, `drip_days`) and `is_aged` marks a vendor of aged accounts (created months
to years before, camouflaged profiles: `aged_bought_share`); both are empty for likes.
Bought followers that like the buyer's posts (`bought_like_rate`) are in the interactions.

## like_farm_posts.csv / like_farm_actors.csv
`platform, post_id, account_id, farm_id, likes, first_like_at, last_like_at`: one row per
(boosted post, farm). `platform, actor_id, farm_id`: farm membership.

## daily_followers.csv
`platform, account_id, date, followers, follows_gross, unfollows_gross`, one row per tracked
account and dump date D. `followers` = accounts following at D 23:59:59Z (end of day,
the instant of the snapshots), pre-existing audience included. `follows_gross` /
`unfollows_gross` = follow / unfollow events whose event_at falls on day D (UTC). The
pre-existing audience's follows happened before the start date: they are in the first
dump (as events with event_at < start) and in day 0's `followers`, never in a gross count.
Follow-backs (the tracked account following someone) are not counted: they change the
tracked account's followings, not its followers. This is the same for every follow source:
replaying the follows events (all event_at <= D 23:59:59), or counting the snapshot rows of
day D, gives `followers`; differences of consecutive snapshots give the gross counts (no
follow is undone on the same UTC day).

## manifest.json
The config used, which tracked accounts come as snapshots, and counts.
"""


def _csv(path: Path, columns: dict[str, pa.Array | list[Any]]) -> int:
    table = pa.table(columns)
    buf = io.BytesIO()
    pacsv.write_csv(table, buf, pacsv.WriteOptions(include_header=True, quoting_style="needed"))
    path.write_bytes(buf.getvalue())
    return table.num_rows


def _iso(values: np.ndarray) -> pa.Array:
    return iso_array(np.asarray(values, dtype=np.int64))


def write_truth(
    truth: Path,
    cfg: SimConfig,
    tracked: Tracked,
    acc: AccountTable,
    audiences: list[Audience],
    purchases: list[Purchase],
    farm: FarmLikes,
    farm_members: list[np.ndarray],
    posts: PostSchedule,
    extra: dict[str, Any],
) -> dict[str, int]:
    truth.mkdir(parents=True, exist_ok=True)
    ids = acc.strings["id"]
    pid = pa.array([p.purchase_id for p in purchases if p.kind == "followers"], pa.string())
    role_cols: dict[str, list[pa.Array]] = {}
    role_codes: list[np.ndarray] = []
    daily: dict[str, list[pa.Array]] = {}
    last = cfg.end_ts - 1
    day_starts = cfg.start_ts + DAY * np.arange(cfg.days, dtype=np.int64)
    dates = pa.array([(cfg.start + timedelta(days=d)).isoformat() for d in range(cfg.days)])
    for aud in audiences:
        e = aud.e
        follower, first = np.unique(e.follower, return_index=True)
        current = np.isin(follower, e.follower[aud.active_at(last)])
        role_codes.append(e.role[first])
        n = len(follower)
        cols = {
            "platform": pa.array([PLATFORMS[aud.platform]] * n, pa.string()),
            "account_id": ids.take(pa.array(np.full(n, aud.a))),
            "follower_id": ids.take(pa.array(follower)),
            "role": pa.array(np.array(ROLES)[e.role[first]]),
            "purchase_id": pid.take(pa.array(e.purchase[first], mask=e.purchase[first] < 0)),
            "is_camouflaged": pa.array(acc.camouflaged[follower]),
            "first_followed_at": _iso(e.follow_at[first]),
            "is_follower_at_end": pa.array(current),
        }
        for k, v in cols.items():
            role_cols.setdefault(k, []).append(v)
        gross_f = np.diff(np.searchsorted(e.follow_at, np.append(day_starts, cfg.end_ts)))
        gross_u = np.diff(np.searchsorted(aud.unf_sorted, np.append(day_starts, cfg.end_ts)))
        for k, v in {
            "platform": pa.array([PLATFORMS[aud.platform]] * cfg.days, pa.string()),
            "account_id": ids.take(pa.array(np.full(cfg.days, aud.a))),
            "date": dates,
            "followers": pa.array(aud.count_at(day_starts + DAY - 1)),
            "follows_gross": pa.array(gross_f),
            "unfollows_gross": pa.array(gross_u),
        }.items():
            daily.setdefault(k, []).append(v)
    counts = {
        "follower_roles": _csv(
            truth / "follower_roles.csv", {k: pa.concat_arrays(v) for k, v in role_cols.items()}
        ),
        "daily_followers": _csv(
            truth / "daily_followers.csv", {k: pa.concat_arrays(v) for k, v in daily.items()}
        ),
        "purchases": _csv(
            truth / "purchases.csv",
            {
                "purchase_id": [p.purchase_id for p in purchases],
                "platform": [PLATFORMS[p.platform] for p in purchases],
                "account_id": ids.take(pa.array([p.account for p in purchases], pa.int64())),
                "kind": [p.kind for p in purchases],
                "size": pa.array([p.size for p in purchases], pa.int64()),
                "delivery_start": _iso(np.array([p.delivery_start for p in purchases])),
                "delivery_end": _iso(np.array([p.delivery_end for p in purchases])),
                "delivery": pa.array([p.delivery or None for p in purchases], pa.string()),
                "is_aged": pa.array(
                    [p.aged if p.kind == "followers" else None for p in purchases], pa.bool_()
                ),
            },
        ),
    }
    counts.update(_farm_truth(truth, farm, farm_members, posts, acc))
    role_counts = np.bincount(np.concatenate(role_codes), minlength=len(ROLES))
    manifest = {
        "config": cfg.to_dict(),
        "window": {
            "start": _iso(np.array([cfg.start_ts]))[0].as_py(),
            "end_exclusive": _iso(np.array([cfg.end_ts]))[0].as_py(),
        },
        "tracked_accounts": [
            {
                "platform": PLATFORMS[int(tracked.platform[a])],
                "account_id": ids[a].as_py(),
                "name": tracked.names[a],
                "follow_source": "snapshots" if tracked.snapshot_source[a] else "events",
            }
            for a in range(cfg.tracked)
        ],
        "roles": {r: int(c) for r, c in zip(ROLES, role_counts, strict=True) if c},
        "truth_rows": counts,
        **extra,
    }
    (truth / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    (truth / "README.md").write_text(TRUTH_README)
    return counts


def _farm_truth(
    truth: Path, farm: FarmLikes, members: list[np.ndarray], posts: PostSchedule, acc: AccountTable
) -> dict[str, int]:
    n_farms = max(len(members), 1)
    key = farm.post * n_farms + farm.farm
    order = np.lexsort((farm.created_at, key))
    key, at = key[order], farm.created_at[order]
    uniq, start, count = np.unique(key, return_index=True, return_counts=True)
    post, f = uniq // n_farms, uniq % n_farms
    plat = posts.platform[post]
    farm_id = np.array([f"farm-{i + 1:02d}" for i in range(n_farms)])
    rows = _csv(
        truth / "like_farm_posts.csv",
        {
            "platform": pa.array(np.array(PLATFORMS)[plat]),
            "post_id": id_strings(posts.post_id[post]),
            "account_id": acc.strings["id"].take(pa.array(posts.tracked[post])),
            "farm_id": pa.array(farm_id[f]),
            "likes": pa.array(count.astype(np.int64)),
            "first_like_at": _iso(at[start]),
            "last_like_at": _iso(at[start + count - 1]),
        },
    )
    member = np.concatenate(members) if members else np.zeros(0, dtype=np.int64)
    which = np.repeat(np.arange(len(members)), [len(m) for m in members]) if members else member
    actors = _csv(
        truth / "like_farm_actors.csv",
        {
            "platform": pa.array(np.array(PLATFORMS)[acc.platform[member]]),
            "actor_id": acc.strings["id"].take(pa.array(member, pa.int64())),
            "farm_id": pa.array(farm_id[which], pa.string()),
        },
    )
    return {"like_farm_posts": rows, "like_farm_actors": actors}
