"""The simulator's adversary knobs (aged accounts, drip deliveries, bought likes) and the
per-kind purchase metrics of `truefans evaluate` on a hand-made truth / mart pair."""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

import duckdb
import numpy as np
import pytest
from test_evaluate_metrics import build_truth, build_warehouse  # the full hand-made mart set

from evaluation.command import evaluate_warehouse
from evaluation.purchase_kinds import purchase_kinds
from orchestration.warehouse import connection
from simulator import generate
from simulator.audience import DAY
from simulator.config import BOUGHT, SimConfig
from simulator.engagement import LIKE, Engine
from simulator.runner import build_world

BASE = SimConfig(seed=11, tracked=2, accounts=800, days=12, buyers=1.0, purchases_per_buyer=2)
YEAR = 365 * DAY


def _bought(w, p_number: int) -> tuple[np.ndarray, np.ndarray]:
    """(followers, follow times) delivered by follower purchase number p_number."""
    p = [x for x in w.purchases if x.kind == "followers"][p_number]
    e = w.audiences[p.account].e
    sel = e.purchase == p_number
    return e.follower[sel], e.follow_at[sel]


def test_aged_vendor_sells_old_camouflaged_accounts() -> None:
    w = build_world(replace(BASE, aged_bought_share=1.0))
    followers = [p for p in w.purchases if p.kind == "followers"]
    assert followers and all(p.aged for p in followers)
    for i, p in enumerate(followers):
        who, _ = _bought(w, i)
        assert len(who) == p.size
        age = p.delivery_start - w.acc.created_at[who]
        assert age.min() >= 0.5 * YEAR - DAY  # created long before the purchase
        assert np.ptp(w.acc.created_at[who]) > 30 * DAY  # spread out, no creation cluster
        assert w.acc.camouflaged[who].all() and (w.acc.kind[who] == BOUGHT).all()
        assert not w.acc.default_avatar[who].any() and w.acc.has_bio[who].all()
        assert np.median(w.acc.posts[who]) >= 20 and np.median(w.acc.followers[who]) >= 50
    fresh = build_world(BASE)  # the default vendor: accounts made days before delivery
    p = next(x for x in fresh.purchases if x.kind == "followers")
    assert not p.aged
    who, _ = _bought(fresh, 0)
    assert (p.delivery_start - fresh.acc.created_at[who]).max() < 10 * DAY


def test_drip_days_spreads_the_delivery_over_that_many_days() -> None:
    w = build_world(replace(BASE, slow_drip=1.0, drip_days=4.0))
    followers = [p for p in w.purchases if p.kind == "followers"]
    assert followers and all(p.delivery == "drip" for p in followers)
    for i, p in enumerate(followers):
        _, at = _bought(w, i)
        days = np.unique((at - at.min()) // DAY)
        assert 3 * DAY <= p.delivery_end - p.delivery_start <= 4 * DAY
        assert set(days.tolist()) >= {0, 1, 2, 3}  # every day of the drip delivers
    burst = build_world(BASE)
    assert all(
        p.delivery == "burst" and p.delivery_end - p.delivery_start <= 6 * 3_600
        for p in burst.purchases
        if p.kind == "followers"
    )


def test_bought_followers_like_a_post_or_two_of_the_buyer_after_delivery() -> None:
    cfg = replace(BASE, bought_like_rate=0.5)
    w = build_world(cfg)
    likes = w.bought_likes
    assert len(likes.post) > 0
    bought = np.zeros(w.acc.size, dtype=bool)
    for p_number, p in enumerate(x for x in w.purchases if x.kind == "followers"):
        who, at = _bought(w, p_number)
        bought[who] = True
        mine = np.isin(likes.actor, who)
        assert (w.posts.tracked[likes.post[mine]] == p.account).all()  # the buyer's posts
        follow_at = dict(zip(who.tolist(), at.tolist(), strict=True))
        after = [
            w.posts.created_at[post] > follow_at[a]
            for post, a in zip(likes.post[mine].tolist(), likes.actor[mine].tolist(), strict=True)
        ]
        assert all(after)
        assert 0 < len(np.unique(likes.actor[mine])) <= 0.75 * len(who)  # about half of them
    assert bought[likes.actor].all()
    per_actor = np.bincount(np.unique(likes.actor, return_inverse=True)[1])
    assert per_actor.max() <= 2 and (likes.created_at > w.posts.created_at[likes.post]).all()
    # the engine merges them into the interactions, as likes
    engine = Engine(cfg, w.tracked, w.acc, w.audiences, w.posts, w.post_counters, w.farm, likes)
    released = [engine.release(d)[0] for d in range(cfg.days)]
    rows = [r for r in released if r is not None]
    actors = np.concatenate([r.actor[r.kind == LIKE] for r in rows])
    inside = likes.created_at < cfg.end_ts
    assert np.isin(likes.actor[inside], actors).all()
    assert len(build_world(BASE).bought_likes.post) == 0  # default: bought accounts never like


def test_truth_rows_carry_the_purchase_kind(tmp_path: Path) -> None:
    cfg = replace(BASE, seed=14, days=8, slow_drip=0.5, aged_bought_share=0.5, drip_days=2.0)
    generate(cfg, tmp_path / "landing", tmp_path / "truth", progress=False)
    with (tmp_path / "truth" / "purchases.csv").open() as f:
        rows = list(csv.DictReader(f))
    followers = [r for r in rows if r["kind"] == "followers"]
    assert followers and all(r["delivery"] in ("burst", "drip") for r in followers)
    assert all(r["is_aged"] in ("true", "false") for r in followers)
    assert all(r["delivery"] == "" and r["is_aged"] == "" for r in rows if r["kind"] == "likes")
    w = build_world(cfg)
    expected = [
        (p.purchase_id, p.delivery, str(p.aged).lower())
        for p in w.purchases
        if p.kind == "followers"
    ]
    assert [(r["purchase_id"], r["delivery"], r["is_aged"]) for r in followers] == expected
    kinds = {(r["delivery"], r["is_aged"]) for r in followers}  # this seed has three kinds
    assert kinds == {("burst", "false"), ("burst", "true"), ("drip", "false")}


def test_knobs_are_validated() -> None:
    for bad in ({"drip_days": -1.0}, {"aged_bought_share": 1.5}, {"bought_like_rate": -0.1}):
        with pytest.raises(ValueError):
            SimConfig(**bad)  # type: ignore[arg-type]


# ---- evaluation per purchase kind, on a hand-made truth / mart pair ----

PURCHASES = [  # purchase_id, platform, account_id, kind, delivery_start, end, delivery, is_aged
    (
        "P1",
        "instagram",
        "A",
        "followers",
        "2026-01-05T10:00:00Z",
        "2026-01-05T14:00:00Z",
        "burst",
        "false",
    ),
    (
        "P2",
        "instagram",
        "A",
        "followers",
        "2026-01-10T00:00:00Z",
        "2026-01-14T00:00:00Z",
        "drip",
        "true",
    ),
    (
        "P3",
        "twitter",
        "B",
        "followers",
        "2026-01-10T00:00:00Z",
        "2026-01-13T00:00:00Z",
        "drip",
        "true",
    ),
    ("P4", "twitter", "B", "likes", "2026-01-15T00:00:00Z", "2026-01-15T02:00:00Z", "", ""),
]
BURSTS = [  # platform, account_id, burst_start, burst_end, is_purchase_suspected
    ("instagram", "A", "2026-01-05 12:00", "2026-01-05 18:00", True),  # P1, 2 h
    ("instagram", "A", "2026-01-11 06:00", "2026-01-12 00:00", True),  # P2, 30 h: not dated
    ("twitter", "B", "2026-01-10 01:00", "2026-01-10 05:00", False),  # P3: not suspected
]
ROLES = [  # platform, account_id, follower_id, role, purchase_id
    ("instagram", "A", "a1", "bought", "P1"),
    ("instagram", "A", "a2", "bought", "P1"),
    ("instagram", "A", "a3", "bought", "P2"),
    ("instagram", "A", "a4", "bought", "P2"),
    ("instagram", "A", "a5", "fan", ""),
    ("instagram", "A", "a6", "ghost", ""),
    ("twitter", "B", "b1", "bought", "P3"),
    ("twitter", "B", "b2", "fan", ""),
    ("twitter", "C", "c1", "fan", ""),  # no purchase on C: outside every kind
]
MART = [  # platform, account_id, follower_id, is_bought
    ("instagram", "A", "a1", True),
    ("instagram", "A", "a2", False),
    ("instagram", "A", "a3", True),
    ("instagram", "A", "a5", True),
    ("instagram", "A", "a7", False),  # not in the truth: a negative
    ("twitter", "B", "b1", True),
    ("twitter", "B", "b2", True),
    ("twitter", "C", "c1", True),
]


def _hand_made(tmp_path: Path) -> tuple[Path, Path]:
    warehouse = tmp_path / "w.duckdb"
    con = duckdb.connect(str(warehouse))
    con.execute("create schema marts")
    con.execute(
        "create table marts.fct_follower_authenticity (platform varchar, account_id varchar, "
        "follower_id varchar, is_bought boolean)"
    )
    con.executemany("insert into marts.fct_follower_authenticity values (?, ?, ?, ?)", MART)
    con.execute(
        "create table marts.fct_follower_bursts (platform varchar, account_id varchar, "
        "burst_start timestamp, burst_end timestamp, is_purchase_suspected boolean)"
    )
    con.executemany("insert into marts.fct_follower_bursts values (?, ?, ?, ?, ?)", BURSTS)
    con.close()
    truth = tmp_path / "truth"
    truth.mkdir()
    header = (
        "purchase_id,platform,account_id,kind,size,delivery_start,delivery_end,delivery,is_aged"
    )
    lines = [",".join((*p[:4], "2", *p[4:])) for p in PURCHASES]
    (truth / "purchases.csv").write_text("\n".join([header, *lines]) + "\n")
    header = (
        "platform,account_id,follower_id,role,purchase_id,is_camouflaged,first_followed_at,"
        "is_follower_at_end"
    )
    lines = [",".join((*r, "false", "2026-01-01T00:00:00Z", "true")) for r in ROLES]
    (truth / "follower_roles.csv").write_text("\n".join([header, *lines]) + "\n")
    return warehouse, truth


def test_purchase_kinds_found_and_bought_per_kind(tmp_path: Path) -> None:
    warehouse, truth = _hand_made(tmp_path)
    with connection(warehouse, read_only=True) as con:
        kinds = {k.kind: k for k in purchase_kinds(con, truth)}
    assert list(kinds) == ["burst", "drip-aged"]
    burst, drip = kinds["burst"], kinds["drip-aged"]
    assert (burst.purchases, burst.found, burst.max_date_error_hours) == (1, 1, 2.0)
    assert (drip.purchases, drip.found, drip.max_date_error_hours) == (2, 0, 30.0)
    # burst: account A less P2's followers: a1 tp, a2 fn, a5 fp, a6 / a7 tn
    b = burst.bought
    assert (b.tp, b.fp, b.fn, b.tn) == (1, 1, 1, 2)
    assert (b.precision, b.recall, b.f1) == (0.5, 0.5, 0.5)
    # drip-aged: A less P1's (a3 tp, a4 fn, a5 fp, a6 / a7 tn) and B (b1 tp, b2 fp); C out
    d = drip.bought
    assert (d.tp, d.fp, d.fn, d.tn) == (2, 2, 1, 2)
    assert d.precision == pytest.approx(0.5) and d.recall == pytest.approx(2 / 3)
    assert d.f1 == pytest.approx(4 / 7)


def test_old_truth_without_kinds_gives_no_rows(tmp_path: Path) -> None:
    warehouse, truth = _hand_made(tmp_path)
    path = truth / "purchases.csv"
    old = [",".join(line.split(",")[:7]) for line in path.read_text().splitlines()]
    path.write_text("\n".join(old) + "\n")
    with connection(warehouse, read_only=True) as con:
        assert purchase_kinds(con, truth) == []


def test_evaluate_warehouse_reports_purchase_kinds(tmp_path: Path) -> None:
    warehouse = build_warehouse(tmp_path / "w.duckdb", [])
    truth = build_truth(tmp_path / "truth")
    path = truth / "purchases.csv"
    lines = path.read_text().splitlines()
    extra = {"followers": ",burst,false", "likes": ",,"}
    body = [line + extra[line.split(",")[3]] for line in lines[1:]]
    path.write_text("\n".join([lines[0] + ",delivery,is_aged", *body]) + "\n")
    result = evaluate_warehouse(warehouse, truth)
    (row,) = result["purchase_kinds"]
    assert row["kind"] == "burst" and row["purchases"] == 3
    assert set(row["bought"]) >= {"precision", "recall", "f1", "support"}
