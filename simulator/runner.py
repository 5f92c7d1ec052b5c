"""`generate()`: build the world, then stream it out day by day.

The world (accounts, follow histories, post schedule, purchases, farms) is planned up front;
it is small (O(accounts + follow edges)). Interactions, the bulk of the data, are generated per
post when it is published and written on the day they happen, so memory stays bounded by a
few days of interactions whatever the length of the run.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np

from orchestration.cli.progress import bar as progress_bar
from simulator import audience as aud_mod
from simulator import day_tables as tables
from simulator.config import PLATFORMS, SimConfig
from simulator.engagement import Engine
from simulator.observe import Observer
from simulator.population import (
    AccountTable,
    Tracked,
    build_population,
    tracked_accounts,
)
from simulator.posts import PostSchedule, schedule
from simulator.profiles import profile_strings
from simulator.purchases import (
    BoughtLikes,
    FarmLikes,
    Purchase,
    bought_likes,
    follower_purchases,
    like_farms,
)
from simulator.rng import stream
from simulator.truth import write_truth
from simulator.writers import ENTITIES, FileWriter, Frame

TRUTH_FILES = (
    "follower_roles.csv",
    "purchases.csv",
    "like_farm_posts.csv",
    "like_farm_actors.csv",
    "daily_followers.csv",
    "manifest.json",
    "README.md",
)


@dataclass
class World:
    tracked: Tracked
    acc: AccountTable
    audiences: list[aud_mod.Audience]
    posts: PostSchedule
    post_counters: np.ndarray
    purchases: list[Purchase]
    farm: FarmLikes
    farm_members: list[np.ndarray]
    bought_likes: BoughtLikes


def build_world(cfg: SimConfig) -> World:
    tracked = tracked_accounts(cfg)
    acc = AccountTable()
    build_population(cfg, tracked, acc)
    organic, churn, at_start = [], [], np.zeros(cfg.tracked, dtype=np.int64)
    for a in range(cfg.tracked):
        org = aud_mod.organic(cfg, a, tracked, acc)
        organic.append(org)
        at_start[a] = int(
            ((org.follow_at < cfg.start_ts) & (org.unfollow_at >= cfg.start_ts)).sum()
        )
        churn.append(aud_mod.churners(cfg, a, tracked, acc, len(org)))
    bought_p, bought = follower_purchases(cfg, tracked, at_start, acc)
    posts, counters = schedule(cfg, tracked)
    likes_p, farm, members = like_farms(cfg, tracked, posts, acc)
    b_likes = bought_likes(cfg, bought_p, bought, posts)
    acc.strings = profile_strings(cfg, tracked, acc.columns())
    audiences = [
        aud_mod.Audience(
            cfg,
            a,
            int(tracked.platform[a]),
            aud_mod.Edges.concat([organic[a], churn[a], bought[a]]),
            acc.size,
        )
        for a in range(cfg.tracked)
    ]
    return World(
        tracked, acc, audiences, posts, counters, bought_p + likes_p, farm, members, b_likes
    )


def _check_dirs(landing: Path, truth: Path, overwrite: bool) -> None:
    if landing == truth or truth.is_relative_to(landing) or landing.is_relative_to(truth):
        raise ValueError(
            f"truth ({truth}) must be a separate directory, never under landing ({landing})"
        )
    existing = [landing / e for e in ENTITIES if (landing / e).exists()]
    existing += [truth / f for f in TRUTH_FILES if (truth / f).exists()]
    if existing and not overwrite:
        raise FileExistsError(f"{existing[0]} already exists (pass overwrite=True to replace)")
    for path in existing:
        shutil.rmtree(path) if path.is_dir() else path.unlink()


def _day_frames(
    cfg: SimConfig, w: World, engine: Engine, observer: Observer, counters: np.ndarray, d: int
) -> dict[str, dict[int, Frame]]:
    """Every entity's frames (per platform) for dump day d."""
    t0 = cfg.start_ts + d * aud_mod.DAY
    rngs: dict[int, np.random.Generator] = {}
    for i in w.posts.on_day(t0).tolist():
        a = int(w.posts.tracked[i])
        if a not in rngs:
            rngs[a] = stream(cfg.seed, "engage", a, d)
        engine.publish(rngs[a], i)
    inter, others = engine.release(d)
    follows, appearing = tables.follow_frames(cfg, w.tracked, w.acc, w.audiences, d)
    seen_today = [appearing] + [r.actor for r in (inter, others) if r is not None]
    frames: dict[str, dict[int, Frame]] = {
        "accounts": observer.frames(d, np.concatenate(seen_today)),
        "follows": follows,
        "follower_snapshots": tables.snapshot_frames(cfg, w.tracked, w.acc, w.audiences, d),
        "posts": tables.post_frames(cfg, w.acc, w.posts, engine, d, others),
        "interactions": tables.interaction_frames(w.acc, inter, counters),
    }
    if d in (0, cfg.days - 1):
        frames["tracked_accounts"] = {0: tables.tracked_frame(w.tracked, w.acc)}
    return frames


def generate(
    cfg: SimConfig, landing: Path, truth: Path, progress: bool = True, overwrite: bool = False
) -> dict[str, Any]:
    """Write the landing dumps and the ground truth; returns counts, files written, seconds."""
    began = time.perf_counter()
    landing, truth = Path(landing).resolve(), Path(truth).resolve()
    _check_dirs(landing, truth, overwrite)
    landing.mkdir(parents=True, exist_ok=True)
    w = build_world(cfg)
    planned = time.perf_counter()
    engine = Engine(
        cfg, w.tracked, w.acc, w.audiences, w.posts, w.post_counters, w.farm, w.bought_likes
    )
    observer = Observer(cfg, w.acc, w.audiences, w.posts)
    counters = np.zeros(len(PLATFORMS), dtype=np.int64)
    rows = dict.fromkeys(ENTITIES, 0)
    writer = FileWriter(landing, cfg.part_rows)
    try:
        with progress_bar("generating", "days", progress) as bar:
            task = bar.add_task("days", total=cfg.days)
            for d in range(cfg.days):
                frames = _day_frames(cfg, w, engine, observer, counters, d)
                date = (cfg.start + timedelta(days=d)).isoformat()
                jobs = [
                    (entity, d, date, p, "all" if entity == "tracked_accounts" else PLATFORMS[p], f)
                    for entity, per_platform in frames.items()
                    for p, f in sorted(per_platform.items())
                ]
                for entity, n in writer.submit_day(jobs).items():
                    rows[entity] += n
                bar.advance(task)
            writer.wait()
    finally:
        writer.close()
    written = time.perf_counter()
    truth_rows = write_truth(
        truth,
        cfg,
        w.tracked,
        w.acc,
        w.audiences,
        w.purchases,
        w.farm,
        w.farm_members,
        w.posts,
        {"landing_rows": rows, "accounts_total": w.acc.size},
    )
    done = time.perf_counter()
    return {
        "rows": rows,
        "truth_rows": truth_rows,
        "accounts_total": w.acc.size,
        "files": writer.files,
        "bytes": writer.bytes,
        "seconds": round(done - began, 3),
        "seconds_planning": round(planned - began, 3),
        "seconds_writing": round(written - planned, 3),
        "interactions_per_second": round(rows["interactions"] / max(done - began, 1e-9)),
        "landing": str(landing),
        "truth": str(truth),
    }
