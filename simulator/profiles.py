"""Text columns of every account (ids, handles, names, bios, locations, urls), vectorised.

Organic handles look like `anna_sun42`, bought ones are digit-heavy (`anna83920174`), farm
ones `anna_pixel4821`; tracked accounts use their brand. An empty bio is `""` (known empty);
a few per cent of bios and display names are null (unknown).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from simulator import ids, text
from simulator.config import (
    BOUGHT,
    CHURNER,
    FARM,
    INFLUENCER,
    LANGS,
    MASS,
    TRACKED,
    TW,
    SimConfig,
)
from simulator.rng import stream

if TYPE_CHECKING:
    from simulator.population import Tracked


_KIND = {
    "influencer": INFLUENCER,
    "mass": MASS,
    "churner": CHURNER,
    "bought": BOUGHT,
    "farm": FARM,
    "tracked": TRACKED,
}


def lognormal(rng: np.random.Generator, median: float, sigma: float, n: int) -> np.ndarray:
    return np.exp(np.log(median) + sigma * rng.standard_normal(n))


def base_columns(rng: np.random.Generator, kind: np.ndarray, platform: np.ndarray) -> dict:
    """Profile counts and flags typical of each account kind (vectorised over rows)."""
    n = len(kind)

    def by_kind(default: np.ndarray, **per_kind: np.ndarray) -> np.ndarray:
        out = default.copy()
        for k, values in per_kind.items():
            sel = kind == _KIND[k]
            out[sel] = values[sel]
        return out

    u = rng.random((8, n))
    camo = np.zeros(n, dtype=bool)
    followers = by_kind(
        np.minimum(lognormal(rng, 180, 1.1, n), 4_999),
        influencer=5_000 * (1 + rng.pareto(1.1, n)).clip(max=1_000),
        mass=np.minimum(lognormal(rng, 400, 0.9, n), 4_999),
        churner=800 + 4_000 * u[0],
        bought=30 * u[0],
        farm=50 * u[0],
        tracked=np.zeros(n),
    )
    following = by_kind(
        np.minimum(lognormal(rng, 300, 0.7, n), 1_499),
        influencer=50 + 1_400 * u[1],
        mass=1_501 + 6_000 * u[1],
        churner=3_000 + 4_500 * u[1],
        bought=500 + 4_500 * u[1],
        farm=40 * u[1],
        tracked=100 + 700 * u[1],
    )
    posts = by_kind(
        lognormal(rng, 60, 1.2, n),
        influencer=300 + 4_700 * u[2],
        churner=lognormal(rng, 30, 1.0, n),
        bought=10 * u[2],
        farm=5 * u[2],
        tracked=200 + 2_800 * u[2],
    )
    avatar_p = by_kind(
        np.full(n, 0.08),
        influencer=np.zeros(n),
        mass=np.full(n, 0.1),
        churner=np.full(n, 0.03),
        bought=np.ones(n),
        farm=np.full(n, 0.8),
        tracked=np.zeros(n),
    )
    bio_p = by_kind(
        np.full(n, 0.65),
        influencer=np.full(n, 0.98),
        mass=np.full(n, 0.5),
        churner=np.full(n, 0.8),
        bought=np.zeros(n),
        farm=np.zeros(n),
        tracked=np.ones(n),
    )
    verified_p = by_kind(
        np.full(n, 0.002),
        influencer=np.full(n, 0.4),
        bought=np.zeros(n),
        farm=np.zeros(n),
        tracked=np.full(n, 0.6),
    )
    url_p = by_kind(
        np.full(n, 0.1),
        influencer=np.full(n, 0.7),
        bought=np.zeros(n),
        farm=np.zeros(n),
        tracked=np.ones(n),
    )
    listed = by_kind(
        np.floor(lognormal(rng, 1, 1.2, n)),
        influencer=10 + 4_990 * u[3],
        bought=np.zeros(n),
        farm=np.zeros(n),
        tracked=50 + 500 * u[3],
    )
    growth = by_kind(
        0.0005 + 0.001 * rng.standard_normal(n), bought=np.zeros(n), farm=np.zeros(n)
    ).clip(min=-0.002)
    follow_rate = by_kind(
        lognormal(rng, 0.1, 1.0, n),
        mass=5 + 20 * u[4],
        churner=20 + 60 * u[4],
        bought=20 + 80 * u[4],
        farm=np.zeros(n),
    )
    post_rate = by_kind(lognormal(rng, 0.1, 1.0, n), bought=np.zeros(n), farm=np.zeros(n))
    # unknown bits: 1 lang, 2 created_at, 4 avatar, 8 bio, 16 display name
    unknown = (
        (u[5] < 0.04) * 1
        + (u[6] < 0.02) * 2
        + (u[7] < 0.03) * 4
        + (rng.random(n) < 0.02) * 8
        + (rng.random(n) < 0.02) * 16
    )
    unknown = np.where(kind == TRACKED, 0, unknown).astype(np.int8)
    return {
        "followers": np.floor(followers).astype(np.int64),
        "following": np.floor(following).astype(np.int64),
        "posts": np.floor(posts).astype(np.int64),
        "listed": np.where(platform == TW, listed, 0).astype(np.int64),
        "default_avatar": rng.random(n) < avatar_p,
        "has_bio": rng.random(n) < bio_p,
        "verified": rng.random(n) < verified_p,
        "has_url": rng.random(n) < url_p,
        "camouflaged": camo,
        "growth": growth.astype(np.float32),
        "follow_rate": follow_rate.astype(np.float32),
        "post_rate": post_rate.astype(np.float32),
        "unknown": unknown,
    }


def profile_strings(
    cfg: SimConfig, tracked: Tracked, a: dict[str, np.ndarray]
) -> dict[str, pa.Array]:
    rng = stream(cfg.seed, "account-strings")
    n = len(a["kind"])
    kind, lang = a["kind"], a["lang"].astype(np.int64)
    names = text.pool("names")
    first = names.take(names.pick(rng, lang))
    lower = pc.utf8_lower(first)
    word = text.words().take(pa.array(rng.integers(0, len(text.WORDS), n)))
    organic = pc.binary_join_element_wise(
        lower, pa.array(np.where(rng.random(n) < 0.5, "_", ".")), word, ids.digits(rng, n, 2), ""
    )
    bought = pc.binary_join_element_wise(lower, ids.digits(rng, n, 8), "")
    farm = pc.binary_join_element_wise(lower, "_", word, ids.digits(rng, n, 4), "")
    first_rows = pa.array(np.minimum(np.arange(n), len(tracked.handles) - 1))
    t_handles = pa.array(tracked.handles, pa.string()).take(first_rows)
    handle = pc.case_when(
        pc.make_struct(pa.array(kind == TRACKED), pa.array(kind == BOUGHT), pa.array(kind == FARM)),
        t_handles,
        bought,
        farm,
        organic,
    )
    initial = pa.array(np.array(list("ABCDEFGHIJKLMNOPRSTVW"))[rng.integers(0, 21, n)])
    display = pc.binary_join_element_wise(first, " ", initial, ".", "")
    t_names = pa.array(tracked.names, pa.string()).take(first_rows)
    display = pc.if_else(pa.array(kind == TRACKED), t_names, display)
    display = pc.if_else(pa.array((a["unknown"] & 16) > 0), pa.scalar(None, pa.string()), display)
    bios = text.pool("bios")
    bio = pc.if_else(pa.array(a["has_bio"]), bios.take(bios.pick(rng, lang)), "")
    bio = pc.if_else(pa.array((a["unknown"] & 8) > 0), pa.scalar(None, pa.string()), bio)
    cities = text.pool("cities")
    city = cities.take(cities.pick(rng, a["country"]))
    location = pc.if_else(pa.array(rng.random(n) < 0.55), city, "")
    location = pc.if_else(pa.array(rng.random(n) < 0.05), pa.scalar(None, pa.string()), location)
    url = pc.binary_join_element_wise("https://", handle, ".example.com", "")
    url = pc.if_else(pa.array(a["has_url"]), url, pa.scalar(None, pa.string()))
    numbers = ids.account_numbers(stream(cfg.seed, "account-ids"), a["platform"], a["created_at"])
    return {
        "id": ids.account_id_strings(numbers, a["platform"]),
        "handle": handle,
        "display_name": display,
        "bio": bio,
        "location": location,
        "url": url,
        "lang": pa.array(np.array(LANGS)[lang]),
    }
