-- Follow and unfollow events as sent by the source, deduplicated (the same event delivered in
-- two files or two dumps counts once). Incremental like stg_interactions.

with

source as (
    select * from {{ source('raw', 'follows') }}
    {% if is_incremental() %}
        where _dump_date >= {{ dump_date_window_start() }}
    {% endif %}
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
),

-- rows whose key was first delivered before the look-back window keep that first delivery
delivered_before_window as (
    {{ delivered_before_window({
        'platform': 'string', 'follower_id': 'string', 'followee_id': 'string',
        'action': 'string', 'event_at': 'timestamp',
    }) }}
),

final as (
    select renamed.*
    from renamed
    left join delivered_before_window
        on
            renamed.platform = delivered_before_window.platform
            and renamed.follower_id = delivered_before_window.follower_id
            and renamed.followee_id = delivered_before_window.followee_id
            and renamed.action = delivered_before_window.action
            and renamed.event_at = delivered_before_window.event_at
    where delivered_before_window.follower_id is null
)

select * from final
