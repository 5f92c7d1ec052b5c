"""Detection per kind of follower purchase: burst or drip delivery, aged accounts or fresh ones.

The kind of a purchase is `delivery` (`burst` | `drip`) with `-aged` appended when its vendor
sold aged accounts (`is_aged`), as the generator's `purchases.csv` records them. Per kind:

- found: purchases with a suspected burst (`is_purchase_suspected`) overlapping the delivery
  ± 1 day and starting within 24 h of the delivery start (the goal "found and dated within 1
  day"); `max_date_error_hours` is over the purchases with an overlapping burst.
- bought: `is_bought` against the followers delivered by purchases of that kind. The universe
  is every relationship (mart or truth) of the tracked accounts that made a purchase of that
  kind, less the followers bought by purchases of other kinds; so a false positive of an
  account with purchases of two kinds counts in both.

A truth written before the kinds were recorded (no `delivery` column) gives no rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from evaluation.metrics import ClassMetrics
from evaluation.sources import (
    AUTHENTICITY,
    BURSTS,
    read_truth_csv,
    require_tables,
    truth_header,
    utc,
)


@dataclass(frozen=True)
class KindMetrics:
    kind: str
    purchases: int
    found: int
    max_date_error_hours: float | None
    bought: ClassMetrics

    def as_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "purchases": self.purchases,
            "found": self.found,
            "max_date_error_hours": self.max_date_error_hours,
            "bought": self.bought.as_dict(),
        }


def purchase_kinds(con: duckdb.DuckDBPyConnection, truth_dir: Path) -> list[KindMetrics]:
    """One row per purchase kind present in the truth, ordered by kind."""
    require_tables(con, AUTHENTICITY, BURSTS)
    path = Path(truth_dir) / "purchases.csv"
    if not path.is_file() or "delivery" not in truth_header(path):
        return []
    purchases = read_truth_csv(path)
    roles = read_truth_csv(Path(truth_dir) / "follower_roles.csv")
    rows = con.execute(
        f"""
        with purchases as (
            select purchase_id, platform, account_id,
                   delivery || case when cast(is_aged as boolean) then '-aged' else '' end
                       as purchase_kind,
                   {utc("delivery_start")} as ds, {utc("delivery_end")} as de
            from {purchases} where kind = 'followers'
        ),
        bursts as (
            select platform, account_id, cast(burst_start as timestamp) as bs,
                   cast(burst_end as timestamp) as be
            from {BURSTS} where is_purchase_suspected
        ),
        per_purchase as (
            select p.purchase_id, p.purchase_kind,
                   min(abs(epoch(b.bs) - epoch(p.ds)) / 3600.0) as error_hours
            from purchases as p
            left join bursts as b
                on b.platform = p.platform and b.account_id = p.account_id
                and b.bs <= p.de + interval 1 day and b.be >= p.ds - interval 1 day
            group by p.purchase_id, p.purchase_kind
        ),
        found as (
            select purchase_kind, count(*) as n,
                   count(*) filter (where error_hours <= 24) as found,
                   max(error_hours) as max_error
            from per_purchase group by purchase_kind
        ),
        kind_accounts as (select distinct purchase_kind, platform, account_id from purchases),
        predicted as (
            select platform, account_id, follower_id, bool_or(coalesce(is_bought, false)) as p
            from {AUTHENTICITY} group by all
        ),
        truth as (
            select r.platform, r.account_id, r.follower_id, max(p.purchase_kind) as bought_kind
            from {roles} as r
            left join purchases as p on r.role = 'bought' and p.purchase_id = r.purchase_id
            group by all
        ),
        pairs as (
            select platform, account_id, t.bought_kind, coalesce(m.p, false) as predicted
            from predicted as m full outer join truth as t
                using (platform, account_id, follower_id)
        ),
        scored as (
            select k.purchase_kind, coalesce(x.bought_kind = k.purchase_kind, false) as truth,
                   x.predicted
            from kind_accounts as k
            inner join pairs as x using (platform, account_id)
            where x.bought_kind is null or x.bought_kind = k.purchase_kind
        ),
        counts as (
            select purchase_kind,
                   count(*) filter (where truth and predicted) as tp,
                   count(*) filter (where not truth and predicted) as fp,
                   count(*) filter (where truth and not predicted) as fn,
                   count(*) filter (where not truth and not predicted) as tn
            from scored group by purchase_kind
        )
        select f.purchase_kind, f.n, f.found, f.max_error,
               coalesce(c.tp, 0), coalesce(c.fp, 0), coalesce(c.fn, 0), coalesce(c.tn, 0)
        from found as f left join counts as c using (purchase_kind)
        order by f.purchase_kind
        """
    ).fetchall()
    return [
        KindMetrics(
            kind=str(kind),
            purchases=int(n),
            found=int(found),
            max_date_error_hours=None if worst is None else float(worst),
            bought=ClassMetrics.from_counts(f"bought {kind}", tp, fp, fn, tn),
        )
        for kind, n, found, worst, tp, fp, fn, tn in rows
    ]
