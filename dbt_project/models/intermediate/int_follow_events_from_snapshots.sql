-- Follow/unfollow events derived by comparing each follower snapshot with the previous one of
-- the same account: present now but not before = follow, present before but not now = unfollow,
-- both dated at the later snapshot. Everyone in an account's first snapshot is a baseline
-- follow: the snapshot proves they followed on or before that moment, not when.
--
-- Incremental: a run compares only the snapshots touched by its dump dates (and the snapshot
-- after each, whose previous one may have changed) with their previous snapshot, so a nightly
-- run reads two snapshots per account, not the year. `snapshots_to_compare` (macros/) deletes
-- the events of those snapshots first; `dump_date` is the newest dump date that delivered
-- rows of the later snapshot. A table built before `dump_date` existed gets the column empty,
-- so its next run compares every snapshot again (append_new_columns): no manual full refresh.
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='append_new_columns',
        pre_hook="{{ delete_events_of_compared_snapshots() }}",
    )
}}

with

all_snapshot_times as (
    {{ snapshots_to_compare() }}
),

snapshot_times as (
    select * from all_snapshot_times
    where is_compared
),

snapshots as (
    select stg_follower_snapshots.*
    from {{ ref('stg_follower_snapshots') }} as stg_follower_snapshots
    {% if is_incremental() %}
        -- the members of the compared snapshots and of their previous snapshots
        inner join (
            select platform, followee_id, snapshot_at from snapshot_times
            union
            select platform, followee_id, previous_snapshot_at from snapshot_times
        ) as needed
            on
                stg_follower_snapshots.platform = needed.platform
                and stg_follower_snapshots.followee_id = needed.followee_id
                and stg_follower_snapshots.snapshot_at = needed.snapshot_at
    {% endif %}
),

current_members as (
    select
        snapshot_times.platform,
        snapshot_times.followee_id,
        snapshot_times.snapshot_at,
        snapshot_times.previous_snapshot_at,
        snapshot_times.dump_date,
        snapshots.follower_id
    from snapshot_times
    inner join snapshots
        on
            snapshot_times.platform = snapshots.platform
            and snapshot_times.followee_id = snapshots.followee_id
            and snapshot_times.snapshot_at = snapshots.snapshot_at
),

previous_members as (
    select
        snapshot_times.platform,
        snapshot_times.followee_id,
        snapshot_times.snapshot_at,
        snapshot_times.dump_date,
        snapshots.follower_id
    from snapshot_times
    inner join snapshots
        on
            snapshot_times.platform = snapshots.platform
            and snapshot_times.followee_id = snapshots.followee_id
            and snapshot_times.previous_snapshot_at = snapshots.snapshot_at
),

follows as (
    select
        current_members.platform,
        current_members.follower_id,
        current_members.followee_id,
        'follow' as action,
        current_members.snapshot_at as event_at,
        current_members.previous_snapshot_at is null as is_baseline,
        current_members.dump_date
    from current_members
    left join previous_members
        on
            current_members.platform = previous_members.platform
            and current_members.followee_id = previous_members.followee_id
            and current_members.snapshot_at = previous_members.snapshot_at
            and current_members.follower_id = previous_members.follower_id
    where previous_members.follower_id is null
),

unfollows as (
    select
        previous_members.platform,
        previous_members.follower_id,
        previous_members.followee_id,
        'unfollow' as action,
        previous_members.snapshot_at as event_at,
        false as is_baseline,
        previous_members.dump_date
    from previous_members
    left join current_members
        on
            previous_members.platform = current_members.platform
            and previous_members.followee_id = current_members.followee_id
            and previous_members.snapshot_at = current_members.snapshot_at
            and previous_members.follower_id = current_members.follower_id
    where current_members.follower_id is null
)

select * from follows
union all
select * from unfollows
