"""Per-account figures for the run summary and the audit report, read from the marts (set-based
SQL, one row per tracked account, latest day). orchestration.figures names and defines them;
the CLI and the report both print these rows, so their figures cannot differ."""

from __future__ import annotations

import duckdb

from orchestration.figures import COMPOSITION_CLASSES, window_days

# the engagement rates are averaged over the posts of the same trailing window (var
# active_window_days), bound as the parameter; days_of_data runs from the first dump date
ENGAGEMENT_SQL = """
with latest as (
    select *
    from marts.fct_engagement_daily
    qualify row_number() over (partition by platform, account_id order by date desc) = 1
),
spans as (
    select platform, account_id, min(date) as data_since, count(*) as days_of_data
    from marts.fct_engagement_daily
    group by all
),
recent_posts as (
    select
        p.platform, p.account_id,
        avg(p.engagement_rate) as engagement_rate_28d,
        avg(p.authentic_engagement_rate) as authentic_engagement_rate_28d
    from marts.fct_post_engagement as p
    inner join latest as l using (platform, account_id)
    where p.created_at >= l.date - (? - 1) * interval 1 day
    group by all
)
select
    coalesce(d.handle, l.account_id) as account, l.platform, l.account_id, l.date, l.followers,
    r.engagement_rate_28d, r.authentic_engagement_rate_28d, l.active_follower_ratio_28d,
    l.true_fans, l.dialog_accounts_90d, l.weak_tie_engagement_share_90d,
    l.weak_tie_share_of_shares_90d, s.data_since, s.days_of_data
from latest as l
join marts.dim_tracked_accounts as d using (platform, account_id)
join spans as s using (platform, account_id)
left join recent_posts as r using (platform, account_id)
order by l.followers desc
"""

# the composition's classes as counts of the same day's followers (shares x followers are
# whole numbers: each share is a count over followers)
_CLASS_COUNTS = ",\n    ".join(
    f"cast(round(l.{share} * l.followers) as bigint) as {cls}_followers"
    for cls, share in {
        **COMPOSITION_CLASSES,
        "suspicious_all": "suspicious_share",
        "off_market": "off_market_share",
    }.items()
)

AUTHENTICITY_SQL = f"""
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
    l.audience_quality_score, l.real_share, l.influencer_share, l.mass_follower_share,
    l.ghost_share, l.suspicious_share, l.bought_share, l.follow_churner_share,
    l.suspicious_class_share, l.off_market_share, l.estimated_bought_followers,
    l.unknown_share, l.profile_known_share,
    {_CLASS_COUNTS},
    coalesce(b.purchase_bursts, 0) as purchase_bursts, b.burst_dates,
    coalesce(f.like_farm_posts, 0) as like_farm_posts
from latest as l
join marts.dim_tracked_accounts as d using (platform, account_id)
left join bursts as b using (platform, account_id)
left join farm_posts as f using (platform, account_id)
order by l.followers desc
"""


def _rows(
    con: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None
) -> list[dict[str, object]]:
    cursor = con.execute(sql, params or [])
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def account_kpis(con: duckdb.DuckDBPyConnection) -> list[dict[str, object]]:
    """Engagement on the latest day: followers, the rates over the 28-day window's posts,
    active followers, true fans, dialog, and how many days of data there are."""
    return _rows(con, ENGAGEMENT_SQL, [window_days("active_window_days")])


def authenticity_kpis(con: duckdb.DuckDBPyConnection) -> list[dict[str, object]]:
    """Audience composition on the latest day (shares and counts of the exclusive classes,
    unknown followers included, the suspicious total), suspected purchase bursts and like-farm
    posts. The classes that need a profile are null where no follower profile is known."""
    return _rows(con, AUTHENTICITY_SQL)
