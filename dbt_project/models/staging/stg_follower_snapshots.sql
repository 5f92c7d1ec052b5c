-- Complete follower lists, one row per (platform, followee_id, snapshot_at, follower_id).
-- Incremental like stg_interactions.

with

source as (
    select * from {{ source('raw', 'follower_snapshots') }}
    {% if is_incremental() %}
        where _dump_date >= {{ dump_date_window_start() }}
    {% endif %}
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
),

-- rows whose key was first delivered before the look-back window keep that first delivery
delivered_before_window as (
    {{ delivered_before_window({
        'platform': 'string', 'followee_id': 'string', 'snapshot_at': 'timestamp', 'follower_id': 'string',
    }) }}
),

final as (
    select deduplicated.*
    from deduplicated
    left join delivered_before_window
        on
            deduplicated.platform = delivered_before_window.platform
            and deduplicated.followee_id = delivered_before_window.followee_id
            and deduplicated.snapshot_at = delivered_before_window.snapshot_at
            and deduplicated.follower_id = delivered_before_window.follower_id
    where delivered_before_window.follower_id is null
)

select * from final
