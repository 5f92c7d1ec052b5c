-- All follow/unfollow events, whatever the source sent. An account whose followers arrive as
-- events uses the events; an account known only through snapshots uses the derived events.
-- (When a source sends both for the same account, the events win: they carry exact times.)
with

event_rows as (
    select * from {{ ref('stg_follows') }}
),

snapshot_events as (
    select * from {{ ref('int_follow_events_from_snapshots') }}
),

event_sourced_followees as (
    select distinct
        platform,
        followee_id
    from event_rows
),

from_events as (
    select
        platform,
        follower_id,
        followee_id,
        action,
        event_at,
        false as is_baseline,
        'events' as follow_source
    from event_rows
),

from_snapshots as (
    select
        snapshot_events.platform,
        snapshot_events.follower_id,
        snapshot_events.followee_id,
        snapshot_events.action,
        snapshot_events.event_at,
        snapshot_events.is_baseline,
        'snapshots' as follow_source
    from snapshot_events
    left join event_sourced_followees
        on
            snapshot_events.platform = event_sourced_followees.platform
            and snapshot_events.followee_id = event_sourced_followees.followee_id
    where event_sourced_followees.followee_id is null
)

select * from from_events
union all
select * from from_snapshots
