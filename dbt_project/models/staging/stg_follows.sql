-- Follow and unfollow events as sent by the source, deduplicated (the same event delivered in
-- two files or two dumps counts once).
with

source as (
    select * from {{ source('raw', 'follows') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by platform, follower_id, followee_id, action, event_at
            order by _dump_date, _source_file, _source_row
        ) as row_rank
    from source
),

renamed as (
    select
        platform,
        follower_id,
        followee_id,
        action,
        event_at,
        _dump_date as dump_date
    from ranked
    where row_rank = 1
)

select * from renamed
