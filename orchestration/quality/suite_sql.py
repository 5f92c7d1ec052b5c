"""SQL of the suites' ``UnexpectedRowsExpectation``s: what only a query across runs/tables can say.

Each query returns the *unexpected* rows (none when the data is good). ``{batch}`` is the table
the suite validates (GE substitutes it); other tables are schema-qualified. All run inside
DuckDB; GE only counts the rows and fetches a bounded sample. Literal braces must be doubled.
"""

from __future__ import annotations

# Volume against previous runs: the newest dump date (of this table or of any entity in
# raw.load_log, so a day whose file is missing or unreadable counts as 0 rows) against the
# median of the previous (up to) 14 dump dates of this table. Needs 3 previous dump dates.
# It reads the whole table `table`, not only `{batch}`: a nightly run's batch is the one dump
# date it loaded (orchestration/defs/checks.py), and the history lies outside it. Counting rows
# per dump date reads one column, whatever the size; the batch's newest dump date is never
# newer than the table's, it is named so the query states which batch it belongs to.
VOLUME_HISTORY_DAYS = 14
VOLUME_MIN_HISTORY = 3
VOLUME_MIN_FRACTION = 0.1


def volume_drop(table: str) -> str:
    """The volume query of raw table `table` ("raw.follows")."""
    return f"""
with daily as (
  select _dump_date as dump_date, count(*) as row_count from {table} group by _dump_date
), newest as (
  select greatest(
    (select max(dump_date) from daily), (select max(dump_date) from raw.load_log),
    (select max(_dump_date) from {{batch}})
  ) as dump_date
), previous as (
  select daily.dump_date, daily.row_count from daily, newest
  where daily.dump_date < newest.dump_date
  order by daily.dump_date desc limit {VOLUME_HISTORY_DAYS}
), figures as (
  select
    newest.dump_date as newest_dump_date,
    coalesce((select row_count from daily where daily.dump_date = newest.dump_date), 0)
      as newest_rows,
    (select count(*) from previous) as previous_dump_dates,
    (select median(row_count) from previous) as previous_median_rows
  from newest
)
select *, round(newest_rows / previous_median_rows, 4) as ratio_to_median from figures
where previous_dump_dates >= {VOLUME_MIN_HISTORY}
  and newest_rows < {VOLUME_MIN_FRACTION} * previous_median_rows
"""


# Freshness: the mart must reach the newest dump date loaded into raw.
ENGAGEMENT_FRESHNESS = """
with mart as (
  select max(date) as newest_mart_date from {batch}
), dumps as (
  select max(dump_date) as newest_dump_date from (
    select max(_dump_date) as dump_date from raw.follows
    union all
    select max(_dump_date) from raw.follower_snapshots
  )
)
select newest_mart_date, newest_dump_date, newest_dump_date - newest_mart_date as days_behind
from mart, dumps
where newest_dump_date is not null
  and (newest_mart_date is null or newest_mart_date < newest_dump_date)
"""

# Reconciliation: end-of-day followers on each account's latest day = current followers
# in the authenticity mart (an account missing on one side counts as 0 there).
FOLLOWERS_VS_AUTHENTICITY = """
with latest as (
  select platform, account_id, date, followers from {batch}
  qualify row_number() over (partition by platform, account_id order by date desc) = 1
), authenticity as (
  select platform, account_id, count(*) filter (where is_current_follower) as current_followers
  from marts.fct_follower_authenticity
  group by platform, account_id
)
select
  coalesce(l.platform, a.platform) as platform,
  coalesce(l.account_id, a.account_id) as account_id,
  l.date, l.followers, a.current_followers
from latest l
full join authenticity a on a.platform = l.platform and a.account_id = l.account_id
where coalesce(l.followers, 0) != coalesce(a.current_followers, 0)
"""

# Reconciliation: both marts have one row per tracked account per day with the same followers.
AUDIENCE_FOLLOWERS_VS_ENGAGEMENT = """
select
  coalesce(q.platform, e.platform) as platform,
  coalesce(q.account_id, e.account_id) as account_id,
  coalesce(q.date, e.date) as date,
  q.followers as audience_quality_followers,
  e.followers as engagement_daily_followers
from {batch} q
full join marts.fct_engagement_daily e
  on e.platform = q.platform and e.account_id = q.account_id and e.date = q.date
where q.followers is distinct from e.followers
"""

# Reconciliation: a group's member_count = its rows in fct_lockstep_members (both directions).
LOCKSTEP_MEMBER_COUNT = """
with members as (
  select platform, group_id, count(*) as members
  from marts.fct_lockstep_members
  group by platform, group_id
)
select
  coalesce(g.platform, m.platform) as platform,
  coalesce(g.group_id, m.group_id) as group_id,
  g.member_count, m.members
from {batch} g
full join members m on m.platform = g.platform and m.group_id = g.group_id
where g.member_count is distinct from m.members
"""

# Reach sanity: more engagements than accounts reached means the dump under-reported reach
# (a rate below 0 would be a bug of ours: dbt's accepted_range says so).
REACH_SANITY = """
select platform, post_id, account_id, engagements, reach, engagement_rate_by_reach
from {batch}
where engagement_rate_by_reach > 1
"""
