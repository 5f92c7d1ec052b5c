-- Complete follower lists, one row per (platform, followee_id, snapshot_at, follower_id).
with

source as (
    select * from {{ source('raw', 'follower_snapshots') }}
),

deduplicated as (
    select
        platform,
        followee_id,
        snapshot_at,
        follower_id,
        min(_dump_date) as dump_date
    from source
    group by platform, followee_id, snapshot_at, follower_id
)

select * from deduplicated
