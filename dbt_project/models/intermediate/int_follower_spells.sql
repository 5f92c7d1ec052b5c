-- One row per period during which follower_id followed a tracked account: from a follow to the
-- next unfollow (null while it lasts). Days are day numbers of the UTC calendar: the follower
-- counts at the end of every day from first_day to last_day.
with

state_changes as (
    select * from {{ ref('int_follow_state_changes') }}
),

tracked as (
    select
        platform,
        account_id
    from {{ ref('stg_tracked_accounts') }}
),

ordered as (
    select
        state_changes.platform,
        state_changes.followee_id as account_id,
        state_changes.follower_id,
        state_changes.action,
        state_changes.event_at,
        state_changes.is_baseline,
        lead(state_changes.event_at) over (
            partition by state_changes.platform, state_changes.follower_id, state_changes.followee_id
            order by state_changes.event_at
        ) as next_change_at
    from state_changes
    inner join tracked
        on
            state_changes.platform = tracked.platform
            and state_changes.followee_id = tracked.account_id
),

spells as (
    select
        platform,
        account_id,
        follower_id,
        event_at as followed_at,
        next_change_at as unfollowed_at,
        is_baseline,
        {{ day_number('event_at') }} as first_day,
        coalesce({{ day_number('next_change_at') }} - 1, 2147483647) as last_day
    from ordered
    where action = 'follow'
)

select * from spells
