"""Scores of the authenticity marts against a truth, counted in DuckDB SQL.

Three truths: the generator's (`follower_roles.csv`, `purchases.csv`, `like_farm_posts.csv`,
`like_farm_actors.csv` of a truth folder) and real labelled followers (a labels CSV with
`dataset, platform, account_id, follower_id, is_fake`).

Zero denominators: precision, recall and F1 are 0.0 when undefined (no predicted or no true
positives), and MCC is 0.0 when any of the four margins is empty (the sklearn conventions).
Timestamps are compared as naive UTC (`TIMESTAMP`); the connection's TimeZone must be UTC,
which `orchestration.warehouse.connect` sets.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb

from evaluation.sources import (
    AUTHENTICITY,
    BURSTS,
    INTERACTIONS,
    LOCKSTEP_GROUPS,
    LOCKSTEP_MEMBERS,
    POSTS,
    interaction_kind_column,
    read_labels_csv,
    read_truth_csv,
    require_tables,
    utc,
)


@dataclass(frozen=True)
class ClassMetrics:
    """Confusion counts and scores of one binary classification (positive = inauthentic).

    `missing`: truth positives outside the scored universe (lockstep actors, farm posts), or,
    for real labels, labelled followers absent from the mart (counted as predicted authentic).
    """

    name: str
    tp: int
    fp: int
    fn: int
    tn: int
    precision: float
    recall: float
    f1: float
    mcc: float
    missing: int = 0

    @classmethod
    def from_counts(
        cls, name: str, tp: int, fp: int, fn: int, tn: int, missing: int = 0
    ) -> ClassMetrics:
        tp, fp, fn, tn = int(tp), int(fp), int(fn), int(tn)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        margins = (tp + fp) * (tp + fn) * (tn + fp) * (tn + fn)
        mcc = (tp * tn - fp * fn) / math.sqrt(margins) if margins else 0.0
        return cls(name, tp, fp, fn, tn, precision, recall, f1, mcc, int(missing))

    @property
    def support(self) -> int:
        return self.tp + self.fn

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "support": self.support}


@dataclass(frozen=True)
class BurstMetrics:
    """Follower purchases (truth) against bursts flagged `is_purchase_suspected`.

    Date errors are in hours (|burst_start − delivery_start|, best overlapping burst); `None`
    when no purchase was found. `share_within_24h` is over all purchases (None if none).
    """

    purchases: int
    found: int
    max_date_error_hours: float | None
    median_date_error_hours: float | None
    share_within_24h: float | None
    suspected_bursts: int
    false_bursts: int

    @property
    def recall(self) -> float:
        return self.found / self.purchases if self.purchases else 0.0

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "recall": self.recall}


def confusion(con: duckdb.DuckDBPyConnection, name: str, pairs_sql: str) -> ClassMetrics:
    """Counts over a query of (truth, predicted, missing) boolean rows.

    Rows flagged `missing` (outside the universe) are only counted in ClassMetrics.missing.
    """
    row = con.execute(
        f"""
        select
            count(*) filter (where not missing and truth and predicted),
            count(*) filter (where not missing and not truth and predicted),
            count(*) filter (where not missing and truth and not predicted),
            count(*) filter (where not missing and not truth and not predicted),
            count(*) filter (where missing)
        from ({pairs_sql}) as pairs
        """
    ).fetchone()
    assert row is not None
    return ClassMetrics.from_counts(name, *row)


def _follower_class(roles: str, role: str | tuple[str, ...], column: str) -> str:
    """Universe: relationships in the mart or in the truth; unknown ones count as negatives.
    `role` may be several roles (any of them is a positive)."""
    wanted = ", ".join(f"'{r}'" for r in ((role,) if isinstance(role, str) else role))
    return f"""
        with predicted as (
            select platform, account_id, follower_id, bool_or(coalesce({column}, false)) as p
            from {AUTHENTICITY} group by all
        ),
        truth as (
            select platform, account_id, follower_id, bool_or(role in ({wanted})) as t
            from {roles} group by all
        )
        select coalesce(t, false) as truth, coalesce(p, false) as predicted, false as missing
        from predicted full outer join truth using (platform, account_id, follower_id)
    """


def classification(con: duckdb.DuckDBPyConnection, truth_dir: Path) -> list[ClassMetrics]:
    """bought, follow_churner, suspicious (is_suspicious vs the inauthentic roles bought and
    follow_churner), like_farm_post, lockstep_actor."""
    require_tables(con, AUTHENTICITY, POSTS, LOCKSTEP_MEMBERS, LOCKSTEP_GROUPS, INTERACTIONS)
    truth_dir = Path(truth_dir)
    roles = read_truth_csv(truth_dir / "follower_roles.csv")
    farm_posts = read_truth_csv(truth_dir / "like_farm_posts.csv")
    farm_actors = read_truth_csv(truth_dir / "like_farm_actors.csv")
    kind = interaction_kind_column(con)
    out = [
        confusion(con, "bought", _follower_class(roles, "bought", "is_bought")),
        confusion(
            con, "follow_churner", _follower_class(roles, "follow_churner", "is_follow_churner")
        ),
        confusion(
            con,
            "suspicious",
            _follower_class(roles, ("bought", "follow_churner"), "is_suspicious"),
        ),
    ]
    posts_sql = f"""
        with universe as (
            select platform, post_id, bool_or(coalesce(is_like_farm_target, false)) as p
            from {POSTS} group by all
        ),
        truth as (select distinct platform, post_id from {farm_posts})
        select t.post_id is not null as truth, coalesce(u.p, false) as predicted,
               u.post_id is null as missing
        from universe as u full outer join truth as t using (platform, post_id)
    """
    actors_sql = f"""
        with universe as (
            select distinct platform, actor_id from {INTERACTIONS} where {kind} = 'like'
        ),
        truth as (select distinct platform, actor_id from {farm_actors}),
        members as (
            select distinct m.platform, m.actor_id
            from {LOCKSTEP_MEMBERS} as m
            inner join {LOCKSTEP_GROUPS} as g using (platform, group_id)
            where g.kind = 'like'
        )
        select t.actor_id is not null as truth, m.actor_id is not null as predicted,
               u.actor_id is null as missing
        from universe as u
        full outer join truth as t using (platform, actor_id)
        left join members as m using (platform, actor_id)
    """
    out.append(confusion(con, "like_farm_post", posts_sql))
    out.append(confusion(con, "lockstep_actor", actors_sql))
    return out


def purchase_bursts(con: duckdb.DuckDBPyConnection, truth_dir: Path) -> BurstMetrics:
    """Each follower purchase is found by a suspected burst overlapping its delivery ± 1 day."""
    require_tables(con, BURSTS)
    purchases = read_truth_csv(Path(truth_dir) / "purchases.csv")
    row = con.execute(
        f"""
        with purchases as (
            select purchase_id, platform, account_id,
                   {utc("delivery_start")} as ds, {utc("delivery_end")} as de
            from {purchases} where kind = 'followers'
        ),
        bursts as (
            select platform, account_id, cast(burst_start as timestamp) as bs,
                   cast(burst_end as timestamp) as be,
                   row_number() over (order by platform, account_id, burst_start, burst_end) as b
            from {BURSTS} where is_purchase_suspected
        ),
        matches as (
            select p.purchase_id, b.b,
                   abs(epoch(b.bs) - epoch(p.ds)) / 3600.0 as error_hours
            from purchases as p
            inner join bursts as b
                on b.platform = p.platform and b.account_id = p.account_id
                and b.bs <= p.de + interval 1 day and b.be >= p.ds - interval 1 day
        ),
        per_purchase as (
            select p.purchase_id, min(m.error_hours) as error_hours
            from purchases as p left join matches as m using (purchase_id)
            group by p.purchase_id
        )
        select
            (select count(*) from purchases),
            (select count(error_hours) from per_purchase),
            (select max(error_hours) from per_purchase),
            (select median(error_hours) from per_purchase),
            (select count(*) filter (where error_hours <= 24) from per_purchase),
            (select count(*) from bursts),
            (select count(*) from bursts where b not in (select b from matches))
        """
    ).fetchone()
    assert row is not None
    n, found, worst, median, within, suspected, false_bursts = row
    return BurstMetrics(
        purchases=int(n),
        found=int(found),
        max_date_error_hours=None if worst is None else float(worst),
        median_date_error_hours=None if median is None else float(median),
        share_within_24h=int(within) / int(n) if n else None,
        suspected_bursts=int(suspected),
        false_bursts=int(false_bursts),
    )


def real_labels(con: duckdb.DuckDBPyConnection, labels_csv: Path) -> list[ClassMetrics]:
    """Per dataset: is_suspicious against is_fake; followers absent from the mart are `missing`
    and count as predicted authentic."""
    require_tables(con, AUTHENTICITY)
    labels = read_labels_csv(Path(labels_csv))
    rows = con.execute(
        f"""
        with predicted as (
            select platform, account_id, follower_id, bool_or(coalesce(is_suspicious, false)) as p
            from {AUTHENTICITY} group by all
        )
        select
            l.dataset,
            count(*) filter (where l.is_fake and coalesce(m.p, false)),
            count(*) filter (where not l.is_fake and coalesce(m.p, false)),
            count(*) filter (where l.is_fake and not coalesce(m.p, false)),
            count(*) filter (where not l.is_fake and not coalesce(m.p, false)),
            count(*) filter (where m.follower_id is null)
        from {labels} as l
        left join predicted as m using (platform, account_id, follower_id)
        group by l.dataset
        order by l.dataset
        """
    ).fetchall()
    return [ClassMetrics.from_counts(*r) for r in rows]
