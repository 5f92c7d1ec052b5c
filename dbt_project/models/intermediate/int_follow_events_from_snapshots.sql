-- Follow/unfollow events derived by comparing each follower snapshot with the previous one of
-- the same account: present now but not before = follow, present before but not now = unfollow,
-- both dated at the later snapshot. Everyone in an account's first snapshot is a baseline
-- follow: the snapshot proves they followed on or before that moment, not when.
with

snapshots as (
    select * from {{ ref('stg_follower_snapshots') }}
),

snapshot_times as (
    select
        platform,
        followee_id,
        snapshot_at,
        lag(snapshot_at) over (
            partition by platform, followee_id order by snapshot_at
        ) as previous_snapshot_at
    from (select distinct
        platform,
        followee_id,
        snapshot_at
    from snapshots) as distinct_snapshots
),

current_members as (
    select
        snapshot_times.platform,
        snapshot_times.followee_id,
        snapshot_times.snapshot_at,
        snapshot_times.previous_snapshot_at,
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
        current_members.previous_snapshot_at is null as is_baseline
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
        false as is_baseline
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
