"""Accounts: tracked accounts, the organic population, and appended bought / farm accounts.

All accounts live in one table indexed by a global integer: tracked `[0, T)`, population
`[T, T + N)`, then bought accounts (per purchase) and like-farm accounts. Columns are numpy
arrays; the text columns (ids, handles, names, bios, ...) are built once, vectorised, by
`profiles.profile_strings` once the table is complete.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from simulator import text
from simulator.config import (
    CHURNER,
    COUNTRIES,
    IG,
    INFLUENCER,
    LANGS,
    MASS,
    N_HOMES,
    NORMAL,
    PLATFORMS,
    TRACKED,
    TW,
    SimConfig,
)
from simulator.profiles import base_columns, lognormal
from simulator.rng import stream

ORGANIC_KINDS = (NORMAL, INFLUENCER, MASS)
YEAR = 365 * 86_400
LAUNCH = {IG: 1_286_323_200, TW: 1_152_921_600}  # 2010-10-06, 2006-07-15
LANG_OF_COUNTRY = np.array([LANGS.index(lang) for _, lang in COUNTRIES], dtype=np.int8)

_NUMERIC: tuple[str, ...] = tuple(
    [
        "platform",
        "kind",
        "country",
        "lang",
        "created_at",
        "followers",
        "following",
        "posts",
        "listed",
        "default_avatar",
        "has_bio",
        "verified",
        "has_url",
        "camouflaged",
        "growth",
        "follow_rate",
        "post_rate",
        "unknown",
    ]
)


@dataclass
class Tracked:
    platform: np.ndarray  # int8 per tracked account
    country: np.ndarray  # index into COUNTRIES
    lang: np.ndarray  # index into LANGS
    names: list[str]
    handles: list[str]
    snapshot_source: np.ndarray  # bool: follower data only via follower_snapshots


def handle_of(name: str) -> str:
    """A handle as the platforms make them: accents folded to their letter (Käserei → kaserei,
    Lumière → lumiere), spaces to underscores, anything else outside a-z0-9_ dropped."""
    folded = unicodedata.normalize("NFKD", name.lower().replace("ß", "ss"))
    return "".join(
        ch for ch in folded.replace(" ", "_") if ch.isascii() and (ch.isalnum() or ch == "_")
    )


def tracked_accounts(cfg: SimConfig) -> Tracked:
    t = np.arange(cfg.tracked)
    names, handles = [], []
    for i in range(cfg.tracked):
        brand = text.BRANDS[i % len(text.BRANDS)]
        suffix = "" if i < len(text.BRANDS) else f" {i // len(text.BRANDS) + 1}"
        names.append(brand + suffix)
        handles.append(handle_of(brand) + suffix.strip())
    if cfg.follow_source == "events":
        snap = np.zeros(cfg.tracked, dtype=bool)
    elif cfg.follow_source == "snapshots":
        snap = np.ones(cfg.tracked, dtype=bool)
    else:
        snap = t % 4 == 3
        if not snap.any():
            snap[-1] = True
    country = (t % N_HOMES).astype(np.int16)
    return Tracked(
        platform=(t % 2).astype(np.int8),
        country=country,
        lang=LANG_OF_COUNTRY[country],
        names=names,
        handles=handles,
        snapshot_source=snap,
    )


class AccountTable:
    """Growing table of accounts; numeric columns as numpy arrays, text built at the end."""

    def __init__(self) -> None:
        self._cols: dict[str, list[np.ndarray]] = {k: [] for k in _NUMERIC}
        self._arrays: dict[str, np.ndarray] = {}
        self.strings: dict[str, pa.Array] = {}
        self.size = 0

    def add(self, **columns: np.ndarray) -> np.ndarray:
        """Append accounts; returns their global indices."""
        n = len(columns["platform"])
        for k in _NUMERIC:
            self._cols[k].append(np.asarray(columns[k]))
        self._arrays = {}
        first = self.size
        self.size += n
        return np.arange(first, self.size, dtype=np.int64)

    def __getattr__(self, name: str) -> np.ndarray:
        if name.startswith("_") or name not in _NUMERIC:
            raise AttributeError(name)
        if not self._arrays:
            self._arrays = {k: np.concatenate(v) for k, v in self._cols.items()}
            self._cols = {k: [v] for k, v in self._arrays.items()}
        return self._arrays[name]

    def columns(self) -> dict[str, np.ndarray]:
        return {k: getattr(self, k) for k in _NUMERIC}


def build_population(cfg: SimConfig, tracked: Tracked, table: AccountTable) -> None:
    """Tracked accounts then the organic population (global indices [0, T + N))."""
    rng = stream(cfg.seed, "population")
    start = cfg.start_ts
    t_kind = np.full(cfg.tracked, TRACKED, dtype=np.int8)
    t_created = start - (2 * YEAR + rng.random(cfg.tracked) * 8 * YEAR).astype(np.int64)
    t_created = np.maximum(t_created, np.array([LAUNCH[p] for p in tracked.platform]) + 86_400)
    table.add(
        platform=tracked.platform,
        kind=t_kind,
        country=tracked.country,
        lang=tracked.lang,
        created_at=t_created,
        **base_columns(rng, t_kind, tracked.platform),
    )

    n = cfg.accounts
    per_platform = np.bincount(tracked.platform, minlength=len(PLATFORMS)).astype(np.float64)
    platform = rng.choice(len(PLATFORMS), size=n, p=per_platform / per_platform.sum())
    platform = platform.astype(np.int8)
    shares = [cfg.influencer_share, cfg.mass_follower_share, cfg.churner_share]
    kind = rng.choice(
        [NORMAL, INFLUENCER, MASS, CHURNER], size=n, p=[1 - sum(shares), *shares]
    ).astype(np.int8)
    country = np.zeros(n, dtype=np.int16)
    for p in range(len(PLATFORMS)):
        sel = np.flatnonzero(platform == p)
        weights = np.full(len(COUNTRIES), 0.15 / len(COUNTRIES))
        homes = np.bincount(tracked.country[tracked.platform == p], minlength=len(COUNTRIES))
        if homes.sum():
            weights += 0.85 * homes / homes.sum()
        country[sel] = rng.choice(len(COUNTRIES), size=len(sel), p=weights / weights.sum())
    lang = LANG_OF_COUNTRY[country].copy()
    lang[rng.random(n) < 0.04] = LANGS.index("en")
    age = np.clip(lognormal(rng, 3 * 365, 0.7, n), 60, 20 * 365) * 86_400
    created = start - age.astype(np.int64)
    launch = np.where(platform == IG, LAUNCH[IG], LAUNCH[TW])
    created = np.maximum(created, launch + (rng.random(n) * 200 * 86_400).astype(np.int64))
    table.add(
        platform=platform,
        kind=kind,
        country=country,
        lang=lang,
        created_at=created,
        **base_columns(rng, kind, platform),
    )


def thin_accounts(
    rng: np.random.Generator,
    n: int,
    platform: int,
    kind: int,
    created_at: np.ndarray,
    camouflaged: np.ndarray,
    country: np.ndarray,
) -> dict[str, np.ndarray]:
    """Columns for bought or farm accounts; camouflaged rows look like ordinary users."""
    plat = np.full(n, platform, dtype=np.int8)
    kinds = np.full(n, kind, dtype=np.int8)
    cols = base_columns(rng, kinds, plat)
    cols["camouflaged"] = camouflaged
    c = camouflaged
    cols["default_avatar"] = np.where(c, False, cols["default_avatar"])
    cols["has_bio"] = np.where(c, True, cols["has_bio"])
    cols["posts"] = np.where(c, 10 + rng.integers(0, 110, n), cols["posts"])
    cols["followers"] = np.where(c, 30 + rng.integers(0, 300, n), cols["followers"])
    cols["post_rate"] = np.where(c, np.float32(0.2), cols["post_rate"]).astype(np.float32)
    return dict(
        platform=plat,
        kind=kinds,
        country=country.astype(np.int16),
        lang=LANG_OF_COUNTRY[country],
        created_at=created_at.astype(np.int64),
        **cols,
    )
