-- Accounts whose engagement does not count as authentic, one row per account: followers the
-- audit flags suspicious on any tracked account, and members of lockstep groups (like farms).
-- The engagement marts read only this model for `authentic_engagements` and
-- `suspicious_engager_share`.
with

flagged_followers as (
    select
        platform,
        follower_id as account_id,
        'suspicious follower: ' || audience_class as reason
    from {{ ref('int_follower_verdicts') }}
    where is_suspicious
),

lockstep_members as (
    select
        platform,
        actor_id as account_id,
        'lockstep ' || action_kind || ' group ' || group_id as reason
    from {{ ref('int_lockstep_members') }}
),

flags as (
    select * from flagged_followers
    union all
    select * from lockstep_members
),

final as (
    select
        platform,
        account_id,
        min(reason) as reason
    from flags
    group by platform, account_id
)

select * from final
