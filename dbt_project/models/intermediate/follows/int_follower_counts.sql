-- Followers of each tracked account right after each moment its follower count changed.
-- change_seq numbers those moments per account, so a later lookup can find "the last change at
-- or before t" with a running max instead of an engine-specific ASOF join.
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

net_by_moment as (
    select
        state_changes.platform,
        state_changes.followee_id as account_id,
        state_changes.event_at as changed_at,
        sum(state_changes.follower_delta) as net_change
    from state_changes
    inner join tracked
        on
            state_changes.platform = tracked.platform
            and state_changes.followee_id = tracked.account_id
    group by state_changes.platform, state_changes.followee_id, state_changes.event_at
),

final as (
    select
        platform,
        account_id,
        changed_at,
        row_number() over (partition by platform, account_id order by changed_at) as change_seq,
        sum(net_change) over (
            partition by platform, account_id
            order by changed_at
            rows between unbounded preceding and current row
        ) as followers_after
    from net_by_moment
)

select * from final
