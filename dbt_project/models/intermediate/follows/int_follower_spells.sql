-- One row per period during which follower_id followed account_id (any pair in the follow
-- data: tracked accounts' followers and their follow-backs): from a follow to the next unfollow
-- (null while it lasts). Days are day numbers of the UTC calendar: the follower counts at the
-- end of every day from first_day to last_day.
with

state_changes as (
    select * from {{ ref('int_follow_state_changes') }}
),

ordered as (
    select
        platform,
        followee_id as account_id,
        follower_id,
        action,
        event_at,
        is_baseline,
        follow_source,
        lead(event_at) over (
            partition by platform, follower_id, followee_id
            order by event_at
        ) as next_change_at
    from state_changes
),

spells as (
    select
        platform,
        account_id,
        follower_id,
        event_at as followed_at,
        next_change_at as unfollowed_at,
        is_baseline,
        follow_source,
        {{ day_number('event_at') }} as first_day,
        coalesce({{ day_number('next_change_at') }} - 1, 2147483647) as last_day
    from ordered
    where action = 'follow'
)

select * from spells
