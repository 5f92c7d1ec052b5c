-- The events that change whether follower_id follows followee_id. A repeated follow (or a
-- repeated unfollow) changes nothing and is dropped; an unfollow with no follow before it in
-- the history is dropped too, since that follower was never counted.
--
-- A follow and an unfollow of the same pair at the same instant (a crawl that stamps every
-- event with the crawl time) are one moment: the follow is taken first, so the pair ends that
-- instant unfollowed and the unfollow stands for both. Keeping both made a spell of no length
-- whose end int_follower_spells could not order against its start (ties in event_at), so
-- the pair could stay a current follower while the counts had it gone.
with

events as (
    select * from {{ ref('int_follow_events') }}
),

ranked_in_instant as (
    select
        *,
        row_number() over (
            partition by platform, follower_id, followee_id, event_at
            order by case when action = 'unfollow' then 0 else 1 end
        ) as rank_in_instant
    from events
),

last_of_instant as (
    select
        platform,
        follower_id,
        followee_id,
        action,
        event_at,
        is_baseline,
        follow_source
    from ranked_in_instant
    where rank_in_instant = 1
),

sequenced as (
    select
        *,
        lag(action) over (
            partition by platform, follower_id, followee_id
            order by event_at
        ) as previous_action
    from last_of_instant
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
