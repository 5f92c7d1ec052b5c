-- The events that change whether follower_id follows followee_id. A repeated follow (or a
-- repeated unfollow) changes nothing and is dropped; an unfollow with no follow before it in
-- the history is dropped too, since that follower was never counted.
with

events as (
    select * from {{ ref('int_follow_events') }}
),

sequenced as (
    select
        *,
        lag(action) over (
            partition by platform, follower_id, followee_id
            order by event_at, case when action = 'follow' then 0 else 1 end
        ) as previous_action
    from events
),

state_changes as (
    select
        platform,
        follower_id,
        followee_id,
        action,
        event_at,
        is_baseline,
        follow_source,
        case when action = 'follow' then 1 else -1 end as follower_delta
    from sequenced
    where action != coalesce(previous_action, 'unfollow')
)

select * from state_changes
