"""Per-day frames of the follows, follower_snapshots, posts, interactions and tracked_accounts
entities, one frame per platform. Only vectorised column work here, no per-row Python.

Follows of day D: the follow/unfollow events with `event_at` on day D of event-sourced tracked
accounts, plus the tracked accounts' follow-backs (follower = tracked account, followee = the
follower) of every tracked account, whatever its source. The first dump (day 0) also holds,
as follow events with their original `event_at` before the start date, every follow that is
still in force at the start (the pre-existing audience, and pre-existing follow-backs).
Snapshots of day D: the complete follower list of each snapshot-sourced account at
D 23:59:59Z, most recent follower first.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from simulator.audience import DAY, Audience
from simulator.config import COUNTRIES, LANGS, PLATFORMS, SimConfig
from simulator.engagement import CLIENTS, INTERACTION_KINDS, LIKE, Engine, Rows
from simulator.ids import INTERACTION_ID_BASE
from simulator.population import AccountTable, Tracked
from simulator.posts import POST_KINDS, PostSchedule
from simulator.text import text_table
from simulator.writers import Col, Frame

_EARLIEST = -(2**62)


def _labels(name: str, names: tuple[str, ...], codes: np.ndarray) -> Col:
    return Col(name, "ref", np.asarray(codes, dtype=np.int64), source=pa.array(names, pa.string()))


def _const(value: str, n: int) -> Col:
    return _labels("platform", (value,), np.zeros(n, dtype=np.int64))


def _ids(name: str, acc: AccountTable, idx: np.ndarray) -> Col:
    return Col(name, "ref", np.asarray(idx, dtype=np.int64), source=acc.strings["id"])


def follow_frames(
    cfg: SimConfig, tracked: Tracked, acc: AccountTable, audiences: list[Audience], d: int
) -> tuple[dict[int, Frame], np.ndarray]:
    """Follows frames per platform, and the followers who (re)appear today (any source)."""
    t0 = cfg.start_ts + d * DAY
    lo = _EARLIEST if d == 0 else t0
    parts: dict[int, list[tuple[np.ndarray, ...]]] = {}
    appearing = []
    for aud in audiences:
        a, e = aud.a, aud.e
        follow = aud.follows_between(lo, t0 + DAY)
        appearing.append(e.follower[follow])
        blocks: list[tuple[np.ndarray, ...]] = []
        if not tracked.snapshot_source[a]:
            unfollow = aud.unfollows_between(t0, t0 + DAY)
            blocks.append(
                (
                    e.follower[follow],
                    np.full(len(follow), a),
                    np.zeros(len(follow)),
                    e.follow_at[follow],
                )
            )
            blocks.append(
                (
                    e.follower[unfollow],
                    np.full(len(unfollow), a),
                    np.ones(len(unfollow)),
                    e.unfollow_at[unfollow],
                )
            )
        back = aud.followbacks_between(lo, t0 + DAY)
        blocks.append((np.full(len(back), a), e.follower[back], np.zeros(len(back)), e.fb_at[back]))
        parts.setdefault(aud.platform, []).extend(blocks)
    frames: dict[int, Frame] = {}
    for p, blocks in sorted(parts.items()):
        follower, followee, action, at = (np.concatenate(c) for c in zip(*blocks, strict=True))
        if len(at) == 0:
            continue
        o = np.lexsort((action, followee, follower, at))
        frames[p] = [
            _const(PLATFORMS[p], len(o)),
            _ids("follower_id", acc, follower[o]),
            _ids("followee_id", acc, followee[o]),
            _labels("action", ("follow", "unfollow"), action[o]),
            Col("event_at", "ts", at[o].astype(np.int64)),
        ]
    return frames, np.concatenate(appearing) if appearing else np.zeros(0, dtype=np.int64)


def snapshot_frames(
    cfg: SimConfig, tracked: Tracked, acc: AccountTable, audiences: list[Audience], d: int
) -> dict[int, Frame]:
    t_end = cfg.start_ts + d * DAY + DAY - 1
    parts: dict[int, list[tuple[np.ndarray, np.ndarray]]] = {}
    for aud in audiences:
        if tracked.snapshot_source[aud.a]:
            active = aud.active_at(t_end)[::-1]
            parts.setdefault(aud.platform, []).append(
                (np.full(len(active), aud.a), aud.e.follower[active])
            )
    frames: dict[int, Frame] = {}
    for p, blocks in sorted(parts.items()):
        followee, follower = (np.concatenate(c).astype(np.int64) for c in zip(*blocks, strict=True))
        n = len(followee)
        frames[p] = [
            _const(PLATFORMS[p], n),
            _ids("followee_id", acc, followee),
            _ids("follower_id", acc, follower),
            Col("snapshot_at", "ts", np.full(n, t_end, dtype=np.int64)),
        ]
    return frames


def post_frames(
    cfg: SimConfig,
    acc: AccountTable,
    posts: PostSchedule,
    engine: Engine,
    d: int,
    others: Rows | None,
) -> dict[int, Frame]:
    """Tracked posts created on day d, and non-tracked posts observed on day d."""
    texts = text_table()[0]
    mine = posts.on_day(cfg.start_ts + d * DAY)
    no_stats = np.zeros(0 if others is None else len(others), dtype=np.int64)
    cols = {
        "platform": [posts.platform[mine]],
        "post_id": [posts.post_id[mine]],
        "author": [posts.tracked[mine]],
        "created_at": [posts.created_at[mine]],
        "kind": [posts.kind[mine]],
        "text": [posts.text[mine]],
        "impressions": [engine.impressions[mine]],
        "reach": [engine.reach[mine]],
        "has_stats": [np.ones(len(mine), dtype=bool)],
    }
    if others is not None:
        for k, v in (
            ("platform", others.platform),
            ("post_id", others.post_id),
            ("author", others.actor),
            ("created_at", others.created_at),
            ("kind", others.kind),
            ("text", others.text),
            ("impressions", no_stats),
            ("reach", no_stats),
            ("has_stats", no_stats.astype(bool)),
        ):
            cols[k].append(v)
    c = {k: np.concatenate(v) for k, v in cols.items()}
    frames: dict[int, Frame] = {}
    for p in range(len(PLATFORMS)):
        sel = np.flatnonzero(c["platform"] == p)
        if len(sel) == 0:
            continue
        sel = sel[np.lexsort((c["post_id"][sel], c["created_at"][sel]))]
        stats = c["has_stats"][sel]
        frames[p] = [
            _const(PLATFORMS[p], len(sel)),
            Col("post_id", "num", c["post_id"][sel]),
            _ids("account_id", acc, c["author"][sel]),
            Col("created_at", "ts", c["created_at"][sel]),
            _labels("kind", POST_KINDS, c["kind"][sel]),
            Col("text", "ref", c["text"][sel], c["text"][sel] >= 0, texts),
            Col("impressions", "int", pa.array(c["impressions"][sel], mask=~stats)),
            Col("reach", "int", pa.array(c["reach"][sel], mask=~stats | (p != 0))),
        ]
    return frames


def interaction_frames(
    acc: AccountTable, rows: Rows | None, counters: np.ndarray
) -> dict[int, Frame]:
    if rows is None:
        return {}
    texts = text_table()[0]
    frames: dict[int, Frame] = {}
    for p in range(len(PLATFORMS)):
        sel = np.flatnonzero(rows.platform == p)
        n = len(sel)
        if n == 0:
            continue
        kind = rows.kind[sel]
        txt = rows.text[sel]
        iid = INTERACTION_ID_BASE[p] + int(counters[p]) + np.arange(n, dtype=np.int64)
        counters[p] += n
        frames[p] = [
            _const(PLATFORMS[p], n),
            Col("post_id", "num", rows.post_id[sel]),
            _ids("actor_id", acc, rows.actor[sel]),
            _labels("kind", INTERACTION_KINDS, kind),
            Col("created_at", "ts", rows.created_at[sel]),
            Col("interaction_id", "num", iid, kind != LIKE),  # likes have no id on platforms
            Col("text", "ref", txt, txt >= 0, texts),
            _labels("client", CLIENTS, rows.client[sel]),
        ]
    return frames


def tracked_frame(tracked: Tracked, acc: AccountTable) -> Frame:
    n = len(tracked.platform)
    return [
        Col("platform", "str", pa.array([PLATFORMS[p] for p in tracked.platform])),
        Col("account_id", "str", acc.strings["id"].take(pa.array(np.arange(n)))),
        Col("name", "str", pa.array(tracked.names)),
        Col("home_country", "str", pa.array([COUNTRIES[c][0] for c in tracked.country])),
        Col("home_lang", "str", pa.array([LANGS[x] for x in tracked.lang])),
    ]
