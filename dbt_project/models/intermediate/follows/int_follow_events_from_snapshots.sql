-- Follow/unfollow events derived by comparing each follower snapshot with the previous one of
-- the same account: present now but not before = follow, present before but not now = unfollow,
-- both dated at the later snapshot. Everyone in an account's first snapshot is a baseline
-- follow: the snapshot proves they followed on or before that moment, not when.
--
-- Set-based without comparing snapshot to snapshot: each follower's presence in an account's
-- numbered snapshots is cut into runs of consecutive snapshots. A run's first snapshot is a
-- follow, the snapshot after its last one an unfollow. Most followers are present in one run,
-- found by a group-by (count = last - first + 1); only the followers with gaps are ordered
-- snapshot by snapshot. (Anti-joining each snapshot's members with the previous snapshot's
-- spilled more than the disk held at L: 313M snapshot rows, docs/benchmarks.md.)
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

compared_times as (
    select * from all_snapshot_times
    where is_compared
),

-- the compared snapshots and the snapshot before each (all of them on a full build)
needed_times as (
    select
        platform,
        followee_id,
        snapshot_at,
        snapshot_number
    from compared_times
    union
    select
        platform,
        followee_id,
        previous_snapshot_at as snapshot_at,
        snapshot_number - 1 as snapshot_number
    from compared_times
    where previous_snapshot_at is not null
),

members as (
    select
        snapshots.platform,
        snapshots.followee_id,
        snapshots.follower_id,
        needed_times.snapshot_number
    from {{ ref('stg_follower_snapshots') }} as snapshots
    inner join needed_times
        on
            snapshots.platform = needed_times.platform
            and snapshots.followee_id = needed_times.followee_id
            and snapshots.snapshot_at = needed_times.snapshot_at
),

presence as (
    select
        platform,
        followee_id,
        follower_id,
        count(*) as snapshot_count,
        min(snapshot_number) as first_number,
        max(snapshot_number) as last_number
    from members
    group by platform, followee_id, follower_id
),

-- followers whose presence has gaps: their snapshots one by one, each run of consecutive
-- snapshots keyed by snapshot_number minus the snapshot's rank (constant within a run)
gapped_members as (
    select
        members.platform,
        members.followee_id,
        members.follower_id,
        members.snapshot_number,
        members.snapshot_number - row_number() over (
            partition by members.platform, members.followee_id, members.follower_id
            order by members.snapshot_number
        ) as run_key
    from members
    inner join presence
        on
            members.platform = presence.platform
            and members.followee_id = presence.followee_id
            and members.follower_id = presence.follower_id
    where presence.snapshot_count < presence.last_number - presence.first_number + 1
),

-- runs of consecutive snapshots, one row each: a gapless follower's presence is one run
runs as (
    select
        platform,
        followee_id,
        follower_id,
        first_number as start_number,
        last_number as end_number
    from presence
    where snapshot_count = last_number - first_number + 1
    union all
    select
        platform,
        followee_id,
        follower_id,
        min(snapshot_number) as start_number,
        max(snapshot_number) as end_number
    from gapped_members
    group by platform, followee_id, follower_id, run_key
),

follows as (
    select
        runs.platform,
        runs.follower_id,
        runs.followee_id,
        'follow' as action,
        compared_times.snapshot_at as event_at,
        compared_times.previous_snapshot_at is null as is_baseline,
        compared_times.dump_date
    from runs
    inner join compared_times
        on
            runs.platform = compared_times.platform
            and runs.followee_id = compared_times.followee_id
            and runs.start_number = compared_times.snapshot_number
),

unfollows as (
    select
        runs.platform,
        runs.follower_id,
        runs.followee_id,
        'unfollow' as action,
        compared_times.snapshot_at as event_at,
        false as is_baseline,
        compared_times.dump_date
    from runs
    inner join compared_times
        on
            runs.platform = compared_times.platform
            and runs.followee_id = compared_times.followee_id
            and runs.end_number + 1 = compared_times.snapshot_number
)

select * from follows
union all
select * from unfollows
