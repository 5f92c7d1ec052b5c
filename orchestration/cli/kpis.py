"""Per-account figures for the run summary, read from the marts (set-based SQL, one row per
tracked account, latest day)."""

from __future__ import annotations

import duckdb

ENGAGEMENT_SQL = """
with latest as (
    select *
    from marts.fct_engagement_daily
    qualify row_number() over (partition by platform, account_id order by date desc) = 1
),
recent_posts as (
    select p.platform, p.account_id, avg(p.engagement_rate) as engagement_rate_28d
    from marts.fct_post_engagement as p
    inner join latest as l using (platform, account_id)
    where p.created_at >= l.date - interval 27 day
    group by all
)
select
    coalesce(d.handle, l.account_id) as account, l.platform, l.account_id, l.date, l.followers,
    r.engagement_rate_28d, l.active_follower_ratio_28d, l.true_fans, l.ghost_share,
    l.dialog_accounts_90d
from latest as l
join marts.dim_tracked_accounts as d using (platform, account_id)
left join recent_posts as r using (platform, account_id)
order by l.followers desc
"""

AUTHENTICITY_SQL = """
with latest as (
    select *
    from marts.fct_audience_quality
    qualify row_number() over (partition by platform, account_id order by date desc) = 1
),
bursts as (
    select
        platform, account_id,
        count(*) as purchase_bursts,
        string_agg(strftime(burst_start, '%m-%d'), ', ' order by burst_start) as burst_dates
    from marts.fct_follower_bursts
    where is_purchase_suspected
    group by all
),
farm_posts as (
    select platform, account_id, count(*) as like_farm_posts
    from marts.fct_post_engagement
    where is_like_farm_target
    group by all
)
select
    coalesce(d.handle, l.account_id) as account, l.platform, l.account_id, l.date, l.followers,
    l.audience_quality_score, l.real_share, l.suspicious_share, l.bought_share,
    l.follow_churner_share, l.estimated_bought_followers,
    coalesce(b.purchase_bursts, 0) as purchase_bursts, b.burst_dates,
    coalesce(f.like_farm_posts, 0) as like_farm_posts
from latest as l
join marts.dim_tracked_accounts as d using (platform, account_id)
left join bursts as b using (platform, account_id)
left join farm_posts as f using (platform, account_id)
order by l.followers desc
"""


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, object]]:
    cursor = con.execute(sql)
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def account_kpis(con: duckdb.DuckDBPyConnection) -> list[dict[str, object]]:
    """Engagement on the latest day: followers, 28-day rate, active, true fans, ghosts, dialog."""
    return _rows(con, ENGAGEMENT_SQL)


def authenticity_kpis(con: duckdb.DuckDBPyConnection) -> list[dict[str, object]]:
    """Audience quality on the latest day, suspected purchase bursts and like-farm posts."""
    return _rows(con, AUTHENTICITY_SQL)
