"""The engagement marts, recomputed independently from the landing files and compared exactly.

Generated dumps go through the whole pipeline (Dagster → DuckDB → dbt). Separately, plain DuckDB
SQL reads the landing files themselves (`<landing>/<entity>/<YYYY-MM-DD>/*`, every contract
format) and recomputes, from the definitions below, what `marts.fct_post_engagement` and
`marts.fct_engagement_daily` must hold. Neither the warehouse's raw, staging or intermediate
tables nor the dbt models' SQL are used: the only thing read from the warehouse is the marts.

Definitions (all times UTC; a timestamp without offset is UTC; an integer is Unix seconds):
- Tracked accounts: the rows of the latest `tracked_accounts` dump.
- Follow history: the `follows` events whose followee is the account if there is any; otherwise
  events derived from consecutive `follower_snapshots` (the first snapshot is a baseline of
  follows). Identical events count once; per (follower, followee), events ordered by time
  (follow first at equal times) keep only state changes.
- Calendar: every day from the first to the last dump date of `follows` / `follower_snapshots`.
- Posts: latest dump wins per (platform, post_id); tracked authors only. Interactions: one per
  (platform, interaction_id), or per (platform, post_id, actor_id, kind, created_at) without an
  id; on tracked posts, by actors other than the author. Engagement families: like = applause;
  comment, reply = conversation; share, repost, quote = amplification; save; click and mention
  are not engagements.

The simulator never writes some of the cases these rules are about (clicks, duplicates,
redundant events, windows' edges), so a few contract-valid CSV files are added to the landing
tree before the pipeline runs (see EDGE_FILES); the last test checks that they take effect.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.pipeline import run_pipeline
from orchestration.settings import Settings
from simulator import SimConfig, generate

pytestmark = pytest.mark.slow

CONFIG = SimConfig(seed=23, tracked=3, accounts=3_000, days=10)
REL_TOL = 1e-9

# The contract columns each recomputation needs, per landing entity (all read as text).
LANDING_COLUMNS: dict[str, tuple[str, ...]] = {
    "tracked_accounts": ("platform", "account_id"),
    "follows": ("platform", "follower_id", "followee_id", "action", "event_at"),
    "follower_snapshots": ("platform", "followee_id", "follower_id", "snapshot_at"),
    "posts": ("platform", "post_id", "account_id", "created_at"),
    "interactions": ("platform", "post_id", "actor_id", "kind", "created_at", "interaction_id"),
}


# --------------------------------------------------------------------------- landing readers


def _quote(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _file_source(con: duckdb.DuckDBPyConnection, path: Path, columns: tuple[str, ...]) -> str:
    """A `select` of `columns` (as text, null when absent) from one landing file of any format."""
    name, literal = path.name, _quote(str(path))
    if name.endswith((".jsonl", ".jsonl.gz")):
        # explicit columns: keys missing from a line (jsonl.gz omits nulls) read as null
        spec = ", ".join(f"{_quote(c)}: 'varchar'" for c in columns)
        source = f"read_json({literal}, format = 'newline_delimited', columns = {{{spec}}})"
    elif name.endswith((".csv", ".csv.gz")):
        source = (
            f"read_csv({literal}, header = true, all_varchar = true, "
            "delim = ',', quote = '\"', escape = '\"')"
        )
    elif name.endswith(".parquet"):
        source = f"read_parquet({literal})"
    else:
        raise AssertionError(f"unexpected landing file {path}")
    present = {row[0] for row in con.execute(f"describe select * from {source}").fetchall()}
    select = ", ".join(
        f"cast({c} as varchar) as {c}" if c in present else f"null::varchar as {c}" for c in columns
    )
    return f"select {select} from {source}"


def load_landing(con: duckdb.DuckDBPyConnection, landing: Path) -> None:
    """Create one table `landing_<entity>` per entity: every file's rows, as text, plus the
    dump date from its folder name; and `dump_dates(entity, dump_date)` from the folders."""
    folders: list[str] = []
    for entity, columns in LANDING_COLUMNS.items():
        parts = []
        for folder in sorted(p for p in (landing / entity).iterdir() if p.is_dir()):
            folders.append(f"({_quote(entity)}, date {_quote(folder.name)})")
            for path in sorted(p for p in folder.iterdir() if p.is_file()):
                select = _file_source(con, path, columns)
                parts.append(f"select *, date {_quote(folder.name)} as dump_date from ({select})")
        assert parts, f"no landing files for {entity}"
        con.execute(f"create table landing_{entity} as " + "\nunion all\n".join(parts))
    con.execute(
        "create table dump_dates as select * from (values "
        + ", ".join(folders)
        + ") t(entity, dump_date)"
    )


# --------------------------------------------------------------------------- recomputation

# Landing timestamp text to an instant: integer Unix seconds, or ISO 8601 (offset or `Z`; none
# means UTC, the session time zone). Native Parquet timestamps arrive as their UTC text.
UTC_TS_MACRO = """
create macro utc_ts(v) as
    case
        when regexp_full_match(trim(v), '-?[0-9]+') then to_timestamp(trim(v)::bigint)
        else trim(v)::timestamptz
    end
"""

TRACKED_SQL = """
create table tracked as
with rows as (
    select lower(platform) as platform, account_id, dump_date
    from landing_tracked_accounts
    where platform is not null and account_id is not null
)
select distinct platform, account_id
from rows
where dump_date = (select max(dump_date) from rows)
"""

FOLLOW_EVENTS_SQL = """
create table follow_events as
with follows as (
    select lower(platform) as platform, follower_id, followee_id, lower(action) as action,
           utc_ts(event_at) as event_at
    from landing_follows
    where platform is not null and follower_id is not null and followee_id is not null
      and action is not null and event_at is not null
),
event_sourced as (
    select distinct platform, followee_id from follows
),
from_follows as (
    select f.platform, f.follower_id, f.followee_id, f.action, f.event_at
    from follows f
    join tracked t on t.platform = f.platform and t.account_id = f.followee_id
),
snapshots as (
    select distinct lower(s.platform) as platform, s.followee_id, s.follower_id,
           utc_ts(s.snapshot_at) as snapshot_at
    from landing_follower_snapshots s
    join tracked t on t.platform = lower(s.platform) and t.account_id = s.followee_id
    where s.follower_id is not null and s.snapshot_at is not null
      and not exists (
          select 1 from event_sourced e
          where e.platform = lower(s.platform) and e.followee_id = s.followee_id
      )
),
snapshot_times as (
    select platform, followee_id, snapshot_at,
           lag(snapshot_at) over (partition by platform, followee_id order by snapshot_at)
               as previous_at
    from (select distinct platform, followee_id, snapshot_at from snapshots)
),
appeared as (  -- in this snapshot but not in the previous one (all of the first: baseline)
    select s.platform, s.follower_id, s.followee_id, 'follow' as action,
           s.snapshot_at as event_at
    from snapshots s
    join snapshot_times st using (platform, followee_id, snapshot_at)
    where st.previous_at is null
       or not exists (
           select 1 from snapshots p
           where p.platform = s.platform and p.followee_id = s.followee_id
             and p.follower_id = s.follower_id and p.snapshot_at = st.previous_at
       )
),
disappeared as (  -- in the previous snapshot but not in this one
    select p.platform, p.follower_id, p.followee_id, 'unfollow' as action,
           st.snapshot_at as event_at
    from snapshot_times st
    join snapshots p
      on p.platform = st.platform and p.followee_id = st.followee_id
     and p.snapshot_at = st.previous_at
    where not exists (
        select 1 from snapshots s
        where s.platform = p.platform and s.followee_id = p.followee_id
          and s.follower_id = p.follower_id and s.snapshot_at = st.snapshot_at
    )
)
select distinct * from (
    select * from from_follows
    union all select * from appeared
    union all select * from disappeared
)
"""

# The state after any event is its action, so an event changes the state exactly when its
# action differs from the previous event's (before the first event: not following). A follow
# and an unfollow of one pair at the same instant leave it unfollowed: the unfollow stands.
STATE_CHANGES_SQL = """
create table state_changes as
with last_of_instant as (
    select * from follow_events
    qualify row_number() over (
        partition by platform, follower_id, followee_id, event_at
        order by case action when 'unfollow' then 0 else 1 end
    ) = 1
),
ordered as (
    select *,
           lag(action) over (
               partition by platform, follower_id, followee_id order by event_at
           ) as previous_action
    from last_of_instant
)
select platform, followee_id as account_id, follower_id, action, event_at,
       case action when 'follow' then 1 else -1 end as delta
from ordered
where action != coalesce(previous_action, 'unfollow')
"""

# From the first dump date of follow data to the last one or, if later, the UTC day of the last
# follower change (the contract accepts timestamps up to a day past their dump date).
CALENDAR_SQL = """
create table calendar as
with bounds as (
    select min(dump_date) as first_day,
           greatest(
               max(dump_date),
               (select max(cast(timezone('UTC', event_at) as date)) from state_changes)
           ) as last_day
    from dump_dates
    where entity in ('follows', 'follower_snapshots')
)
select cast(unnest(generate_series(first_day, last_day, interval 1 day)) as date) as date
from bounds
"""

# One row per (day, tracked account, follower) following at the end of the day: state changes
# alternate follow/unfollow starting with a follow, so their sum is 1 exactly when following.
FOLLOWING_DAILY_SQL = """
create table following_daily as
select c.date, sc.platform, sc.account_id, sc.follower_id
from calendar c
join state_changes sc on sc.event_at < cast(c.date + 1 as timestamptz)
group by all
having sum(sc.delta) = 1
"""

POSTS_SQL = """
create table posts as
with latest as (
    select lower(platform) as platform, post_id, account_id, utc_ts(created_at) as created_at
    from landing_posts
    where platform is not null and post_id is not null and account_id is not null
      and created_at is not null
    qualify row_number() over (
        partition by lower(platform), post_id
        order by dump_date desc, account_id, created_at
    ) = 1
),
tracked_posts as (
    select l.* from latest l join tracked t using (platform, account_id)
)
select p.platform, p.post_id, p.account_id, p.created_at,
       (select sum(sc.delta) from state_changes sc
        where sc.platform = p.platform and sc.account_id = p.account_id
          and sc.event_at <= p.created_at) as followers_at_post
from tracked_posts p
"""

INTERACTIONS_SQL = """
create table interactions as
with rows as (
    select lower(platform) as platform, post_id, actor_id, lower(kind) as kind,
           utc_ts(created_at) as created_at, interaction_id
    from landing_interactions
    where platform is not null and post_id is not null and actor_id is not null
      and kind is not null and created_at is not null
),
with_id as (
    select * from rows
    where interaction_id is not null
    qualify row_number() over (
        partition by platform, interaction_id order by created_at, post_id, actor_id, kind
    ) = 1
),
derived_id as (  -- no id: the row's own columns are the key, identical rows count once
    select distinct * from rows where interaction_id is null
)
select i.platform, i.post_id, p.account_id, i.actor_id, i.kind, i.created_at, i.interaction_id,
       cast(i.created_at as date) as day,
       case
           when i.kind = 'like' then 'applause'
           when i.kind in ('comment', 'reply') then 'conversation'
           when i.kind in ('share', 'repost', 'quote') then 'amplification'
           when i.kind = 'save' then 'save'
       end as family
from (select * from with_id union all select * from derived_id) i
join posts p using (platform, post_id)
where i.actor_id != p.account_id
"""

POST_ENGAGEMENT_SQL = """
create table expected_post_engagement as
with counts as (
    select p.platform, p.post_id, p.account_id, p.created_at, p.followers_at_post,
           count(*) filter (where i.family = 'applause') as likes,
           count(*) filter (where i.family = 'conversation') as comments,
           count(*) filter (where i.family = 'amplification') as shares,
           count(*) filter (where i.family is not null) as engagements,
           count(distinct i.actor_id) filter (where i.family is not null) as unique_engagers
    from posts p
    left join interactions i using (platform, post_id)
    group by all
)
select *, engagements / nullif(followers_at_post, 0) as engagement_rate
from counts
"""

ENGAGEMENT_DAILY_SQL = """
create table expected_engagement_daily as
with account_days as (
    select t.platform, t.account_id, c.date
    from tracked t cross join calendar c
),
followers as (
    select ad.platform, ad.account_id, ad.date, count(fd.follower_id) as followers
    from account_days ad
    left join following_daily fd using (platform, account_id, date)
    group by all
),
day_posts as (
    select f.platform, f.account_id, f.date, f.followers,
           count(pe.post_id) as posts,
           coalesce(sum(pe.likes), 0) as likes,
           coalesce(sum(pe.comments), 0) as comments,
           coalesce(sum(pe.shares), 0) as shares,
           coalesce(sum(pe.engagements), 0) as engagements,
           avg(pe.engagement_rate) as engagement_rate
    from followers f
    left join expected_post_engagement pe
      on pe.platform = f.platform and pe.account_id = f.account_id
     and cast(pe.created_at as date) = f.date
    group by all
),
active as (  -- current followers with any interaction on the account's posts in [D-27, D]
    select fd.platform, fd.account_id, fd.date, count(*) as active_followers_28d
    from following_daily fd
    where exists (
        select 1 from interactions i
        where i.platform = fd.platform and i.account_id = fd.account_id
          and i.actor_id = fd.follower_id and i.day between fd.date - 27 and fd.date
    )
    group by all
),
fan_days as (  -- distinct engagement days of each current follower in [D-89, D]
    select fd.platform, fd.account_id, fd.date, fd.follower_id,
           count(distinct i.day) as engaged_days
    from following_daily fd
    join interactions i
      on i.platform = fd.platform and i.account_id = fd.account_id
     and i.actor_id = fd.follower_id and i.family is not null
     and i.day between fd.date - 89 and fd.date
    group by all
),
fans as (
    select platform, account_id, date, count(*) as true_fans
    from fan_days
    where engaged_days >= 4
    group by all
)
select d.*,
       d.comments / nullif(d.posts, 0) as conversation_rate,
       d.shares / nullif(d.posts, 0) as amplification_rate,
       d.likes / nullif(d.posts, 0) as applause_rate,
       coalesce(a.active_followers_28d, 0) as active_followers_28d,
       coalesce(a.active_followers_28d, 0) / nullif(d.followers, 0)
           as active_follower_ratio_28d,
       coalesce(f.true_fans, 0) as true_fans
from day_posts d
left join active a using (platform, account_id, date)
left join fans f using (platform, account_id, date)
"""

RECOMPUTATION = (
    UTC_TS_MACRO,
    TRACKED_SQL,
    FOLLOW_EVENTS_SQL,
    STATE_CHANGES_SQL,
    CALENDAR_SQL,
    FOLLOWING_DAILY_SQL,
    POSTS_SQL,
    INTERACTIONS_SQL,
    POST_ENGAGEMENT_SQL,
    ENGAGEMENT_DAILY_SQL,
)


# --------------------------------------------------------------------------- edge cases

# The simulator writes no clicks or mentions, no duplicate rows and no redundant events, so a
# few contract-valid extra files are added to the landing tree before the pipeline runs. Each
# query yields the rows of one file and its dump-date `folder`. Timestamps: `iso` Z text,
# `naive` ISO text without offset (UTC by contract), `unix` integer seconds.

EDGE_TIMESTAMP_TEXT = {
    "iso": "strftime({}, '%Y-%m-%dT%H:%M:%SZ')",
    "naive": "strftime({}, '%Y-%m-%dT%H:%M:%S')",
    "unix": "cast(epoch({}) as bigint)",
}

# Clicks and mentions (not engagements) by followers who never interacted with the account,
# on its last post created before the calendar's last day: they make followers active.
EDGE_NON_ENGAGEMENTS_SQL = """
with quiet as (
    select fd.platform, fd.account_id, fd.follower_id,
           row_number() over (partition by fd.platform, fd.account_id order by fd.follower_id)
               as n
    from following_daily fd
    where fd.date = (select max(date) from calendar)
      and not exists (
          select 1 from interactions i
          where i.platform = fd.platform and i.account_id = fd.account_id
            and i.actor_id = fd.follower_id
      )
),
last_post as (
    select platform, account_id, arg_max(post_id, created_at) as post_id,
           max(created_at) as created_at
    from posts
    where cast(created_at as date) < (select max(date) from calendar)
    group by all
)
select q.platform, p.post_id, q.follower_id as actor_id,
       case when q.n <= 3 then 'click' else 'mention' end as kind,
       p.created_at + to_minutes(q.n) as created_at,
       cast(p.created_at + to_minutes(q.n) as date) as folder
from quiet q
join last_post p using (platform, account_id)
where q.n <= 5
"""

# Id-less likes delivered again in another file, timestamps as Unix seconds: the derived key
# is the same instant, so each must count once.
EDGE_REDELIVERED_LIKES_SQL = """
select platform, post_id, actor_id, kind, created_at, (select max(date) from calendar) as folder
from interactions
where interaction_id is null and kind = 'like'
order by platform, post_id, actor_id
limit 10
"""

# Interactions with an id delivered again (same id, same values): each must count once.
EDGE_REDELIVERED_IDS_SQL = """
select platform, post_id, actor_id, kind, created_at, interaction_id,
       (select max(date) from calendar) as folder
from interactions
where interaction_id is not null
order by platform, interaction_id
limit 5
"""

# Follow events of event-sourced accounts, timestamps without offset: identical copies of
# existing events; a redundant follow of a follower already following (no state change); an
# unfollow by an engager who never followed (dropped); a follower whose unfollow and
# re-follow share one instant, listed unfollow first: follow sorts first, so the re-follow is
# redundant and the unfollow ends the relationship; and a new follow at the very instant of
# the account's last post (counted in its followers_at_post).
EDGE_FOLLOWS_SQL = """
with event_sourced as (
    select distinct t.platform, t.account_id
    from tracked t
    join landing_follows f on lower(f.platform) = t.platform and f.followee_id = t.account_id
),
day_start as (
    select min(date) as first_day from calendar
),
last_post as (
    select platform, account_id, max(created_at) as created_at
    from posts
    group by all
),
loyal as (  -- following on every calendar day
    select *, row_number() over (partition by platform, account_id order by follower_id) as n
    from (
        select platform, account_id, follower_id
        from following_daily
        join event_sourced using (platform, account_id)
        group by all
        having count(*) = (select count(*) from calendar)
    )
),
strangers as (  -- engagers who never had a follow event
    select i.platform, i.account_id, min(i.actor_id) as actor_id, max(i.actor_id) as newcomer
    from interactions i
    join event_sourced using (platform, account_id)
    where not exists (
        select 1 from follow_events e
        where e.platform = i.platform and e.followee_id = i.account_id
          and e.follower_id = i.actor_id
    )
    group by all
),
copies as (
    select e.platform, e.follower_id, e.followee_id, e.action, e.event_at
    from follow_events e
    join event_sourced s on s.platform = e.platform and s.account_id = e.followee_id
    where e.event_at >= (select first_day from day_start)
    qualify row_number() over (
        partition by e.platform, e.followee_id order by e.event_at, e.follower_id
    ) <= 5
),
rows as (
    select * from copies
    union all
    select platform, follower_id, account_id, 'follow',
           cast((select first_day from day_start) + 4 as timestamptz) + interval 12 hour
    from loyal where n = 1
    union all
    select platform, follower_id, account_id, action,
           cast((select first_day from day_start) + 5 as timestamptz) + interval 10 hour
    from loyal, (values ('unfollow'), ('follow')) a(action)
    where n = 2
    union all
    select platform, actor_id, account_id, 'unfollow',
           cast((select first_day from day_start) + 2 as timestamptz) + interval 8 hour
    from strangers
    union all
    select s.platform, s.newcomer, s.account_id, 'follow', p.created_at
    from strangers s
    join last_post p using (platform, account_id)
)
select *, cast(event_at as date) as folder from rows
"""

# A post of every tracked account from 100 days before the calendar: its likes by otherwise
# silent long-time followers sit on the edges of the 28- and 90-day windows of the first days.
EDGE_OLD_POSTS_SQL = """
select platform, '99' || account_id as post_id, account_id,
       cast((select min(date) from calendar) - 100 as timestamptz) + interval 9 hour
           as created_at,
       'post' as kind,
       (select min(date) from calendar) as folder
from tracked
"""

# Likes on the old post, at noon of these days relative to the first calendar day D0 (n = the
# n-th silent long-time follower): 1: D0-27 (active on D0 only); 2: D0-28 (never active);
# 3: D0-90, -89, -60, -30 (3 days in the 90-day window: no true fan); 4: D0-89, -60, -30, -1
# (true fan on D0, not on D0+1).
EDGE_OLD_LIKES_SQL = """
with silent as (
    select *, row_number() over (partition by platform, account_id order by follower_id desc)
        as n
    from (
        select platform, account_id, follower_id
        from following_daily fd
        where not exists (
            select 1 from interactions i
            where i.platform = fd.platform and i.account_id = fd.account_id
              and i.actor_id = fd.follower_id
        )
        group by all
        having count(*) = (select count(*) from calendar)
    )
),
plan(n, days_before) as (
    values (1, 27), (2, 28), (3, 90), (3, 89), (3, 60), (3, 30), (4, 89), (4, 60), (4, 30),
           (4, 1)
)
select s.platform, '99' || s.account_id as post_id, s.follower_id as actor_id, 'like' as kind,
       cast((select min(date) from calendar) - plan.days_before as timestamptz)
           + interval 12 hour as created_at,
       (select min(date) from calendar) as folder
from silent s
join plan using (n)
"""

# The first post of every tracked account delivered again in the last dump, created a day
# later: the latest dump wins, so the post moves to the next day.
EDGE_MOVED_POSTS_SQL = """
select platform, post_id, account_id, created_at + interval 1 day as created_at,
       (select max(date) from calendar) as folder
from posts
where cast(created_at as date) >= (select min(date) from calendar)
qualify row_number() over (partition by platform, account_id order by created_at) = 1
"""

# The author's own like, comment and click on its last post: never counted.
EDGE_AUTHOR_SQL = """
select p.platform, p.post_id, p.account_id as actor_id, k.kind,
       p.created_at + interval 2 hour as created_at,
       (select max(date) from calendar) as folder
from posts p, (values ('like'), ('comment'), ('click')) k(kind)
qualify row_number() over (
    partition by p.platform, p.account_id, k.kind order by p.created_at desc
) = 1
"""

# An account tracked in an earlier dump only (the busiest other author): no longer tracked.
EDGE_RETIRED_SQL = """
select lower(platform) as platform, account_id, 'Retired' as name,
       (select min(dump_date) from dump_dates where entity = 'tracked_accounts') as folder
from landing_posts
where (lower(platform), account_id) not in (select (platform, account_id) from tracked)
group by all
order by count(*) desc, platform, account_id
limit 1
"""

EDGE_FILES = (
    ("interactions", "edge-non-engagements", EDGE_NON_ENGAGEMENTS_SQL, "created_at", "iso"),
    ("interactions", "edge-redelivered-likes", EDGE_REDELIVERED_LIKES_SQL, "created_at", "unix"),
    ("interactions", "edge-redelivered-ids", EDGE_REDELIVERED_IDS_SQL, "created_at", "iso"),
    ("follows", "edge-follows", EDGE_FOLLOWS_SQL, "event_at", "naive"),
    ("posts", "edge-old-posts", EDGE_OLD_POSTS_SQL, "created_at", "iso"),
    ("interactions", "edge-old-likes", EDGE_OLD_LIKES_SQL, "created_at", "iso"),
    ("posts", "edge-moved-posts", EDGE_MOVED_POSTS_SQL, "created_at", "unix"),
    ("interactions", "edge-author", EDGE_AUTHOR_SQL, "created_at", "iso"),
    ("tracked_accounts", "edge-retired", EDGE_RETIRED_SQL, None, None),
)


def recompute(landing: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB holding the landing files and every recomputed table."""
    db = duckdb.connect()
    db.execute("set TimeZone = 'UTC'")
    load_landing(db, landing)
    for statement in RECOMPUTATION:
        db.execute(statement)
    return db


def add_edge_cases(landing: Path) -> None:
    """Write every EDGE_FILES query as CSV files `<entity>/<folder>/<stem>.csv`, chosen from
    the recomputation of the generated files (deterministic: same seed, same bytes)."""
    db = recompute(landing)
    try:
        for entity, stem, query, ts_column, ts_style in EDGE_FILES:
            db.execute(f"create or replace temp table edge as {query}")
            columns = [c for c in db.table("edge").columns if c != "folder"]
            assert db.execute("select count(*) from edge").fetchall()[0][0] > 0, stem
            text = EDGE_TIMESTAMP_TEXT[ts_style].format(ts_column) if ts_style else ""
            select = ", ".join(f"{text} as {c}" if c == ts_column else c for c in columns)
            for (folder,) in db.execute("select distinct folder from edge order by 1").fetchall():
                path = landing / entity / folder.isoformat() / f"{stem}.csv"
                assert path.parent.is_dir(), path
                db.execute(
                    f"copy (select {select} from edge where folder = date '{folder}' "
                    f"order by all) to {_quote(str(path))} (header, delimiter ',')"
                )
    finally:
        db.close()


# --------------------------------------------------------------------------- comparison


@dataclass(frozen=True)
class Comparison:
    """Expected table vs mart on `keys`: `exact` columns must be equal (nulls included),
    `approx` columns equal within REL_TOL relative. `epoch` columns are timestamps compared
    as Unix seconds, whatever their timestamp type."""

    expected: str
    mart: str
    keys: tuple[str, ...]
    exact: tuple[str, ...] = ()
    approx: tuple[str, ...] = ()
    epoch: tuple[str, ...] = ()


def _side(table: str, c: Comparison) -> str:
    """A select of the compared columns of one side, timestamps as epoch seconds."""
    cols = [*c.keys, *c.exact, *c.approx]
    cols += [f"epoch({col}) as {col}" for col in c.epoch]
    return f"select {', '.join(cols)} from {table}"


def row_differences(con: duckdb.DuckDBPyConnection, c: Comparison) -> dict[str, list]:
    """Rows only expected, rows only in the mart, and rows whose values differ (≤ 20 each)."""
    on = " and ".join(f"e.{k} = m.{k}" for k in c.keys)
    keys = ", ".join(f"coalesce(e.{k}, m.{k}) as {k}" for k in c.keys)
    different = [f"e.{col} is distinct from m.{col}" for col in (*c.exact, *c.epoch)]
    different += [
        f"((e.{col} is null) != (m.{col} is null) or abs(e.{col} - m.{col}) > "
        f"{REL_TOL} * greatest(abs(e.{col}), abs(m.{col})))"
        for col in c.approx
    ]
    pairs = ", ".join(
        f"e.{col} as exp_{col}, m.{col} as mart_{col}" for col in (*c.exact, *c.epoch, *c.approx)
    )
    e_key, m_key = f"e.{c.keys[0]}", f"m.{c.keys[0]}"
    query = f"""
        with e as ({_side(c.expected, c)}),
        m as ({_side(c.mart, c)}),
        joined as (select {keys}, {e_key} is not null as in_e, {m_key} is not null as in_m,
                          {" or ".join(different) or "false"} as differs, {pairs}
                   from e full outer join m on {on})
        select * from joined where not in_e or not in_m or differs
        order by all limit 60
    """
    rel = con.execute(query)
    names = [d[0] for d in rel.description]
    rows = [dict(zip(names, row, strict=True)) for row in rel.fetchall()]
    return {
        "only_expected": [r for r in rows if not r["in_m"]][:20],
        "only_in_mart": [r for r in rows if not r["in_e"]][:20],
        "values_differ": [r for r in rows if r["in_e"] and r["in_m"]][:20],
    }


def assert_same(con: duckdb.DuckDBPyConnection, c: Comparison) -> None:
    """Same row count, same keys, same values; the message lists the first differences."""
    (n_expected,) = con.execute(f"select count(*) from {c.expected}").fetchall()[0]
    (n_mart,) = con.execute(f"select count(*) from {c.mart}").fetchall()[0]
    diff = row_differences(con, c)
    assert n_expected > 0
    assert n_expected == n_mart and not any(diff.values()), (
        f"{c.mart}: {n_mart} rows, {n_expected} expected; differences: {diff}"
    )


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def con(tmp_path_factory) -> Iterator[duckdb.DuckDBPyConnection]:
    """The pipeline's marts attached read-only as `wh`, next to the independent recomputation."""
    base = tmp_path_factory.mktemp("engagement")
    landing, truth, warehouse = base / "landing", base / "truth", base / "warehouse.duckdb"
    generate(CONFIG, landing, truth, progress=False)
    add_edge_cases(landing)
    settings = Settings(
        landing=landing, warehouse=warehouse, threads=2, memory_limit="2GB", docs=False
    )
    summary = run_pipeline(settings, instance=dg.DagsterInstance.ephemeral())
    assert summary.success, summary.checks_failed

    db = recompute(landing)
    db.execute(f"attach {_quote(str(warehouse))} as wh (read_only)")
    yield db
    db.close()


POST_KEYS = ("platform", "post_id")
DAY_KEYS = ("platform", "account_id", "date")


# --------------------------------------------------------------------------- tests


def test_tracked_accounts_match_the_latest_dump(con) -> None:
    assert_same(
        con, Comparison("tracked", "wh.marts.dim_tracked_accounts", ("platform", "account_id"))
    )
    (n,) = con.execute("select count(*) from tracked").fetchone()
    assert n == CONFIG.tracked


def test_post_engagement_equals_the_recomputation(con) -> None:
    assert_same(
        con,
        Comparison(
            "expected_post_engagement",
            "wh.marts.fct_post_engagement",
            POST_KEYS,
            exact=(
                "account_id",
                "followers_at_post",
                "likes",
                "comments",
                "shares",
                "engagements",
                "unique_engagers",
            ),
            approx=("engagement_rate",),
            epoch=("created_at",),
        ),
    )


def test_daily_followers_equal_the_recomputation(con) -> None:
    assert_same(
        con,
        Comparison(
            "expected_engagement_daily",
            "wh.marts.fct_engagement_daily",
            DAY_KEYS,
            exact=("followers",),
        ),
    )
    # the brute-force follower set agrees with the running sum of state changes
    (bad,) = con.execute(
        """
        select count(*) from expected_engagement_daily d
        where d.followers != (
            select coalesce(sum(sc.delta), 0) from state_changes sc
            where sc.platform = d.platform and sc.account_id = d.account_id
              and sc.event_at < cast(d.date + 1 as timestamptz)
        )
        """
    ).fetchone()
    assert bad == 0


def test_daily_post_engagement_equals_the_recomputation(con) -> None:
    assert_same(
        con,
        Comparison(
            "expected_engagement_daily",
            "wh.marts.fct_engagement_daily",
            DAY_KEYS,
            exact=("posts", "likes", "comments", "shares", "engagements"),
            approx=("engagement_rate", "conversation_rate", "amplification_rate", "applause_rate"),
        ),
    )


def test_active_followers_and_true_fans_equal_the_recomputation(con) -> None:
    assert_same(
        con,
        Comparison(
            "expected_engagement_daily",
            "wh.marts.fct_engagement_daily",
            DAY_KEYS,
            exact=("active_followers_28d", "true_fans"),
            approx=("active_follower_ratio_28d",),
        ),
    )


def test_the_comparison_is_not_vacuous(con) -> None:
    posts, engaged_posts, rated_posts = con.execute(
        """
        select count(*), count(*) filter (where engagements > 0),
               count(*) filter (where engagement_rate > 0)
        from wh.marts.fct_post_engagement
        """
    ).fetchone()
    assert posts > 20 and engaged_posts > posts // 2 and rated_posts > 0
    days, post_days, active_days, fan_days = con.execute(
        """
        select count(*), count(*) filter (where posts > 0),
               count(*) filter (where active_followers_28d > 0),
               count(*) filter (where true_fans > 0)
        from wh.marts.fct_engagement_daily
        """
    ).fetchone()
    assert days == CONFIG.tracked * CONFIG.days
    assert 0 < post_days < days and active_days > 0 and fan_days > 0


def test_the_edge_cases_reached_the_recomputation(con) -> None:
    """The added files take effect: otherwise the rules they probe would go untested."""
    families = {r[0] for r in con.execute("select distinct family from interactions").fetchall()}
    assert families == {"applause", "conversation", "amplification", "save", None}
    repeated_ids, repeated_rows, by_authors = con.execute(
        """
        select
            (select count(*) from (
                select platform, interaction_id from landing_interactions
                where interaction_id is not null group by all having count(*) > 1)),
            (select count(*) from (
                select platform, post_id, actor_id, kind, utc_ts(created_at)
                from landing_interactions
                where interaction_id is null group by all having count(*) > 1)),
            (select count(*) from landing_interactions i
             join posts p on p.platform = i.platform and p.post_id = i.post_id
             where i.actor_id = p.account_id)
        """
    ).fetchone()
    assert repeated_ids > 0 and repeated_rows > 0 and by_authors > 0
    events, changes = con.execute(
        "select (select count(*) from follow_events), (select count(*) from state_changes)"
    ).fetchone()
    assert changes < events  # redundant follows and the orphan unfollow
    # the old post's likes make exactly one true fan of every account on the first day only
    fans = con.execute(
        """
        select date, list(true_fans order by platform, account_id)
        from expected_engagement_daily
        where date < (select min(date) + 2 from calendar)
        group by all
        order by date
        """
    ).fetchall()
    assert [f[1] for f in fans] == [[1] * CONFIG.tracked, [0] * CONFIG.tracked]
    (old_posts,) = con.execute(
        "select count(*) from posts where created_at < (select min(date) from calendar)"
    ).fetchone()
    assert old_posts >= CONFIG.tracked
